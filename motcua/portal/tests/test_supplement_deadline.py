"""By when to answer a supplement request (issue 17, item 14): the request's time plus
MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS working days (15 by default, UNCONFIRMED — domain.md
§14), shown in "my dossiers", on the dossier's page and in the notification (e-mail, SMS,
portal list)."""

# ruff: noqa: F811 - world is a fixture imported from the dossier tests
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from motcua.core import clock
from motcua.dossiers.api import dossier_accept, dossier_submit_online, supplement_answer_due
from motcua.dossiers.tests.conftest import VN, act, at, receive, world  # noqa: F401
from motcua.integrations import sms

REQUESTED = at(2026, 3, 3, 10, 0)  # Tuesday


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def asked(world: dict[str, Any], django_user_model: Any, django_capture_on_commit_callbacks):
    """An online dossier of a citizen, accepted and forwarded, then asked for supplements on
    Tuesday 3 March 2026 at 10:00."""
    citizen = django_user_model.objects.create_user(username="dan", password="pw-12345-x")
    u = world["users"]
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with clock.at(at(2026, 3, 2, 9, 0)):
            d = dossier_submit_online(
                applicant_user=citizen, procedure_code="2.000004", applicant=_org_with_contacts()
            )
        with clock.at(at(2026, 3, 2, 9, 30)):
            dossier_accept(dossier_id=d.pk, actor=u["desk"])
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(
            d,
            u["cv"],
            "request_supplement",
            REQUESTED,
            items=["Bản sao giấy phép kinh doanh"],
            reason="Thiếu giấy phép",
        )
    d.refresh_from_db()
    return {"dossier": d, "citizen": citizen}


def _org_with_contacts() -> Any:
    import dataclasses

    from motcua.dossiers.tests.conftest import ORG

    return dataclasses.replace(ORG, email="cty@example.vn", phone="0912345678")


def test_the_answer_deadline_is_15_working_days_after_the_request(asked):
    d = asked["dossier"]
    assert d.status == "supplement_requested"
    due = supplement_answer_due(dossier=d)
    assert due == dt.datetime(2026, 3, 24, 10, 0, tzinfo=VN)  # 15 working days, no holiday
    assert supplement_answer_due(dossier=d, requested_at=REQUESTED) == due


def test_the_setting_changes_it_and_a_dossier_not_waiting_has_none(asked, settings, receive):
    settings.MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS = 5
    assert supplement_answer_due(dossier=asked["dossier"]) == dt.datetime(
        2026, 3, 10, 10, 0, tzinfo=VN
    )
    assert supplement_answer_due(dossier=receive(at(2026, 3, 2, 9, 0))) is None


def test_my_dossiers_and_the_dossier_page_say_by_when(client, asked, monkeypatch):
    from motcua.portal import views_submit

    monkeypatch.setattr(views_submit, "_is_verified", lambda user: True)
    client.force_login(asked["citizen"])
    listing = client.get("/ho-so-cua-toi/").content.decode()
    page = client.get(f"/ho-so-cua-toi/{asked['dossier'].reference}/").content.decode()
    assert '<span class="answer-by">Hạn bổ sung: 10:00 24/03/2026</span>' in listing
    status = page.split('class="status-box"', 1)[1].split("</div>", 1)[0]
    assert "Vui lòng gửi giấy tờ bổ sung trước 10:00 24/03/2026." in status
    assert "cơ quan giải quyết có thể dừng giải quyết hồ sơ của bạn" in status


def test_the_notification_says_by_when(asked):
    (email,) = mail.outbox
    assert "Vui lòng gửi giấy tờ bổ sung trước 10:00 24/03/2026." in email.body
    (text,) = sms.outbox
    assert "truoc 24/03/2026" in text.text
    assert text.text.isascii() and len(text.text) <= 160
