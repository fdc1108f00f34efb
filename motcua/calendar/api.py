"""Public Python API of the calendar app. Other apps import only this module and data.py.

Deadline rules: docs/adr/0004-working-day-calendar.md. In short: the clock starts at
`WorkingCalendar.clock_start(received_at)` (15:00 cut-off, office sessions, working days);
working days and hours are walked through the office sessions; calendar days end at
closing time; "same day" ends at the clock-start day's closing time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from motcua.calendar.data import (
    CalendarDayKind,
    CalendarDaySource,
    CalendarSeedResult,
    DayInfo,
    TimeUnit,
)
from motcua.calendar.engine import WorkingCalendar
from motcua.calendar.selectors import calendar_days as _calendar_days
from motcua.calendar.selectors import (
    calendar_decided_years,
    calendar_year_provisional,
    calendar_year_undecided_soon,
    working_calendar_fingerprint,
)
from motcua.calendar.selectors import working_calendar_get as _working_calendar_get
from motcua.calendar.services import calendar_day_remove as _calendar_day_remove
from motcua.calendar.services import calendar_day_set as _calendar_day_set
from motcua.calendar.services import calendar_seed as _calendar_seed
from motcua.calendar.statutory import calendar_year_range

__all__ = [
    "CalendarDayKind",
    "CalendarDaySource",
    "CalendarSeedResult",
    "DayInfo",
    "TimeUnit",
    "WorkingCalendar",
    "calendar_day_remove",
    "calendar_day_set",
    "calendar_days",
    "calendar_decided_years",
    "calendar_seed",
    "calendar_year_provisional",
    "calendar_year_range",
    "calendar_year_undecided_soon",
    "deadline_compute",
    "working_calendar_fingerprint",
    "working_calendar_get",
    "working_time_elapsed",
]


def working_calendar_get() -> WorkingCalendar:
    """The current working calendar (settings + CalendarDay rows).

    Cheap to call: one small aggregate query checks that the per-process cache is still
    current, so changes made by other processes are seen on the next call. The returned
    object is immutable and ORM-free; hold on to it for a batch of computations."""
    return _working_calendar_get()


def deadline_compute(
    *,
    start: dt.datetime,
    amount: Decimal | int | str,
    unit: TimeUnit | str,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """When something received at `start` (an aware datetime) is due.

    `unit` is one of TimeUnit (working_days, working_hours, days, same_day); `amount`
    must be > 0 except for same_day, which ignores it. Uses `calendar`, or loads the
    current one. Returns an aware datetime in Asia/Ho_Chi_Minh. Raises ValueError for bad
    input. Writes nothing."""
    cal = calendar if calendar is not None else _working_calendar_get()
    return cal.deadline(start, amount, unit)


def working_time_elapsed(
    *,
    start: dt.datetime,
    end: dt.datetime,
    pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    calendar: WorkingCalendar | None = None,
) -> dt.timedelta:
    """Working time inside the office sessions of working days between `start` and `end`,
    minus the working time inside `pauses` ((start, end) pairs, which may overlap or reach
    outside the span). Whole seconds; never negative. Raises ValueError for naive input."""
    cal = calendar if calendar is not None else _working_calendar_get()
    return dt.timedelta(seconds=cal.working_seconds_between(start, end, pauses))


def calendar_days(*, start: dt.date, end: dt.date) -> list[DayInfo]:
    """Each date from `start` to `end` (both included): working or not, and the reason
    (the override's reason, the weekday name of a rest day, or "" for a working day), and
    `provisional` when the year has no government day-off decision loaded (its days off are
    the statutory ones of the `holidays` package). Raises ValueError when end < start."""
    return _calendar_days(start=start, end=end)


def calendar_day_set(
    *,
    date: dt.date,
    kind: CalendarDayKind | str,
    reason: str,
    legal_reference: str = "",
    source: CalendarDaySource | str = CalendarDaySource.ADMIN,
    actor: object | None = None,
) -> DayInfo:
    """Make `date` a day off or a (make-up) working day. Runs in its own transaction,
    audited; every process sees the change on its next calendar read. Raises
    ValidationFailed (field errors) for bad input. Returns the date's new DayInfo."""
    row = _calendar_day_set(
        date=date,
        kind=kind,
        reason=reason,
        legal_reference=legal_reference,
        source=source,
        actor=actor,
    )
    return DayInfo(
        date=row.date, working=row.kind == CalendarDayKind.WORKING_DAY, reason=row.reason
    )


def calendar_day_remove(*, date: dt.date, actor: object | None = None) -> bool:
    """Drop the override of `date` so it follows its weekday again. Audited. Returns False
    (and writes nothing) when `date` had no override."""
    return _calendar_day_remove(date=date, actor=actor)


def calendar_seed(*, years: Iterable[int], actor: object | None = None) -> CalendarSeedResult:
    """Load statutory holidays (holidays package) and the government's yearly decisions for
    `years`, in one transaction. Idempotent; never overwrites rows edited by an admin."""
    return _calendar_seed(years=years, actor=actor)
