"""Read-only admin of the view log and the anonymisation runs (for the province admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.privacy.models import AnonymisationRun, PersonalDataView


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(_ReadOnly):
    list_display = ["at", "user_label", "dossier_code", "reason", "channel", "note"]
    list_filter = ["reason", "channel"]
    search_fields = ["dossier_code", "user_label", "user__username"]
    date_hierarchy = "at"


@admin.register(AnonymisationRun)
class AnonymisationRunAdmin(_ReadOnly):
    list_display = ["at", "retention_years", "closed_before", "dossiers", "files"]
