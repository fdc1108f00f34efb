"""Hostile input never reaches the database (issue 13, holes 2 and 3; docs/adr/0033).

Every request the probe of the running system found answered 500 on PostgreSQL (or stored on
SQLite) is replayed here: NUL bytes in paths, query strings and bodies, values longer than
their column, Unicode digits in `#<id>`, offsets past 2^63. Each must be a 4xx that names the
field (the API's error shape; a Vietnamese page in the UI), and nothing is stored. The suite
runs on SQLite and on PostgreSQL (DATABASE_URL)."""

# ruff: noqa: F811 - fixtures imported from the API tests' conftest
from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.core import clock
from motcua.rest.tests.conftest import (  # noqa: F401 - fixtures
    PERSON_JSON,
    api,
    at,
    intake_body,
    receive,
    world,
)

MONDAY = at(2026, 3, 2, 9, 0)
DESK_FORM = "/desk/tiep-nhan/?thu-tuc=2.000004"
CONTROL_MESSAGE = "contains a control character"


def _officer(world: Any, name: str = "desk") -> Client:
    """The API as a signed-in officer (session), in English."""
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world["users"][name])
    return client


def _stored_nothing(orm: Any) -> None:
    assert orm.Dossier.objects.count() == 0
    assert orm.DossierEvent.objects.count() == 0
    assert orm.DossierDocument.objects.count() == 0


# --- Public pages and API, no sign-in -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/thu-tuc/a%00b/", "path"),
        ("/tra-cuu-ho-so/?ma=a%00b&pin=1", "ma"),
        ("/kiosk/?ma=a%00b", "ma"),
        ("/verify/a%00b/", "path"),
        ("/danh-gia/a%00b/", "path"),
    ],
)
def test_a_nul_on_a_public_page_is_a_400_in_vietnamese_naming_the_field(world, orm, url, field):
    response = Client().get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Yêu cầu bị từ chối" in page
    assert f"Trường “{field}”" in page
    _stored_nothing(orm)


def test_a_nul_in_a_public_api_path_is_a_400_json_naming_the_path(world):
    response = Client().get("/api/v1/procedures/a%00b")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_characters"
    assert list(body["errors"]) == ["path"]


