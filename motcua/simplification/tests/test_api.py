"""GET /api/v1/procedures/{code}/compliance-cost, POST /api/v1/simplification/plans and GET
/api/v1/simplification/plans/{id}: the shapes the issue gives, integers in đồng, errors that
name their field as the request spells it, 4xx (never 5xx) for bad input, deny by default."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from .conftest import CODES

PLANS = "/api/v1/simplification/plans"


def _client(user: Any | None) -> Client:
    client = Client(headers={"Accept-Language": "vi"})
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(PLANS, data, content_type="application/json")


BODY = {
    "name": "Phương án đơn giản hóa năm 2026",
    "items": [
        {"procedure": CODES[0], "change": "shorten_time", "processing_working_days": 9},
        {"procedure": CODES[1], "change": "abolish", "dossiers_per_year": 20},
    ],
}


def test_compliance_cost(procedures, people):
    r = _client(people["officer"]).get(f"/api/v1/procedures/{CODES[0]}/compliance-cost")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {"per_dossier", "dossiers_per_year", "per_year", "hourly_income", "components"} <= set(
        body
    )
    assert body["per_dossier"] == 3_200_000
    assert body["dossiers_per_year"] == 10
    assert body["dossiers_per_year_source"] == "entered"
    assert body["per_year"] == 32_000_000
    assert body["hourly_income"] == 40_000
    processing = [c for c in body["components"] if c["kind"] == "processing"]
    assert processing[0]["amount_vnd"] == 3_200_000
    assert processing[0]["formula"].endswith("= 3.200.000 đ")
    assert all(isinstance(c["amount_vnd"], int) for c in body["components"])


def test_compliance_cost_errors(procedures, people, orm):
    officer = _client(people["officer"])
    assert officer.get("/api/v1/procedures/9.999999/compliance-cost").status_code == 404
    assert _client(None).get(f"/api/v1/procedures/{CODES[0]}/compliance-cost").status_code == 401
    r = _client(people["nobody"]).get(f"/api/v1/procedures/{CODES[0]}/compliance-cost")
    assert r.status_code == 403
    r = officer.get("/api/v1/procedures/" + "9" * 41 + "/compliance-cost")
    assert r.status_code == 400
    orm.IncomeRate.objects.all().delete()
    r = officer.get(f"/api/v1/procedures/{CODES[0]}/compliance-cost")
    assert r.status_code == 400
    assert r.json()["code"] == "no_income_basis"
    assert list(r.json()["errors"]) == ["hourly_income"]


def test_create_and_read_a_plan(procedures, people):
    r = _post(_client(people["editor"]), BODY)
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["state"] == "draft"
    first, second = plan["items"]
    assert (first["procedure"], first["change"]) == (CODES[0], "shorten_time")
    assert (
        first["cost_before_per_year"],
        first["cost_after_per_year"],
        first["saving_per_year"],
        first["saving_percent"],
    ) == (32_000_000, 28_800_000, 3_200_000, 10.0)
    assert (second["cost_before_per_year"], second["cost_after_per_year"]) == (64_000_000, 0)
    assert second["saving_percent"] == 100.0
    assert second["dossiers_per_year"] == 20 and second["dossiers_per_year_source"] == "entered"
    total = plan["total"]
    assert total["cost_before_per_year"] == 96_000_000
    assert total["cost_after_per_year"] == 28_800_000
    assert total["saving_per_year"] == 67_200_000
    assert total["saving_percent"] == 70.0
    assert plan["totals_line"].startswith("Chi phí tuân thủ trước: 96.000.000 đồng/năm")
    got = _client(people["admin"]).get(f"{PLANS}/{plan['id']}")
    assert got.status_code == 200
    assert got.json() == plan


def test_read_denied_and_missing(procedures, people):
    plan = _post(_client(people["editor"]), BODY).json()
    assert _client(people["officer"]).get(f"{PLANS}/{plan['id']}").status_code == 403
    assert _client(None).get(f"{PLANS}/{plan['id']}").status_code == 401
    assert _client(people["editor"]).get(f"{PLANS}/999999").status_code == 404
    assert _client(people["editor"]).get(f"{PLANS}/0").status_code == 400
    assert _client(people["editor"]).get(f"{PLANS}/abc").status_code in (400, 404)


def test_create_denied(procedures, people):
    assert _post(_client(people["officer"]), BODY).status_code == 403
    assert _post(_client(None), BODY).status_code == 401


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"change": "abolish", "dossiers_per_year": 0}, "items.0.dossiers_per_year"),
        ({"change": "abolish", "dossiers_per_year": -1}, "items.0.dossiers_per_year"),
        (
            {"change": "shorten_time", "processing_working_days": 11},
            "items.0.processing_working_days",
        ),
        (
            {"change": "shorten_time", "processing_working_days": -1},
            "items.0.processing_working_days",
        ),
        (
            {"change": "shorten_time", "processing_working_days": "NaN"},
            "items.0.processing_working_days",
        ),
        (
            {"change": "shorten_time", "processing_working_days": 1e300},
            "items.0.processing_working_days",
        ),
        ({"change": "drop_documents", "documents": [9]}, "items.0.documents"),
        ({"change": "drop_documents", "documents": ["x"]}, "items.0.documents.0"),
        ({"change": "cut_fee"}, "items.0.fee_vnd"),
        ({"change": "cut_fee", "fee_vnd": 10**30}, "items.0.fee_vnd"),
        ({"change": "nope"}, "items.0.change"),
        ({"change": "abolish", "procedure": "9.999999"}, "items.0.procedure"),
        ({"change": "abolish", "procedure": ""}, "items.0.procedure"),
        ({"change": "abolish", "procedure": "x\u0000y"}, "items.0.procedure"),
        ({"change": "abolish", "procedure": "1" * 41}, "items.0.procedure"),
    ],
)
def test_bad_items_name_the_field(procedures, people, item, field):
    body = {"name": "P", "items": [{"procedure": CODES[0], **item}]}
    r = _post(_client(people["editor"]), body)
    assert r.status_code == 400, r.content
    assert field in r.json()["errors"], r.json()


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "{",
        "[]",
        "null",
        '{"name": "P"}',
        '{"name": "P", "items": []}',
        '{"name": "", "items": [{"procedure": "2.000004", "change": "abolish"}]}',
        '{"name": 5, "items": {}}',
        json.dumps({"name": "x" * 256, "items": [{"procedure": "2.000004", "change": "abolish"}]}),
        json.dumps({"name": "P", "items": [{"procedure": "2.000004", "change": "abolish"}] * 201}),
    ],
)
def test_malformed_bodies_are_400(procedures, people, raw):
    r = _post(_client(people["editor"]), raw)
    assert r.status_code == 400, (raw, r.content)


def test_duplicate_procedure_named(procedures, people):
    body = {
        "name": "P",
        "items": [
            {"procedure": CODES[0], "change": "abolish"},
            {"procedure": CODES[0], "change": "shorten_time", "processing_working_days": 5},
        ],
    }
    r = _post(_client(people["editor"]), body)
    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["items.1.procedure"]


def test_openapi_documents_the_endpoints(db):
    doc = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures/{code}/compliance-cost" in doc["paths"]
    assert "post" in doc["paths"]["/api/v1/simplification/plans"]
    assert "get" in doc["paths"]["/api/v1/simplification/plans/{id}"]
