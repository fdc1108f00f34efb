"""The dossier page, its actions (one small form each) and the download of its documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import ApplicationError
from motcua.dossiers.api import (
    Action,
    available_actions,
    control_sheet,
    deadline_view,
    dossier_act,
    dossier_events,
    result_signing_failure,
    step_context,
    step_deadline_view,
)
from motcua.payments.api import payment_status_for_dossier, vnd_figures
from motcua.privacy.api import applicant_view, mask_address

from .. import presenters
from ..forms.actions import ACTION_FORMS, ActionForm
from ..forms.errors import apply_domain_errors
from ..forms.personal import RevealForm
from ..permissions import viewers, workers
from .common import dossier_url, load_dossier, officer, render_desk
from .personal_access import log_if_unmasked, require_unmasked

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

#: The action whose form is open when the page loads (the usual next move).
PRIMARY_ORDER = (
    "return_result",
    "approve",
    "forward",
    "answer_consultation",
    "receive_supplement",
    "accept",
)


def _fields_problem() -> str:
    return _("Some fields are not filled in correctly: see the form.")


@dataclass
class ActionPanel:
    name: str
    label: str
    form: ActionForm
    open: bool
    failed: bool


def _panels(
    dossier: Dossier, request: HttpRequest, failed: ActionForm | None = None
) -> list[ActionPanel]:
    user = officer(request)
    names = available_actions(user=user, dossier=dossier)
    primary = next((n for n in PRIMARY_ORDER if n in names), None)
    panels = []
    for name in names:
        form_class = ACTION_FORMS.get(name)
        if form_class is None:  # pragma: no cover - every Action has a form
            continue
        is_failed = failed is not None and failed.action == name
        form = (
            failed if is_failed and failed is not None else form_class(dossier=dossier, user=user)
        )
        panels.append(
            ActionPanel(
                name=name,
                label=str(presenters.ACTION_LABELS.get(name, name)),
                form=form,
                open=is_failed or (failed is None and name == primary),
                failed=is_failed,
            )
        )
    return panels


def _page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: ActionForm | None = None,
    problem: str = "",
    status: int = 200,
    reveal_form: RevealForm | None = None,
) -> HttpResponse:
    prefetch_related_objects([dossier], "steps__agency", "steps__assignee", "documents")
    # Personal data (ADR 0036): unmasked for whoever handles the dossier or gave a reason,
    # and then every view is logged; masked for everyone else, with the reason form.
    personal = log_if_unmasked(request, dossier)
    masked = not personal.unmasked
    ctx = step_context(dossier)
    view = deadline_view(dossier=dossier)
    steps = sorted(dossier.steps.all(), key=lambda s: (s.position, s.parent_id or 0, s.pk))
    step_rows = [
        {
            "step": s,
            "view": step_deadline_view(step=s) if s.status in ("active", "waiting") else None,
        }
        for s in steps
    ]
    main_view = step_deadline_view(step=ctx.main) if ctx.main is not None else None
    events = [
        {"event": e, "text": presenters.describe_event(e)} for e in dossier_events(dossier=dossier)
    ]
    panels = _panels(dossier, request, failed)
    failed_label = str(presenters.ACTION_LABELS.get(failed.action, "")) if failed else ""
    if reveal_form is not None:
        failed_label = _("Show personal data")
    return render_desk(
        request,
        "desk/dossier_detail.html",
        {
            "d": dossier,
            "applicant": applicant_view(dossier, masked=masked),
            "personal": personal,
            "reveal_form": reveal_form or RevealForm(),
            "delivery_address": mask_address(dossier.result_delivery_address)
            if masked
            else dossier.result_delivery_address,
            "ref": presenters.dossier_ref(dossier),
            "status_label": presenters.status_label(dossier.status),
            "national_status": presenters.national_status(dossier.status),
            "view": view,
            "remaining": presenters.remaining_words(view),
            "paused_words": presenters.working_time_words(dossier.paused_seconds)
            if dossier.paused_seconds
            else "",
            "main": ctx.main,
            "main_view": main_view,
            "main_remaining": presenters.remaining_words(main_view) if main_view else "",
            "consultations": ctx.consultations,
            "step_rows": step_rows,
            "documents": list(dossier.documents.all()),
            "events": events,
            "sheet": control_sheet(dossier=dossier),
            "panels": panels,
            "failed": failed,
            "failed_label": failed_label,
            "failed_available": any(p.failed for p in panels),
            "problem": problem,
            "state_labels": presenters.STATE_LABELS,
            "outcome_labels": presenters.OUTCOME_LABELS,
            "version": dossier.procedure_version,
            "fee": _fee_summary(dossier),
            # Why the result waiting for its digital signature could not be signed (issue 17).
            "signing_problem": result_signing_failure(dossier=dossier),
        },
        status=status,
    )


#: The dossier page for the views of other modules (the reveal form's errors).
render_dossier_page = _page


def _fee_summary(dossier: Dossier) -> dict[str, Any]:
    """What the desk needs to know of the fee: paid online (amount, order, when), still due
    (from how much), or nothing to pay online."""
    state = payment_status_for_dossier(dossier)
    paid = state.paid_payment
    return {
        "paid": paid is not None,
        "amount": vnd_figures(paid.amount_vnd) if paid else vnd_figures(state.due_vnd),
        "order_ref": paid.order_ref if paid else "",
        "paid_at": paid.paid_at if paid else None,
        "due": state.due_vnd > 0,
        "known": state.options.fees_known,
    }


@viewers
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, load_dossier(request, code))


@workers
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Run one action (POST), then back to the dossier page (POST-redirect-GET). On a domain
    error the page is shown again with the form as typed, its errors and the error's status."""
    try:
        Action(action)
    except ValueError as exc:
        raise Http404 from exc
    dossier = load_dossier(request, code)
    user = officer(request)
    form = ACTION_FORMS[action](request.POST, request.FILES, dossier=dossier, user=user)
    if not form.is_valid():
        return _page(
            request,
            dossier,
            failed=form,
            problem=_fields_problem(),
            status=400,
        )
    try:
        updated = dossier_act(
            dossier_id=dossier.pk, actor=user, action=action, payload=form.payload()
        )
    except ApplicationError as exc:
        apply_domain_errors(form, exc, form.field_map)
        repeated = any(exc.message in messages for messages in exc.field_errors.values())
        problem = _fields_problem() if repeated else exc.message
        return _page(request, dossier, failed=form, problem=problem, status=exc.status_code)
    messages.success(request, str(presenters.ACTION_DONE[action]))
    return redirect(dossier_url(updated))


@viewers  # type: ignore[type-var]  # roles_required is typed for HttpResponse; this streams
def dossier_document(request: HttpRequest, code: str, document_id: int) -> HttpResponseBase:
    """Stream one file of the dossier to an officer who may see the dossier."""
    dossier = load_dossier(request, code)
    document = dossier.documents.filter(pk=document_id).first()
    if document is None or not document.file:  # no file: deleted by the anonymisation
        raise Http404
    require_unmasked(request, dossier)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
