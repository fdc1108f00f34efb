"""Public shapes of the calendar app (stdlib only). Other apps may import this module."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass


class TimeUnit(enum.StrEnum):
    """The unit of a legal time limit."""

    #: "ngày làm việc": walked through the office sessions of working days (8 h a day).
    WORKING_DAYS = "working_days"
    #: "giờ làm việc": walked through the office sessions of working days.
    WORKING_HOURS = "working_hours"
    #: "ngày": calendar days, ending at closing time (rolled to a working day when configured).
    DAYS = "days"
    #: "trong ngày": closing time of the day the clock starts.
    SAME_DAY = "same_day"


class CalendarDayKind(enum.StrEnum):
    """What a calendar row says about its date (it overrides the weekday default)."""

    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


class CalendarDaySource(enum.StrEnum):
    """Where a calendar row comes from. Seeding never overwrites ``ADMIN`` rows."""

    HOLIDAYS_PACKAGE = "holidays_package"
    DECISION = "decision"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One date of the calendar: whether it is a working day, and why (or ""). `provisional`:
    its year has no government day-off decision loaded yet (`decisions.py`), so the days off
    are the statutory ones only and may still move (set by `calendar_days`)."""

    date: datetime.date
    working: bool
    reason: str
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class CalendarSeedResult:
    """What `calendar_seed` did, date by date."""

    years: tuple[int, ...]
    created: tuple[datetime.date, ...]
    updated: tuple[datetime.date, ...]
    unchanged: tuple[datetime.date, ...]
    removed: tuple[datetime.date, ...]
    kept_admin: tuple[datetime.date, ...]
