"""Fixtures of the calendar tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from motcua.calendar.data import CalendarDayKind, CalendarSeedResult
from motcua.calendar.decisions import DECISIONS
from motcua.calendar.engine import WorkingCalendar
from motcua.calendar.selectors import working_calendar_cache_clear

ICT = ZoneInfo("Asia/Ho_Chi_Minh")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware instant in Vietnam time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=ICT)


def decisions_calendar(**overrides: object) -> WorkingCalendar:
    """The 2025–2026 calendar built by hand from the decision tables (no DB), plus the
    package-only Vietnam Cultural Day 2026-11-24."""
    days_off: set[dt.date] = {dt.date(2026, 11, 24)}
    working: set[dt.date] = set()
    reasons: dict[dt.date, str] = {dt.date(2026, 11, 24): "Ngày Văn hóa Việt Nam"}
    for rows in DECISIONS.values():
        for row in rows:
            (working if row.kind == CalendarDayKind.WORKING_DAY else days_off).add(row.date)
            reasons[row.date] = row.reason
    kwargs: dict[str, object] = {
        "days_off": frozenset(days_off),
        "working_days": frozenset(working),
        "reasons": reasons,
    }
    kwargs.update(overrides)
    return WorkingCalendar(**kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def vn_calendar() -> WorkingCalendar:
    return decisions_calendar()


@pytest.fixture
def seeded(db: None) -> CalendarSeedResult:
    from motcua.calendar.api import calendar_seed

    return calendar_seed(years=[2025, 2026])
