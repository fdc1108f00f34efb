"""Reads of the surveys app: campaigns, the invitation behind a link, the results (response
rate and the SIPAS index per agency; ADR 0041)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from motcua.surveys.criteria import FACTORS, factor_weights, index_kinds, satisfied_min
from motcua.surveys.models import (
    SurveyAnswer,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def campaign_list() -> QuerySet[SurveyCampaign]:
    return SurveyCampaign.objects.prefetch_related("agencies").order_by("-period_end", "-pk")


def campaign_get(*, pk: int) -> SurveyCampaign | None:
    return SurveyCampaign.objects.prefetch_related("agencies").filter(pk=pk).first()


def campaign_questions(*, campaign: SurveyCampaign) -> list[SurveyQuestion]:
    return list(SurveyQuestion.objects.filter(campaign=campaign).order_by("factor", "position"))


def invitation_for_token(*, token: str) -> SurveyInvitation | None:
    """The invitation whose link carries this token (with its campaign), or None."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyInvitation.objects.select_related("campaign", "agency")
        .filter(token_hash=token_hash(token))
        .first()
    )


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    question_id: int
    factor: int
    kind: str
    value: int


@dataclass
class IndexResult:
    """Shares are fractions (0–1); None where nothing was answered."""

    question_shares: dict[int, float] = field(default_factory=dict)
    factor_index: dict[int, float | None] = field(default_factory=dict)
    index: float | None = None
    #: Per factor and kind: the share of answers at or above the threshold (perception:
    #: agree; expectation: much improvement wanted), for reading beside the index.
    kind_shares: dict[tuple[int, str], float | None] = field(default_factory=dict)


def survey_index(answers: Iterable[Answer]) -> IndexResult:
    """SIPAS (domain.md §8): the share of satisfied answers (≥ `satisfied_min()`) per question
    of the index kinds → the mean of those shares per factor → the weighted mean of the factor
    indices (`factor_weights()`, equal by default; a factor nobody answered is left out and
    the weights of the others count). UNCONFIRMED weighting: labelled so on the pages."""
    threshold = satisfied_min()
    kinds = set(index_kinds())
    per_question: dict[int, list[int]] = defaultdict(list)
    factor_of: dict[int, int] = {}
    per_kind: dict[tuple[int, str], list[int]] = defaultdict(list)
    for a in answers:
        per_kind[(a.factor, a.kind)].append(a.value)
        if a.kind in kinds:
            per_question[a.question_id].append(a.value)
            factor_of[a.question_id] = a.factor
    result = IndexResult()
    for qid, values in per_question.items():
        result.question_shares[qid] = sum(1 for v in values if v >= threshold) / len(values)
    by_factor: dict[int, list[float]] = defaultdict(list)
    for qid, share in result.question_shares.items():
        by_factor[factor_of[qid]].append(share)
    weights = factor_weights()
    total = weight_sum = 0.0
    for factor, _label in FACTORS:
        shares = by_factor.get(factor)
        value = sum(shares) / len(shares) if shares else None
        result.factor_index[factor] = value
        if value is not None and weights[factor] > 0:
            total += weights[factor] * value
            weight_sum += weights[factor]
        for kind in ("perception", "satisfaction", "expectation"):
            given = per_kind.get((factor, kind), [])
            result.kind_shares[(factor, kind)] = (
                sum(1 for v in given if v >= threshold) / len(given) if given else None
            )
    result.index = total / weight_sum if weight_sum else None
    return result


@dataclass
class AgencyResult:
    agency: Any
    sampled: int
    sent: int
    responses: int
    result: IndexResult

    @property
    def rate(self) -> float | None:
        return self.responses / self.sent if self.sent else None


def campaign_results(*, campaign: SurveyCampaign) -> list[AgencyResult]:
    """Per agency of the campaign: invitations drawn and sent, responses, response rate and
    the index. Three queries plus one for the answers."""
    agencies = sorted(campaign.agencies.all(), key=lambda a: a.code)
    counts = {
        row["agency_id"]: row
        for row in SurveyInvitation.objects.filter(campaign=campaign)
        .values("agency_id")
        .annotate(sampled=Count("pk"), sent=Count("pk", filter=Q(sent_at__isnull=False)))
    }
    responses = dict(
        SurveyResponse.objects.filter(campaign=campaign)
        .values("agency_id")
        .annotate(n=Count("pk"))
        .values_list("agency_id", "n")
    )
    answers: dict[int, list[Answer]] = defaultdict(list)
    for agency_id, qid, factor, kind, value in SurveyAnswer.objects.filter(
        response__campaign=campaign
    ).values_list(
        "response__agency_id", "question_id", "question__factor", "question__kind", "value"
    ):
        answers[agency_id].append(Answer(qid, factor, kind, value))
    return [
        AgencyResult(
            agency=a,
            sampled=counts.get(a.pk, {}).get("sampled", 0),
            sent=counts.get(a.pk, {}).get("sent", 0),
            responses=responses.get(a.pk, 0),
            result=survey_index(answers.get(a.pk, [])),
        )
        for a in agencies
    ]


def campaign_overall(*, campaign: SurveyCampaign) -> IndexResult:
    """The index of the whole campaign (every agency's answers together)."""
    return survey_index(
        Answer(qid, factor, kind, value)
        for qid, factor, kind, value in SurveyAnswer.objects.filter(
            response__campaign=campaign
        ).values_list("question_id", "question__factor", "question__kind", "value")
    )
