"""Years outside the loaded ones (issue 13, hole 5): the statutory holidays of any year the
`holidays` package knows count without seeding (Tết 2028 included), days of a year without
the government's yearly decision are marked provisional, and years outside
MOTCUA_CALENDAR_MIN_YEAR–MOTCUA_CALENDAR_MAX_YEAR are refused with a 400 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.calendar.api import (
    TimeUnit,
    calendar_day_set,
    calendar_days,
    calendar_seed,
    deadline_compute,
)

from .conftest import at

pytestmark = pytest.mark.django_db

DAYS = "/api/v1/calendar/days"
DEADLINE = "/api/v1/calendar/deadline"
TET_2028 = [dt.date(2028, 1, d) for d in (24, 25, 26, 27, 28)]  # Mon 29 Tết .. Fri mùng 3


def test_tet_2028_is_off_without_any_row(client: Client) -> None:
    response = client.get(DAYS, {"from": "2028-01-20", "to": "2028-02-05"})
    assert response.status_code == 200
    items = {i["date"]: i for i in response.json()["items"]}
    for day in TET_2028:
        item = items[day.isoformat()]
        assert item["working"] is False, day
        assert "Tết" in item["reason"], day
        assert item["provisional"] is True, day
    assert items["2028-01-20"]["working"] is True
    assert items["2028-01-31"]["working"] is True


def test_a_deadline_across_tet_2028_skips_it() -> None:
    # Friday 21 January 2028, 10:00 + 3 working days: Fri 21 → Mon 31 (24–28 are Tết).
    due = deadline_compute(start=at(2028, 1, 21, 10), amount=Decimal(3), unit=TimeUnit.WORKING_DAYS)
    assert due == at(2028, 2, 2, 10)


def test_decided_years_are_not_provisional(client: Client) -> None:
    calendar_seed(years=[2026])
    days = calendar_days(start=dt.date(2026, 2, 13), end=dt.date(2026, 2, 23))
    assert days and not any(d.provisional for d in days)
    body = client.get(DAYS, {"from": "2026-02-16", "to": "2026-02-16"}).json()
    assert body["items"][0]["provisional"] is False
    # 2027 has no decision yet: its days are provisional, seeded or not.
    calendar_seed(years=[2027])
    assert all(
        d.provisional for d in calendar_days(start=dt.date(2027, 2, 1), end=dt.date(2027, 2, 3))
    )


def test_a_seeded_year_keeps_its_rows_and_an_admin_row_wins() -> None:
    """The package's days fill only years that were not seeded, and never a date that has a
    row: an admin making 26/01/2028 a working day is obeyed."""
    calendar_day_set(
        date=dt.date(2028, 1, 26), kind="working_day", reason="Thử nghiệm", source="admin"
    )
    days = {d.date: d for d in calendar_days(start=dt.date(2028, 1, 24), end=dt.date(2028, 1, 28))}
    assert days[dt.date(2028, 1, 26)].working is True
    assert days[dt.date(2028, 1, 25)].working is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "0001-01-01", "to": "0001-01-31"}, "from"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "to"),
        ({"from": "1999-12-31", "to": "2000-01-02"}, "from"),
        ({"from": "2100-12-31", "to": "2101-01-01"}, "to"),
    ],
)
def test_days_outside_the_supported_years_are_refused(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get(DAYS, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("start", ["0001-01-02T10:00:00+07:00", "9999-06-01T10:00:00+07:00"])
def test_deadline_outside_the_supported_years_is_refused(client: Client, start: str) -> None:
    response = client.get(DEADLINE, {"start": start, "amount": "3", "unit": "working_days"})
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_the_range_is_a_setting(client: Client, settings: Any) -> None:
    settings.MOTCUA_CALENDAR_MIN_YEAR = 2020
    settings.MOTCUA_CALENDAR_MAX_YEAR = 2030
    assert client.get(DAYS, {"from": "2019-12-30", "to": "2020-01-02"}).status_code == 400
    assert client.get(DAYS, {"from": "2030-12-30", "to": "2030-12-31"}).status_code == 200
    assert client.get(DAYS, {"from": "2031-01-01", "to": "2031-01-02"}).status_code == 400


def test_an_unseeded_year_with_a_decision_in_code_follows_it() -> None:
    """2026 is in decisions.py: without seeding, its days are the decision's (as
    `calendar_seed` would write them) and not provisional."""
    days = {d.date: d for d in calendar_days(start=dt.date(2026, 8, 22), end=dt.date(2026, 8, 31))}
    assert days[dt.date(2026, 8, 22)].working is True  # make-up Saturday
    assert days[dt.date(2026, 8, 31)].working is False
    assert days[dt.date(2026, 8, 29)].reason == "Quốc khánh"  # the decision's reason
    assert not any(d.provisional for d in days.values())
