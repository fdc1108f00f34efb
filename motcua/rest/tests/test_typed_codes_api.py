"""The API finds a dossier by its code as people type it (issue 17, item 6): lower case,
spaces or en dashes between the parts; `#<id>` still names a dossier without a code."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from .conftest import at, intake_body

pytestmark = pytest.mark.django_db

BASE = "/api/v1/dossiers"


@pytest.fixture
def code(world: Any, api: Any) -> str:
    response = api("desk").post(BASE, intake_body(), when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 201, response.content
    code: str = response.json()["code"]
    assert code == "H11.01.01-260302-0001"
    return code


@pytest.mark.parametrize(
    "typed", ["h11.01.01-260302-0001", " H11.01.01 260302 0001 ", "H11.01.01\u2013260302\u20130001"]
)
def test_detail_and_events_by_a_code_as_typed(world, api, code, typed):
    path = f"{BASE}/{urllib.parse.quote(typed)}"
    detail = api("desk").get(path)
    assert detail.status_code == 200, detail.content
    assert detail.json()["code"] == code
    events = api("desk").get(f"{path}/events")
    assert events.status_code == 200
    assert [e["action"] for e in events.json()["items"]] == ["accept"]


def test_an_action_by_a_code_as_typed(world, api, code):
    response = api("desk").act(code.lower(), "forward", at(2026, 3, 2, 10, 0))
    assert response.status_code == 200, response.content
    assert response.json()["code"] == code


def test_search_by_a_code_as_typed(world, api, code):
    found = api("desk").get(BASE, {"q": "h11.01.01\u2013260302 0001"}).json()
    assert [item["code"] for item in found["items"]] == [code]


def test_unknown_and_hash_codes_still_answer_404(world, api, code):
    assert api("desk").get(f"{BASE}/h11.01.01-260302-0009").status_code == 404
    assert api("desk").get(f"{BASE}/%2399999").status_code == 404
    assert api("desk").get(f"{BASE}/H%C3%B4").status_code == 404
