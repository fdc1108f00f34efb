"""Deadline arithmetic for dossiers and steps, on the working-day calendar (ADR 0008)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

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


def dossier_outcome(
    *,
    at: dt.datetime,
    appointment_at: dt.datetime | None,
    supplement_count: int,
    extended: bool,
    cal: WorkingCalendar,
) -> str:
    """The dossier's outcome when its result is ready at `at` (DESIGN §6): late whenever a
    second supplement request was made or an extension (form 04) issued, else the timeliness
    against the appointment; "" without an appointment. The one rule: the dossier's outcome
    and the return row of the control sheet (form 06) both come from it."""
    if supplement_count > 1 or extended:
        return "late"
    if appointment_at is None:
        return ""
    return timeliness(at=at, due=appointment_at, cal=cal)


def remaining_seconds(*, now: dt.datetime, due: dt.datetime, cal: WorkingCalendar) -> int:
    """Working seconds left until `due` (negative: working seconds overdue)."""
    if now <= due:
        return cal.working_seconds_between(now, due)
    return -cal.working_seconds_between(due, now)


#: The fields stored with a dossier's appointment and with a step's deadline (ADR 0017).
DOSSIER_MARKS = ("near_due_at", "apology_remind_at")
STEP_MARKS = ("near_due_at", "warned")


def marks_settings() -> tuple[float, float, int]:
    """The settings the stored instants depend on, besides the calendar: near-due working
    hours and fraction, apology lead in working days."""
    return (
        float(getattr(settings, "MOTCUA_NEAR_DUE_WORKING_HOURS", 8)),
        float(getattr(settings, "MOTCUA_NEAR_DUE_FRACTION", 0.2)),
        int(getattr(settings, "MOTCUA_APOLOGY_LEAD_WORKING_DAYS", 1)),
    )


def near_due_threshold_seconds(*, total_seconds: int | None = None) -> int:
    """A dossier or step is near due when at most this much working time is left: the larger
    of MOTCUA_NEAR_DUE_WORKING_HOURS (default 8 = one working day) and
    MOTCUA_NEAR_DUE_FRACTION (default 0.2) of its total time."""
    hours, fraction, _lead = marks_settings()
    base = int(hours * 3600)
    if total_seconds:
        return max(base, int(total_seconds * fraction))
    return base


def near_due_from(
    *, due: dt.datetime | None, total_seconds: int | None, cal: WorkingCalendar
) -> dt.datetime | None:
    """When something due at `due`, with `total_seconds` of working time in all, becomes near
    due (ADR 0017): stored next to the deadline, so that the near-due lists and the deadline
    sweep are index lookups. None without a deadline."""
    if due is None:
        return None
    return cal.time_left_from(due, near_due_threshold_seconds(total_seconds=total_seconds))


def dossier_near_due_from(
    *,
    clock_started_at: dt.datetime | None,
    appointment_at: dt.datetime | None,
    cal: WorkingCalendar,
) -> dt.datetime | None:
    """A dossier's: its total is the working time from the clock's start to the appointment."""
    if appointment_at is None:
        return None
    total = cal.working_seconds_between(clock_started_at or appointment_at, appointment_at)
    return near_due_from(due=appointment_at, total_seconds=total, cal=cal)


def step_near_due_from(
    *, due_at: dt.datetime | None, budget_hours: Decimal | None, cal: WorkingCalendar
) -> dt.datetime | None:
    """A step's: its total is its budget."""
    total = int(float(budget_hours) * 3600) if budget_hours is not None else None
    return near_due_from(due=due_at, total_seconds=total, cal=cal)


def apology_lead_seconds(cal: WorkingCalendar) -> int:
    """The apology (form 04) is sent at least MOTCUA_APOLOGY_LEAD_WORKING_DAYS working days
    (1, UNCONFIRMED) before the appointment."""
    return marks_settings()[2] * cal.working_day_seconds


def apology_deadline(*, appointment_at: dt.datetime, cal: WorkingCalendar) -> dt.datetime:
    """The last moment the apology may be sent for this appointment."""
    return cal.time_left_from(appointment_at, apology_lead_seconds(cal))


def apology_remind_from(
    *, appointment_at: dt.datetime | None, extended: bool, cal: WorkingCalendar
) -> dt.datetime | None:
    """When the deciding agency's leaders are reminded that the apology is due soon if the
    dossier will be late: one working day before the apology's last moment (ADR 0017).
    None without an appointment, once extended (at most one extension), or without a lead
    time."""
    lead = apology_lead_seconds(cal)
    if appointment_at is None or extended or lead <= 0:
        return None
    return cal.time_left_from(appointment_at, lead + cal.working_day_seconds)


def dossier_marks_set(dossier: Any, *, cal: WorkingCalendar) -> None:
    """Set what is stored with a dossier's appointment (DOSSIER_MARKS), after every change of
    the appointment: from when it is near due, and when the leaders are reminded of the
    apology (never once extended). The caller saves the fields."""
    dossier.near_due_at = dossier_near_due_from(
        clock_started_at=dossier.clock_started_at, appointment_at=dossier.appointment_at, cal=cal
    )
    dossier.apology_remind_at = apology_remind_from(
        appointment_at=dossier.appointment_at, extended=dossier.extended, cal=cal
    )


def step_marks_set(step: Any, *, cal: WorkingCalendar) -> None:
    """Set what is stored with a step's deadline (STEP_MARKS), after every change of it: from
    when it is near due, and no warning given yet for it. The caller saves the fields."""
    step.near_due_at = step_near_due_from(
        due_at=step.due_at, budget_hours=step.budget_hours, cal=cal
    )
    step.warned = ""
