"""The deadlines of a feedback (ADR 0040): working days on the province calendar
(`calendar.api`) from its arrival (`submitted_at`: the portal is one of the channels of
Decree 20/2008 Art 6, so a feedback sent online has arrived when it is sent).

* refuse (or classify) <= MOTCUA_PAKN_REFUSE_DAYS (2, UNCONFIRMED);
* forward <= MOTCUA_PAKN_FORWARD_DAYS (5, Decree 20/2008 Art 9);
* handle (answer approved) <= MOTCUA_PAKN_HANDLE_DAYS (15, UNCONFIRMED), paused while the
  sender is asked for more (the working time left is kept and starts again at the reply);
* publish <= MOTCUA_PAKN_PUBLISH_DAYS (2, UNCONFIRMED) after the approval.
A step is due soon with at most MOTCUA_PAKN_DUE_SOON_DAYS working days of time left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from motcua.calendar.api import (
    WorkingCalendar,
    deadline_compute,
    working_calendar_get,
    working_time_elapsed,
)
from motcua.pakn.data import Status


def days(step: str) -> int:
    return int(getattr(settings, f"MOTCUA_PAKN_{step.upper()}_DAYS"))


def due(start: dt.datetime, step: str, cal: WorkingCalendar | None = None) -> dt.datetime:
    return deadline_compute(start=start, amount=days(step), unit="working_days", calendar=cal)


def initial(arrived_at: dt.datetime) -> dict[str, dt.datetime]:
    cal = working_calendar_get()
    return {
        "refuse_due_at": due(arrived_at, "refuse", cal),
        "forward_due_at": due(arrived_at, "forward", cal),
        "handle_due_at": due(arrived_at, "handle", cal),
    }


def remaining(*, now: dt.datetime, due_at: dt.datetime) -> dt.timedelta:
    """Working time left from `now` to `due_at` (zero when past)."""
    if now >= due_at:
        return dt.timedelta(0)
    return working_time_elapsed(start=now, end=due_at)


def resume(*, at: dt.datetime, left: dt.timedelta) -> dt.datetime:
    """The new due instant when a paused clock restarts at `at` with `left` working time."""
    seconds = int(left.total_seconds())
    if seconds <= 0:
        return at
    hours = Decimal(seconds) / Decimal(3600)
    return deadline_compute(start=at, amount=hours, unit="working_hours")


def current_step(status: str) -> str | None:
    """Which deadline the feedback's current status runs against (None: none runs)."""
    steps: dict[str, str] = {
        Status.SUBMITTED: "refuse",
        Status.RECEIVED: "refuse",
        Status.TO_FORWARD: "forward",
        Status.CLASSIFIED: "handle",
        Status.IN_PROGRESS: "handle",
        Status.ANSWERED: "handle",
        Status.APPROVED: "publish",
    }
    return steps.get(status)


def due_soon_from(due_at: dt.datetime) -> dt.datetime:
    """The instant from which a step due at `due_at` is due soon: DUE_SOON working days of
    office time before it (walked back day by day on the calendar)."""
    cal = working_calendar_get()
    n = int(getattr(settings, "MOTCUA_PAKN_DUE_SOON_DAYS", 2))
    if n <= 0:
        return due_at
    due_at = timezone.localtime(due_at)
    day = due_at.date()
    walked = 0
    while walked < n:
        day -= dt.timedelta(days=1)
        if cal.is_working_day(day):
            walked += 1
    return dt.datetime.combine(day, due_at.timetz())
