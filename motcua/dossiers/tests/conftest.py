"""Fixtures for dossier tests: the real 2025–2026 calendar, a small province, one procedure
(5 working days: intake 4 h, review 28 h, approve 4 h, return 4 h), and officers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.calendar.api import calendar_seed
from motcua.core import clock
from motcua.dossiers.data import ApplicantData, ChecklistItem

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


#: The officers of the test world: (username, role, agency key of the `agencies` fixture).
OFFICERS: list[tuple[str, Role, str]] = [
    ("desk", Role.DESK_OFFICER, "center"),
    ("cv", Role.SPECIALIST, "trade"),
    ("ld", Role.LEADER, "trade"),
    ("cv_build", Role.SPECIALIST, "build"),
    ("ld_build", Role.LEADER, "build"),
]
PASSWORD = "pw-12345-x"


def build_world(
    agencies: dict[str, Any], user_model: Any, officers: list[tuple[str, Role, str]] = OFFICERS
) -> dict[str, Any]:
    """The 2025–2026 calendar and officers holding their roles (password PASSWORD)."""
    calendar_seed(years=[2025, 2026])
    users = {}
    for name, role, agency in officers:
        user = user_model.objects.create_user(
            username=name, password=PASSWORD, full_name=name.upper()
        )
        role_grant(user=user, role=role, agency=agencies[agency])
        users[name] = user
    return {"users": users, "agencies": agencies}


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    return build_world(agencies, django_user_model)


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


@pytest.fixture
def receive(world: dict[str, Any]):
    """Accept the promotion dossier at the desk at the given instant."""
    from motcua.dossiers.api import dossier_intake

    def _receive(when: dt.datetime, applicant: ApplicantData = ORG, **kw: Any):
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


@pytest.fixture
def media_on_disk(tmp_path: Any, settings: Any) -> Any:
    """Files on a temporary disk (forms and signed results are read back by path)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def demo_signing(world: dict[str, Any], tmp_path: Any, settings: Any, media_on_disk: Any) -> Any:
    """A throwaway demo PKI: the leader `ld` and the seal of Sở Công Thương can sign."""
    from motcua.documents.api import credential_set_pkcs12, demo_pki_ensure

    settings.USE_DEMO_PKI = True
    settings.MOTCUA_DEMO_PKI_DIR = tmp_path / "pki"
    settings.MOTCUA_DEMO_PKI_PASSPHRASE = "test-passphrase"
    trade = world["agencies"]["trade"]
    pki = demo_pki_ensure(
        directory=tmp_path / "pki",
        people=[("LD", trade.name)],
        agencies=[trade.name],
        passphrase="test-passphrase",
    )
    credential_set_pkcs12(user=world["users"]["ld"], path=str(pki.leaders["LD"]), demo=True)
    credential_set_pkcs12(agency=trade, path=str(pki.seals[trade.name]), demo=True)
    return pki


#: An organisation applying online (the applicant step's fields, as the portal posts them).
ONLINE_APPLICANT = {
    "kind": "organisation",
    "name": "Công ty TNHH Thương mại Mường Thanh",
    "tax_code": "0100109106",
    "representative": "Quàng Văn Đức",
    "phone": "0215382111",
    "address": "Số 1, phường Mường Thanh",
}


def online_world(world: dict[str, Any], *, form_fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The world with the promotion procedure (2.000004) republished with `form_fields`, and
    two citizens: `citizen` (dan) and `other` (khac), password PASSWORD."""
    import copy
    import json

    from django.contrib.auth import get_user_model

    from conftest import PROMOTION
    from motcua.catalog.api import catalog_import

    raw = copy.deepcopy(PROMOTION)
    raw["form_fields"] = form_fields
    catalog_import(
        content=json.dumps({"procedures": [raw]}, ensure_ascii=False).encode(),
        filename="c.json",
        actor=None,
    )
    users = get_user_model().objects
    world["citizen"] = users.create_user(username="dan", password=PASSWORD, full_name="Dân")
    world["other"] = users.create_user(username="khac", password=PASSWORD)
    return world
