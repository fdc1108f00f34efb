"""GET /api/v1/reports/resolution: the figures of `resolution_report` as JSON (or Excel), for
the agencies the caller may see; 401 / 403 / 400 with the field named.

The history: Sở Công Thương (H11.05) through the real services — F received Thu 26 Feb, due
Thu 5 Mar (carried over into March, overdue at the end of the first week), A received at the
desk Mon 2 Mar and approved Wed 4 Mar (early), E received online Mon 2 Mar (in progress) —
and the commune H11.03325's birth registrations (1.001193) written straight into the fact
table: two received at the desk Tue 3 Mar, one resolved on time Wed 4 Mar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import pdf_bytes
from motcua.accounts.api import api_token_issue, role_grant
from motcua.accounts.data import Role
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import PASSWORD, act, at
from motcua.reports.api import resolution_report
from motcua.reports.models import DailyFlow

URL = "/api/v1/reports/resolution"
WEEK = {"from": "2026-03-02", "to": "2026-03-06"}
PDF = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))
FIGURES = (
    "received_total",
    "received_online",
    "received_direct",
    "received_carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_not_due",
    "in_progress_overdue",
    "withdrawn",
    "cancelled",
    "refused",
    "waiting_supplement",
    "supplement_requests",
    "timed",
    "avg_processing_working_days",
    "avg_processing_working_days_without_pauses",
    "median_processing_working_days",
    "median_processing_working_days_without_pauses",
    "regulated_working_days",
    "on_time_rate",
    "online_rate",
)


@pytest.fixture
def history(world, receive, django_user_model) -> dict[str, Any]:
    u = world["users"]
    agencies = world["agencies"]
    receive(at(2026, 2, 26, 9, 0))
    a = receive(at(2026, 3, 2, 9, 0))
    act(a, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "take", at(2026, 3, 2, 10, 0))
    act(a, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    act(a, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    receive(at(2026, 3, 2, 9, 0), channel="online")
    commune = agencies["commune"]
    DailyFlow.objects.create(
        day=dt.date(2026, 3, 3),
        agency=commune,
        procedure_code="1.001193",
        channel="desk",
        received=2,
        open_delta=2,
        overdue_delta=0,
    )
    DailyFlow.objects.create(
        day=dt.date(2026, 3, 4),
        agency=commune,
        procedure_code="1.001193",
        channel="desk",
        open_delta=-1,
        resolved_on_time=1,
    )
    for name, role, agency in (
        ("giamsat", Role.SUPERVISOR, "root"),
        ("tinh", Role.PROVINCE_ADMIN, "root"),
        ("ld_xa", Role.LEADER, "commune"),
    ):
        user = django_user_model.objects.create_user(username=name, password=PASSWORD)
        role_grant(user=user, role=role, agency=agencies[agency])
        u[name] = user
    u["dan"] = django_user_model.objects.create_user(username="dan", password=PASSWORD)
    return world


def get(username: str | None, params: dict[str, Any] | None = None, **headers: str) -> Any:
    client = Client()
    if username is not None:
        key, _token = api_token_issue(username=username, password=PASSWORD)
        headers["Authorization"] = f"Bearer {key}"
    headers.setdefault("Accept-Language", "en")
    return client.get(URL, params or {}, headers=headers)


def _expected(**kw: Any) -> dict[str, Any]:
    """`resolution_report`'s figures as the API gives them."""
    report = resolution_report(**kw)
    return {
        "rows": [
            {"key": r.key, "label": r.label, **{n: getattr(r, n) for n in FIGURES}}
            for r in report.rows
        ],
        "total": {n: getattr(report.total, n) for n in FIGURES},
    }


P = {"date_from": dt.date(2026, 3, 2), "date_to": dt.date(2026, 3, 6)}


def test_anonymous_callers_get_401(history):
    response = get(None, WEEK)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_the_province_supervisor_sees_every_agency(history, agencies):
    response = get("giamsat", WEEK)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"from": "2026-03-02", "to": "2026-03-06"}
    assert body["group_by"] == "agency" and body["agency"] is None and body["procedure"] is None
    assert {k: body[k] for k in ("rows", "total")} == _expected(**P)
    assert [(r["key"], r["label"]) for r in body["rows"]] == [
        ("H11.03325", "Ủy ban nhân dân xã Mường Phăng"),
        ("H11.05", "Sở Công Thương"),
    ]
    total = body["total"]
    # F carried over and overdue; A early; E online, in progress; the commune's two.
    assert total["received_total"] == 5
    assert (total["received_online"], total["received_direct"]) == (1, 3)
    assert total["received_carried_over"] == 1
    assert (total["resolved_early"], total["resolved_on_time"], total["resolved_late"]) == (1, 1, 0)
    assert (total["in_progress_total"], total["in_progress_overdue"]) == (3, 1)
    assert total["received_total"] == total["resolved_total"] + total["in_progress_total"]
    assert get("tinh", WEEK).json() == body  # the province admin too


def test_an_officer_sees_only_their_agencies(history, agencies):
    mine = get("ld", WEEK)  # leader at Sở Công Thương
    assert mine.status_code == 200
    body = mine.json()
    assert [r["key"] for r in body["rows"]] == ["H11.05"]
    assert body["total"] == _expected(agency_ids=[agencies["trade"].pk], **P)["total"]
    assert body["total"]["received_total"] == 3

    other = get("ld", {**WEEK, "agency": "H11.03325"})
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    assert "agency" in other.json()["errors"]

    commune = get("ld_xa", WEEK).json()
    assert [r["key"] for r in commune["rows"]] == ["H11.03325"]
    assert commune["total"]["received_total"] == 2
    assert get("ld_xa", {**WEEK, "agency": "H11.05"}).status_code == 403


