"""A real Celery worker killed with SIGKILL in the middle of jobs (ADR 0045): its jobs are
delivered again to the next worker (late acknowledgement, the broker's visibility timeout)
and run to completion once — the SMS is delivered once (the second attempt carries the same
idempotency key and the gateway drops it), the form is stored once.

PostgreSQL only (the worker, another process, needs the test database); Redis db 9 by default
(MOTCUA_TEST_BROKER_URL). The worker's settings: tests/worker_settings.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.core import jobs
from motcua.core.models import JobOutbox
from motcua.core.tests.brokers import (
    BROKER_URL,
    broker_keys_clear,
    celery_broker,
    queued,
    redis_client,
)
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Decided before the (slow) fixtures: the database of the run is named by DATABASE_URL.
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="PostgreSQL only: the worker process needs the test database",
    ),
]


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=threads",
            "--concurrency=2",
            "-Q",
            "notifications,rendering",
            "-n",
            f"{name}@jobs-test",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed whole
    )


def _wait(what: str, ready: Callable[[], bool], seconds: float, logs: list[Path]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if ready():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def _stop(worker: subprocess.Popen[bytes], sig: int) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=15)


def test_jobs_of_a_worker_killed_mid_way_complete_once_on_the_next(
    tmp_path: Path,
    world: Any,  # noqa: F811
    receive: Any,  # noqa: F811
) -> None:
    assert connection.vendor == "postgresql"
    from motcua.dossiers.models import DossierDocument
    from motcua.notifications.models import Notification
    from motcua.notifications.services import message_send, notification_idempotency_key

    client = redis_client()
    broker_keys_clear(client)
    sms_file = tmp_path / "sms.jsonl"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "MOTCUA_WORKER_DB_NAME": str(connection.settings_dict["NAME"]),
        "MOTCUA_TEST_BROKER_URL": BROKER_URL,
        "MOTCUA_TEST_SMS_FILE": str(sms_file),
        "MOTCUA_TEST_MEDIA_ROOT": str(media),
    }
    with jobs.suppressed():  # no forms rendered, nobody told: the jobs below are the test's
        dossier = receive(at(2026, 3, 2, 9, 0))
    with celery_broker(BROKER_URL):
        [sms_id] = message_send(
            key="test:worker-kill", kind="test", subject="Kiểm thử", body="", phone="0912345678"
        )
        jobs.enqueue_on_commit("dossiers.render_form", dossier_id=dossier.pk, kind="receipt")
    # Published through the outbox (autocommit: at once), nothing left in it.
    assert JobOutbox.objects.count() == 0
    assert [m["task"] for m in queued(client, "notifications")] == ["notifications.send"]
    assert [m["task"] for m in queued(client, "rendering")] == ["dossiers.render_form"]

    logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    first = _worker(
        {
            **env,
            "MOTCUA_FAULTPOINTS": "notifications.after_send=120,dossiers.render.before_store=120",
        },
        "first",
        logs[0],
    )
    second = None
    try:
        # Both jobs reach their fault point: the SMS went out, the form is rendered in memory.
        _wait(
            "the SMS", lambda: sms_file.exists() and sms_file.read_text().count("\n") == 1, 40, logs
        )
        _wait(
            "the rendering fault point",
            lambda: "dossiers.render.before_store" in logs[0].read_text(),
            40,
            logs,
        )
        _stop(first, signal.SIGKILL)
        row = Notification.objects.get(pk=sms_id)
        assert row.status == "sending"
        assert not DossierDocument.objects.filter(dossier=dossier, kind="receipt").exists()

        second = _worker(env, "second", logs[1])
        _wait(
            "the jobs to complete on the second worker",
            lambda: (
                Notification.objects.get(pk=sms_id).status == "sent"
                and DossierDocument.objects.filter(dossier=dossier, kind="receipt").exists()
            ),
            40,
            logs,
        )
        time.sleep(1.0)  # anything more the second worker would do, it would do now
    finally:
        if second is not None:
            _stop(second, signal.SIGTERM)
        _stop(first, signal.SIGKILL)
        broker_keys_clear(client)
        client.close()

    row = Notification.objects.get(pk=sms_id)
    key = notification_idempotency_key(row)
    lines = [json.loads(line) for line in sms_file.read_text().splitlines()]
    # Delivered once; the second attempt (same key) was dropped as a duplicate.
    assert [(line["idempotency_key"], line["duplicate"]) for line in lines] == [
        (key, False),
        (key, True),
    ]
    assert (row.status, row.attempts) == ("sent", 2)
    [doc] = DossierDocument.objects.filter(dossier=dossier, kind="receipt")
    assert (media / doc.file.name).read_bytes()[:5] == b"%PDF-"
