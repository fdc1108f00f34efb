"""The public module motcua.calendar.api on the seeded (real) calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from motcua.calendar import api
from motcua.calendar.data import CalendarSeedResult, DayInfo, TimeUnit
from motcua.calendar.models import CalendarDay
from motcua.calendar.selectors import working_calendar_get

from .cases import HAND_CASES
from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "amount", "unit", "due"),
    [pytest.param(*case[1:], id=case[0]) for case in HAND_CASES],
)
def test_deadline_compute_on_the_seeded_calendar(
    seeded: CalendarSeedResult, received: dt.datetime, amount: str, unit: TimeUnit, due: dt.datetime
) -> None:
    assert api.deadline_compute(start=received, amount=Decimal(amount), unit=unit) == due


def test_an_override_changes_a_computed_deadline(seeded: CalendarSeedResult) -> None:
    received = at(2026, 3, 9, 10)
    assert api.deadline_compute(start=received, amount=2, unit="working_days") == at(
        2026, 3, 11, 10
    )

    api.calendar_day_set(date=dt.date(2026, 3, 10), kind="day_off", reason="Nghỉ đột xuất (bão)")

    assert api.deadline_compute(start=received, amount=2, unit="working_days") == at(
        2026, 3, 12, 10
    )

    api.calendar_day_remove(date=dt.date(2026, 3, 10))

    assert api.deadline_compute(start=received, amount=2, unit="working_days") == at(
        2026, 3, 11, 10
    )


def test_a_make_up_saturday_shortens_a_deadline(db: None) -> None:
    received = at(2026, 3, 13, 10)  # Friday
    assert api.deadline_compute(start=received, amount=1, unit="working_days") == at(
        2026, 3, 16, 10
    )

    day = api.calendar_day_set(date=dt.date(2026, 3, 14), kind="working_day", reason="Làm bù")

    assert day == DayInfo(dt.date(2026, 3, 14), True, "Làm bù")
    assert api.deadline_compute(start=received, amount=1, unit="working_days") == at(
        2026, 3, 14, 10
    )


def test_working_time_elapsed_with_a_pause(seeded: CalendarSeedResult) -> None:
    elapsed = api.working_time_elapsed(
        start=at(2026, 3, 9, 8),
        end=at(2026, 3, 13, 10),
        pauses=[(at(2026, 3, 10, 14), at(2026, 3, 12, 9))],
    )

    assert elapsed == dt.timedelta(hours=21)


def test_working_time_elapsed_over_tet(seeded: CalendarSeedResult) -> None:
    elapsed = api.working_time_elapsed(start=at(2026, 2, 13, 10), end=at(2026, 2, 25, 10))

    assert elapsed == dt.timedelta(hours=24)


def test_calendar_days_reasons(seeded: CalendarSeedResult) -> None:
    days = api.calendar_days(start=dt.date(2026, 4, 24), end=dt.date(2026, 4, 28))

    assert days == [
        DayInfo(dt.date(2026, 4, 24), True, ""),
        DayInfo(dt.date(2026, 4, 25), False, "Thứ 7"),
        DayInfo(dt.date(2026, 4, 26), False, "Giỗ Tổ Hùng Vương"),
        DayInfo(dt.date(2026, 4, 27), False, "Nghỉ bù Giỗ Tổ Hùng Vương"),
        DayInfo(dt.date(2026, 4, 28), True, ""),
    ]


def test_weekday_reasons_follow_the_active_language(db: None) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert api.calendar_days(start=dt.date(2026, 3, 14), end=dt.date(2026, 3, 15)) == [
            DayInfo(dt.date(2026, 3, 14), False, "Saturday"),
            DayInfo(dt.date(2026, 3, 15), False, "Sunday"),
        ]


def test_calendar_uses_the_settings(db: None, settings: Any) -> None:
    settings.MOTCUA_OFFICE_SESSIONS = "08:00-12:00,13:00-17:00"
    settings.MOTCUA_CUTOFF_TIME = "16:00"
    settings.MOTCUA_CALENDAR_DAYS_ROLL_FORWARD = False

    calendar = api.working_calendar_get()

    assert calendar.sessions == ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17)))
    assert api.deadline_compute(start=at(2026, 3, 10, 15, 30), amount=1, unit="working_days") == at(
        2026, 3, 11, 15, 30
    )
    assert api.deadline_compute(start=at(2026, 3, 2, 9), amount=6, unit="days") == at(
        2026, 3, 8, 17
    )


def test_calendar_is_cached_and_sees_changes_made_elsewhere(
    db: None, django_assert_num_queries: object
) -> None:
    first = working_calendar_get()
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert working_calendar_get() is first

    # a write that bypasses the services (another process, a shell): seen on the next call
    CalendarDay.objects.create(date=dt.date(2026, 3, 10), kind="day_off", reason="x")
    second = working_calendar_get()
    assert second is not first
    assert not second.is_working_day(dt.date(2026, 3, 10))

    CalendarDay.objects.filter(date=dt.date(2026, 3, 10)).delete()
    third = working_calendar_get()
    assert third.is_working_day(dt.date(2026, 3, 10))


def test_deadline_compute_accepts_a_given_calendar_and_rejects_bad_input(db: None) -> None:
    calendar = working_calendar_get()

    with pytest.raises(ValueError):
        api.deadline_compute(
            start=at(2026, 3, 10, 9), amount=0, unit="working_days", calendar=calendar
        )
    with pytest.raises(ValueError):
        api.deadline_compute(start=dt.datetime(2026, 3, 10, 9), amount=1, unit="days")
    assert api.deadline_compute(
        start=at(2026, 3, 10, 9), amount=0, unit=TimeUnit.SAME_DAY, calendar=calendar
    ) == at(2026, 3, 10, 17, 30)