def test_a_nul_in_the_token_username_is_a_400_naming_it_and_issues_no_token(world, orm, api):
    response = api(None).post(
        "/api/v1/auth/token", raw='{"username": "a\\u0000b", "password": "x"}'
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["username"]
    assert CONTROL_MESSAGE in body["errors"]["username"][0]
    assert orm.ApiToken.objects.count() == 0


def test_a_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(world, orm, api):
    response = api(None).post("/api/v1/auth/token", raw='{"username": "\\ud800", "password": "x"}')
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=9223372036854775808", "offset"),
        ("offset=99999999999999999999", "offset"),
        ("limit=9223372036854775808", "limit"),
        ("q=" + "a" * 1001, "q"),
    ],
)
def test_huge_numbers_and_over_long_values_in_the_public_catalog_are_400s(world, query, field):
    response = Client().get(f"/api/v1/procedures?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


# --- Officers' API ----------------------------------------------------------------------------


def test_a_nul_in_the_dossier_search_is_a_400_naming_q(world):
    response = _officer(world).get("/api/v1/dossiers?q=a%00b")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["q"]


@pytest.mark.parametrize("offset", ["9223372036854775808", "1000000001"])
def test_an_offset_past_the_bound_in_the_dossier_search_is_a_400(world, offset):
    response = _officer(world).get(f"/api/v1/dossiers?offset={offset}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["offset"]


@pytest.mark.parametrize("path", ["%23%C2%B2", "%23%D9%A1", "%2399999999999999999999"])
def test_a_hash_id_of_non_ascii_digits_or_past_any_id_is_a_404(world, path):
    response = _officer(world).get(f"/api/v1/dossiers/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_arabic_indic_digits_do_not_open_a_dossier(world, receive):
    dossier = receive(MONDAY)
    ascii_path = f"/api/v1/dossiers/%23{dossier.pk}"
    assert _officer(world).get(ascii_path).status_code == 200
    arabic = str(dossier.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = _officer(world).get("/api/v1/dossiers/" + "%23" + arabic)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("applicant", "field", "message"),
    [
        ({"full_name": "Lò\x00Văn Minh"}, "applicant.full_name", CONTROL_MESSAGE),
        ({"full_name": "M" * 10_000}, "applicant.full_name", "at most 255 characters"),
        ({"address": "A" * 1_000}, "applicant.address", "at most 500 characters"),
        ({"email": "e" * 300 + "@example.vn"}, "applicant.email", "at most 254 characters"),
    ],
)
def test_a_hostile_intake_by_the_api_is_a_400_naming_the_field_and_stores_nothing(
    world, orm, applicant, field, message
):
    body = intake_body(applicant={**PERSON_JSON, **applicant})
    body["documents"] = [{"position": 1, "received": True, "originals": 1}]
    with clock.at(MONDAY):
        response = _officer(world).post(
            "/api/v1/dossiers", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors
    assert message in " ".join(errors[field])
    _stored_nothing(orm)


def _person_form(**extra: str) -> dict[str, str]:
    data = {
        "kind": "person",
        "full_name": "Lò Văn Minh",
        "id_number": "011095001234",
        "date_of_birth": "17/05/1995",
        "phone": "0912345678",
        "email": "minh@example.vn",
        "address": "Bản Phăng, xã Mường Phăng",
        "commune": "3325",
        "channel": "desk",
        "doc_1_received": "on",
        "doc_1_originals": "1",
        "doc_1_copies": "0",
        "doc_2_received": "on",
        "doc_2_originals": "1",
        "doc_2_copies": "0",
        "decision": "accept",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ({"full_name": "Lò\x00Văn Minh"}, "Trường “full_name”"),
        ({"address": "Bản\x07Phăng"}, "Trường “address”"),
        ({"full_name": "M" * 10_000}, "255"),
        ({"address": "A" * 1_000}, "500"),
    ],
)
def test_a_hostile_intake_at_the_desk_is_a_400_naming_the_field_and_stores_nothing(
    world, orm, client, extra, text
):
    client.force_login(world["users"]["desk"])
    with clock.at(MONDAY):
        response = client.post(DESK_FORM, _person_form(**extra))
    assert response.status_code == 400
    assert text in response.content.decode()
    _stored_nothing(orm)


def test_a_valid_desk_intake_still_goes_through(world, orm, client):
    """The guard refuses only what it must: the same form without the hostile value works."""
    client.force_login(world["users"]["desk"])
    with clock.at(MONDAY):
        response = client.post(DESK_FORM, _person_form())
    assert response.status_code in (200, 302)
    assert orm.Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("²", None),
        ("١", None),
        ("４２", None),
        ("-1", None),
        (" 1", None),
        ("1e3", None),
        ("", None),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
    ],
)
def test_ascii_int_reads_ascii_digits_only_and_bounded(text, expected):
    from motcua.core.hostile import ascii_int

    assert ascii_int(text) == expected


def test_control_characters_other_than_tab_and_line_breaks_are_refused():
    from motcua.core.hostile import text_problem

    assert text_problem("Dòng một\r\n\tdòng hai") is None
    assert all(text_problem(f"a{chr(c)}b") for c in [*range(9), 11, 12, *range(14, 32), 127])
    assert text_problem("\ud800")


# --- Added with the API fuzz (docs/adr/0038) ----------------------------------------------------


@pytest.mark.parametrize("who", [None, "desk"])
def test_a_nul_in_an_officers_api_path_is_a_400_before_authentication(world, api, who):
    response = api(who).get("/api/v1/dossiers/a%00b/events")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["path"]


def test_a_nul_in_the_token_password_is_a_400_naming_it(world, orm, api):
    response = api(None).post(
        "/api/v1/auth/token", raw='{"username": "desk", "password": "pw\\u0000"}'
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]
    assert orm.ApiToken.objects.count() == 0


def _deep_note(body: dict[str, Any]) -> str:
    body["documents"][0]["note"] = "a\x00b"
    return "documents.0.note"


def _hostile_key(body: dict[str, Any]) -> str:
    body["applicant"]["full_name\x07"] = "Lò Văn Minh"
    return "applicant.full_name"


@pytest.mark.parametrize("spoil", [_deep_note, _hostile_key])
def test_a_control_character_deep_in_an_intake_body_is_a_400_naming_it(world, orm, api, spoil):
    body = intake_body(applicant=dict(PERSON_JSON))
    field = spoil(body)
    response = api("desk").post("/api/v1/dossiers", body, when=MONDAY)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [key for key in errors if field in key], errors
    _stored_nothing(orm)


def test_a_nul_in_an_action_note_changes_nothing(world, orm, api, receive):
    dossier = receive(MONDAY)
    events = orm.DossierEvent.objects.count()
    response = api("desk").post(
        f"/api/v1/dossiers/{dossier.code}/actions/forward",
        raw='{"note": "Chuy\\u0000n"}',
        when=at(2026, 3, 2, 10, 0),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]
    dossier.refresh_from_db()
    assert dossier.status == "received"
    assert orm.DossierEvent.objects.count() == events


@pytest.mark.parametrize("offset", ["9223372036854775808", "-1"])
def test_an_offset_out_of_bounds_with_a_bearer_token_is_a_400(world, api, offset):
    response = api("desk").get("/api/v1/dossiers", {"offset": offset})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["offset"]


def test_an_over_long_receiver_name_is_a_400_and_returns_nothing(world, orm, api, receive):
    """The receiver is stored as "name ID number" in a 255-character column: on PostgreSQL a
    longer name was a 500, on SQLite it was stored."""
    from motcua.dossiers.data import UploadedFile
    from motcua.rest.tests.conftest import PDF_BYTES, act

    users = world["users"]
    dossier = receive(MONDAY)
    act(dossier, users["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(dossier, users["cv"], "take", at(2026, 3, 2, 10, 0))
    act(dossier, users["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=users["ld"].pk)
    result = UploadedFile(name="ket-qua.pdf", content=PDF_BYTES)
    act(dossier, users["ld"], "approve", at(2026, 3, 4, 9, 0), note="Đồng ý", result=result)
    events = orm.DossierEvent.objects.count()
    response = api("desk").act(
        dossier.code,
        "return_result",
        at(2026, 3, 5, 8, 0),
        method="desk",
        receiver_name="Q" * 300,
        receiver_id_number="011080000123",
    )
    assert response.status_code == 400, response.content
    assert "receiver_name" in response.json()["errors"]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.returned_to) == ("result_ready", "")
    assert orm.DossierEvent.objects.count() == events
