"""Reads: the working calendar built from settings and CalendarDay rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Hashable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils.dates import WEEKDAYS

from motcua.calendar.data import CalendarDayKind, CalendarDaySource, DayInfo
from motcua.calendar.decisions import DECISIONS
from motcua.calendar.engine import WorkingCalendar, parse_sessions, parse_time
from motcua.calendar.models import CalendarDay
from motcua.calendar.statutory import calendar_year_range, statutory_days
from motcua.core.recheck import Recheck

_lock = threading.Lock()
_cached: tuple[tuple[Hashable, Hashable], WorkingCalendar] | None = None
_recheck = Recheck()


def _settings_key() -> tuple[Hashable, ...]:
    weekend = tuple(sorted(int(d) for d in settings.MOTCUA_WEEKEND_DAYS))
    return (
        str(settings.MOTCUA_OFFICE_SESSIONS),
        str(settings.MOTCUA_CUTOFF_TIME),
        weekend,
        bool(settings.MOTCUA_CALENDAR_DAYS_ROLL_FORWARD),
        str(settings.TIME_ZONE),
        calendar_year_range(),
    )


def _rows_fingerprint() -> tuple[Hashable, ...]:
    """A cheap summary of the CalendarDay table that changes with every insert, update
    (updated_at) and delete (count, sum of ids)."""
    agg = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"), ids=Sum("id"))
    return (agg["n"], agg["last"], agg["ids"])


def _build(settings_key: tuple[Hashable, ...]) -> WorkingCalendar:
    sessions, cutoff, weekend, roll_forward, tz_name, years = settings_key
    assert isinstance(sessions, str)
    assert isinstance(cutoff, str)
    assert isinstance(weekend, tuple)
    assert isinstance(tz_name, str)
    assert isinstance(years, tuple)
    days_off: set[dt.date] = set()
    working: set[dt.date] = set()
    reasons: dict[dt.date, str] = {}
    seeded_years: set[int] = set()
    seeded = {CalendarDaySource.HOLIDAYS_PACKAGE.value, CalendarDaySource.DECISION.value}
    rows = CalendarDay.objects.values_list("date", "kind", "reason", "source")
    for day, kind, reason, source in rows:
        (working if kind == CalendarDayKind.WORKING_DAY else days_off).add(day)
        reasons[day] = reason
        if source in seeded:
            seeded_years.add(day.year)
    # A year nobody seeded still has its statutory holidays (issue 13): those of the
    # `holidays` package overlaid with the government's decision when `decisions.py` has it
    # (what `calendar_seed` would write), never over a row of its own (an admin's word wins).
    planned = dict(statutory_days(*years))
    for rows_of_year in DECISIONS.values():
        planned.update({d.date: (d.kind.value, d.reason) for d in rows_of_year})
    for day, (kind, reason) in planned.items():
        if day.year in seeded_years or day in reasons:
            continue
        (working if kind == CalendarDayKind.WORKING_DAY else days_off).add(day)
        reasons[day] = reason
    return WorkingCalendar(
        weekend=frozenset(weekend),
        days_off=frozenset(days_off),
        working_days=frozenset(working),
        reasons=reasons,
        sessions=parse_sessions(sessions),
        cutoff=parse_time(cutoff),
        tz=ZoneInfo(tz_name),
        roll_forward=bool(roll_forward),
        weekday_names=WEEKDAYS,  # lazy translations: "Thứ bảy", "Chủ nhật" in Vietnamese
    )


def working_calendar_get() -> WorkingCalendar:
    """The working calendar of the settings and the CalendarDay rows.

    Cached per process; a one-query fingerprint of the table (row count, latest updated_at,
    sum of ids) tells whether it changed, so a change made by another process, including a
    deleted row, is seen at the next check — at most every MOTCUA_REFERENCE_RECHECK_SECONDS
    (core/recheck.py). Services also clear the cache directly."""
    global _cached
    settings_key = _settings_key()
    cached = _cached
    if cached is not None and cached[0][0] == settings_key and _recheck.fresh("calendar"):
        return cached[1]
    key = (settings_key, _rows_fingerprint())
    _recheck.checked("calendar")
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = _build(key[0])
    with _lock:
        _cached = (key, calendar)
    return calendar


def working_calendar_fingerprint() -> str:
    """A string that changes whenever the working calendar may have: the calendar settings and
    the CalendarDay table's fingerprint (one small aggregate query, never cached). For
    values stored from the calendar that must be recomputed when it changes."""
    return repr((_settings_key(), _rows_fingerprint()))


def working_calendar_cache_clear() -> None:
    """Forget the cached calendar of this process (services call it after each write)."""
    global _cached
    with _lock:
        _cached = None
    _recheck.clear()


def calendar_decided_years() -> set[int]:
    """The years whose government day-off decision is loaded: those of `decisions.py` and
    those with a row of source "decision"."""
    rows = CalendarDay.objects.filter(source=CalendarDaySource.DECISION.value)
    return set(DECISIONS) | {d.year for d in rows.dates("date", "year")}


def calendar_year_provisional(*, year: int) -> bool:
    """Whether the year's days off are provisional: no government decision loaded for it."""
    return year not in calendar_decided_years()


#: How long before a year starts the province admins are told its decision is missing.
DECISION_WARNING_DAYS = 60


def calendar_year_undecided_soon(*, today: dt.date) -> int | None:
    """The year that has started, or starts within `DECISION_WARNING_DAYS`, without the
    government's day-off decision loaded (this year first), or None: the desk warns the
    province admins, whose job is to load it (issue 13)."""
    decided = calendar_decided_years()
    soon = (today + dt.timedelta(days=DECISION_WARNING_DAYS)).year
    return next((y for y in range(today.year, soon + 1) if y not in decided), None)


def calendar_days(*, start: dt.date, end: dt.date) -> list[DayInfo]:
    """Every date from `start` to `end` (both included) with whether it is a working day and
    why, `provisional` for the dates of a year without a decision (`calendar_decided_years`).
    Raises ValueError when end < start."""
    decided = calendar_decided_years()
    return [
        dataclasses.replace(d, provisional=d.date.year not in decided)
        for d in working_calendar_get().days(start, end)
    ]
