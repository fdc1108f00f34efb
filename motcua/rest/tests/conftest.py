"""Fixtures for the dossier API tests: the 2025–2026 calendar, the promotion procedure of the
root conftest (5 working days: intake 4 h, review 28 h, approve 4 h, return 4 h), officers
holding roles, and a JSON client that authenticates with a bearer token.

Replicates `motcua/dossiers/tests/conftest.py` (world, receive, act, at) so that these tests
do not depend on another app's test modules."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.calendar.api import calendar_seed
from motcua.core import clock
from motcua.dossiers.data import ApplicantData, ChecklistItem

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "pw-12345-x"
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PDF_B64 = base64.b64encode(PDF_BYTES).decode()


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages of services called directly in English; API calls send Accept-Language."""
    with translation.override("en"):
        yield


USERS = [
    ("desk", Role.DESK_OFFICER, "center"),
    ("desk2", Role.DESK_OFFICER, "center"),
    ("cv", Role.SPECIALIST, "trade"),
    ("ld", Role.LEADER, "trade"),
    ("cv_build", Role.SPECIALIST, "build"),
    ("ld_build", Role.LEADER, "build"),
]


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    calendar_seed(years=[2025, 2026])
    users = {}
    for name, role, agency in USERS:
        user = django_user_model.objects.create_user(
            username=name, password=PASSWORD, full_name=name.upper()
        )
        role_grant(user=user, role=role, agency=agencies[agency])
        users[name] = user
    return {"users": users, "agencies": agencies}


PERSON = ApplicantData(
    kind="person",
    full_name="Lò Văn Minh",
    id_number="011095001234",
    date_of_birth=dt.date(1995, 5, 17),
    phone="0912345678",
    email="minh@example.vn",
    address="Tổ 5, phường Điện Biên Phủ",
    commune_code=3127,
)
ORG = ApplicantData(
    kind="organisation",
    name="Công ty TNHH Thương mại Mường Thanh",
    tax_code="0100109106",
    representative="Quàng Văn Đức",
    phone="0215382111",
    address="Số 1, phường Mường Thanh",
)
ALL_DOCS = [
    ChecklistItem(position=1, received=True, originals=1),
    ChecklistItem(position=2, received=True, originals=1),
]

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


@pytest.fixture
def receive(world: dict[str, Any]) -> Any:
    """Accept the promotion dossier at the desk at the given instant (through the service)."""
    from motcua.dossiers.api import dossier_intake

    def _receive(when: dt.datetime, applicant: ApplicantData = ORG, **kw: Any) -> Any:
        with clock.at(when):
            return dossier_intake(
                actor=kw.pop("actor", world["users"]["desk"]),
                procedure_code="2.000004",
                channel=kw.pop("channel", "desk"),
                applicant=applicant,
                decision=kw.pop("decision", "accept"),
                checklist=kw.pop("checklist", ALL_DOCS),
                **kw,
            )

    return _receive


def act(dossier: Any, user: Any, action: str, when: dt.datetime, **payload: Any) -> Any:
    from motcua.dossiers.api import dossier_act

    with clock.at(when):
        return dossier_act(dossier_id=dossier.pk, actor=user, action=action, payload=payload)


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
