"""The month and year rollups of the fact table (ADR 0028): how a range of days splits into
whole years, whole months and loose days, and the rollup written again from the daily rows.

`FlowRollup` is kept equal to the sums of `DailyFlow` by triggers on the daily table
(migration 0003) that append each change as pending rows (no lock on shared rows), so a report
may read a whole month or year from it and get exactly what summing the days would give;
`rollups_compact` (the periodic job `reports.rollups_compact`) merges each key's rows into one;
`rollups_rebuild` is only for bulk loads that bypass triggers (the benchmark's generator) and
for repair."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from typing import Literal

from django.db import connections, router, transaction

from motcua.reports.models import FLOW_COLUMNS, DailyFlow, FlowRollup

Source = Literal["day", "month", "year"]
#: (source, first, last): the rows of `source` whose day (or first day) lies in [first, last],
#: each of them wholly inside the range that was split.
Piece = tuple[Source, dt.date, dt.date]

_DAILY_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("daily_only", default=False)


@contextlib.contextmanager
def daily_only() -> Iterator[None]:
    """Reports computed from the daily rows alone (tests compare both ways; the benchmark
    measures both)."""
    token = _DAILY_ONLY.set(True)
    try:
        yield
    finally:
        _DAILY_ONLY.reset(token)


def rollups_used() -> bool:
    return not _DAILY_ONLY.get()


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def split(first: dt.date | None, last: dt.date) -> list[Piece]:
    """[first, last] (first None: from the beginning) as pieces: whole years, then whole
    months, then loose days, so that every rollup row read lies wholly inside the range. At
    most one year piece, two month pieces and two day pieces (consecutive ones merged)."""
    if not rollups_used():
        return [("day", first or dt.date.min, last)] if first is None or first <= last else []
    pieces: list[Piece] = []
    cur = first
    if cur is None:
        years_to = last.year if last == dt.date(last.year, 12, 31) else last.year - 1
        if years_to >= dt.MINYEAR:
            pieces.append(("year", dt.date.min, dt.date(years_to, 1, 1)))
        if years_to >= dt.MAXYEAR:
            return pieces
        cur = dt.date(years_to + 1, 1, 1)
    while cur <= last:
        year_end = dt.date(cur.year, 12, 31)
        if (cur.month, cur.day) == (1, 1) and year_end <= last:
            piece: Piece = ("year", cur, cur)
            nxt = year_end
        elif cur.day == 1 and month_end(cur) <= last:
            piece = ("month", cur, cur)
            nxt = month_end(cur)
        else:
            nxt = min(month_end(cur), last)
            piece = ("day", cur, nxt)
        if pieces and pieces[-1][0] == piece[0]:
            pieces[-1] = (piece[0], pieces[-1][1], piece[2])
        else:
            pieces.append(piece)
        if nxt >= dt.date.max:
            break
        cur = nxt + dt.timedelta(days=1)
    return pieces


@transaction.atomic
def rollups_rebuild() -> int:
    """Write the rollups again from the daily rows (one INSERT … SELECT per span); for loads
    that bypass the triggers. Returns the number of rollup rows."""
    alias = router.db_for_write(FlowRollup)
    vendor = connections[alias].vendor
    table, daily = FlowRollup._meta.db_table, DailyFlow._meta.db_table
    cols = ", ".join(FLOW_COLUMNS)
    sums = ", ".join(f"SUM({c})" for c in FLOW_COLUMNS)
    with connections[alias].cursor() as cur:
        cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        for span in ("month", "year"):
            start = (
                f"date_trunc('{span}', day)::date"
                if vendor == "postgresql"
                else f"date(day, 'start of {span}')"
            )
            channel = "CASE WHEN duration = 0 THEN channel ELSE '' END"  # as the triggers
            cur.execute(
                f"INSERT INTO {table} (span, period_start, agency_id, procedure_code, "  # noqa: S608
                f"channel, duration, pending, {cols}) SELECT '{span}', {start}, agency_id, "
                f"procedure_code, {channel}, duration, false, {sums} FROM {daily} "
                f"GROUP BY {start}, agency_id, procedure_code, {channel}, duration"
            )
            # The histogram once more at the agency's level (procedure and channel ''),
            # as the triggers write it.
            cur.execute(
                f"INSERT INTO {table} (span, period_start, agency_id, procedure_code, "  # noqa: S608
                f"channel, duration, pending, {cols}) SELECT '{span}', {start}, agency_id, '', "
                f"'', duration, false, {sums} FROM {daily} WHERE duration <> 0 "
                f"GROUP BY {start}, agency_id, duration"
            )
    return FlowRollup.objects.count()


_KEY = ("span", "period_start", "agency_id", "procedure_code", "channel", "duration")


@transaction.atomic
def rollups_compact() -> int:
    """Merge the rows of every key that has pending rows (appended by the triggers) into one
    row: the sums are unchanged, so readers see the same figures before and after. On
    PostgreSQL one statement (DELETE … RETURNING feeding the INSERT: exactly the rows deleted
    are summed, whatever commits meanwhile; a second run at the same time waits on an advisory
    lock); on SQLite writers are serialised anyway. Returns the number of rows merged away."""
    alias = router.db_for_write(FlowRollup)
    connection = connections[alias]
    table = FlowRollup._meta.db_table
    key = ", ".join(_KEY)
    cols = ", ".join(FLOW_COLUMNS)
    sums = ", ".join(f"SUM({c})" for c in FLOW_COLUMNS)
    same = " AND ".join(f"r.{k} = p.{k}" for k in _KEY)
    before = FlowRollup.objects.count()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('reports.rollups_compact'))")
            cur.execute(
                f"WITH keys AS (SELECT DISTINCT {key} FROM {table} WHERE pending), "  # noqa: S608
                f"moved AS (DELETE FROM {table} r USING keys p WHERE {same} RETURNING r.*) "
                f"INSERT INTO {table} ({key}, pending, {cols}) "
                f"SELECT {key}, false, {sums} FROM moved GROUP BY {key}"
            )
        else:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            (last,) = cur.fetchone()
            pending = f"EXISTS (SELECT 1 FROM {table} p WHERE p.pending AND p.id <= %s AND {same})"  # noqa: S608
            cur.execute(
                f"INSERT INTO {table} ({key}, pending, {cols}) "  # noqa: S608
                f"SELECT {key}, false, {sums} FROM {table} r WHERE r.id <= %s AND {pending} "
                f"GROUP BY {key}",
                [last, last],
            )
            cur.execute(
                f"DELETE FROM {table} AS r WHERE r.id <= %s AND {pending}",  # noqa: S608
                [last, last],
            )
    return before - FlowRollup.objects.count()
