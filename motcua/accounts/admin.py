from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from motcua.accounts.models import Agency, ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "is_system"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("motcua", {"fields": ("full_name", "phone", "is_system")}),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
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
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix", "user", "created_at"]
