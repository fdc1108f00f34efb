"""The 766 service index (Quyết định 766/QĐ-TTg; ../../../shared/domain.md §4; ADR 0030).

Every indicator the system can compute comes from its own data: the fact table's period sums
(`resolution_report`, grouped by procedure, so one GROUP BY whatever the number of dossiers)
and the current catalog (`catalog.api.procedure_search` + `version_to_raw`, the exchange
format). The others (national-portal sync, the population database, e-certified copies,
feedback handling) are read from `IndicatorEntry`, typed in by an admin (`indicators.py`),
or shown as missing (0 points, counted in `missing_points`). Feedback handling (5.2, 5.3)
and the dossiers with feedback of 5.4 come from the feedback desk (`pakn.api.
feedback_indicators`, ADR 0040) as soon as it holds feedback of the period; an entered
value is used only while it holds none.

Scoring (domain.md §4): with a target T, points = Pmax when R ≥ T, else R × Pmax / T;
without one, points = R × Pmax (R a fraction). Rates here are in % (0–100)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_by_id, agencies_monitored_by, user_roles
from motcua.accounts.data import AgencyKind, Role
from motcua.catalog.api import procedure_search
from motcua.catalog.data import OnlineLevel, ProcessingUnit
from motcua.pakn.api import FeedbackIndicators, feedback_indicators
from motcua.reports.data import (
    INDEX766_FIRST_YEAR,
    INDEX766_GROUPS,
    INDEX766_INDICATORS,
    REPORT_ROLES,
    GroupBy,
    IndicatorDef,
    IndicatorGroupResult,
    IndicatorResult,
    IndicatorSource,
    ResolutionRow,
    ServiceIndex,
)
from motcua.reports.models import IndicatorEntry
from motcua.reports.selectors import agencies_with_subagencies, resolution_report

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

#: Who sees the whole province's index (held at an agency of kind `province`).
PROVINCE_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.PROVINCE_ADMIN})
#: The years an index may be asked for.
FIRST_YEAR = INDEX766_FIRST_YEAR
ONLINE = {OnlineLevel.FULL.value, OnlineLevel.PARTIAL.value}


def index_definitions() -> list[IndicatorDef]:
    """The indicator table (`data.INDEX766_INDICATORS`) with the points and targets of the
    setting MOTCUA_INDEX766_OVERRIDES applied ({code: {"max_points": n, "target": t|None}})."""
    overrides: dict[str, dict[str, Any]] = getattr(settings, "MOTCUA_INDEX766_OVERRIDES", {})
    out = []
    for d in INDEX766_INDICATORS:
        change = overrides.get(d.code) or {}
        known = {k: v for k, v in change.items() if k in ("max_points", "target")}
        out.append(dataclasses.replace(d, **known) if known else d)
    return out


def index_points(*, rate: float | None, max_points: float, target: float | None) -> float:
    """The points of a rate (%, 0–100): Pmax when rate ≥ target, else rate × Pmax / target;
    without a target rate / 100 × Pmax; 0 without a rate. Rounded to 2 decimals."""
    if rate is None or max_points <= 0:
        return 0.0
    rate = min(max(rate, 0.0), 100.0)
    if target:
        points = max_points if rate >= target else rate * max_points / target
    else:
        points = rate * max_points / 100
    return round(points, 2)


def _rate(numerator: float, denominator: float) -> float | None:
    if denominator <= 0:
        return None
    return round(min(100.0, 100 * numerator / denominator), 2)


@dataclasses.dataclass(frozen=True)
class IndexScope:
    """What a person may see of the index: the whole province, or the agencies they watch
    (the report's rule, `agencies_monitored_by` with REPORT_ROLES) and those under them."""

    province_wide: bool
    agencies: list[Agency]
    agency_ids: set[int]

    def allows(self, agency_id: int | None) -> bool:
        if self.province_wide:
            return True
        return agency_id is not None and agency_id in self.agency_ids


def index_scope(*, user: User) -> IndexScope:
    """The index a person may see (the report's access rule, ADR 0027): nothing without a
    reporting role; the whole province for a supervisor or province admin holding the role at
    the province's agency; else the agencies they watch and their sub-agencies."""
    names = {r.value for r in REPORT_ROLES}
    held = [(role, a) for role, a in user_roles(user=user) if role in names]
    if not held:
        return IndexScope(False, [], set())
    wide_names = {r.value for r in PROVINCE_WIDE_ROLES}
    wide = {a for role, a in held if role in wide_names and a is not None}
    watched = agencies_monitored_by(user=user, roles=set(REPORT_ROLES))
    if any(a.kind == AgencyKind.PROVINCE for a in agencies_by_id(ids=wide).values()):
        return IndexScope(True, watched, {a.pk for a in watched})
    ids = agencies_with_subagencies(agency_ids={a.pk for a in watched})
    return IndexScope(False, watched, ids)


def index_period(
    *, year: int, until: dt.date | None = None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The days an index covers: 1 January to `until` (a day of the year), else to today for
    the current year, else to 31 December. ValueError for a year after today's or an `until`
    outside the year."""
    if year > today.year or year < FIRST_YEAR:
        raise ValueError(year)
    start = dt.date(year, 1, 1)
    end = dt.date(year, 12, 31) if year < today.year else today
    if until is not None:
        if until.year != year:
            raise ValueError(until)
        end = until
    return start, end


@dataclasses.dataclass
class _Catalog:
    """The current procedures: all of them by code, and those of the agency asked for."""

    by_code: dict[str, dict[str, Any]]
    in_scope: list[dict[str, Any]]


def _catalog(agency_ids: set[int] | None) -> _Catalog:
    """What the index needs of each current procedure, from the catalog's current versions
    (`catalog.api.procedure_search`) in flat rows: a procedure implemented by every commune
    links hundreds of agencies, so nothing is loaded per link. Six small queries."""
    base = procedure_search().order_by()
    rows: dict[int, dict[str, Any]] = {
        v["id"]: {**v, "code": v["procedure__code"], "documents": 0, "steps": 0, "agencies": 0}
        for v in base.values(
            "id",
            "procedure__code",
            "name",
            "online_level",
            "documents_known",
            "fees_known",
            "processing_amount",
            "processing_unit",
            "applicant_kinds",
        )
    }
    for name in ("documents", "steps", "agencies"):
        for pk, n in base.values("id").annotate(n=Count(name)).values_list("id", "n"):
            rows[pk][name] = n
    charging = set(base.filter(fees__amount_vnd__gt=0).values_list("id", flat=True))
    for pk, row in rows.items():
        row["charges_fee"] = bool(row["fees_known"]) and pk in charging
    by_code = {r["code"]: r for r in rows.values()}
    if agency_ids is None:
        return _Catalog(by_code, list(rows.values()))
    mine = set(base.filter(agencies__in=agency_ids).values_list("id", flat=True))
    return _Catalog(by_code, [r for pk, r in rows.items() if pk in mine])


def _complete(raw: dict[str, Any]) -> bool:
    """Every component of Decree 63/2010 Art 8.2 that 766 indicator 1.3 checks: name, steps,
    method (the online-service level; UNCONFIRMED), documents, time, applicants, agency."""
    return bool(
        (raw["name"] or "").strip()
        and raw["steps"]
        and raw["online_level"]
        and raw["documents_known"]
        and raw["documents"]
        and (
            raw["processing_amount"] is not None
            or raw["processing_unit"] == ProcessingUnit.SAME_DAY
        )
        and raw["applicant_kinds"]
        and raw["agencies"]
    )


def _has_fee(raw: dict[str, Any]) -> bool:
    """Whether the procedure charges a fee that can be paid: its fees are published and one
    has an amount above 0 đ (the fact table's `fee_due` rule, ADR 0029; "miễn" does not)."""
    return bool(raw["charges_fee"])


Figures = tuple[float, float, tuple[str, ...]]  # numerator, denominator, drill-down


#: Indicators computed from the feedback desk when it holds feedback of the period.
FEEDBACK_CODES = frozenset({"5.2", "5.3"})


def _computed(
    total: ResolutionRow,
    rows: Iterable[ResolutionRow],
    catalog: _Catalog,
    feedback: FeedbackIndicators | None = None,
) -> dict[str, Figures]:
    """Numerator, denominator and drill-down of every computed indicator (5.2 and 5.3 only
    when the feedback desk has something to measure)."""
    by_proc = {r.key: r for r in rows}
    scope = catalog.in_scope
    online_procs = [r for r in scope if r["online_level"] in ONLINE]
    fee_procs = [r for r in scope if _has_fee(r)]
    full = [
        row
        for code, row in by_proc.items()
        if (catalog.by_code.get(code) or {}).get("online_level") == OnlineLevel.FULL
    ]
    received = total.received_online + total.received_direct
    overdue = total.resolved_late + total.in_progress_overdue
    dissatisfied = max(total.rated - total.rated_satisfied, 0)
    with_feedback = feedback.dossiers_with_feedback if feedback is not None else 0
    out: dict[str, Figures] = {}
    if feedback is not None and feedback.received:
        out["5.2"] = (feedback.on_time, feedback.received, ())
    if feedback is not None and feedback.rated:
        out["5.3"] = (feedback.satisfied, feedback.rated, ())
    return out | {
        "1.3": (sum(1 for r in scope if _complete(r)), len(scope), ("catalog",)),
        "2.1": (
            total.resolved_early + total.resolved_on_time,
            total.resolved_total + total.in_progress_overdue,
            ("resolved_late", "in_progress_overdue"),
        ),
        "3.0": (
            sum(r.received_online for r in full),
            sum(r.received_online + r.received_direct for r in full),
            (),
        ),
        "3.1": (len(online_procs), len(scope), ("catalog",)),
        "3.2": (
            sum(1 for r in online_procs if getattr(by_proc.get(r["code"]), "received_online", 0)),
            len(online_procs),
            (),
        ),
        "3.3": (total.received_online, received, ("received_online",)),
        "4.1": (sum(1 for r in fee_procs if r["online_level"] in ONLINE), len(fee_procs), ()),
        "4.2": (
            sum(1 for r in fee_procs if getattr(by_proc.get(r["code"]), "paid_online", 0)),
            len(fee_procs),
            (),
        ),
        "4.3": (total.paid_online, total.fee_due, ()),
        # 5.4: the rate is 100 − numerator / denominator (see below).
        "5.4": (
            overdue + dissatisfied + with_feedback,
            total.received_total,
            ("resolved_late", "in_progress_overdue"),
        ),
        "6.1": (total.e_results, total.timed, ()),
        "6.2": (total.digitised, received, ()),
    }


def _entered_by(entry: IndicatorEntry) -> str:
    user = entry.entered_by
    return str(getattr(user, "full_name", "") or user.get_username())


def index_entries(*, year: int, agency_id: int | None) -> dict[str, IndicatorEntry]:
    """The entered indicators of a year for an agency (None: the province), by code."""
    qs = IndicatorEntry.objects.filter(year=year).select_related("entered_by")
    qs = qs.filter(agency_id=agency_id) if agency_id is not None else qs.filter(agency__isnull=True)
    return {e.code: e for e in qs}


def service_index(
    *,
    year: int,
    agency_id: int | None = None,
    until: dt.date | None = None,
    today: dt.date | None = None,
) -> ServiceIndex:
    """The 766 index of `year` (1 January to `until`, to today in the current year) for one
    agency with its sub-agencies, or the whole province (`agency_id` None). ValueError for a
    year after this one or an `until` outside the year. The caller checks access.

    Queries: the report (three), the catalog (five: versions and their documents, fees,
    agencies, steps), the agencies of the scope, the entries, the feedback (one)."""
    today = today or timezone.localdate()
    date_from, date_to = index_period(year=year, until=until, today=today)
    ids = agencies_with_subagencies(agency_ids={agency_id}) if agency_id is not None else None
    report = resolution_report(
        date_from=date_from,
        date_to=date_to,
        agency_ids={agency_id} if agency_id is not None else None,
        group_by=GroupBy.PROCEDURE,
    )
    feedback = feedback_indicators(
        agency_ids=sorted(ids) if ids is not None else None, start=date_from, end=date_to
    )
    figures = _computed(report.total, report.rows, _catalog(ids), feedback)
    entries = index_entries(year=year, agency_id=agency_id)
    indicators = [_indicator(d, figures, entries) for d in index_definitions()]
    groups = []
    for number, name, _max in INDEX766_GROUPS:
        mine = [i for i in indicators if i.group == number]
        groups.append(
            IndicatorGroupResult(
                number=number,
                name=_(name),
                max_points=sum(i.max_points for i in mine),
                points=round(sum(i.points for i in mine), 2),
                missing_points=sum(i.max_points for i in mine if i.rate is None),
            )
        )
    return ServiceIndex(
        year=year,
        date_from=date_from,
        date_to=date_to,
        agency_id=agency_id,
        indicators=indicators,
        groups=groups,
        total_points=round(sum(g.points for g in groups), 2),
        max_points=sum(g.max_points for g in groups),
        missing_points=sum(g.missing_points for g in groups),
    )


def _indicator(
    d: IndicatorDef, figures: dict[str, Figures], entries: dict[str, IndicatorEntry]
) -> IndicatorResult:
    common: dict[str, Any] = {
        "code": d.code,
        "group": d.group,
        "name": _(d.name),
        "max_points": float(d.max_points),
        "target": float(d.target) if d.target is not None else None,
        "formula": _(d.formula),
        "unconfirmed": d.unconfirmed,
    }
    if d.computed or (d.code in FEEDBACK_CODES and d.code in figures):
        numerator, denominator, drilldown = figures.get(d.code, (0, 0, ()))
        rate = _rate(numerator, denominator)
        if d.code == "5.4" and rate is not None:
            rate = round(max(0.0, 100 - 100 * numerator / denominator), 2)
        return IndicatorResult(
            **common,
            rate=rate,
            points=index_points(rate=rate, max_points=d.max_points, target=d.target),
            numerator=float(numerator),
            denominator=float(denominator),
            source=IndicatorSource.COMPUTED,
            drilldown=drilldown,
        )
    entry = entries.get(d.code)
    if entry is None:
        return IndicatorResult(
            **common,
            rate=None,
            points=0.0,
            numerator=None,
            denominator=None,
            source=IndicatorSource.MISSING,
        )
    rate = float(entry.rate)
    return IndicatorResult(
        **common,
        rate=rate,
        points=index_points(rate=rate, max_points=d.max_points, target=d.target),
        numerator=None,
        denominator=None,
        source=IndicatorSource.ENTERED,
        entered_by=_entered_by(entry),
        entered_at=entry.entered_at,
        note=entry.note,
    )
