"""Dossiers, their steps and their events in the admin site: read only.

A dossier changes only through the services (`dossiers.api`: the desk pages and the REST API),
which check the workflow, write the events and the audit trail; the admin only looks (for
staff granted the "view" permission, and superusers). ADR 0024."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog.api import STEP_KIND_CHOICES, STEP_ROLE_CHOICES
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.workflow import STATUS_LABELS, DossierStatus


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Lists and shows; never adds, changes or deletes (no actions either)."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: What each event records, in the words of the desk's buttons (same messages, same Vietnamese).
ACTION_LABELS: dict[str, Any] = {
    "submit": _("Submit online"),
    "accept": _("Accept the dossier"),
    "request_completion": _("Ask for completion"),
    "refuse": _("Refuse to receive"),
    "take": _("Take this step"),
    "forward": _("Forward to the next step"),
    "send_back": _("Send back to an earlier step"),
    "consult": _("Consult other agencies"),
    "answer_consultation": _("Answer the consultation"),
    "transfer": _("Transfer to another agency"),
    "request_supplement": _("Ask the applicant for supplements"),
    "receive_supplement": _("Receive the supplements"),
    "complete": _("Complete processing"),
    "approve": _("Approve"),
    "reject": _("Refuse after review"),
    "apologize": _("Apologise and set a new date"),
    "return_result": _("Return the result"),
    "withdraw": _("Withdraw at the applicant's request"),
    "cancel": _("Stop processing"),
}


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(ACTION_LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


def _status_label(value: str) -> str:
    try:
        return str(STATUS_LABELS[DossierStatus(value)])
    except ValueError:
        return value


def _choice_label(choices: list[tuple[str, Any]], value: str) -> str:
    """The translated label of a stored code, from the catalog's choices that define it."""
    return str(dict(choices).get(value, value))


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "procedure_name",
        "applicant_name",
        "status",
        "channel",
        "received_at",
        "appointment_at",
        "deciding_agency",
    ]
    list_filter = ["status", "channel", "outcome"]
    search_fields = ["code", "applicant_name", "procedure_code"]
    list_select_related = ["deciding_agency"]
    date_hierarchy = "received_at"
    ordering = ["-received_at", "-id"]
    # Kept by the services (not editable): shown only when listed here.
    readonly_fields = ["reference", "created_at", "updated_at"]


@admin.register(DossierStep)
class DossierStepAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "position", "title", "agency", "assignee", "status", "due_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["dossier__code", "title"]
    list_select_related = ["dossier", "agency", "assignee"]
    # The kind and the role as the catalog names them, not their stored codes.
    fields = [
        "dossier",
        "position",
        "kind_label",
        "title",
        "role_label",
        "agency",
        "assignee",
        "parent",
        "status",
        "budget_hours",
        "started_at",
        "due_at",
        "near_due_at",
        "warned",
        "finished_at",
        "outcome",
        "note",
    ]
    readonly_fields = ["kind_label", "role_label"]

    @admin.display(description=_("kind"))
    def kind_label(self, obj: DossierStep) -> str:
        return _choice_label(STEP_KIND_CHOICES, obj.kind)

    @admin.display(description=_("role"))
    def role_label(self, obj: DossierStep) -> str:
        return _choice_label(STEP_ROLE_CHOICES, obj.role)


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "dossier", "action_label", "to_status_label", "actor_name"]
    ordering = ["-at", "-id"]
    list_filter = [ActionFilter, "deadline_status"]
    search_fields = ["dossier__code", "actor_name"]
    list_select_related = ["dossier"]
    date_hierarchy = "at"
    fields = [
        "dossier",
        "at",
        "actor",
        "actor_name",
        "action_label",
        "from_status_label",
        "to_status_label",
        "step",
        "from_agency",
        "to_agency",
        "to_user",
        "deadline_status",
        "note",
        "data",
    ]
    readonly_fields = ["action_label", "from_status_label", "to_status_label"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: DossierEvent) -> str:
        return str(ACTION_LABELS.get(obj.action, obj.action))

    @admin.display(description=_("from status"), ordering="from_status")
    def from_status_label(self, obj: DossierEvent) -> str:
        return _status_label(obj.from_status)

    @admin.display(description=_("to status"), ordering="to_status")
    def to_status_label(self, obj: DossierEvent) -> str:
        return _status_label(obj.to_status)
