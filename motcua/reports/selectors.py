"""Reads of the fact table: the official report for a period (ADR 0027)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import DateField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_by_id, agency_list
from motcua.calendar.api import working_calendar_get
from motcua.catalog.api import procedure_get_current
from motcua.core.replica import read_alias
from motcua.reports.data import (
    COUNTS,
    SERVICE_COUNTS,
    GroupBy,
    ResolutionReport,
    ResolutionRow,
    bucket_working_days,
)
from motcua.reports.models import DailyFlow, FlowRollup
from motcua.reports.rollups import Piece, Source, month_end, rollups_used, split


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


#: The columns summed over the period (not running sums).
_PERIOD_COLUMNS = (
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


def _source(
    source: Source, *, agency_ids: set[int] | None, procedure_code: str | None
) -> tuple[QuerySet[Any], str]:
    """The rows of one source (daily rows, or month or year rollups) with the filters, and
    the name of their day field."""
    qs: QuerySet[Any]
    # Report figures may lag the primary by the replica's few seconds (docs/adr/0044).
    db = read_alias()
    if source == "day":
        qs, field = DailyFlow.objects.using(db).all(), "day"
    else:
        qs, field = FlowRollup.objects.using(db).filter(span=source), "period_start"
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    if procedure_code:
        qs = qs.filter(procedure_code=procedure_code)
    return qs, field


def _within(field: str, pieces: list[Piece], source: Source) -> Q | None:
    """The rows of `source` inside the pieces of that source (None: no such piece)."""
    found = [Q(**{f"{field}__gte": lo, f"{field}__lte": hi}) for s, lo, hi in pieces if s == source]
    if not found:
        return None
    out = found[0]
    for q in found[1:]:
        out |= q
    return out


def _merge(
    into: dict[tuple[Any, ...], dict[str, Any]], key: tuple[Any, ...], row: dict[str, Any]
) -> None:
    have = into.get(key)
    if have is None:
        into[key] = dict(row)
        return
    for name, value in row.items():
        if isinstance(value, int) and not isinstance(value, bool) and name not in _KEYS:
            have[name] = have[name] + value


_KEYS = frozenset({"agency_id", "procedure_code", "channel", "duration", "month"})


def _sums(
    *, date_from: dt.date, date_to: dt.date, agency_ids: set[int] | None, procedure_code: str | None
) -> list[dict[str, Any]]:
    """What happened in the period, and the running sums before it (carried over) and at its
    end (in progress, overdue, waiting), by agency × procedure: one GROUP BY per
    source read — the year and month rollups for the whole years and months, the daily rows
    for the loose days (ADR 0028; with rollups off, the daily rows alone: one GROUP BY)."""
    before = split(None, date_from - dt.timedelta(days=1)) if date_from > dt.date.min else []
    period = split(date_from, date_to)
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for source in ("year", "month", "day"):
        qs, field = _source(source, agency_ids=agency_ids, procedure_code=procedure_code)
        carried, in_period = _within(field, before, source), _within(field, period, source)
        if carried is None and in_period is None:
            continue
        wanted = (
            carried if in_period is None else in_period if carried is None else carried | in_period
        )
        sums: dict[str, Any] = {
            name: Sum(name, filter=in_period, default=0)
            for name in (_PERIOD_COLUMNS if in_period is not None else ())
            if name != "received"  # by channel below
        }
        if carried is not None:
            sums["carried"] = Sum("open_delta", filter=carried, default=0)
        if in_period is not None:
            online = in_period & Q(channel="online")
            sums["received_online"] = Sum("received", filter=online, default=0)
            sums["received_direct"] = Sum(
                "received", filter=in_period & ~Q(channel="online"), default=0
            )
        rows = (
            qs.filter(wanted, duration=0)
            .values("agency_id", "procedure_code")
            .annotate(
                open_end=Sum("open_delta", default=0),
                overdue_end=Sum("overdue_delta", default=0),
                paused_end=Sum("paused_delta", default=0),
                **sums,
            )
            .order_by()
        )
        zeros = dict.fromkeys(
            ("carried", "received_online", "received_direct", *_PERIOD_COLUMNS), 0
        )
        for row in rows:
            _merge(out, (row["agency_id"], row["procedure_code"]), zeros | row)
    return list(out.values())


def _histogram_level(qs: QuerySet[Any], *, by: str, procedure_code: str | None) -> QuerySet[Any]:
    """Rollup histogram rows: the agency's level (procedure_code "") when no procedure is
    filtered nor grouped by, else the procedures' rows (ADR 0028)."""
    if by == "agency_id" and not procedure_code:
        return qs.filter(procedure_code="")
    return qs.exclude(procedure_code="")


