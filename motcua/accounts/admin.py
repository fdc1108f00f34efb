from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Agency, ApiToken, RoleAssignment, User

#: Django names a permission in English when it creates it ("Can view dossier"), and stores
#: that name: the permission lists of the user and group pages show it whatever the language.
#: The four standard permissions are named here from the model's translated name instead.
PERMISSION_ACTIONS = {
    "add": _("Add %(model)s"),
    "change": _("Change %(model)s"),
    "delete": _("Delete %(model)s"),
    "view": _("View %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """The permission in the page's language: "Xem hồ sơ" for dossiers.view_dossier. A
    permission of another kind keeps its own name."""
    model = permission.content_type.model_class()
    action = permission.codename.partition("_")[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}":
        return permission.name
    if action not in PERMISSION_ACTIONS:
        return permission.name
    return capfirst(str(PERMISSION_ACTIONS[action]) % {"model": model._meta.verbose_name})


class PermissionLabels:
    """Permission lists labelled in the page's language (`permission_label`)."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if isinstance(field, ModelMultipleChoiceField) and db_field.related_model is Permission:
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field


class RoleInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["agency"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, BaseGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(PermissionLabels, BaseUserAdmin[User]):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "is_system"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Name, phone and account type"), {"fields": ("full_name", "phone", "is_system")}),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
        "code_is_placeholder",
    ]
    list_filter = ["kind", "code_is_placeholder"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "receiving_desk"]
    filter_horizontal = ["predecessors"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "user", "created_at"]
