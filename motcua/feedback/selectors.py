"""Reads of the feedback app: who may rate, and the aggregates officers may see (never a
single rating: an agency's figures are shown only from MOTCUA_RATING_MIN_COUNT ratings)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from motcua.accounts.api import agencies_by_id
from motcua.core.errors import NotFound
from motcua.dossiers.api import DossierStatus, dossier_code_exists, dossier_find
from motcua.feedback.criteria import FACTORS, min_count_shown, rating_scale, satisfied_min
from motcua.feedback.models import Rating, RatingReceipt

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User
    from motcua.dossiers.models import Dossier

#: The dossier has an answer for the applicant: the result (or the refusal) is ready.
RATABLE_STATUSES = frozenset(
    {DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REFUSED}
)


def may_rate(*, dossier: Dossier, user: User | None, proven_codes: Iterable[str]) -> bool:
    """The dossier's applicant signed in, or a visitor who proved the code and the second
    factor on the tracking page in this session (`proven_codes`)."""
    if user is not None and user.is_authenticated and dossier.applicant_user_id == user.pk:
        return True
    return bool(dossier.code) and dossier.code in set(proven_codes)


@dataclass(frozen=True)
class RatingState:
    """What the rating page needs to know about a dossier (nothing personal)."""

    code: str
    procedure_name: str
    allowed: bool  # this person may rate it
    ready: bool  # its result (or refusal) exists
    rated: bool  # it has been rated already


def rating_state(
    *, dossier_code: str, user: User | None, proven_codes: Iterable[str]
) -> RatingState:
    dossier = dossier_find(code=dossier_code)
    if dossier is None or not dossier.code:
        raise NotFound("No dossier has this code.")
    return RatingState(
        code=dossier.code,
        procedure_name=dossier.procedure_name,
        allowed=may_rate(dossier=dossier, user=user, proven_codes=proven_codes),
        ready=dossier.status in RATABLE_STATUSES,
        rated=RatingReceipt.objects.filter(dossier_id=dossier.pk).exists(),
    )


def rating_open_for_code(*, dossier_code: str) -> bool:
    """Whether the dossier with this code can be rated now (for a link on tracking pages)."""
    return dossier_code_exists(
        code=dossier_code,
        statuses=RATABLE_STATUSES,
        excluding=RatingReceipt.objects.values("dossier_id"),
    )


def rating_annotations() -> dict[str, Any]:
    """Expressions to annotate a query of dossiers with what `rating_open_read` needs besides
    the status ("feedback_rated": the dossier was rated), so a page showing a dossier knows in
    the same statement whether to offer the rating (public tracking, ADR 0043)."""
    return {"feedback_rated": Exists(RatingReceipt.objects.filter(dossier_id=OuterRef("pk")))}


def rating_open_read(*, status: str, rated: bool) -> bool:
    """What `rating_open_for_code` says, from the dossier's status and `rating_annotations`."""
    return status in RATABLE_STATUSES and not rated


@dataclass(frozen=True)
class FactorSummary:
    key: str
    label: Any
    answered: int
    satisfied: int
    percent_satisfied: float | None  # satisfied / answered × 100
    average: float | None
    distribution: list[tuple[int, Any, int]]  # (answer, label, count), lowest answer first


@dataclass(frozen=True)
class SatisfactionSummary:
    agency_id: int | None  # None: all the agencies asked for together
    agency_code: str
    agency_name: str
    count: int
    shown: bool  # enough ratings to show without revealing anyone
    factors: list[FactorSummary] = field(default_factory=list)
    index: float | None = None  # SIPAS-style: mean of the factors' % satisfied
    comments: list[str] = field(default_factory=list)


def _ratings(
    agency_ids: Iterable[int], period_from: dt.date | None, period_to: dt.date | None
) -> QuerySet[Rating]:
    ids = list(agency_ids)
    qs = Rating.objects.filter(Q(agency_id__in=ids) | Q(receiving_agency_id__in=ids))
    if period_from is not None:
        qs = qs.filter(period__gte=period_from.replace(day=1))
    if period_to is not None:
        qs = qs.filter(period__lte=period_to.replace(day=1))
    return qs


def rating_scores(rating: Rating) -> dict[str, int | None]:
    """A rating's answers by factor key."""
    return {f.key: getattr(rating, f"score_{f.key}") for f in FACTORS}


def _satisfied_q() -> Q:
    """`criteria.rating_satisfied` as a filter: every factor answered at or above the
    threshold."""
    threshold = satisfied_min()
    q = Q()
    for f in FACTORS:
        at_least = Q(**{f"score_{f.key}__gte": threshold})
        q &= at_least if f.required else (at_least | Q(**{f"score_{f.key}__isnull": True}))
    return q