def _histogram(
    *,
    date_from: dt.date,
    date_to: dt.date,
    agency_ids: set[int] | None,
    procedure_code: str | None,
    by: str = "agency_id",
) -> list[tuple[Any, int, int]]:
    """The processing-time buckets of the results of the period (ADR 0027), from the same
    sources as the sums, as (agency id or procedure code — `by` —, bucket, count)."""
    period = split(date_from, date_to)
    out: dict[tuple[Any, int], int] = {}
    for source in ("year", "month", "day"):
        qs, field = _source(source, agency_ids=agency_ids, procedure_code=procedure_code)
        in_period = _within(field, period, source)
        if in_period is None:
            continue
        if source != "day":
            qs = _histogram_level(qs, by=by, procedure_code=procedure_code)
        rows = (
            qs.filter(in_period)
            .exclude(duration=0)
            .values(by, "duration")
            .annotate(count=Sum("timed", default=0))
            .order_by()
            .values_list(by, "duration", "count")
        )
        for value, duration, count in rows:
            out[(value, duration)] = out.get((value, duration), 0) + int(count)
    return [(value, duration, count) for (value, duration), count in out.items()]


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
    row.received_online += int(sums["received_online"])
    row.received_direct += int(sums["received_direct"])
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
    # The histogram by agency (agency and level rows) or by procedure (procedure and field
    # rows): a row's key depends on one of the two only.
    by_agency = group in (GroupBy.AGENCY, GroupBy.LEVEL)
    row_key = {(a if by_agency else c): key for (a, c), (key, _label) in labels.items()}
    histograms: dict[str, Counter[int]] = defaultdict(Counter)
    for value, duration, count in _histogram(
        date_from=date_from,
        date_to=date_to,
        agency_ids=wanted,
        procedure_code=procedure_code,
        by="agency_id" if by_agency else "procedure_code",
    ):
        histograms[""][duration] += count
        if value in row_key:
            histograms[row_key[value]][duration] += count
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


def month_label(month_start: dt.date) -> str:
    """ "Tháng 3/2026": a month of the 12-month trends (translatable)."""
    return _("Month %(month)d/%(year)d") % {"month": month_start.month, "year": month_start.year}


