"""“Hồ sơ của tôi”: a signed-in citizen's drafts and dossiers; for each dossier its status in
plain words, what happened, what is missing, the forms to answer a completion or supplement
request, withdrawal, and the signed e-result for dossiers returned online.

Interface only: parse, call dossiers.api, render. Only the applicant sees a dossier here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.core.errors import ApplicationError, ValidationFailed
from motcua.core.links import public_url
from motcua.dossiers import api as dossiers_api
from motcua.feedback.api import rating_open_for_code
from motcua.payments.api import payment_key, payment_status_for_dossier
from motcua.portal.public_dossiers import ACTION_TEXT
from motcua.portal.views_submit import DELIVERY_LABELS, MAX_UPLOAD_READ, STEPS, citizen

# What each status means for the applicant, in plain words.
STATUS_TEXT = {
    "submitted": gettext_lazy(
        "Sent. The one-stop desk checks it within one working day and tells you if anything "
        "is missing."
    ),
    "completion_requested": gettext_lazy(
        "The desk needs more documents before it can receive your dossier. Upload them below."
    ),
    "refused": gettext_lazy("The desk did not receive your dossier. The reason is below."),
    "received": gettext_lazy("Received. It is being processed; the appointment date is below."),
    "processing": gettext_lazy("Being processed."),
    "supplement_requested": gettext_lazy(
        "Processing is paused: the agency asks for supplements. Upload them below; the time "
        "runs again when they arrive."
    ),
    "result_ready": gettext_lazy("The result is ready."),
    "returned": gettext_lazy("The result was handed over."),
    "withdrawn": gettext_lazy("Stopped at your request."),
    "cancelled": gettext_lazy("Stopped by the agency. The reason is below."),
}


def _pay_link(dossier: Any) -> tuple[str | None, bool]:
    """The fee page's URL when there is a fee to pay (or a paid fee's receipt), and whether
    paying is due now."""
    state = payment_status_for_dossier(dossier)
    if state.paid or state.payable_now:
        return reverse("portal:pay_dossier", args=[payment_key(dossier)]), state.payable_now
    return None, False


@citizen
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    drafts = list(dossiers_api.applicant_drafts(user=user)[:50])
    dossiers = list(dossiers_api.applicant_dossiers(user=user)[:200])
    step_label = {name: label for _slug, name, label in STEPS}
    return render(
        request,
        "portal/me/list.html",
        {
            "drafts": [
                {
                    "draft": d,
                    "step_label": step_label.get(d.step, ""),
                    "url": reverse("portal:draft_step", args=[d.pk, _slug_for(d.step)]),
                }
                for d in drafts
            ],
            "dossiers": [
                {
                    "d": d,
                    "status": dossiers_api.STATUS_LABELS[dossiers_api.DossierStatus(d.status)],
                    "answer_by": dossiers_api.supplement_answer_due(dossier=d),
                }
                for d in dossiers
            ],
        },
    )


def _slug_for(step: str) -> str:
    return next((slug for slug, name, _l in STEPS if name == step), STEPS[0][0])


def _dossier_context(request: HttpRequest, dossier: Any) -> dict[str, Any]:
    user: Any = request.user
    events = dossiers_api.dossier_events(dossier=dossier).filter(action__in=sorted(ACTION_TEXT))
    result = dossiers_api.applicant_result(dossier=dossier)
    code = dossier.code
    pay_url, pay_due = _pay_link(dossier)
    return {
        "d": dossier,
        "status_label": dossiers_api.STATUS_LABELS[dossiers_api.DossierStatus(dossier.status)],
        "status_text": STATUS_TEXT.get(dossier.status, ""),
        "answer_by": dossiers_api.supplement_answer_due(dossier=dossier),
        "timeline": [
            {"at": e.at, "text": ACTION_TEXT.get(e.action, e.action), "note": e.note}
            for e in events
        ],
        "actions": dossiers_api.applicant_actions(user=user, dossier=dossier),
        "documents": list(dossiers_api.applicant_documents(dossier=dossier)),
        "form_rows": dossier.form_data_rows,
        "delivery_label": DELIVERY_LABELS.get(dossier.result_delivery, ""),
        "checklist": [row for row in dossier.checklist or [] if isinstance(row, dict)],
        "result": result,
        "verify_url": public_url(reverse("portal:verify_code", args=[code]))
        if result and code
        else None,
        # Linked only when there is something to do there: a fee to pay (or a paid one's
        # receipt) — from the moment of submitting, before the desk gives the dossier a code
        # — and a rating once the result is ready and not rated yet.
        "pay_url": pay_url,
        "pay_due": pay_due,
        "rate_url": reverse("portal:rate_dossier", args=[code])
        if code and rating_open_for_code(dossier_code=code)
        else None,
        "errors": {},
    }


@citizen
def my_dossier(request: HttpRequest, reference: str) -> HttpResponse:
    dossier = dossiers_api.access_dossier_for_applicant(user=request.user, reference=reference)  # type: ignore[arg-type]
    return render(request, "portal/me/dossier.html", _dossier_context(request, dossier))


@citizen
@require_POST
def my_dossier_act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Answer a completion request, upload a supplement, or ask to stop the dossier."""
    user: Any = request.user
    dossier = dossiers_api.access_dossier_for_applicant(user=user, reference=reference)
    note = request.POST.get("note", "")
    try:
        if action in ("resubmit", "supplement"):
            files = _uploads(request)
            service = (
                dossiers_api.dossier_resubmit
                if action == "resubmit"
                else dossiers_api.dossier_supplement_upload
            )
            service(dossier_id=dossier.pk, actor=user, files=files, note=note)
            messages.success(request, _("Your documents were sent."))
        elif action == "withdraw":
            dossiers_api.dossier_withdraw_by_applicant(
                dossier_id=dossier.pk, actor=user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Your dossier was stopped as you asked."))
        else:
            raise Http404(_("No such action."))
    except ValidationFailed as exc:
        dossier = dossiers_api.access_dossier_for_applicant(user=user, reference=reference)
        ctx = _dossier_context(request, dossier)
        ctx.update(
            errors={action: [m for ms in exc.field_errors.values() for m in ms] or [exc.message]},
            failed=action,
            error_message=exc.message,
            note=note,
            reason=request.POST.get("reason", ""),
        )
        return render(request, "portal/me/dossier.html", ctx, status=400)
    except ApplicationError as exc:  # not allowed now (409) or not the applicant (403)
        messages.error(request, exc.message)
    return redirect("portal:my_dossier", reference=dossier.reference)


def _uploads(request: HttpRequest) -> list[Any]:
    from motcua.dossiers.data import UploadedFile

    files = []
    for upload in request.FILES.getlist("files"):
        files.append(UploadedFile(name=upload.name or "tep", content=upload.read(MAX_UPLOAD_READ)))
    return files


@citizen
def my_dossier_result(request: HttpRequest, reference: str) -> HttpResponseBase:
    """The signed e-result (PDF) of the applicant's own dossier returned online."""
    dossier = dossiers_api.access_dossier_for_applicant(user=request.user, reference=reference)  # type: ignore[arg-type]
    doc = dossiers_api.applicant_result(dossier=dossier)
    if doc is None:
        raise Http404(_("No electronic result is available for this dossier."))
    response = FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=f"ket-qua-{dossier.code or dossier.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
