"""GET /api/v1/calendar/deadline and /api/v1/calendar/days (public)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.calendar.data import CalendarSeedResult

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/days"


def get(client: Client, url: str, params: dict[str, Any]) -> tuple[int, Any]:
    response = client.get(url, params)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "start",
    [
        pytest.param("2026-02-13T10:00:00+07:00", id="offset"),
        pytest.param("2026-02-13T10:00:00", id="naive_is_vietnam_time"),
        pytest.param("2026-02-13T03:00:00Z", id="utc"),
        pytest.param("2026-02-13T10:00:00 07:00", id="unencoded_plus"),
        pytest.param("2026-02-13 10:00", id="space_separator"),
    ],
)
def test_deadline_tet_2026(client: Client, seeded: CalendarSeedResult, start: str) -> None:
    status, body = get(client, DEADLINE, {"start": start, "amount": "3", "unit": "working_days"})

    assert status == 200
    assert body == {
        "deadline": "2026-02-25T10:00:00+07:00",
        "clock_start": "2026-02-13T10:00:00+07:00",
        "unit": "working_days",
        "amount": 3.0,
    }


def test_deadline_after_cutoff_in_hours(client: Client, seeded: CalendarSeedResult) -> None:
    status, body = get(
        client,
        DEADLINE,
        {"start": "2026-04-24T15:30:00+07:00", "amount": "8", "unit": "working_hours"},
    )

    assert status == 200
    assert body["clock_start"] == "2026-04-28T07:30:00+07:00"
    assert body["deadline"] == "2026-04-28T17:30:00+07:00"


def test_deadline_fraction_and_calendar_days(client: Client, db: None) -> None:
    _, half = get(
        client, DEADLINE, {"start": "2026-03-11T09:00", "amount": "0.5", "unit": "working_days"}
    )
    _, days = get(client, DEADLINE, {"start": "2026-03-02T09:00", "amount": "6", "unit": "days"})

    assert (half["deadline"], half["amount"]) == ("2026-03-11T15:00:00+07:00", 0.5)
    assert days["deadline"] == "2026-03-09T17:30:00+07:00"


def test_deadline_same_day_needs_no_amount(client: Client, db: None) -> None:
    status, body = get(client, DEADLINE, {"start": "2026-03-10T15:01:00+07:00", "unit": "same_day"})

    assert status == 200
    assert body == {
        "deadline": "2026-03-11T17:30:00+07:00",
        "clock_start": "2026-03-11T07:30:00+07:00",
        "unit": "same_day",
        "amount": None,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param(
            {"start": "13/02/2026 10:00", "amount": "3", "unit": "working_days"},
            "start",
            id="bad_start",
        ),
        pytest.param(
            {"start": "2026-02-30T10:00", "amount": "3", "unit": "working_days"},
            "start",
            id="no_such_day",
        ),
        pytest.param({"amount": "3", "unit": "working_days"}, "start", id="missing_start"),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "3", "unit": "weeks"}, "unit", id="bad_unit"
        ),
        pytest.param({"start": "2026-02-13T10:00", "amount": "3"}, "unit", id="missing_unit"),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "0", "unit": "working_days"},
            "amount",
            id="zero",
        ),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "-2", "unit": "days"}, "amount", id="negative"
        ),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "ba", "unit": "working_days"},
            "amount",
            id="nan",
        ),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "NaN", "unit": "working_days"},
            "amount",
            id="NaN",
        ),
        pytest.param(
            {"start": "2026-02-13T10:00", "amount": "1e9", "unit": "working_days"},
            "amount",
            id="huge",
        ),
        pytest.param(
            {"start": "2026-02-13T10:00", "unit": "working_hours"}, "amount", id="missing_amount"
        ),
        pytest.param(
            {"start": "9999-12-31T10:00", "amount": "5", "unit": "working_days"},
            "start",  # outside MOTCUA_CALENDAR_MIN_YEAR–MAX_YEAR
            id="out_of_range",
        ),
    ],
)
def test_deadline_rejects_bad_input(
    client: Client, db: None, params: dict[str, str], field: str
) -> None:
    status, body = get(client, DEADLINE, params)

    assert status == 400
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in body["errors"][field])


def test_deadline_reports_every_bad_field(client: Client, db: None) -> None:
    status, body = get(client, DEADLINE, {"start": "x", "amount": "0", "unit": "y"})

    assert status == 400
    assert set(body["errors"]) == {"start", "amount", "unit"}


def test_deadline_error_messages(client: Client, db: None) -> None:
    response = client.get(
        DEADLINE,
        {"start": "2026-02-13T10:00", "amount": "0", "unit": "weeks"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Check the values you entered.",
        "code": "invalid",
        "errors": {
            "unit": ["Unknown unit. Use one of: working_days, working_hours, days, same_day."],
            "amount": ["The amount must be greater than 0."],
        },
    }


def test_days_list(client: Client, seeded: CalendarSeedResult) -> None:
    status, body = get(client, DAYS, {"from": "2026-02-13", "to": "2026-02-16"})

    assert status == 200
    assert body == {
        "items": [
            {"date": "2026-02-13", "working": True, "reason": "", "provisional": False},
            {
                "date": "2026-02-14",
                "working": False,
                "reason": "Tết Nguyên đán Bính Ngọ",
                "provisional": False,
            },
            {
                "date": "2026-02-15",
                "working": False,
                "reason": "Tết Nguyên đán Bính Ngọ",
                "provisional": False,
            },
            {
                "date": "2026-02-16",
                "working": False,
                "reason": "Tết Nguyên đán Bính Ngọ",
                "provisional": False,
            },
        ]
    }


def test_days_list_weekend_reasons_are_translated(client: Client, db: None) -> None:
    _, vi = get(client, DAYS, {"from": "2026-03-13", "to": "2026-03-15"})
    response = client.get(
        DAYS, {"from": "2026-03-14", "to": "2026-03-15"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert [d["reason"] for d in vi["items"]] == ["", "Thứ 7", "Chủ nhật"]
    assert [d["reason"] for d in response.json()["items"]] == ["Saturday", "Sunday"]


def test_days_list_accepts_a_whole_leap_year(client: Client, db: None) -> None:
    status, body = get(client, DAYS, {"from": "2028-01-01", "to": "2028-12-31"})

    assert status == 200
    assert len(body["items"]) == 366


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"from": "2026-13-01", "to": "2026-12-31"}, "from", id="bad_from"),
        pytest.param({"from": "2026-01-01", "to": "31/12/2026"}, "to", id="bad_to"),
        pytest.param({"to": "2026-12-31"}, "from", id="missing_from"),
        pytest.param({"from": "2026-03-02", "to": "2026-03-01"}, "to", id="from_after_to"),
        pytest.param({"from": "2026-01-01", "to": "2027-01-02"}, "to", id="longer_than_366_days"),
    ],
)
def test_days_list_rejects_bad_ranges(
    client: Client, db: None, params: dict[str, str], field: str
) -> None:
    status, body = get(client, DAYS, params)

    assert status == 400
    assert list(body["errors"]) == [field]


def test_calendar_operations_are_public_and_documented(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    for path in ("/api/v1/calendar/deadline", "/api/v1/calendar/days"):
        operation = schema["paths"][path]["get"]
        assert operation["tags"] == ["calendar"]
        assert "security" not in operation
        assert set(operation["responses"]) == {"200", "400", "503"}
    assert set(schema["components"]["schemas"]["DeadlineOut"]["properties"]) == {
        "deadline",
        "clock_start",
        "unit",
        "amount",
    }
