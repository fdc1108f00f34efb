"""Catalog editing for agency and province administrators.

Drafts are edited here; publishing and opening a new draft are admin actions that call the
services. Published and superseded versions are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from motcua.catalog import exchange
from motcua.catalog.models import (
    APPLICANT_KIND_LABELS,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from motcua.catalog.selectors import catalog_export_rows
from motcua.catalog.services import (
    catalog_import,
    procedure_draft_start,
    procedure_publish,
    procedure_retention_set,
)
from motcua.core.errors import ApplicationError

# Kept by the services, never edited nor read by an editor.
INTERNAL_FIELDS = {"id", "created_at", "updated_at", "search_text", "sort_key"}


class _FrozenInline(admin.TabularInline[Any, ProcedureVersion]):
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
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
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
    change_list_template = "admin/catalog/change_list_with_import.html"

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_import"),
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="catalog_export",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a catalog file; every error is listed by row and column; all or nothing."""
        if not self.has_add_permission(request):
            raise DjangoPermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Import the catalog"),
            "opts": self.model._meta,
        }
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                context["error"] = _("Choose a file to import.")
            else:
                try:
                    context["report"] = catalog_import(
                        content=upload.read(),
                        filename=upload.name or "",
                        actor=request.user,  # type: ignore[arg-type]
                        publish=not request.POST.get("draft"),
                    )
                except ApplicationError as exc:
                    context["error"] = exc.message
                    context["field_errors"] = exc.field_errors
        return TemplateResponse(
            request,
            "admin/catalog/import.html",
            context,
            status=400 if context.get("error") else 200,
        )

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        rows = catalog_export_rows()
        if fmt == "json":
            body, ctype = exchange.write_json(rows), "application/json"
        elif fmt == "xlsx":
            body = exchange.write_excel(rows)
            ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            return HttpResponse(status=404)
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="catalog.{fmt}"'
        return response

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            # Every field an editor knows, not the search index nor the bookkeeping; who may
            # apply in words, not as stored codes.
            return [
                "who_may_apply" if f.name == "applicant_kinds" else f.name
                for f in self.model._meta.fields
                if f.name not in INTERNAL_FIELDS
            ] + ["agencies"]
        return self.readonly_fields

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            return ["applicant_kinds"]
        return super().get_exclude(request, obj)

    @admin.display(description=_("who may apply"))
    def who_may_apply(self, obj: ProcedureVersion) -> str:
        return ", ".join(str(APPLICANT_KIND_LABELS.get(k, k)) for k in obj.applicant_kinds)

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
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "code_is_provisional", "retention_years", "created"]
    search_fields = ["code"]

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        # The retention period of personal data goes through its service (checked, audited).
        if change and "retention_years" in form.changed_data:
            procedure_retention_set(
                code=obj.code,
                years=obj.retention_years,
                actor=request.user,  # type: ignore[arg-type]
            )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, obj: Procedure) -> Any:
        return obj.created_at


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["name", "code"]
    search_fields = ["name"]
