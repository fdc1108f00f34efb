"""Fixtures: the dossiers test world (real 2025-2026 calendar, a small province, the promotion
procedure, officers) plus the feedback desk (`pakn`, feedback officer at the service centre)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.tests.conftest import VN, at, receive, world  # noqa: F401
from motcua.pakn.api import SenderIn, feedback_act, feedback_submit

SENDER = SenderIn(
    full_name="Lò Văn Minh",
    phone="0912345678",
    email="minh@example.vn",
    address="Tổ 5, phường Điện Biên Phủ",
    id_number="011095001234",
)


@pytest.fixture(autouse=True)
def _outboxes(settings: Any, mailoutbox: Any) -> Any:
    from motcua.integrations import sms

    settings.MOTCUA_SMS_BACKEND = "locmem"
    settings.MOTCUA_PUBLIC_URL = "http://127.0.0.1:8000"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def desk(world: dict[str, Any], django_user_model: Any) -> dict[str, Any]:  # noqa: F811
    """The world and the feedback officer `pakn` at the service centre."""
    user = django_user_model.objects.create_user(
        username="pakn", password="pw-12345-x", full_name="Cán bộ PAKN"
    )
    role_grant(user=user, role=Role.FEEDBACK_OFFICER, agency=world["agencies"]["center"])
    world["users"]["pakn"] = user
    return world


def submit(when: dt.datetime, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "about": "procedure",
        "title": "Thời hạn giải quyết quá dài",
        "content": "Đề nghị rút ngắn thời hạn đăng ký khuyến mại.",
        "sender": SENDER,
        "procedure_code": "2.000004",
    }
    values.update(kw)
    with clock.at(when):
        return feedback_submit(**values)


def act(code: str, user: Any, action: str, when: dt.datetime, **kw: Any) -> Any:
    with clock.at(when):
        return feedback_act(code=code, action=action, actor=user, **kw)


def local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(VN) if value is not None else None
