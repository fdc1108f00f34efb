"""A notification is claimed before the gateway is called and carries an idempotency key, so a
worker killed in the middle of sending never makes a message go out twice (ADR 0045)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from motcua.core import clock
from motcua.integrations import sms
from motcua.notifications import services
from motcua.notifications.models import Notification
from motcua.notifications.services import (
    SendInProgress,
    message_send,
    notification_idempotency_key,
    notification_send,
    notifications_resend_stale,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


class Killed(BaseException):
    """The worker dies here (nothing after it runs, no except clause catches it)."""


def _rows(django_capture_on_commit_callbacks: Any) -> dict[str, Notification]:
    with clock.at(T0), django_capture_on_commit_callbacks(execute=False):
        ids = message_send(
            key="pakn:PA-9:1",
            kind="pakn_received",
            subject="Phản ánh PA-9 đã được tiếp nhận",
            body="Chúng tôi đã tiếp nhận phản ánh.",
            email="a@example.vn",
            phone="0912345678",
        )
    return {row.channel: row for row in Notification.objects.filter(pk__in=ids)}


def _kill_at(monkeypatch: Any, point: str) -> None:
    def faultpoint(name: str) -> None:
        if name == point:
            raise Killed

    monkeypatch.setattr(services, "faultpoint", faultpoint)


def _delivered(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_gateway_gets_the_same_key_for_the_row_and_the_email_a_message_id(
    django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    rows = _rows(django_capture_on_commit_callbacks)
    with clock.at(T0):
        for row in rows.values():
            assert notification_send(notification_id=row.pk).status == "sent"
    key = notification_idempotency_key(rows["sms"])
    assert key.startswith(f"motcua-n{rows['sms'].pk}-")
    assert [m.idempotency_key for m in sms.outbox] == [key]
    email_key = notification_idempotency_key(rows["email"])
    assert mailoutbox[0].message()["Message-ID"] == f"<{email_key}@motcua.local>"
    assert mailoutbox[0].extra_headers["X-Motcua-Notification"] == str(rows["email"].pk)


def test_killed_after_the_gateway_accepted_the_message_it_is_not_delivered_again(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MOTCUA_SMS_BACKEND = "file"
    settings.MOTCUA_SMS_FILE_PATH = tmp_path / "sms.jsonl"
    row = _rows(django_capture_on_commit_callbacks)["sms"]
    _kill_at(monkeypatch, "notifications.after_send")
    with clock.at(T0), pytest.raises(Killed):
        notification_send(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == ("sending", 1, None)
    assert len(row.claim_token) == 32
    # The job delivered again at once (its worker process died, Celery put it back): the
    # claim still holds, the job waits for it.
    monkeypatch.undo()
    with clock.at(T0 + dt.timedelta(seconds=10)), pytest.raises(SendInProgress):
        notification_send(notification_id=row.pk)
    # After the lease: the attempt died; sent again with the same key, which the gateway
    # (the file backend) recognises: one message delivered.
    with clock.at(T0 + services.send_lease() + dt.timedelta(seconds=1)):
        assert notification_send(notification_id=row.pk).status == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claim_token) == ("sent", 2, "")
    lines = _delivered(tmp_path / "sms.jsonl")
    key = notification_idempotency_key(row)
    assert [(line["idempotency_key"], line["duplicate"]) for line in lines] == [
        (key, False),
        (key, True),
    ]
    # Sent: never again, whatever runs.
    assert notification_send(notification_id=row.pk).status == "sent"
    assert len(_delivered(tmp_path / "sms.jsonl")) == 2


def test_killed_before_sending_it_is_sent_once_by_the_next_attempt(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MOTCUA_SMS_BACKEND = "file"
    settings.MOTCUA_SMS_FILE_PATH = tmp_path / "sms.jsonl"
    row = _rows(django_capture_on_commit_callbacks)["sms"]
    _kill_at(monkeypatch, "notifications.before_send")
    with clock.at(T0), pytest.raises(Killed):
        notification_send(notification_id=row.pk)
    monkeypatch.undo()
    assert not (tmp_path / "sms.jsonl").exists()
    # The sweep finds the row left "sending" by a dead attempt and enqueues it again.
    later = T0 + dt.timedelta(minutes=30)
    with clock.at(later), django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend_stale() == 2  # this one, and the e-mail never sent
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert [line["duplicate"] for line in _delivered(tmp_path / "sms.jsonl")] == [False]


def test_the_send_job_waits_for_a_claim_that_still_holds(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from motcua.notifications.tasks import send_task

    row = _rows(django_capture_on_commit_callbacks)["sms"]
    Notification.objects.filter(pk=row.pk).update(
        status="sending", claim_token="x" * 32, claimed_at=clock.now()
    )
    # Eager (no worker to retry later): nothing happens, the sweep will find it.
    assert send_task.apply(kwargs={"notification_id": row.pk}).get() is None
    assert sms.outbox == []
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 0)