def _months(*, until: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """The `months` calendar months up to `until`'s, oldest first, as (first day, last day cut
    at `until`)."""
    out: list[tuple[dt.date, dt.date]] = []
    year, month = until.year, until.month
    for _i in range(max(months, 0)):
        start = dt.date(year, month, 1)
        end = min(_month_end(start), until)
        out.append((start, end))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _month_end(start: dt.date) -> dt.date:
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def resolution_by_month(
    *,
    until: dt.date,
    months: int = 12,
    agency_ids: Iterable[int] | None = None,
    procedure_code: str | None = None,
) -> list[ResolutionRow]:
    """The trends: one ResolutionRow per calendar month, oldest first, the last being
    `until`'s month cut at `until`; key "YYYY-MM", label "Tháng 3/2026". Each row has the
    figures `resolution_report(date_from=month start, date_to=min(month end, until)).total`
    gives (counts, service columns, times, rates and medians). `agency_ids` rolled up to the
    agencies under them, like the report. At most eight queries whatever the months: the
    running sums before the first month (year, month rollups and days), the months' sums and
    their histograms (month rollups for whole months, daily rows for the cut one)."""
    spans = _months(until=until, months=months)
    if not spans:
        return []
    wanted = agencies_with_subagencies(agency_ids=agency_ids) if agency_ids is not None else None
    first = spans[0][0]
    # In progress, overdue and waiting before the first month: running sums.
    running = {"open": 0, "overdue": 0, "paused": 0}
    before = split(None, first - dt.timedelta(days=1)) if first > dt.date.min else []
    for source in ("year", "month", "day"):
        qs, field = _source(source, agency_ids=wanted, procedure_code=procedure_code)
        within = _within(field, before, source)
        if within is None:
            continue
        got = qs.filter(within, duration=0).aggregate(
            open=Sum("open_delta", default=0),
            overdue=Sum("overdue_delta", default=0),
            paused=Sum("paused_delta", default=0),
        )
        for name in running:
            running[name] += int(got[name])
    # Each month's sums and histogram: whole months from the month rollups, the rest by day.
    whole = [start for start, end in spans if rollups_used() and end == month_end(start)]
    loose = [(start, end) for start, end in spans if start not in whole]
    online = Q(channel="online")
    sums = {
        "received_online": Sum("received", filter=online, default=0),
        "received_direct": Sum("received", filter=~online, default=0),
        "open": Sum("open_delta", default=0),
        "overdue": Sum("overdue_delta", default=0),
        "paused": Sum("paused_delta", default=0),
        **{name: Sum(name, default=0) for name in _PERIOD_COLUMNS if name != "received"},
    }
    per_month: dict[dt.date, dict[str, Any]] = {}
    buckets: dict[dt.date, Counter[int]] = {}
    sources: list[tuple[QuerySet[Any], Any, bool]] = []
    if whole:
        qs, _field = _source("month", agency_ids=wanted, procedure_code=procedure_code)
        sources.append((qs.filter(period_start__in=whole), F("period_start"), True))
    if loose:
        qs, _field = _source("day", agency_ids=wanted, procedure_code=procedure_code)
        days = Q(day__gte=loose[0][0], day__lte=loose[0][1])
        for start, end in loose[1:]:
            days |= Q(day__gte=start, day__lte=end)
        sources.append((qs.filter(days), TruncMonth("day", output_field=DateField()), False))
    for qs, month, rollup in sources:
        for row in qs.filter(duration=0).annotate(m=month).values("m").annotate(**sums).order_by():
            per_month[_as_date(row.pop("m"))] = row
        if rollup:
            qs = _histogram_level(qs, by="agency_id", procedure_code=procedure_code)
        for row in (
            qs.exclude(duration=0)
            .annotate(m=month)
            .values("m", "duration")
            .annotate(count=Sum("timed", default=0))
            .order_by()
        ):
            buckets.setdefault(_as_date(row["m"]), Counter())[row["duration"]] += int(row["count"])
    day_seconds = working_calendar_get().working_day_seconds
    out = []
    for start, _end in spans:
        row = ResolutionRow(key=f"{start:%Y-%m}", label=month_label(start))
        got = per_month.get(start, {})
        row.received_carried_over = running["open"]
        for name in ("open", "overdue", "paused"):
            running[name] += int(got.get(name, 0))
        row.in_progress_total = running["open"]
        row.in_progress_overdue = running["overdue"]
        row.waiting_supplement = running["paused"]
        row.received_online = int(got.get("received_online", 0))
        row.received_direct = int(got.get("received_direct", 0))
        for name in _PERIOD_COLUMNS:
            if name != "received":
                setattr(row, name, int(got.get(name, 0)))
        histogram = buckets.get(start, Counter())
        row.median_processing_working_days = _median(
            Counter({-b: n for b, n in histogram.items() if b < 0})
        )
        row.median_processing_working_days_without_pauses = _median(
            Counter({b: n for b, n in histogram.items() if b > 0})
        )
        out.append(_finish(row, day_seconds))
    return out


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
