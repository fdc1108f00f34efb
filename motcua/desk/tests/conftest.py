"""Fixtures for the desk: the dossiers `world` (officers desk, cv, ld, cv_build, ld_build on
the real 2025–2026 calendar and the promotion procedure), a citizen, and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import pdf_bytes
from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ALL_DOCS, ORG, PERSON, VN, act, at, receive, world

__all__ = ["ALL_DOCS", "ORG", "PERSON", "VN", "act", "at", "receive", "world"]

#: A readable PDF (a result that cannot be parsed is refused, issue 17).
PDF_BYTES = pdf_bytes("KET QUA")
PDF = UploadedFile(name="ket-qua.pdf", content=PDF_BYTES)
MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def users(world: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    """The world's officers plus a citizen and a user without any role."""
    u = dict(world["users"])
    citizen = django_user_model.objects.create_user(username="dan", password="pw-12345-x")
    role_grant(user=citizen, role=Role.CITIZEN, agency=None)
    u["citizen"] = citizen
    u["nobody"] = django_user_model.objects.create_user(username="nobody", password="pw-12345-x")
    return u


@pytest.fixture
def as_user(client: Any, users: dict[str, Any]):
    """Sign the test client in as one of the users by name."""

    def _as(name: str) -> Any:
        client.force_login(users[name])
        return client

    return _as


@pytest.fixture
def dossier(receive: Any) -> Any:
    """The promotion dossier received at the desk on Monday 2 March 2026, 09:00."""
    return receive(MONDAY)


def at_time(when: dt.datetime):
    return clock.at(when)
