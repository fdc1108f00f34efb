"""Satisfaction survey campaigns on the desk (issue 14 item 4; ADR 0041): the list, a new
campaign with its questions (the default set of the five SIPAS factors × three kinds),
drawing the sample, sending the invitations, closing, and the results (response rate, the
index per agency and factor). Province admins run campaigns; supervisors read the results.
The views parse and render; `surveys.api` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.accounts.api import agencies_by_id, roles_required, user_agency_ids
from motcua.core.errors import ApplicationError
from motcua.feedback.api import min_count_shown
from motcua.surveys.api import (
    FACTORS,
    KINDS,
    SURVEY_MANAGER_ROLES,
    SURVEY_VIEWER_ROLES,
    CampaignStatus,
    campaign_close,
    campaign_create,
    campaign_get,
    campaign_list,
    campaign_overall,
    campaign_questions,
    campaign_results,
    campaign_sample,
    campaign_send,
    default_questions,
    factor_weights,
    index_kinds,
    may_manage_surveys,
    satisfied_min,
    weights_are_default,
)

from ..forms.errors import apply_domain_errors
from ..forms.fields import DATE_FORMATS
from .common import officer, render_desk

survey_viewers = roles_required(*SURVEY_VIEWER_ROLES)
KIND_LABELS = {
    "perception": gettext_lazy("Perception"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "expectation": gettext_lazy("Expectation"),
}


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": gettext_lazy("Enter a date."),
            "invalid": gettext_lazy("Enter a date as dd/mm/yyyy, for example 31/12/2026."),
        },
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "size": 11},
        ),
    )


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        error_messages={
            "required": gettext_lazy("Enter a title."),
            "max_length": gettext_lazy("Write at most 300 characters."),
        },
    )
    period_start = _date_field(gettext_lazy("Dossiers returned from"))
    period_end = _date_field(gettext_lazy("Dossiers returned until"))
    sample_size = forms.IntegerField(
        label=gettext_lazy("Sample size per agency"),
        min_value=1,
        max_value=1000,
        initial=30,
        error_messages={
            "required": gettext_lazy("Enter a number from 1 to 1,000."),
            "invalid": gettext_lazy("Enter a number from 1 to 1,000."),
            "min_value": gettext_lazy("Enter a number from 1 to 1,000."),
            "max_value": gettext_lazy("Enter a number from 1 to 1,000."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Random seed (optional)"),
        required=False,
        min_value=0,
        max_value=10**12,
        help_text=gettext_lazy(
            "The same seed draws the same sample. Leave empty for a new random seed."
        ),
        error_messages={"invalid": gettext_lazy("Enter a whole number.")},
    )
    agencies = forms.MultipleChoiceField(
        label=gettext_lazy("Agencies surveyed"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one agency."),
            "invalid_choice": gettext_lazy("Choose among the listed agencies."),
        },
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agencies"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(a.pk), a.name) for a in agencies]
        for factor, kind, text in default_questions():
            self.fields[f"q_{factor}_{kind}"] = forms.CharField(
                label=f"{factor}. {KIND_LABELS[kind]}",
                required=False,
                initial=text,
                max_length=500,
                error_messages={"max_length": gettext_lazy("Write at most 500 characters.")},
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def questions(self) -> list[tuple[int, str, str]]:
        return [
            (factor, kind, self.cleaned_data.get(f"q_{factor}_{kind}", ""))
            for factor, _label in FACTORS
            for kind in KINDS
        ]


def _agencies_of(user: Any) -> list[Any]:
    ids = user_agency_ids(user=user, roles=SURVEY_MANAGER_ROLES)
    return sorted(agencies_by_id(ids=ids).values(), key=lambda a: a.code)


def _load(campaign_id: int) -> Any:
    campaign = campaign_get(pk=campaign_id)
    if campaign is None:
        raise Http404(_("No such survey campaign."))
    return campaign


@survey_viewers
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    return render_desk(
        request,
        "desk/surveys/list.html",
        {
            "campaigns": list(campaign_list()[:200]),
            "may_manage": may_manage_surveys(officer(request)),
        },
    )


@survey_viewers
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    if not may_manage_surveys(user):
        raise PermissionDenied
    agencies = _agencies_of(user)
    form = CampaignForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    actor=user,
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    agency_ids=[int(a) for a in data["agencies"]],
                    sample_size=data["sample_size"],
                    seed=data.get("seed"),
                    questions=form.questions(),
                )
            except ApplicationError as exc:
                apply_domain_errors(form, exc, {"questions": "__all__"})
            else:
                messages.success(request, _("The campaign was created. Draw its sample next."))
                return HttpResponseRedirect(reverse("desk:survey", args=[campaign.pk]))
        status = 400
    question_fields = [
        {
            "factor": factor,
            "label": label,
            "fields": [form[f"q_{factor}_{kind}"] for kind in KINDS],
        }
        for factor, label in FACTORS
    ]
    return render_desk(
        request,
        "desk/surveys/form.html",
        {"form": form, "question_fields": question_fields},
        status=status,
    )


def _percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f}".replace(".", ",") + " %"


@survey_viewers
def campaign_detail_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _load(campaign_id)
    user = officer(request)
    results = campaign_results(campaign=campaign)
    overall = campaign_overall(campaign=campaign)
    # Answers are anonymous: with fewer than the ratings' minimum (MOTCUA_RATING_MIN_COUNT)
    # an agency's shares would tell who said what, so they are not shown (like the ratings).
    min_count = min_count_shown()
    rows = [
        {
            "agency": r.agency,
            "sampled": r.sampled,
            "sent": r.sent,
            "responses": r.responses,
            "rate": _percent(r.rate),
            "factors": [
                _percent(r.result.factor_index.get(f) if r.responses >= min_count else None)
                for f, _l in FACTORS
            ],
            "index": _percent(r.result.index if r.responses >= min_count else None),
            "withheld": 0 < r.responses < min_count,
        }
        for r in results
    ]
    overall_shown = sum(r.responses for r in results) >= min_count
    kinds_rows = [
        {
            "label": label,
            "cells": [
                _percent(overall.kind_shares.get((factor, k)) if overall_shown else None)
                for k in KINDS
            ],
        }
        for factor, label in FACTORS
    ]
    weights = factor_weights()
    return render_desk(
        request,
        "desk/surveys/detail.html",
        {
            "campaign": campaign,
            "questions": campaign_questions(campaign=campaign),
            "rows": rows,
            "factors": FACTORS,
            "overall_index": _percent(overall.index if overall_shown else None),
            "overall_factors": [
                _percent(overall.factor_index.get(f) if overall_shown else None)
                for f, _l in FACTORS
            ],
            "min_count": min_count,
            "kinds_rows": kinds_rows,
            "kind_labels": [KIND_LABELS[k] for k in KINDS],
            "weights": [(label, weights[f]) for f, label in FACTORS],
            "weights_default": weights_are_default(),
            "satisfied_min": satisfied_min(),
            "index_kinds": [KIND_LABELS.get(k, k) for k in index_kinds()],
            "may_manage": may_manage_surveys(user),
            "is_draft": campaign.status == CampaignStatus.DRAFT,
            "is_open": campaign.status == CampaignStatus.OPEN,
            "total_sampled": sum(r.sampled for r in results),
        },
    )


ACTIONS = {"sample", "send", "close"}


@require_POST
@survey_viewers
def campaign_action_view(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    user = officer(request)
    if action not in ACTIONS:
        raise Http404
    if not may_manage_surveys(user):
        raise PermissionDenied
    campaign = _load(campaign_id)
    try:
        if action == "sample":
            drawn = campaign_sample(actor=user, campaign=campaign)
            messages.success(
                request,
                _("Sample drawn: %(n)s applicants in %(a)s agencies.")
                % {"n": sum(drawn.values()), "a": len(drawn)},
            )
        elif action == "send":
            sent = campaign_send(actor=user, campaign=campaign)
            messages.success(request, _("%(n)s invitations were sent.") % {"n": sent})
        else:
            campaign_close(actor=user, campaign=campaign)
            messages.success(request, _("The campaign was closed."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("desk:survey", args=[campaign.pk]))


urlpatterns = [
    path("khao-sat/", campaign_list_view, name="surveys"),
    path("khao-sat/moi/", campaign_create_view, name="survey_create"),
    path("khao-sat/<int:campaign_id>/", campaign_detail_view, name="survey"),
    path(
        "khao-sat/<int:campaign_id>/thao-tac/<str:action>/",
        campaign_action_view,
        name="survey_action",
    ),
]
