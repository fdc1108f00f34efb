"""Reads: the working calendar built from settings and CalendarDay rows."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils.dates import WEEKDAYS

from motcua.calendar.data import CalendarDayKind, DayInfo
from motcua.calendar.engine import WorkingCalendar, parse_sessions, parse_time
from motcua.calendar.models import CalendarDay
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
    )


def _rows_fingerprint() -> tuple[Hashable, ...]:
    """A cheap summary of the CalendarDay table that changes with every insert, update
    (updated_at) and delete (count, sum of ids)."""
    agg = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"), ids=Sum("id"))
    return (agg["n"], agg["last"], agg["ids"])


def _build(settings_key: tuple[Hashable, ...]) -> WorkingCalendar:
    sessions, cutoff, weekend, roll_forward, tz_name = settings_key
    assert isinstance(sessions, str)
    assert isinstance(cutoff, str)
    assert isinstance(weekend, tuple)
    assert isinstance(tz_name, str)
    days_off: set[dt.date] = set()
    working: set[dt.date] = set()
    reasons: dict[dt.date, str] = {}
    for day, kind, reason in CalendarDay.objects.values_list("date", "kind", "reason"):
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


def calendar_days(*, start: dt.date, end: dt.date) -> list[DayInfo]:
    """Every date from `start` to `end` (both included) with whether it is a working day and
    why. Raises ValueError when end < start."""
    return working_calendar_get().days(start, end)
