"""Reads of the fact table: the official report for a period (ADR 0027)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum

from motcua.accounts.api import agencies_by_id, agency_list
from motcua.calendar.api import working_calendar_get
from motcua.catalog.api import procedure_get_current
from motcua.reports.data import (
    COUNTS,
    SERVICE_COUNTS,
    GroupBy,
    ResolutionReport,
    ResolutionRow,
    bucket_working_days,
)
from motcua.reports.models import DailyFlow


def agencies_with_subagencies(*, agency_ids: Iterable[int]) -> set[int]:
    """The agencies and every agency under them (the parent links; one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in agency_list().values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    todo = list(agency_ids)
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.add(pk)
        todo.extend(children.get(pk, ()))
    return found


def _sums(
    *, date_from: dt.date, date_to: dt.date, agency_ids: set[int] | None, procedure_code: str | None
) -> list[dict[str, Any]]:
    """One GROUP BY over the rows up to `date_to`: what happened in the period, and the running
    sums before it (carried over) and at its end (in progress, overdue, waiting)."""
    rows = _rows(date_to=date_to, agency_ids=agency_ids, procedure_code=procedure_code)
    period = Q(day__gte=date_from)
    in_period = {
        name: Sum(name, filter=period, default=0)
        for name in (
            "received",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "refused",
            "withdrawn",
            "cancelled",
            "supplement_requests",
            "timed",
            "elapsed_seconds",
            "paused_seconds",
            "regulated_seconds",
            *SERVICE_COUNTS,
        )
    }
    return list(
        rows.filter(duration=0)
        .values("agency_id", "procedure_code", "channel")
        .annotate(
            carried=Sum("open_delta", filter=Q(day__lt=date_from), default=0),
            open_end=Sum("open_delta", default=0),
            overdue_end=Sum("overdue_delta", default=0),
            paused_end=Sum("paused_delta", default=0),
            **in_period,
        )
    )


def _rows(
    *, date_to: dt.date, agency_ids: set[int] | None, procedure_code: str | None
) -> QuerySet[DailyFlow]:
    rows = DailyFlow.objects.filter(day__lte=date_to)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    if procedure_code:
        rows = rows.filter(procedure_code=procedure_code)
    return rows


def _histogram(
    *, date_from: dt.date, date_to: dt.date, agency_ids: set[int] | None, procedure_code: str | None
) -> list[dict[str, Any]]:
    """The processing-time buckets of the results of the period (ADR 0027)."""
    rows = _rows(date_to=date_to, agency_ids=agency_ids, procedure_code=procedure_code)
    return list(
        rows.filter(day__gte=date_from)
        .exclude(duration=0)
        .values("agency_id", "procedure_code", "duration")
        .annotate(count=Sum("timed", default=0))
    )


def _median(buckets: Counter[int]) -> float | None:
    """The lower median of a histogram (bucket → count), in working days."""
    total = sum(n for n in buckets.values() if n > 0)
    if not total:
        return None
    seen = 0
    for bucket in sorted(buckets):
        seen += max(buckets[bucket], 0)
        if 2 * seen >= total:
            return bucket_working_days(bucket)
    return None  # pragma: no cover - the loop reaches the total


def _add(row: ResolutionRow, sums: dict[str, Any]) -> None:
    received = int(sums["received"])
    if sums["channel"] == "online":
        row.received_online += received
    else:
        row.received_direct += received
    row.received_carried_over += int(sums["carried"])
    row.resolved_early += int(sums["resolved_early"])
    row.resolved_on_time += int(sums["resolved_on_time"])
    row.resolved_late += int(sums["resolved_late"])
    row.in_progress_total += int(sums["open_end"])
    row.in_progress_overdue += int(sums["overdue_end"])
    row.waiting_supplement += int(sums["paused_end"])
    for name in (
        "withdrawn",
        "cancelled",
        "refused",
        "supplement_requests",
        "timed",
        "elapsed_seconds",
        "paused_seconds",
        "regulated_seconds",
        *SERVICE_COUNTS,
    ):
        setattr(row, name, getattr(row, name) + int(sums[name]))


def _finish(row: ResolutionRow, day_seconds: int) -> ResolutionRow:
    """The totals and rates from the counts."""
    row.received_total = row.received_online + row.received_direct + row.received_carried_over
    row.resolved_total = row.resolved_early + row.resolved_on_time + row.resolved_late
    row.in_progress_not_due = row.in_progress_total - row.in_progress_overdue
    if row.timed and day_seconds:
        per = row.timed * day_seconds
        row.avg_processing_working_days = round(row.elapsed_seconds / per, 2)
        row.avg_processing_working_days_without_pauses = round(
            (row.elapsed_seconds - row.paused_seconds) / per, 2
        )
        row.regulated_working_days = round(row.regulated_seconds / per, 2)
    if row.resolved_total:
        row.on_time_rate = round(
            (row.resolved_early + row.resolved_on_time) / row.resolved_total, 4
        )
    in_period = row.received_online + row.received_direct
    if in_period:
        row.online_rate = round(row.received_online / in_period, 4)
    return row


def _labels(
    group_by: GroupBy, sums: list[dict[str, Any]]
) -> dict[tuple[int, str], tuple[str, str]]:
    """(agency id, procedure code) → (row key, row label)."""
    pairs = {(s["agency_id"], s["procedure_code"]) for s in sums}
    if group_by == GroupBy.PROCEDURE:
        out = {}
        for agency_id, code in pairs:
            version = procedure_get_current(code=code)
            out[(agency_id, code)] = (code, version.name if version else code)
        return out
    if group_by == GroupBy.FIELD:
        fields: dict[str, tuple[str, str]] = {}
        for code in {code for _agency, code in pairs}:
            version = procedure_get_current(code=code)
            field = getattr(version, "field", None) if version else None
            fields[code] = (field.code, field.name) if field is not None else ("", "")
        return {(a, c): fields[c] for a, c in pairs}
    agencies = agencies_by_id(ids={a for a, _code in pairs})
    out = {}
    for agency_id, code in pairs:
        agency = agencies.get(agency_id)
        if group_by == GroupBy.LEVEL:
            kind = agency.kind if agency else ""
            label = agency.get_kind_display() if agency else ""
            out[(agency_id, code)] = (kind, str(label))
        else:
            out[(agency_id, code)] = (
                agency.code if agency else str(agency_id),
                agency.name if agency else str(agency_id),
            )
    return out


def resolution_report(
    *,
    date_from: dt.date,
    date_to: dt.date,
    agency_ids: Iterable[int] | None = None,
    procedure_code: str | None = None,
    group_by: GroupBy | str = GroupBy.AGENCY,
) -> ResolutionReport:
    """The official report (Biểu 06/VPCP/KSTT) for the days `date_from`–`date_to` (inclusive,
    province time): received (online, at the desk or by post, carried over), resolved (early,
    on time, late), in progress at the end (not yet due, overdue), the extra columns, the
    processing times and the rates, by deciding agency, field, procedure or level, with the
    total. `agency_ids`: only the dossiers decided by these agencies and the agencies under
    them (rolled up here); None: all. The caller checks who may see which agencies and that
    the dates make sense (date_from ≤ date_to). Three queries (the sums, the processing-time
    histogram, the labels), plus the procedure lookups for field and procedure (cached by
    the catalog). Medians are lower medians to half a working day."""
    group = GroupBy(group_by)
    wanted = agencies_with_subagencies(agency_ids=agency_ids) if agency_ids is not None else None
    sums = _sums(
        date_from=date_from, date_to=date_to, agency_ids=wanted, procedure_code=procedure_code
    )
    labels = _labels(group, sums) if sums else {}
    rows: dict[str, ResolutionRow] = {}
    total = ResolutionRow(key="", label="")
    for item in sums:
        key, label = labels[(item["agency_id"], item["procedure_code"])]
        row = rows.get(key)
        if row is None:
            row = rows[key] = ResolutionRow(key=key, label=label)
        _add(row, item)
        _add(total, item)
    histograms: dict[str, Counter[int]] = {}
    for item in _histogram(
        date_from=date_from, date_to=date_to, agency_ids=wanted, procedure_code=procedure_code
    ):
        key = labels[(item["agency_id"], item["procedure_code"])][0]
        for name in (key, ""):
            histograms.setdefault(name, Counter())[item["duration"]] += int(item["count"])
    day_seconds = working_calendar_get().working_day_seconds
    for key, row in [*rows.items(), ("", total)]:
        histogram = histograms.get(key, Counter())
        row.median_processing_working_days = _median(
            Counter({-b: n for b, n in histogram.items() if b < 0})
        )
        row.median_processing_working_days_without_pauses = _median(
            Counter({b: n for b, n in histogram.items() if b > 0})
        )
    ordered = [_finish(rows[k], day_seconds) for k in sorted(rows)]
    return ResolutionReport(
        date_from=date_from,
        date_to=date_to,
        group_by=group,
        rows=[r for r in ordered if any(getattr(r, c) for c in COUNTS)],
        total=_finish(total, day_seconds),
    )
