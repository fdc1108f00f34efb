"""Catalog editing for agency and province administrators.

Drafts are edited here; publishing and opening a new draft are admin actions that call the
services. Published and superseded versions are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from motcua.catalog.services import procedure_draft_start, procedure_publish
from motcua.core.errors import ApplicationError


class _FrozenInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_frozen

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_frozen

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_frozen


class DocumentInline(_FrozenInline):
    model = RequiredDocument


class FeeInline(_FrozenInline):
    model = Fee


class StepInline(_FrozenInline):
    model = ProcessStep
    autocomplete_fields = ["agency"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = [
        "procedure",
        "number",
        "status",
        "name",
        "processing_amount",
        "processing_unit",
        "field",
    ]
    list_filter = ["status", "is_current", "level", "processing_unit", "online_level", "field"]
    search_fields = ["procedure__code", "name", "search_text"]
    inlines = [DocumentInline, FeeInline, StepInline]
    filter_horizontal = ["agencies"]
    readonly_fields = ["number", "status", "is_current", "published_at", "published_by"]
    actions = ["publish", "start_draft"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            return [f.name for f in self.model._meta.fields] + ["agencies"]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and not obj.is_frozen and super().has_delete_permission(request, obj)

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset:
            try:
                procedure_publish(version=version, actor=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
                self.message_user(request, f"{version}: {exc.message} {details}", messages.ERROR)
            else:
                self.message_user(request, _("Published %(v)s.") % {"v": version})

    @admin.action(description=_("Open a new draft from the selected versions"))
    def start_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset:
            try:
                draft = procedure_draft_start(procedure=version.procedure, actor=request.user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Draft opened: %(v)s.") % {"v": draft})


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "code_is_provisional", "created_at"]
    search_fields = ["code"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
