"""Reads for the desk's action forms and menu (once desk/queries.py): the step `forward` starts,
the steps `send_back` may return to, an officer's notices."""

from __future__ import annotations

import pytest

from motcua.dossiers.api import (
    earlier_main_steps,
    next_main_step,
    notices_for_user,
    notices_unread_count,
)
from motcua.dossiers.models import Notice
from motcua.dossiers.tests.conftest import act, at

pytestmark = pytest.mark.django_db


def _titles(steps):
    return [(s.position, s.title) for s in steps]


def test_the_next_and_the_earlier_main_steps_follow_the_dossier(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))  # accepted: the desk's intake step is open
    assert _titles([next_main_step(dossier=d)]) == [(2, "Thẩm định")]
    assert earlier_main_steps(dossier=d) == []
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    assert _titles([next_main_step(dossier=d)]) == [(3, "Phê duyệt, ký")]
    assert _titles(earlier_main_steps(dossier=d)) == [(1, "Tiếp nhận hồ sơ")]
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    assert _titles([next_main_step(dossier=d)]) == [(4, "Trả kết quả")]
    assert _titles(earlier_main_steps(dossier=d)) == [(1, "Tiếp nhận hồ sơ"), (2, "Thẩm định")]


def test_no_open_main_step_no_choices(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "withdraw", at(2026, 3, 2, 10, 0), reason="Người nộp rút hồ sơ")
    assert next_main_step(dossier=d) is None
    assert earlier_main_steps(dossier=d) == []


def test_an_officers_notices_newest_first_and_the_unread_ones(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    made = [
        Notice.objects.create(
            user=u["cv"],
            dossier=d,
            kind="near_due",
            message=f"n{i}",
            created_at=at(2026, 3, 2 + i, 9, 0),
            read_at=at(2026, 3, 5, 9, 0) if i == 0 else None,
        )
        for i in range(3)
    ]
    Notice.objects.create(
        user=u["ld"], dossier=d, kind="overdue", message="x", created_at=at(2026, 3, 9)
    )
    assert list(notices_for_user(user=u["cv"])) == made[::-1]
    assert notices_unread_count(user=u["cv"]) == 2
    assert notices_unread_count(user=u["desk"]) == 0
