"""Deadline arithmetic for dossiers and steps, on the working-day calendar (ADR 0008)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.calendar.api import TimeUnit, WorkingCalendar, working_calendar_get


def calendar() -> WorkingCalendar:
    return working_calendar_get()


def dossier_due(
    *, start: dt.datetime, amount: Decimal | None, unit: str, cal: WorkingCalendar
) -> dt.datetime:
    return cal.deadline(start, amount if amount is not None else Decimal(1), unit)


def step_due(
    *, start: dt.datetime, budget_hours: Decimal, cap: dt.datetime | None, cal: WorkingCalendar
) -> dt.datetime:
    """A step's deadline: its budget in working hours from when it is entered, never later
    than the dossier's appointment."""
    due = cal.deadline(start, budget_hours, TimeUnit.WORKING_HOURS)
    return min(due, cap) if cap is not None else due


def timeliness(*, at: dt.datetime, due: dt.datetime, cal: WorkingCalendar) -> str:
    """early: on a day before the due date; on_time: on the due date, not after the due time;
    late: after it. Dates are local (Asia/Ho_Chi_Minh)."""
    if at > due:
        return "late"
    if at.astimezone(cal.tz).date() < due.astimezone(cal.tz).date():
        return "early"
    return "on_time"


def remaining_seconds(*, now: dt.datetime, due: dt.datetime, cal: WorkingCalendar) -> int:
    """Working seconds left until `due` (negative: working seconds overdue)."""
    if now <= due:
        return cal.working_seconds_between(now, due)
    return -cal.working_seconds_between(due, now)
