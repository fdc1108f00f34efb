"""Intake at the desk: choose the procedure, then one form with the applicant, the checklist,
the files and three decisions (accept, ask for completion, refuse).

Every problem shows at once, beside its field: the form's own parsing (dates, numbers) and
the service's rules (`dossier_intake_check`: ID numbers, phone, e-mail, the checklist, what
the decision needs) in one pass. Scans chosen once stay attached while the officer corrects
the form: they are held server-side under a random form token (`desk.holding`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_where_desk_officer
from motcua.catalog.api import procedure_get_current, procedure_search
from motcua.core.errors import ApplicationError
from motcua.core.http_errors import storage_unavailable_response
from motcua.core.storage import storage_outage
from motcua.dossiers.api import dossier_intake, dossier_intake_check
from motcua.dossiers.data import UploadedFile

from .. import holding, presenters
from ..forms.errors import merge_domain_errors
from ..forms.intake import IntakeForm, ProcedureChoiceForm
from ..permissions import desk_officers
from .common import officer, render_desk

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

PROCEDURE_PARAM = "thu-tuc"
MAX_UPLOAD_READ = 10 * 1024 * 1024 + 1  # one byte more than allowed, so "too large" is seen


def _choose(request: HttpRequest, unknown: str = "") -> HttpResponse:
    form = ProcedureChoiceForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    versions = list(procedure_search(q=q)[:500])
    if q and len(versions) == 1 and not unknown:
        return redirect(f"{reverse('desk:intake')}?{PROCEDURE_PARAM}={versions[0].procedure.code}")
    return render_desk(
        request,
        "desk/intake_choose.html",
        {
            "form": form,
            "q": q,
            "versions": versions,
            "unknown": unknown,
            "param": PROCEDURE_PARAM,
        },
        status=404 if unknown else 200,
    )


def _show(
    request: HttpRequest,
    form: IntakeForm,
    version: ProcedureVersion,
    *,
    token: str,
    problem: str = "",
    status: int = 200,
    held: list[holding.HeldFile] | None = None,
) -> HttpResponse:
    return render_desk(
        request,
        "desk/intake_form.html",
        {
            "form": form,
            "v": version,
            "processing_time": presenters.processing_time_text(version),
            "problem": problem,
            "param": PROCEDURE_PARAM,
            "action_url": f"{reverse('desk:intake')}?{PROCEDURE_PARAM}={version.procedure.code}",
            "form_token": token,
            "held": held
            if held is not None
            else holding.held_files(user_id=officer(request).pk, token=token),
        },
        status=status,
    )


def _new_uploads(request: HttpRequest) -> list[UploadedFile]:
    return [
        UploadedFile(name=f.name or "tep", content=f.read(MAX_UPLOAD_READ))
        for f in request.FILES.getlist("uploads")
        if f
    ]


def _quietly(task: Any, **kwargs: Any) -> None:
    """Housekeeping of held scans that must not fail the page when the file store is down
    (what it leaves is swept later)."""
    try:
        task(**kwargs)
    except Exception as exc:
        if not storage_outage(exc):
            raise


@desk_officers
def intake(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get(PROCEDURE_PARAM) or "").strip()
    if not code:
        return _choose(request)
    version = procedure_get_current(code=code)
    if version is None:
        return _choose(request, unknown=code)
    user = officer(request)
    desks = agencies_where_desk_officer(user=user)
    _quietly(holding.sweep_expired)
    if request.method != "POST":
        token = holding.new_token()
        form = IntakeForm(version=version, desks=desks, initial={"form_token": token})
        return _show(request, form, version, token=token)

    token = holding.valid_token(request.POST.get("form_token")) or holding.new_token()
    post = request.POST.copy()
    post["form_token"] = token
    try:
        return _receive(request, version, desks, token=token, post=post)
    except Exception as exc:
        if not storage_outage(exc):
            raise
        # The file store is down (docs/adr/0046): nothing was saved (the intake's transaction
        # rolled back and its objects were deleted). The form comes back with what was typed;
        # the scans cannot be held now, so they must be chosen again.
        response = storage_unavailable_response(request, exc)
        form = IntakeForm(post, version=version, desks=desks)
        form.is_valid()
        message = _(
            "The file store cannot be reached: the dossier was not received and the scans were "
            "not kept. Try again in a moment and choose the scans again."
        )
        form.add_error(None, message)
        page = _show(request, form, version, token=token, problem=message, status=503, held=[])
        page["Retry-After"] = response["Retry-After"]
        return page


def _receive(
    request: HttpRequest,
    version: ProcedureVersion,
    desks: Any,
    *,
    token: str,
    post: Any,
) -> HttpResponse:
    """The intake form sent: hold the scans, check everything, receive the dossier."""
    user = officer(request)
    # The scans: those held from earlier round trips (minus those ticked for removal), then
    # the ones chosen now — checked and held before anything else is validated.
    holding.remove(user_id=user.pk, token=token, file_ids=request.POST.getlist("remove_held"))
    _kept, file_problems = holding.hold(user_id=user.pk, token=token, uploads=_new_uploads(request))
    form = IntakeForm(post, version=version, desks=desks)
    parsed = form.is_valid()
    kwargs: dict[str, Any] = form.service_kwargs()
    kwargs["files"] = holding.read_all(user_id=user.pk, token=token)
    for problem in file_problems:
        form.add_error("uploads", problem)
    if not parsed or file_problems:
        try:
            problems = dossier_intake_check(actor=user, **kwargs)
        except ApplicationError as exc:  # not a desk officer at that desk: said once, on top
            return _show(request, form, version, token=token, problem=exc.message, status=403)
        merge_domain_errors(form, problems, form.field_map)
        return _show(
            request,
            form,
            version,
            token=token,
            problem=_("The dossier was not received: check the fields."),
            status=400,
        )
    try:
        dossier = dossier_intake(actor=user, **kwargs)
    except ApplicationError as exc:
        merge_domain_errors(form, exc.field_errors, form.field_map)
        if not form.errors:
            form.add_error(None, exc.message)
        return _show(
            request, form, version, token=token, problem=exc.message, status=exc.status_code
        )
    transaction.on_commit(lambda: _quietly(holding.release, user_id=user.pk, token=token))
    ref = presenters.dossier_ref(dossier)
    if dossier.status == "completion_requested":
        return redirect("desk:completion_notice", ref)
    if dossier.status == "refused":
        return redirect("desk:refusal_notice", ref)
    return redirect("desk:receipt", ref)
