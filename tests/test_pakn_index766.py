"""The 766 index reads group 5 from the feedback desk (ADR 0030, ADR 0040): 5.2 feedback
handled on time, 5.3 satisfaction with the answers, and 5.4 counts the dossiers a complaint
was accepted for. Without feedback the entered values (or nothing) are used as before."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401, F811
from motcua.pakn.api import SenderIn, feedback_act, feedback_sender_rate, feedback_submit
from motcua.reports.api import service_index

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 30)


def _by_code(index):
    return {i.code: i for i in index.indicators}


def test_group_5_from_the_feedback_desk(world, receive, django_user_model):  # noqa: F811
    users = world["users"]
    desk = django_user_model.objects.create_user(username="pakn", password="pw-12345-x")
    role_grant(user=desk, role=Role.FEEDBACK_OFFICER, agency=world["agencies"]["center"])
    before = _by_code(service_index(year=2026, today=TODAY))
    assert before["5.2"].source == "missing" and before["5.3"].source == "missing"
    dossier = receive(at(2026, 3, 2, 9, 0))
    with clock.at(at(2026, 4, 30, 9, 0)):
        baseline = _by_code(service_index(year=2026, today=TODAY))["5.4"]
    sender = SenderIn(full_name="Lò Văn Minh", phone="0912345678")
    with clock.at(at(2026, 3, 3, 9, 0)):
        about_dossier = feedback_submit(
            about="dossier",
            title="Chậm",
            content="Hồ sơ chậm.",
            sender=sender,
            dossier_code=dossier.code,
            dossier_pin=dossier.lookup_pin,
        )
        other = feedback_submit(
            about="regulation",
            title="Quy định",
            content="Góp ý.",
            sender=sender,
        )

    def act(code, user, action, when, **kw):
        with clock.at(when):
            feedback_act(code=code, action=action, actor=user, **kw)

    for code in (about_dossier.code, other.code):
        act(code, desk, "receive", at(2026, 3, 3, 10, 0))
        act(code, desk, "classify", at(2026, 3, 3, 10, 0), classification="within_competence")
        act(code, desk, "assign", at(2026, 3, 3, 10, 0), agency_code="H11.05")
        act(code, users["cv"], "answer", at(2026, 3, 5, 9, 0), answer="Đã xử lý.")
        act(code, users["ld"], "approve", at(2026, 3, 5, 10, 0))
    # The second one approved on time too; only the first rated, not satisfied.
    feedback_sender_rate(code=about_dossier.code, pin=about_dossier.pin, satisfied=False)
    with clock.at(at(2026, 4, 30, 9, 0)):
        got = _by_code(service_index(year=2026, today=TODAY))
    assert (got["5.2"].source, got["5.2"].numerator, got["5.2"].denominator) == ("computed", 2, 2)
    assert (got["5.2"].rate, got["5.2"].points) == (100.0, 6.0)
    assert (got["5.3"].source, got["5.3"].rate, got["5.3"].points) == ("computed", 0.0, 0.0)
    # 5.4: the dossier (overdue at the period's end) also drew an accepted complaint.
    assert got["5.4"].numerator == baseline.numerator + 1
    assert got["5.4"].denominator == baseline.denominator