def rating_counts() -> list[tuple[dt.date, int, str, str, int, int]]:
    """The ratings counted by month, deciding agency, procedure code and channel (what an
    anonymous Rating keeps): (month's first day, agency id, procedure code, channel, ratings,
    satisfied ones by `criteria.rating_satisfied`). One query (for the reports' rebuild)."""
    rows = (
        Rating.objects.order_by()
        .values("period", "agency_id", "procedure_code", "channel")
        .annotate(n=Count("id"), satisfied=Count("id", filter=_satisfied_q()))
        .order_by("period", "agency_id", "procedure_code", "channel")
    )
    return [
        (r["period"], r["agency_id"], r["procedure_code"], r["channel"], r["n"], r["satisfied"])
        for r in rows
    ]


def _summaries(qs: QuerySet[Rating], group: str | None) -> dict[Any, dict[str, Any]]:
    """One dict of figures per group value (or one for everything when group is None)."""
    threshold = satisfied_min()
    aggregates: dict[str, Any] = {"n": Count("id")}
    for f in FACTORS:
        col = f"score_{f.key}"
        aggregates[f"{f.key}_answered"] = Count(col)
        aggregates[f"{f.key}_satisfied"] = Count("id", filter=Q(**{f"{col}__gte": threshold}))
        aggregates[f"{f.key}_avg"] = Avg(col)
    if group is None:
        return {None: qs.aggregate(**aggregates)}
    rows = qs.order_by().values(group).annotate(**aggregates)
    return {row[group]: row for row in rows}


def _distribution(qs: QuerySet[Rating], group: str | None) -> dict[Any, dict[str, dict[int, int]]]:
    out: dict[Any, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for f in FACTORS:
        col = f"score_{f.key}"
        fields = [col] if group is None else [group, col]
        for row in (
            qs.order_by()
            .exclude(**{f"{col}__isnull": True})
            .values(*fields)
            .annotate(n=Count("id"))
        ):
            out[row[group] if group else None][f.key][row[col]] = row["n"]
    return out


def _build(
    key: Any, figures: dict[str, Any], dist: dict[str, dict[int, int]], agency: Agency | None
) -> SatisfactionSummary:
    count = int(figures["n"] or 0)
    shown = count >= min_count_shown() and count > 0
    factors = []
    percents = []
    for f in FACTORS:
        answered = int(figures[f"{f.key}_answered"] or 0)
        satisfied = int(figures[f"{f.key}_satisfied"] or 0)
        percent = round(satisfied * 100 / answered, 1) if answered else None
        if percent is not None:
            percents.append(satisfied * 100 / answered)
        avg = figures[f"{f.key}_avg"]
        factors.append(
            FactorSummary(
                key=f.key,
                label=f.label,
                answered=answered,
                satisfied=satisfied,
                percent_satisfied=percent,
                average=round(float(avg), 2) if avg is not None else None,
                distribution=[
                    (value, label, dist.get(f.key, {}).get(value, 0))
                    for value, label in rating_scale()
                ],
            )
        )
    index = round(sum(percents) / len(percents), 1) if percents else None
    if not shown:
        factors, index = [], None
    return SatisfactionSummary(
        agency_id=agency.pk if agency else None,
        agency_code=agency.code if agency else "",
        agency_name=agency.name if agency else "",
        count=count,
        shown=shown,
        factors=factors,
        index=index,
    )


def satisfaction_summary(
    *,
    agency_ids: Iterable[int],
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    with_comments: bool = False,
) -> tuple[SatisfactionSummary, list[SatisfactionSummary]]:
    """The satisfaction figures of the agencies (as deciding agency or receiving desk) over
    the months from `period_from` to `period_to`: (all of them together, one per deciding
    agency). Per factor: answers, % satisfied (answer ≥ MOTCUA_RATING_SATISFIED_MIN), average,
    distribution; the index is the mean of the factors' % satisfied (the SIPAS method as
    described in domain.md §8; exact weighting UNCONFIRMED). A group with fewer than
    MOTCUA_RATING_MIN_COUNT ratings shows only its count."""
    ids = list(agency_ids)
    qs = _ratings(ids, period_from, period_to)
    total_fig = _summaries(qs, None)[None]
    total_dist = _distribution(qs, None)[None]
    total = _build(None, total_fig, total_dist, None)
    by_fig = _summaries(qs, "agency_id")
    by_dist = _distribution(qs, "agency_id")
    agencies = agencies_by_id(ids=list(by_fig))
    rows = [
        _build(pk, by_fig[pk], by_dist[pk], agencies[pk])
        for pk in sorted(by_fig, key=lambda pk: agencies[pk].code)
    ]
    if with_comments and total.shown:
        comments = sorted(c for c in qs.exclude(comment="").values_list("comment", flat=True))
        total = SatisfactionSummary(**{**total.__dict__, "comments": comments})
    return total, rows
