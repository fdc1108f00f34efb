"""WorkingCalendar on the real 2025–2026 calendars, cases computed by hand (no DB)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.calendar.data import DayInfo, TimeUnit
from motcua.calendar.engine import WorkingCalendar, parse_sessions, parse_time

from .cases import HAND_CASES
from .conftest import at, decisions_calendar

WD = TimeUnit.WORKING_DAYS
WH = TimeUnit.WORKING_HOURS
DAYS = TimeUnit.DAYS
SAME = TimeUnit.SAME_DAY


@pytest.mark.parametrize(
    ("received", "amount", "unit", "due"),
    [pytest.param(*case[1:], id=case[0]) for case in HAND_CASES],
)
def test_deadline_hand_cases(
    vn_calendar: WorkingCalendar,
    received: dt.datetime,
    amount: str,
    unit: TimeUnit,
    due: dt.datetime,
) -> None:
    result = vn_calendar.deadline(received, Decimal(amount), unit)

    assert result == due
    assert result.utcoffset() == dt.timedelta(hours=7)
    assert result.isoformat() == due.isoformat()


def test_deadline_accepts_int_and_str_amounts(vn_calendar: WorkingCalendar) -> None:
    assert vn_calendar.deadline(at(2026, 2, 13, 10), 3, "working_days") == at(2026, 2, 25, 10)
    assert vn_calendar.deadline(at(2026, 2, 13, 10), "3", WD) == at(2026, 2, 25, 10)


def test_deadline_of_utc_instant_is_given_in_vietnam_time(vn_calendar: WorkingCalendar) -> None:
    received = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hanoi

    result = vn_calendar.deadline(received, Decimal(3), WD)

    assert result.isoformat() == "2026-02-25T10:00:00+07:00"


def test_calendar_days_without_roll_forward_may_end_on_sunday() -> None:
    calendar = decisions_calendar(roll_forward=False)

    assert calendar.deadline(at(2026, 3, 2, 9), Decimal(6), DAYS) == at(2026, 3, 8, 17, 30)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(at(2026, 3, 10, 9, 15, 7), at(2026, 3, 10, 9, 15, 7), id="in_session"),
        pytest.param(at(2026, 3, 10, 6), at(2026, 3, 10, 7, 30), id="before_opening"),
        pytest.param(at(2026, 3, 10, 11, 30), at(2026, 3, 10, 13, 30), id="morning_close"),
        pytest.param(at(2026, 3, 10, 12), at(2026, 3, 10, 13, 30), id="lunch_break"),
        pytest.param(at(2026, 3, 10, 15), at(2026, 3, 10, 15), id="at_cutoff"),
        pytest.param(at(2026, 3, 10, 15, 0, 1), at(2026, 3, 11, 7, 30), id="after_cutoff"),
        pytest.param(at(2026, 3, 10, 23, 59), at(2026, 3, 11, 7, 30), id="late_evening"),
        pytest.param(at(2026, 3, 14, 9), at(2026, 3, 16, 7, 30), id="saturday"),
        pytest.param(at(2025, 4, 26, 9), at(2025, 4, 26, 9), id="working_saturday"),
        pytest.param(at(2026, 2, 17, 9), at(2026, 2, 23, 7, 30), id="tet"),
    ],
)
def test_clock_start(
    vn_calendar: WorkingCalendar, received: dt.datetime, expected: dt.datetime
) -> None:
    assert vn_calendar.clock_start(received) == expected


def test_working_days() -> None:
    calendar = decisions_calendar()

    assert calendar.is_working_day(dt.date(2025, 4, 26)) is True  # make-up Saturday
    assert calendar.is_working_day(dt.date(2025, 5, 2)) is False  # swapped Friday
    assert calendar.is_working_day(dt.date(2026, 4, 27)) is False  # Hùng Kings observed
    assert calendar.is_working_day(dt.date(2026, 3, 14)) is False  # Saturday
    assert calendar.next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)
    assert calendar.next_working_day(dt.date(2025, 4, 25)) == dt.date(2025, 4, 26)
    assert calendar.working_day_on_or_after(dt.date(2026, 3, 10)) == dt.date(2026, 3, 10)
    assert calendar.add_working_days(dt.date(2026, 2, 13), 3) == dt.date(2026, 2, 25)
    assert calendar.add_working_days(dt.date(2026, 2, 14), 0) == dt.date(2026, 2, 23)
    assert calendar.working_days_between(dt.date(2026, 2, 1), dt.date(2026, 3, 1)) == 15


def test_day_info_reasons() -> None:
    calendar = decisions_calendar()

    assert calendar.day_info(dt.date(2026, 3, 10)) == DayInfo(dt.date(2026, 3, 10), True, "")
    assert calendar.day_info(dt.date(2026, 3, 14)) == DayInfo(
        dt.date(2026, 3, 14), False, "Saturday"
    )
    assert calendar.day_info(dt.date(2026, 3, 15)) == DayInfo(dt.date(2026, 3, 15), False, "Sunday")
    assert calendar.day_info(dt.date(2026, 2, 17)) == DayInfo(
        dt.date(2026, 2, 17), False, "Tết Nguyên đán Bính Ngọ"
    )
    assert calendar.day_info(dt.date(2026, 8, 22)) == DayInfo(
        dt.date(2026, 8, 22), True, "Làm bù cho thứ Hai 31/08/2026"
    )
    assert [d.working for d in calendar.days(dt.date(2026, 4, 25), dt.date(2026, 5, 4))] == [
        False,  # Sat 25
        False,  # Sun 26 (Giỗ Tổ)
        False,  # Mon 27 (nghỉ bù)
        True,  # Tue 28
        True,  # Wed 29
        False,  # Thu 30/04
        False,  # Fri 01/05
        False,  # Sat 02
        False,  # Sun 03
        True,  # Mon 04
    ]


def test_working_seconds_between_with_pauses(vn_calendar: WorkingCalendar) -> None:
    start, end = at(2026, 3, 9, 8), at(2026, 3, 13, 10)
    # Mon 7.5 h + Tue, Wed, Thu 8 h + Fri 2.5 h = 34 h
    assert vn_calendar.working_seconds_between(start, end) == 34 * 3600

    pause = (at(2026, 3, 10, 14), at(2026, 3, 12, 9))  # 3.5 + 8 + 1.5 = 13 h
    assert vn_calendar.working_seconds_between(start, end, [pause]) == 21 * 3600

    overlapping = (at(2026, 3, 11, 10), at(2026, 3, 11, 12))
    assert vn_calendar.working_seconds_between(start, end, [pause, overlapping]) == 21 * 3600

    before_start = (at(2026, 3, 8, 9), at(2026, 3, 9, 9))  # covers Mon 08:00–09:00 only
    assert vn_calendar.working_seconds_between(start, end, [pause, before_start]) == 20 * 3600

    everything = (at(2026, 3, 1), at(2026, 4, 1))
    assert vn_calendar.working_seconds_between(start, end, [everything]) == 0
    assert vn_calendar.working_seconds_between(end, start) == 0


def test_working_seconds_over_tet(vn_calendar: WorkingCalendar) -> None:
    # Fri 13/02 10:00 → Wed 25/02 10:00: 5.5 + 8 + 8 + 2.5 = 24 h (the Tết week counts 0).
    assert (
        vn_calendar.working_seconds_between(at(2026, 2, 13, 10), at(2026, 2, 25, 10)) == 24 * 3600
    )


def test_add_working_seconds_has_no_cut_off(vn_calendar: WorkingCalendar) -> None:
    add = vn_calendar.add_working_seconds
    # An officer acting at 15:30 (after the 15:00 cut-off) is an hour later at 16:30.
    assert add(at(2026, 3, 10, 15, 30), 3600) == at(2026, 3, 10, 16, 30)
    # Over lunch, and from the lunch break: the afternoon session opens at 13:30.
    assert add(at(2026, 3, 10, 11), 3600) == at(2026, 3, 10, 14)
    assert add(at(2026, 3, 10, 12), 3600) == at(2026, 3, 10, 14, 30)
    # An end exactly at closing time stays there; one more hour is Monday morning.
    assert add(at(2026, 3, 13, 16, 30), 3600) == at(2026, 3, 13, 17, 30)
    assert add(at(2026, 3, 13, 16, 30), 2 * 3600) == at(2026, 3, 16, 8, 30)
    # From a Saturday, and over the Tết week (Fri 13/02 → Wed 25/02).
    assert add(at(2026, 3, 14, 10), 1800) == at(2026, 3, 16, 8)
    assert add(at(2026, 2, 13, 10), 24 * 3600) == at(2026, 2, 25, 10)
    assert add(at(2026, 2, 14, 10), 0) == at(2026, 2, 14, 10)
    with pytest.raises(ValueError):
        add(at(2026, 3, 10, 9), -1)


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        pytest.param("0", WD, id="zero"),
        pytest.param("-1", WH, id="negative"),
        pytest.param("abc", WD, id="not_a_number"),
        pytest.param("NaN", DAYS, id="nan"),
        pytest.param("Infinity", WD, id="infinite"),
        pytest.param("1", "weeks", id="unknown_unit"),
        pytest.param("1e40", WD, id="too_large"),
        pytest.param("1e40", DAYS, id="too_large_days"),
    ],
)
def test_deadline_rejects_bad_input(vn_calendar: WorkingCalendar, amount: str, unit: str) -> None:
    with pytest.raises(ValueError):
        vn_calendar.deadline(at(2026, 3, 10, 9), amount, unit)


def test_naive_datetimes_are_rejected(vn_calendar: WorkingCalendar) -> None:
    naive = dt.datetime(2026, 3, 10, 9)
    with pytest.raises(ValueError):
        vn_calendar.deadline(naive, 1, WD)
    with pytest.raises(ValueError):
        vn_calendar.clock_start(naive)
    with pytest.raises(ValueError):
        vn_calendar.working_seconds_between(naive, at(2026, 3, 11))
    with pytest.raises(ValueError):
        vn_calendar.working_seconds_between(at(2026, 3, 9), at(2026, 3, 11), [(naive, naive)])


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"weekend": frozenset(range(7))}, id="no_working_weekday"),
        pytest.param({"weekend": frozenset({7})}, id="bad_weekday"),
        pytest.param({"sessions": ()}, id="no_session"),
        pytest.param({"sessions": ((dt.time(9), dt.time(8)),)}, id="backwards_session"),
        pytest.param(
            {"sessions": ((dt.time(8), dt.time(12)), (dt.time(11), dt.time(17)))}, id="overlap"
        ),
        pytest.param({"cutoff": dt.time(6)}, id="cutoff_before_opening"),
        pytest.param(
            {
                "days_off": frozenset({dt.date(2026, 3, 14)}),
                "working_days": frozenset({dt.date(2026, 3, 14)}),
            },
            id="off_and_working",
        ),
    ],
)
def test_calendar_rejects_inconsistent_rules(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


def test_parse_settings_values() -> None:
    assert parse_sessions("07:30-11:30, 13:30-17:30") == (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 30)),
    )
    assert parse_time("15:00") == dt.time(15)
    for bad in ("", "7", "07:30", "a-b"):
        with pytest.raises(ValueError):
            parse_sessions(bad)
    calendar = WorkingCalendar.from_text(sessions="08:00-12:00,13:00-17:00", cutoff="16:00")
    assert calendar.working_day_seconds == 8 * 3600
    assert calendar.deadline(at(2026, 3, 10, 15, 30), 1, WD) == at(
        2026, 3, 10, 15, 30
    ) + dt.timedelta(days=1)


def test_custom_sessions_change_the_working_day_length() -> None:
    calendar = WorkingCalendar.from_text(sessions="08:00-12:00", cutoff="11:00")

    assert calendar.working_day_seconds == 4 * 3600
    assert calendar.deadline(at(2026, 3, 10, 9), 1, WD) == at(2026, 3, 11, 9)
    assert calendar.deadline(at(2026, 3, 10, 11, 30), 1, SAME) == at(2026, 3, 11, 12)
