"""Personal data in REST API v1 (ADR 0036): the list masks the personal fields except on the
rows of the dossiers the caller handles (logged), the detail masks them for anyone else unless
a reason is given (logged with it)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock

from .conftest import PASSWORD, PDF_BYTES, PERSON, Api, act, at, token_for

NOON = at(2026, 3, 2, 12, 0)
ID, ID_MASKED = "011095001234", "••••••••1234"


@pytest.fixture
def supervisor(world: dict[str, Any], django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        username="gs", password=PASSWORD, full_name="Giám Sát"
    )
    role_grant(user=user, role=Role.SUPERVISOR, agency=world["agencies"]["root"])
    return user


@pytest.fixture
def api(world: dict[str, Any], supervisor: Any):
    from django.test import Client

    def _api(username: str) -> Api:
        return Api(Client(), token_for(username), "en")

    return _api


@pytest.fixture
def d(receive):
    from motcua.dossiers.data import UploadedFile

    pdf = UploadedFile(name="giay-to.pdf", content=PDF_BYTES)
    return receive(at(2026, 3, 2, 9, 0), applicant=PERSON, files=[pdf])


def _log(d, orm):
    return list(
        orm.PersonalDataView.objects.filter(dossier_id=d.pk)
        .order_by("id")
        .values_list("user__username", "reason", "note", "channel")
    )


def test_list_masks_unless_the_caller_handles_the_dossier(orm, api, d, receive, world):
    users = world["users"]
    other = receive(at(2026, 3, 2, 9, 30), applicant=PERSON)
    act(other, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    with clock.at(NOON):
        as_cv = api("cv").get("/api/v1/dossiers").json()
        as_gs = api("gs").get("/api/v1/dossiers").json()
    by_code = {i["code"]: i["applicant_data"] for i in as_cv["items"]}
    assert by_code[d.code] == {
        "id_number": ID_MASKED,
        "tax_code": "",
        "phone": "•••••••678",
        "address": "•••, phường Điện Biên Phủ",
        "masked": True,
    }
    assert by_code[other.code]["id_number"] == ID  # cv holds its review step
    assert by_code[other.code]["masked"] is False
    assert all(i["applicant_data"]["masked"] for i in as_gs["items"])
    assert ID not in str(as_gs)
    assert _log(d, orm) == []
    assert _log(other, orm) == [("cv", "handling", "", "api")]


def test_detail_masked_for_a_supervisor_unless_a_reason_is_given(orm, api, d):
    url = f"/api/v1/dossiers/{d.code}"
    with clock.at(NOON):
        masked = api("gs").get(url)
        bad = api("gs").get(url, {"reason": "other"})
        shown = api("gs").get(url, {"reason": "inspection", "reason_note": "Đoàn thanh tra 3"})
        handler = api("desk").get(url)
    assert masked.status_code == 200
    applicant = masked.json()["applicant"]
    assert applicant["masked"] is True and applicant["id_number"] == ID_MASKED
    assert applicant["date_of_birth"] is None and applicant["email"] == "m•••@example.vn"
    assert bad.status_code == 400 and "reason_note" in bad.json()["errors"]
    assert shown.json()["applicant"]["id_number"] == ID
    assert shown.json()["applicant"]["masked"] is False
    assert handler.json()["applicant"]["id_number"] == ID
    assert _log(d, orm) == [
        ("gs", "inspection", "Đoàn thanh tra 3", "api"),
        ("desk", "handling", "", "api"),
    ]


def test_openapi_documents_the_masking(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert "masked" in schemas["ApplicantOut"]["properties"]
    assert set(schemas["ApplicantMaskedOut"]["properties"]) == {
        "id_number",
        "tax_code",
        "phone",
        "address",
        "masked",
    }
    assert "applicant_data" in schemas["DossierSummaryOut"]["properties"]
    detail = doc["paths"]["/api/v1/dossiers/{code}"]["get"]
    assert {p["name"] for p in detail["parameters"]} == {"code", "reason", "reason_note"}
