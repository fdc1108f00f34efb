"""GET /api/v1/reports/index766: the 766 index of `service_index` as JSON, for the agencies
the caller may see (the resolution endpoint's rule); 401 / 403 / 400 with the field named.
The figures are those of test_index766.py (2026, written straight into the fact table)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.api import api_token_issue, role_grant
from motcua.accounts.data import Role
from motcua.reports.api import indicator_entry_save, service_index
from motcua.reports.tests.test_index766 import PASSWORD, figures, more_procedures  # noqa: F401

URL = "/api/v1/reports/index766"


@pytest.fixture
def people(figures, django_user_model) -> dict[str, Any]:  # noqa: F811
    u = figures["users"]
    agencies = figures["agencies"]
    for name, role, agency in (
        ("giamsat", Role.SUPERVISOR, "root"),
        ("tinh", Role.PROVINCE_ADMIN, "root"),
        ("ld_xa", Role.LEADER, "commune"),
    ):
        user = django_user_model.objects.create_user(username=name, password=PASSWORD)
        role_grant(user=user, role=role, agency=agencies[agency])
        u[name] = user
    u["dan"] = django_user_model.objects.create_user(username="dan", password=PASSWORD)
    return figures


def get(username: str | None, params: dict[str, Any] | None = None) -> Any:
    headers = {"Accept-Language": "en"}
    if username is not None:
        key, _token = api_token_issue(username=username, password=PASSWORD)
        headers["Authorization"] = f"Bearer {key}"
    return Client().get(URL, params or {}, headers=headers)


def test_anonymous_callers_get_401(people):
    response = get(None, {"year": "2026"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_the_province_index_as_json(people):
    indicator_entry_save(
        actor=people["users"]["tinh"], year=2026, agency=None, code="1.4", rate="90"
    )
    response = get("giamsat", {"year": "2026"})
    assert response.status_code == 200, response.content
    body = response.json()
    index = service_index(year=2026)
    assert body["year"] == 2026 and body["agency"] is None
    assert body["period"] == {"from": "2026-01-01", "to": index.date_to.isoformat()}
    assert body["total_points"] == index.total_points
    assert (body["max_points"], body["missing_points"]) == (100, 34)
    got = {i["code"]: i for i in body["indicators"]}
    assert len(got) == len(index.indicators) == 22
    on_time = got["2.1"]
    assert (on_time["numerator"], on_time["denominator"]) == (12, 14)
    assert (on_time["rate"], on_time["points"], on_time["max_points"]) == (85.71, 17.14, 20)
    assert on_time["source"] == "computed" and on_time["target"] is None
    assert on_time["drilldown"] == ["resolved_late", "in_progress_overdue"]
    assert on_time["name"] == "Dossiers resolved early or on time"
    entered = got["1.4"]
    assert (entered["source"], entered["rate"], entered["points"]) == ("entered", 90, 5.4)
    assert entered["entered_by"] == "tinh" and entered["entered_at"]
    assert (entered["numerator"], entered["denominator"]) == (None, None)
    assert got["1.1"]["source"] == "missing" and got["1.1"]["points"] == 0
    assert [g["number"] for g in body["groups"]] == [1, 2, 3, 4, 5, 6]
    assert sum(g["max_points"] for g in body["groups"]) == 100
    assert get("tinh", {"year": "2026"}).json() == body


def test_vietnamese_names_by_default(people):
    key, _token = api_token_issue(username="giamsat", password=PASSWORD)
    body = Client().get(URL, {"year": "2026"}, headers={"Authorization": f"Bearer {key}"}).json()
    names = {i["code"]: i["name"] for i in body["indicators"]}
    assert names["2.1"] == "Hồ sơ xử lý trước hạn, đúng hạn"


def test_an_officer_sees_only_their_agencies(people):
    agencies = people["agencies"]
    mine = get("ld", {"year": "2026", "agency": "H11.05"})  # leader at Sở Công Thương
    assert mine.status_code == 200
    body = mine.json()
    assert body["agency"] == {"code": "H11.05", "name": "Sở Công Thương"}
    expected = service_index(year=2026, agency_id=agencies["trade"].pk)
    assert body["total_points"] == expected.total_points
    assert {i["code"]: i["denominator"] for i in body["indicators"]}["2.1"] == 9

    other = get("ld", {"year": "2026", "agency": "H11.07"})
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden" and "agency" in other.json()["errors"]
    province = get("ld", {"year": "2026"})  # the whole province: not theirs
    assert province.status_code == 403 and "agency" in province.json()["errors"]
    assert get("ld_xa", {"year": "2026", "agency": "H11.03325"}).status_code == 200
    assert get("ld_xa", {"year": "2026", "agency": "H11.05"}).status_code == 403


def test_people_without_an_officer_role_get_403(people):
    response = get("dan", {"year": "2026", "agency": "H11.05"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "year"),
        ({"year": "abc"}, "year"),
        ({"year": "2026.5"}, "year"),
        ({"year": "1999"}, "year"),
        ({"year": str(timezone.localdate().year + 1)}, "year"),
        ({"year": "2026", "agency": "H99"}, "agency"),
        ({"year": "2026", "until": "2026-13-01"}, "until"),
        ({"year": "2026", "until": "2025-12-31"}, "until"),
    ],
)
def test_bad_input_is_400_naming_the_field(people, params, field):
    response = get("giamsat", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]


def test_until_cuts_the_year(people):
    body = get("giamsat", {"year": "2026", "until": "2026-03-31"}).json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    online = {i["code"]: i for i in body["indicators"]}["3.3"]
    assert (online["numerator"], online["denominator"]) == (6, 10)


def test_openapi_documents_the_index(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/reports/index766"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"year", "agency", "until"}
    assert set(operation["responses"]) == {"200", "400", "401", "403", "503"}
    schemas = doc["components"]["schemas"]
    indicator = schemas["IndexIndicatorOut"]["properties"]
    assert {"code", "rate", "points", "numerator", "denominator", "source"} <= set(indicator)
