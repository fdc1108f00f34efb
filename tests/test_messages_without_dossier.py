"""A message without a dossier (notifications.api.message_send, used by the feedback desk and
the surveys) on the citizen's portal list and in their own-data export (privacy)."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.conftest import world  # noqa: F401  (a fixture)
from motcua.notifications.api import message_send

pytestmark = pytest.mark.django_db


def _send(**kwargs):
    values = {
        "key": "pakn:PA-1:1",
        "kind": "pakn_received",
        "subject": "Phản ánh PA-1 đã được tiếp nhận",
        "body": "Chúng tôi đã tiếp nhận phản ánh của ông/bà.",
    }
    values.update(kwargs)
    return message_send(**values)


def test_the_portal_page_and_own_data_export_show_a_message_without_dossier(
    client, django_user_model, django_capture_on_commit_callbacks
):
    from motcua.privacy.api import own_data_collect

    citizen = django_user_model.objects.create_user(username="cd", password="pw-12345-x")
    with django_capture_on_commit_callbacks(execute=True):
        _send(email="", phone="", user_id=citizen.pk, link="/phan-anh-kien-nghi/")
    client.force_login(citizen)
    page = client.get("/thong-bao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Phản ánh PA-1 đã được tiếp nhận" in html
    assert 'href="/phan-anh-kien-nghi/"' in html
    data = own_data_collect(user=citizen)
    assert [(n["dossier"], n["kind"]) for n in data["notifications"]] == [("", "pakn_received")]


def test_own_data_export_holds_the_feedback_sent_from_the_account(
    world,  # noqa: F811
    django_user_model,
):
    from motcua.core import clock
    from motcua.dossiers.tests.conftest import at
    from motcua.pakn.api import SenderIn, feedback_submit
    from motcua.privacy.api import own_data_collect

    citizen = django_user_model.objects.create_user(
        username="dan", password="pw-12345-x", full_name="Nguyễn Văn Dân", phone="0912345678"
    )
    other = django_user_model.objects.create_user(username="khac", password="pw-12345-x")
    with clock.at(at(2026, 3, 2, 9, 0)):
        mine = feedback_submit(
            about="regulation",
            title="Của tôi",
            content="Nội dung.",
            sender=SenderIn(full_name=""),
            user=citizen,
        )
        feedback_submit(
            about="regulation",
            title="Của người khác",
            content="Khác.",
            sender=SenderIn(full_name="Người khác", phone="0987654321"),
            user=other,
        )
    [item] = own_data_collect(user=citizen)["feedback"]
    assert (item["code"], item["title"], item["sender"]["phone"]) == (
        mine.code,
        "Của tôi",
        "0912345678",
    )
    assert [e["action"] for e in item["events"]] == ["submit"]
