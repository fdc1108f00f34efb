"""GET /api/v1/calendar/deadline and /api/v1/calendar/days: the public working-day calendar."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params import functions as params

from motcua.calendar.api import (
    TimeUnit,
    calendar_days,
    calendar_year_range,
    deadline_compute,
    working_calendar_get,
)
from motcua.core.errors import ValidationFailed
from motcua.rest.auth import PUBLIC
from motcua.rest.v1.schemas import ErrorOut

router = Router(tags=["calendar"])

MAX_AMOUNT = Decimal(10000)
MAX_RANGE_DAYS = 366
# A "+07:00" offset sent unencoded in a query string arrives as " 07:00".
_SPACE_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")


class DeadlineOut(Schema):
    deadline: dt.datetime
    clock_start: dt.datetime
    unit: TimeUnit
    amount: float | None


class DayOut(Schema):
    date: dt.date
    working: bool
    reason: str
    #: The year has no government day-off decision loaded: statutory holidays only.
    provisional: bool


class DayListOut(Schema):
    items: list[DayOut]


def _invalid(errors: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(_("Check the values you entered."), field_errors=errors)


def _parse_start(
    value: str | None, tz: dt.tzinfo, errors: dict[str, list[str]]
) -> dt.datetime | None:
    if value is None or not value.strip():
        errors["start"] = [_("This field is required.")]
        return None
    text = _SPACE_OFFSET.sub(r"+\1", value.strip())
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        errors["start"] = [
            _("Enter a date and time in ISO 8601 format, e.g. 2026-02-13T10:00:00+07:00.")
        ]
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed if _in_years(parsed.date(), "start", errors) else None


def _parse_unit(value: str | None, errors: dict[str, list[str]]) -> TimeUnit | None:
    if value is None or not value.strip():
        errors["unit"] = [_("This field is required.")]
        return None
    try:
        return TimeUnit(value.strip())
    except ValueError:
        errors["unit"] = [
            _("Unknown unit. Use one of: %(units)s.")
            % {"units": ", ".join(u.value for u in TimeUnit)}
        ]
        return None


def _parse_amount(
    value: str | None, unit: TimeUnit | None, errors: dict[str, list[str]]
) -> Decimal | None:
    if value is None or not value.strip():
        if unit is not TimeUnit.SAME_DAY:
            errors["amount"] = [_("This field is required.")]
        return None
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        errors["amount"] = [_("Enter a number.")]
        return None
    if not amount.is_finite():
        errors["amount"] = [_("Enter a number.")]
    elif unit is not TimeUnit.SAME_DAY and amount <= 0:
        errors["amount"] = [_("The amount must be greater than 0.")]
    elif amount > MAX_AMOUNT:
        errors["amount"] = [_("The amount must be at most %(max)s.") % {"max": MAX_AMOUNT}]
    return amount


def _in_years(day: dt.date, field: str, errors: dict[str, list[str]]) -> bool:
    """Whether the date's year is one the calendar answers for; the error names the field."""
    first, last = calendar_year_range()
    if first <= day.year <= last:
        return True
    errors[field] = [
        _("Choose a date between the years %(first)s and %(last)s.")
        % {"first": first, "last": last}
    ]
    return False


def _parse_date(value: str | None, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value is None or not value.strip():
        errors[field] = [_("This field is required.")]
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = [_("Enter a date in the format YYYY-MM-DD.")]
        return None
    return day if _in_years(day, field, errors) else None


@router.get(
    "/deadline",
    auth=PUBLIC,
    response={200: DeadlineOut, 400: ErrorOut},
    summary="Compute a deadline",
    url_name="calendar-deadline",
)
def calendar_deadline(
    request: HttpRequest,
    start: str | None = params.Query(
        None,
        description="When the dossier was received (ISO 8601). Without an offset: Asia/Ho_Chi_Minh time.",
    ),
    amount: str | None = params.Query(
        None, description="How many units (> 0; decimals allowed). Ignored for same_day."
    ),
    unit: str | None = params.Query(
        None, description="working_days, working_hours, days or same_day."
    ),
) -> DeadlineOut:
    """When a dossier received at `start` is due, on the province's working-day calendar."""
    calendar = working_calendar_get()
    errors: dict[str, list[str]] = {}
    received = _parse_start(start, calendar.tz, errors)
    time_unit = _parse_unit(unit, errors)
    value = _parse_amount(amount, time_unit, errors)
    if errors or received is None or time_unit is None:
        raise _invalid(errors)
    try:
        clock_start = calendar.clock_start(received)
        due = deadline_compute(
            start=received,
            amount=value if value is not None else 1,
            unit=time_unit,
            calendar=calendar,
        )
    except (ValueError, OverflowError) as exc:
        raise _invalid({"amount": [_("The deadline falls outside the supported dates.")]}) from exc
    return DeadlineOut(
        deadline=due,
        clock_start=clock_start,
        unit=time_unit,
        amount=float(value) if value is not None else None,
    )


@router.get(
    "/days",
    auth=PUBLIC,
    response={200: DayListOut, 400: ErrorOut},
    summary="List working days and days off",
    url_name="calendar-days",
)
def calendar_days_list(
    request: HttpRequest,
    date_from: str | None = params.Query(
        None, alias="from", description="First date (YYYY-MM-DD)."
    ),
    date_to: str | None = params.Query(
        None, alias="to", description="Last date (YYYY-MM-DD), at most 366 days in all."
    ),
) -> DayListOut:
    """Each date of the range: whether it is a working day, why not, and whether it is
    provisional (no government day-off decision for its year yet: statutory holidays only).
    Years outside MOTCUA_CALENDAR_MIN_YEAR–MAX_YEAR (2000–2100): 400 naming the field."""
    errors: dict[str, list[str]] = {}
    first = _parse_date(date_from, "from", errors)
    last = _parse_date(date_to, "to", errors)
    if first is not None and last is not None:
        if first > last:
            errors["to"] = [_("The end date must not be before the start date.")]
        elif (last - first).days + 1 > MAX_RANGE_DAYS:
            errors["to"] = [
                _("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}
            ]
    if errors or first is None or last is None:
        raise _invalid(errors)
    return DayListOut(
        items=[
            DayOut(date=d.date, working=d.working, reason=d.reason, provisional=d.provisional)
            for d in calendar_days(start=first, end=last)
        ]
    )
