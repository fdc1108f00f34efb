"""The admin site: the audit trail, read only (docs/adr/0005-audit-strategy.md: rows are
written by the services' `audit_record`; nobody edits or deletes them here), and Vietnamese for
the yes/no icons of every list and read-only field."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["object_type"]
    search_fields = ["action", "actor_label", "object_id"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Yes/no icons -------------------------------------------------------------------------------
# Django draws a boolean (in lists and on read-only fields) as an icon whose alt text is the
# Python value, "True"/"False"/"None", untranslated: a screen reader, a text-only browser and a
# copy of the page read English. Every admin boolean goes through this one function of Django
# (django.contrib.admin.templatetags.admin_list._boolean_icon, looked up at each call by
# admin.utils and admin.helpers): the same icon with "Có"/"Không"/"Chưa xác định".
# tests/test_admin_vietnamese.py fails if a Django upgrade stops using it.

BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}
BOOLEAN_ALT = {True: _("Yes"), False: _("No"), None: _("Unknown")}


def boolean_icon(field_val: bool | None) -> str:
    icon_url = static(f"admin/img/icon-{BOOLEAN_ICONS[field_val]}.svg")
    return format_html('<img src="{}" alt="{}">', icon_url, BOOLEAN_ALT[field_val])


admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]
