"""The public answer form of a satisfaction survey (issue 14 item 4; ADR 0041):
`/khao-sat/<token>/`, the one-use link of an invitation. Works without JavaScript; a used
link, an unknown one and a closed survey each get a clear page. The answers are anonymous:
`surveys.api.survey_answer` keeps no link from the answers to the invitation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from motcua.core.access import public
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.portal.public_dossiers import too_many_lookups
from motcua.surveys.api import (
    FACTORS,
    SCALES,
    CampaignStatus,
    campaign_questions,
    invitation_for_token,
    survey_answer,
)


def _groups(
    questions: list[Any], values: dict[str, str], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    groups = []
    for factor, label in FACTORS:
        rows = [
            {
                "key": f"q{q.pk}",
                "text": q.text,
                "kind": q.get_kind_display(),
                "optional": q.factor == 5,
                "value": values.get(f"q{q.pk}", ""),
                "errors": errors.get(f"q{q.pk}", []),
                "choices": [(str(v), text) for v, text in SCALES[q.kind]],
            }
            for q in questions
            if q.factor == factor
        ]
        if rows:
            groups.append({"factor": factor, "label": label, "questions": rows})
    return groups


def _refused(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, f"portal/surveys/{template}.html", {}, status=status)


@never_cache
@public
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    if too_many_lookups(request, "survey"):
        return render(
            request,
            "portal/surveys/refused.html",
            {"error": _("Too many tries from your connection. Wait ten minutes.")},
            status=429,
        )
    invitation = invitation_for_token(token=token)
    if invitation is None:
        return _refused(request, "invalid", 404)
    if invitation.answered_on is not None:
        return _refused(request, "used", 410)
    campaign = invitation.campaign
    if campaign.status != CampaignStatus.OPEN:
        return _refused(request, "closed", 410)
    questions = campaign_questions(campaign=campaign)
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    context: dict[str, Any] = {"campaign": campaign, "agency": invitation.agency}
    status = 200
    if request.method == "POST":
        values = {f"q{q.pk}": request.POST.get(f"q{q.pk}", "")[:10] for q in questions}
        try:
            survey_answer(token=token, answers=values)
        except ValidationFailed as exc:
            errors, status = exc.field_errors, 400
            context["error"] = exc.message
        except Conflict as exc:
            return _refused(request, "used" if exc.code == "used" else "closed", 410)
        except NotFound:
            return _refused(request, "invalid", 404)
        else:
            return redirect("portal:survey_thanks")
    groups = _groups(questions, values, errors)
    context["groups"] = groups
    context["error_fields"] = [
        (row["key"], row["text"], row["errors"][0])
        for g in groups
        for row in g["questions"]
        if row["errors"]
    ]
    return render(request, "portal/surveys/form.html", context, status=status)


@public
def survey_thanks_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/surveys/thanks.html", {})


urlpatterns = [
    path("khao-sat/cam-on/", survey_thanks_view, name="survey_thanks"),
    path("khao-sat/<str:token>/", survey_answer_view, name="survey_answer"),
]
