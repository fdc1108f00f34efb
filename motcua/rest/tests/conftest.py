"""Fixtures for the dossier API tests: the 2025–2026 calendar, the promotion procedure of the
root conftest (5 working days: intake 4 h, review 28 h, approve 4 h, return 4 h), officers
holding roles, and a JSON client that authenticates with a bearer token.

The world, the applicants and `receive`/`act`/`at` are the dossier tests' own
(`motcua/dossiers/tests/conftest.py`), with a second desk officer."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from conftest import pdf_bytes
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures and data for the tests
    ALL_DOCS,
    OFFICERS,
    ORG,
    PASSWORD,
    PERSON,
    VN,
    act,
    at,
    build_world,
    receive,
)

#: A readable PDF (a result that cannot be parsed is refused, issue 17).
PDF_BYTES = pdf_bytes("KET QUA")
PDF_B64 = base64.b64encode(PDF_BYTES).decode()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages of services called directly in English; API calls send Accept-Language."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    return build_world(
        agencies, django_user_model, [*OFFICERS, ("desk2", Role.DESK_OFFICER, "center")]
    )


# The same dossier as JSON for POST /api/v1/dossiers.
ORG_JSON: dict[str, Any] = {
    "kind": "organisation",
    "name": "Công ty TNHH Thương mại Mường Thanh",
    "tax_code": "0100109106",
    "representative": "Quàng Văn Đức",
    "phone": "0215382111",
    "email": "",
    "address": "Số 1, phường Mường Thanh",
}
PERSON_JSON: dict[str, Any] = {
    "kind": "person",
    "full_name": "Lò Văn Minh",
    "id_number": "011095001234",
    "date_of_birth": "1995-05-17",
    "phone": "0912345678",
    "email": "minh@example.vn",
    "address": "Tổ 5, phường Điện Biên Phủ",
    "commune_code": 3127,
}


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": "2.000004",
        "channel": "desk",
        "applicant": dict(ORG_JSON),
        "documents": [
            {"position": 1, "received": True, "originals": 1},
            {"position": 2, "received": True, "originals": 1},
        ],
        "decision": "accept",
    }
    body.update(overrides)
    return body


class Api:
    """A JSON client for /api/v1 as one user (bearer token), speaking English by default."""

    def __init__(self, client: Client, token: str | None, language: str | None = "en") -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.get(path, params or {}, headers=self.headers, **kw)

    def post(
        self, path: str, body: Any = None, when: dt.datetime | None = None, raw: str | None = None
    ) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        if when is None:
            return self.client.post(
                path, data, content_type="application/json", headers=self.headers
            )
        with clock.at(when):
            return self.client.post(
                path, data, content_type="application/json", headers=self.headers
            )

    def act(self, code: str, action: str, when: dt.datetime, **body: Any) -> Any:
        return self.post(f"/api/v1/dossiers/{code}/actions/{action}", body, when=when)


def token_for(username: str, client: Client | None = None) -> str:
    response = (client or Client()).post(
        "/api/v1/auth/token",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


@pytest.fixture
def api(world: dict[str, Any]) -> Any:
    """`api("desk")`: a client authenticated as that user; `api(None)`: anonymous."""
    tokens: dict[str, str] = {}

    def _api(username: str | None, language: str | None = "en") -> Api:
        if username is None:
            return Api(Client(), None, language)
        if username not in tokens:
            tokens[username] = token_for(username)
        return Api(Client(), tokens[username], language)

    return _api
