"""Notifications: which events notify, once per event and channel, after commit only, retried,
texts in Vietnamese (SMS unaccented), the stale sweep."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from motcua.core import clock
from motcua.dossiers.api import dossier_submit_online
from motcua.dossiers.signals import dossier_event_recorded
from motcua.dossiers.tests.conftest import ORG, PERSON, act, at
from motcua.integrations import sms
from motcua.integrations.sms import SmsBackend, SmsError
from motcua.notifications.api import notification_kind, notifications_resend_stale, unaccent
from motcua.notifications.models import CHANNEL_EMAIL, CHANNEL_SMS, Notification
from motcua.notifications.texts import SUBJECTS

pytestmark = pytest.mark.django_db


def _channels(dossier):
    return sorted(
        (n.kind, n.channel, n.status) for n in Notification.objects.filter(dossier=dossier)
    )


def test_which_events_notify_the_applicant():
    k = notification_kind
    assert k(action="submit", from_status="", to_status="submitted") == "submitted"
    assert k(action="accept", from_status="submitted", to_status="received") == "received"
    assert k(action="request_completion", from_status="", to_status="completion_requested") == (
        "completion_requested"
    )
    assert k(action="refuse", from_status="", to_status="refused") == "refused"
    assert k(action="request_supplement", from_status="processing", to_status="x") == (
        "supplement_requested"
    )
    assert k(action="receive_supplement", from_status="x", to_status="processing") == (
        "supplement_received"
    )
    assert k(action="apologize", from_status="processing", to_status="processing") == "apology"
    assert k(action="complete", from_status="processing", to_status="result_ready") == (
        "result_ready"
    )
    assert k(action="approve", from_status="processing", to_status="result_ready") == (
        "result_ready"
    )
    assert k(action="reject", from_status="processing", to_status="result_ready") == "rejected"
    assert k(action="return_result", from_status="result_ready", to_status="returned") == (
        "returned"
    )
    assert k(action="withdraw", from_status="processing", to_status="withdrawn") == "withdrawn"
    assert k(action="cancel", from_status="processing", to_status="cancelled") == "cancelled"
    # Internal handovers say nothing to the applicant.
    for action in ("take", "forward", "send_back", "consult", "answer_consultation", "transfer"):
        assert k(action=action, from_status="processing", to_status="processing") is None
    assert k(action="approve", from_status="processing", to_status="processing") is None


def test_acceptance_sends_one_email_and_one_sms_after_commit(
    world, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
        # Rows exist in the transaction; nothing has been sent before the commit.
        assert _channels(d) == [("received", "email", "pending"), ("received", "sms", "pending")]
        assert mail.outbox == [] and sms.outbox == []
    for callback in callbacks:
        callback()
    assert _channels(d) == [("received", "email", "sent"), ("received", "sms", "sent")]
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["minh@example.vn"]
    assert d.code in email.subject and d.code in email.body
    assert d.lookup_pin in email.body and d.lookup_pin not in email.subject
    assert f"http://127.0.0.1:8000/tra-cuu-ho-so/{d.code}/" in email.body
    assert "Lò Văn Minh" in email.body
    text = sms.outbox[0]
    assert text.phone == "0912345678"
    assert d.code in text.text and d.lookup_pin in text.text
    assert text.text.isascii() and len(text.text) <= 160
    row = Notification.objects.get(dossier=d, channel="sms")
    assert (row.attempts, row.last_error, row.sent_at is not None) == (1, "", True)


def test_replaying_an_event_sends_nothing_twice(
    orm, world, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    event = orm.DossierEvent.objects.get(dossier=d, action="accept")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier_event_recorded.send(sender=orm.DossierEvent, event=event)
        dossier_event_recorded.send(sender=orm.DossierEvent, event=event)
    assert callbacks == []
    assert Notification.objects.filter(event=event).count() == 2
    assert (len(mail.outbox), len(sms.outbox)) == (1, 1)


def test_replaying_an_event_writes_only_the_missing_channel(
    orm, world, receive, django_capture_on_commit_callbacks
):
    """A replay that finds one channel written and the other not (the row was lost) writes and
    sends the missing one only: the one-INSERT path falls back to row by row."""
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    event = orm.DossierEvent.objects.get(dossier=d, action="accept")
    Notification.objects.filter(event=event, channel=CHANNEL_SMS).delete()
    email_id = Notification.objects.get(event=event, channel=CHANNEL_EMAIL).pk
    with django_capture_on_commit_callbacks(execute=True):
        dossier_event_recorded.send(sender=orm.DossierEvent, event=event)
    rows = Notification.objects.filter(event=event)
    assert sorted(rows.values_list("channel", flat=True)) == sorted([CHANNEL_EMAIL, CHANNEL_SMS])
    assert rows.get(channel=CHANNEL_EMAIL).pk == email_id
    assert (len(mail.outbox), len(sms.outbox)) == (1, 2)


def test_the_send_job_is_idempotent(world, receive, django_capture_on_commit_callbacks):
    from motcua.notifications.tasks import send_task

    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    row = Notification.objects.get(dossier=d, channel="email")
    assert send_task.apply(kwargs={"notification_id": row.pk}).get() == "sent"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_rolled_back_transaction_sends_nothing(
    world, receive, django_capture_on_commit_callbacks
):
    def failing_request():
        with transaction.atomic():
            receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
            raise RuntimeError("the officer's request failed later")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_request()
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == [] and sms.outbox == []


@pytest.fixture
def worker_like():
    """Run jobs as a Celery worker would: a failure is retried, not raised to the caller
    (the test settings propagate errors of eager jobs)."""
    from celery import current_app as app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


class FlakyBackend(SmsBackend):
    """Fails the first `failures` sends, then delivers to the locmem outbox."""

    failures = 1
    calls = 0

    def send(self, message):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise SmsError("gateway timeout")
        sms.outbox.append(message)


def test_sms_gateway_error_is_retried_then_sent(
    world, receive, settings, django_capture_on_commit_callbacks, worker_like
):
    from motcua.notifications.tasks import send_task

    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_notifications.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 2
    with django_capture_on_commit_callbacks(execute=False):  # the worker runs the job below
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    row = Notification.objects.get(dossier=d, channel="sms")
    # As a worker runs it: Celery retries the job (autoretry on DeliveryFailed) until it works.
    result = send_task.apply(kwargs={"notification_id": row.pk})
    assert result.get() == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(sms.outbox) == 1 and FlakyBackend.calls == 3


def test_eager_mode_leaves_a_failed_send_pending_for_the_sweep(
    world, receive, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_notifications.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 1
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    row = Notification.objects.get(dossier=d, channel="sms")
    assert (row.status, row.attempts) == ("pending", 1)
    assert "gateway timeout" in row.last_error
    # The dossier action itself succeeded, and the e-mail went out.
    assert d.status == "received"
    assert Notification.objects.get(dossier=d, channel="email").status == "sent"
    with clock.at(at(2026, 3, 2, 9, 30)), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(sms.outbox) == 1


def test_a_gateway_that_keeps_failing_marks_the_row_failed(
    world, receive, settings, django_capture_on_commit_callbacks, worker_like
):
    from motcua.notifications.tasks import send_task

    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_notifications.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 100
    with django_capture_on_commit_callbacks(execute=False):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    row = Notification.objects.get(dossier=d, channel="sms")
    result = send_task.apply(kwargs={"notification_id": row.pk})
    assert result.failed()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 6)
    assert "gateway timeout" in row.last_error
    assert sms.outbox == [] and FlakyBackend.calls == 6
    # A failed row is never sent again by the sweep.
    with clock.at(at(2026, 3, 3, 9, 0)), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 1  # only the e-mail, which was never sent
    assert FlakyBackend.calls == 6


def test_stale_pending_rows_are_sent_by_the_sweep(
    world, receive, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.tests.test_notifications.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 0
    with django_capture_on_commit_callbacks(execute=False):  # the job is lost
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    assert sms.outbox == []
    with clock.at(at(2026, 3, 2, 9, 10)), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 0  # not stale yet
    with clock.at(at(2026, 3, 2, 9, 30)), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 2
    assert _channels(d) == [("received", "email", "sent"), ("received", "sms", "sent")]
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


def test_internal_handovers_notify_nobody(world, receive, django_capture_on_commit_callbacks):
    u = world["users"]
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    assert {n.kind for n in Notification.objects.filter(dossier=d)} == {"received"}
    assert len(sms.outbox) == 1


def test_supplement_apology_result_and_return_each_notify(
    world, receive, django_capture_on_commit_callbacks
):
    from motcua.dossiers.data import UploadedFile

    u = world["users"]
    from conftest import pdf_bytes

    pdf = UploadedFile(name="kq.pdf", content=pdf_bytes("KET QUA"))
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
        act(
            d,
            u["cv"],
            "request_supplement",
            at(2026, 3, 3, 10, 0),
            items=["Mẫu bằng chứng trúng thưởng"],
            reason="Thiếu mẫu",
        )
        act(d, u["desk"], "receive_supplement", at(2026, 3, 4, 10, 0))
        act(
            d,
            u["ld"],
            "apologize",
            at(2026, 3, 5, 10, 0),
            new_appointment=at(2026, 3, 20, 16, 0),
            reason="Chờ ý kiến cơ quan phối hợp",
        )
        act(d, u["cv"], "forward", at(2026, 3, 6, 10, 0), to_user=u["ld"].pk)
        act(d, u["ld"], "approve", at(2026, 3, 9, 9, 0), result=pdf)
        act(d, u["desk"], "return_result", at(2026, 3, 10, 9, 0), method="online")
    kinds = [n.kind for n in Notification.objects.filter(dossier=d, channel="email").order_by("id")]
    assert kinds == [
        "received",
        "supplement_requested",
        "supplement_received",
        "apology",
        "result_ready",
        "returned",
    ]
    assert len(mail.outbox) == 6 and len(sms.outbox) == 6
    supplement = mail.outbox[1].body
    assert "- Mẫu bằng chứng trúng thưởng" in supplement and "Thiếu mẫu" in supplement
    apology = mail.outbox[3].body
    assert "20/03/2026" in apology and "Chờ ý kiến cơ quan phối hợp" in apology
    assert all(m.text.isascii() for m in sms.outbox)
    assert "20/03/2026" in sms.outbox[3].text


def test_desk_completion_request_lists_what_is_missing(
    world, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(
            at(2026, 3, 2, 9, 0),
            applicant=PERSON,
            decision="request_completion",
            checklist=[],
            missing=["Bản sao giấy chứng nhận chất lượng hàng hóa"],
        )
    assert d.code is None
    body = mail.outbox[0].body
    assert "- Bản sao giấy chứng nhận chất lượng hàng hóa" in body
    assert "tra-cuu-ho-so" not in body  # no code yet, so no tracking link
    assert len(sms.outbox) == 1


def test_an_applicant_without_contact_details_gets_nothing(
    world, receive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=dataclasses.replace(ORG, phone=""))
    assert Notification.objects.filter(dossier=d).count() == 0
    assert mail.outbox == [] and sms.outbox == []


def test_online_applicant_gets_a_portal_entry(
    world, django_user_model, django_capture_on_commit_callbacks
):
    citizen = django_user_model.objects.create_user(username="cd", password="pw-12345-x")
    with clock.at(at(2026, 3, 2, 9, 0)), django_capture_on_commit_callbacks(execute=True):
        d = dossier_submit_online(
            applicant_user=citizen,
            procedure_code="2.000004",
            applicant=dataclasses.replace(ORG, email="ketoan@muongthanh.vn"),
        )
    assert _channels(d) == [
        ("submitted", "email", "sent"),
        ("submitted", "portal", "sent"),
        ("submitted", "sms", "sent"),
    ]
    assert mail.outbox[0].to == ["ketoan@muongthanh.vn"]


def test_texts_are_rendered_in_vietnamese(world, receive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    with translation.override("vi"):
        expected = str(SUBJECTS["received"]) % {"code": d.code}
    assert mail.outbox[0].subject == expected
    assert Notification.objects.get(dossier=d, channel="email").language == "vi"
    assert mail.outbox[0].body.startswith("Kính gửi Lò Văn Minh,")
    assert sms.outbox[0].text.startswith(f"Ho so {d.code}")


def test_sms_text_is_unaccented_unless_configured(
    world, receive, settings, django_capture_on_commit_callbacks
):
    assert (
        unaccent("Hồ sơ ĐÃ được tiếp nhận; hẹn trả 09/03")
        == "Ho so DA duoc tiep nhan; hen tra 09/03"
    )
    settings.MOTCUA_SMS_UNACCENTED = False
    settings.MOTCUA_PUBLIC_URL = "https://dịchvụcông.example"
    with django_capture_on_commit_callbacks(execute=True):
        receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    assert "dịchvụcông" in sms.outbox[0].text
    settings.MOTCUA_SMS_UNACCENTED = True
    with django_capture_on_commit_callbacks(execute=True):
        receive(at(2026, 3, 2, 9, 5), applicant=PERSON)
    assert "dichvucong" in sms.outbox[1].text


def test_dates_are_local_time(world, receive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    assert d.appointment_at == at(2026, 3, 9, 9, 0)
    assert "09:00 09/03/2026" in mail.outbox[0].body
    assert d.appointment_at.astimezone(dt.UTC).hour == 2


def test_bulk_loads_notify_nobody(world, receive, django_capture_on_commit_callbacks):
    from motcua.core.jobs import suppressed

    with django_capture_on_commit_callbacks(execute=True), suppressed():
        d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    assert Notification.objects.filter(dossier=d).count() == 0
    assert mail.outbox == [] and sms.outbox == []