def test_a_desk_officer_sees_the_agencies_the_desk_receives_for(history, agencies):
    body = get("desk", WEEK).json()  # the province's service centre receives for H11.05, H11.07
    assert [r["key"] for r in body["rows"]] == ["H11.05"]
    one = get("desk", {**WEEK, "agency": "h11.05"})  # codes as typed
    assert one.status_code == 200
    assert one.json()["agency"] == {"code": "H11.05", "name": "Sở Công Thương"}
    assert one.json()["total"] == body["total"]
    assert get("desk", {**WEEK, "agency": "H11.03325"}).status_code == 403


def test_the_supervisor_may_ask_for_one_agency(history, agencies):
    body = get("giamsat", {**WEEK, "agency": "H11"}).json()
    assert body["total"] == _expected(**P)["total"]  # the root rolls every agency up
    body = get("giamsat", {**WEEK, "agency": "H11.03325"}).json()
    assert body["total"] == _expected(agency_ids=[agencies["commune"].pk], **P)["total"]


def test_people_without_an_officer_role_get_403(history):
    response = get("dan", WEEK)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("group_by", ["agency", "field", "procedure", "level"])
def test_group_by(history, group_by):
    body = get("giamsat", {**WEEK, "group_by": group_by}).json()
    assert body["group_by"] == group_by
    assert {k: body[k] for k in ("rows", "total")} == _expected(group_by=group_by, **P)
    keys = {
        "agency": ["H11.03325", "H11.05"],
        "field": None,
        "procedure": ["1.001193", "2.000004"],
        "level": ["commune", "department"],
    }[group_by]
    if keys is not None:
        assert [r["key"] for r in body["rows"]] == keys
    for figure in ("received_total", "resolved_total", "in_progress_total"):
        assert sum(r[figure] for r in body["rows"]) == body["total"][figure]


def test_one_procedure(history):
    body = get("giamsat", {**WEEK, "procedure": "2.000004", "group_by": "procedure"}).json()
    assert [(r["key"], r["label"]) for r in body["rows"]] == [
        (
            "2.000004",
            "Đăng ký hoạt động khuyến mại đối với chương trình khuyến mại mang tính may rủi",
        )
    ]
    assert body["procedure"] == "2.000004"
    assert body["total"] == _expected(procedure_code="2.000004", **P)["total"]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"from", "to"}),
        ({"from": "2026-03-02"}, {"to"}),
        ({"from": "2026-13-01", "to": "2026-03-06"}, {"from"}),
        ({"from": "02/03/2026", "to": "yesterday"}, {"from", "to"}),
        ({"from": "2026-03-06", "to": "2026-03-02"}, {"to"}),
        ({"from": "2020-01-01", "to": "2025-01-01"}, {"to"}),
        ({"from": "2024-02-29", "to": "2029-03-01"}, {"to"}),
        ({**WEEK, "agency": "H99.99"}, {"agency"}),
        ({**WEEK, "procedure": "9.999999"}, {"procedure"}),
        ({**WEEK, "group_by": "month"}, {"group_by"}),
        ({**WEEK, "format": "docx"}, {"format"}),
        ({"to": "2026-03-06", "agency": "X", "group_by": "x", "format": "csv"}, None),
    ],
)
def test_bad_input_is_400_with_the_field_named(history, params, fields):
    response = get("giamsat", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == (fields or {"from", "agency", "group_by", "format"})


def test_errors_are_in_the_callers_language(history):
    body = get("giamsat", {**WEEK, "agency": "H99"}, **{"Accept-Language": "vi"}).json()
    assert body["errors"]["agency"] == ["Không có cơ quan nào có mã này."]


def test_five_years_is_the_longest_period(history):
    assert get("giamsat", {"from": "2021-01-01", "to": "2025-12-31"}).status_code == 200
    assert get("giamsat", {"from": "2024-02-29", "to": "2029-02-28"}).status_code == 200


def test_xlsx_is_an_attachment(history):
    response = get("ld", {**WEEK, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        'attachment; filename="bieu-06-20260302-20260306.xlsx"'
    )
    assert response.content[:2] == b"PK"
    assert get("ld", {**WEEK, "format": "xlsx", "agency": "H11.03325"}).status_code == 403


def test_openapi_documents_the_report(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    op = doc["paths"][URL]["get"]
    assert {p["name"] for p in op["parameters"]} == {
        "from",
        "to",
        "agency",
        "procedure",
        "group_by",
        "format",
    }
    assert op["security"]
    assert set(op["responses"]) >= {"200", "400", "401", "403"}
    assert (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        in (op["responses"]["200"]["content"])
    )
    figures = doc["components"]["schemas"]["ResolutionFiguresOut"]["properties"]
    assert set(FIGURES) <= set(figures)
    period = doc["components"]["schemas"]["ReportPeriodOut"]["properties"]
    assert set(period) == {"from", "to"}


def test_rows_and_total_carry_every_figure(history):
    body = get("giamsat", WEEK).json()
    for item in [*body["rows"], body["total"]]:
        assert set(FIGURES) <= set(item)
    assert {f.name for f in dataclasses.fields(resolution_report(**P).total)} >= set(FIGURES)
