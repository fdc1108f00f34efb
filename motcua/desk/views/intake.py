"""Intake at the desk: choose the procedure, then one form with the applicant, the checklist,
the files and three decisions (accept, ask for completion, refuse)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.catalog.api import ProcedureVersion, procedure_get_current, procedure_search
from motcua.core.errors import ApplicationError
from motcua.dossiers.api import dossier_intake

from .. import presenters, queries
from ..forms import IntakeForm, ProcedureChoiceForm, apply_domain_errors
from ..permissions import desk_officers
from .common import officer, render_desk

PROCEDURE_PARAM = "thu-tuc"


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
    problem: str = "",
    status: int = 200,
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
        },
        status=status,
    )


@desk_officers
def intake(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get(PROCEDURE_PARAM) or "").strip()
    if not code:
        return _choose(request)
    version = procedure_get_current(code=code)
    if version is None:
        return _choose(request, unknown=code)
    user = officer(request)
    desks = queries.desk_agencies(user)
    if request.method != "POST":
        return _show(request, IntakeForm(version=version, desks=desks), version)
    form = IntakeForm(request.POST, request.FILES, version=version, desks=desks)
    if not form.is_valid():
        return _show(
            request,
            form,
            version,
            problem=_("The dossier was not received: check the fields."),
            status=400,
        )
    try:
        dossier = dossier_intake(actor=user, **form.service_kwargs())
    except ApplicationError as exc:
        apply_domain_errors(form, exc, form.field_map)
        return _show(request, form, version, problem=exc.message, status=exc.status_code)
    ref = queries.dossier_ref(dossier)
    if dossier.status == "completion_requested":
        return redirect("desk:completion_notice", ref)
    if dossier.status == "refused":
        return redirect("desk:refusal_notice", ref)
    return redirect("desk:receipt", ref)
