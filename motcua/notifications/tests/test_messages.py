"""Messages without a dossier (`message_send`): one row per channel available, idempotent on
key + channel, sent after commit by the same job, retried by the stale sweep, shown in the
citizen's portal list beside their dossiers' notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from motcua.core import clock, jobs
from motcua.integrations import sms
from motcua.notifications.api import (
    message_send,
    notifications_for_citizen,
    notifications_mark_read,
    notifications_resend_stale,
    notifications_unread_count,
)
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _send(**kwargs):
    values = {
        "key": "pakn:PA-1:1",
        "kind": "pakn_received",
        "subject": "Phản ánh PA-1 đã được tiếp nhận",
        "body": "Chúng tôi đã tiếp nhận phản ánh của ông/bà.",
        "email": "a@example.vn",
        "phone": "0912345678",
        "link": "http://127.0.0.1:8000/phan-anh-kien-nghi/theo-doi/",
    }
    values.update(kwargs)
    return message_send(**values)


def test_one_row_per_channel_sent_after_commit(django_capture_on_commit_callbacks):
    with clock.at(T0), django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = _send()
        rows = Notification.objects.filter(pk__in=ids).order_by("channel")
        assert [(r.channel, r.status) for r in rows] == [("email", "pending"), ("sms", "pending")]
        assert mail.outbox == [] and sms.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Phản ánh PA-1 đã được tiếp nhận"
    assert "tiếp nhận phản ánh" in email.body
    assert "http://127.0.0.1:8000/phan-anh-kien-nghi/theo-doi/" in email.body
    text = sms.outbox[0].text
    assert text.isascii() and len(text) <= 160
    assert text.startswith("Phan anh PA-1") and text.endswith("/phan-anh-kien-nghi/theo-doi/")
    row = Notification.objects.get(pk=ids[0])
    assert row.dossier_id is None and row.event_id is None and row.key == "pakn:PA-1:1"


def test_the_same_key_sends_nothing_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _send() == []
    assert callbacks == []
    assert Notification.objects.filter(key="pakn:PA-1:1").count() == 2 == len(first)
    assert (len(mail.outbox), len(sms.outbox)) == (1, 1)
    # A channel added later (the sender gave an e-mail only at first) is written alone.
    with django_capture_on_commit_callbacks(execute=True):
        Notification.objects.filter(key="pakn:PA-1:1", channel="sms").delete()
        again = _send()
    assert len(again) == 1 and Notification.objects.get(pk=again[0]).channel == "sms"
    assert (len(mail.outbox), len(sms.outbox)) == (1, 2)


def test_the_database_refuses_a_second_row_for_a_key_and_channel():
    _send(phone="", email="a@example.vn")
    row = Notification.objects.get(key="pakn:PA-1:1")
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(force_insert=True)


def test_a_row_needs_a_dossier_event_or_a_key():
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="x", channel="email", body="b", created_at=T0)


def test_a_rolled_back_transaction_leaves_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _send()
                raise RuntimeError
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0 and mail.outbox == [] and sms.outbox == []


def test_bad_calls_are_refused():
    with pytest.raises(ValueError):
        _send(key="")
    with pytest.raises(ValueError):
        _send(link="javascript:alert(1)")
    assert _send(email="", phone="") == []
    assert Notification.objects.count() == 0


def test_a_long_subject_still_fits_one_sms_with_its_link():
    _send(email="", subject="Phản ánh " + "rất dài " * 40)
    text = Notification.objects.get(channel="sms").body
    assert len(text) <= 160 and text.endswith("/phan-anh-kien-nghi/theo-doi/")
    _send(key="k2", email="", sms="Moi ong/ba tra loi phieu khao sat.")
    assert Notification.objects.get(key="k2").body == "Moi ong/ba tra loi phieu khao sat."


def test_a_lost_job_is_sent_by_the_stale_sweep(django_capture_on_commit_callbacks):
    with clock.at(T0), django_capture_on_commit_callbacks(execute=False):
        _send()
    with clock.at(T0 + dt.timedelta(minutes=30)), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_the_portal_list_shows_messages_to_the_user(
    django_user_model, django_capture_on_commit_callbacks
):
    citizen = django_user_model.objects.create_user(username="cd", password="pw-12345-x")
    other = django_user_model.objects.create_user(username="ot", password="pw-12345-x")
    with django_capture_on_commit_callbacks(execute=True):
        ids = _send(email="", phone="", user_id=citizen.pk)
    row = Notification.objects.get(pk=ids[0])
    assert (row.channel, row.status, row.user_id) == ("portal", "sent", citizen.pk)
    assert list(notifications_for_citizen(user=citizen)) == [row]
    assert list(notifications_for_citizen(user=other)) == []
    assert notifications_unread_count(user=citizen) == 1
    assert notifications_mark_read(user=other, notification_ids=ids) == 0
    assert notifications_mark_read(user=citizen, notification_ids=ids) == 1
    assert notifications_unread_count(user=citizen) == 0


def test_bulk_loads_send_nothing():
    with jobs.suppressed():
        assert _send() == []
    assert Notification.objects.count() == 0
