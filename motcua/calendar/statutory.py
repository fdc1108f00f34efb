"""The statutory holidays of any year, from the `holidays` package (lunar ones included),
for the years no one seeded: the working calendar fills them in (selectors.py) so that a
deadline across Tết of a year not loaded yet still skips it. Cached per process."""

from __future__ import annotations

import datetime as dt
import functools

import holidays
from django.conf import settings

from motcua.calendar.data import CalendarDayKind

_REASON_MAX = 255


def calendar_year_range() -> tuple[int, int]:
    """The years the calendar answers for (`MOTCUA_CALENDAR_MIN_YEAR`–`MOTCUA_CALENDAR_MAX_YEAR`,
    2000–2100 by default): interfaces refuse dates outside it."""
    return int(settings.MOTCUA_CALENDAR_MIN_YEAR), int(settings.MOTCUA_CALENDAR_MAX_YEAR)


@functools.lru_cache(maxsize=4)
def statutory_days(first: int, last: int) -> dict[dt.date, tuple[str, str]]:
    """date -> (kind, reason) for the years `first`–`last`: the package's holidays and
    substituted days off (days off, Vietnamese names) and the make-up working Saturdays it
    knows. About 0.35 s for 101 years, once per process."""
    package = holidays.country_holidays("VN", years=range(first, last + 1), language="vi")
    days: dict[dt.date, tuple[str, str]] = {
        day: (CalendarDayKind.DAY_OFF.value, str(name)[:_REASON_MAX])
        for day, name in package.items()
        if first <= day.year <= last
    }
    for workday in getattr(package, "weekend_workdays", set()):
        if first <= workday.year <= last and workday not in days:
            days[workday] = (CalendarDayKind.WORKING_DAY.value, "Ngày làm bù")
    return days
