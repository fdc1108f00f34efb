"""The job outbox, the relay and the queues (core/jobs.py, manage.py jobs_relay; ADR 0045).

The broker is a real Redis (db 9 by default, MOTCUA_TEST_BROKER_URL; only this db's keys are
touched) or a closed port for "the broker is down"."""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from typing import Any

import pytest
from celery import current_app, shared_task
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import OperationalError, transaction

from motcua.core import jobs
from motcua.core.faultpoints import faultpoint, faultpoint_seconds
from motcua.core.models import JobOutbox
from motcua.core.tests.brokers import (
    BROKER_URL,
    CLOSED_BROKER_URL,
    broker_keys_clear,
    celery_broker,
    queued,
    redis_client,
)

#: A job of the tests only (its name is kept in a variable: tests/test_task_registry.py reads
#: the literal names given to enqueue_on_commit).
RECORD = "core_tests.record"
SIGN = "dossiers.sign_result"
CALLS: list[Any] = []


@shared_task(name=RECORD)
def record_task(value: Any) -> None:
    CALLS.append(value)


OUTAGE = "core_tests.outage"


@shared_task(name=OUTAGE)
def outage_task(error: str) -> None:
    if error == "database":
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    raise ValueError("a bug")


@pytest.fixture
def broker() -> Any:
    client = redis_client()
    broker_keys_clear(client)
    with celery_broker(BROKER_URL):
        yield client
    broker_keys_clear(client)
    client.close()


@pytest.fixture
def broker_down() -> Any:
    with celery_broker(CLOSED_BROKER_URL):
        yield


# --- queues ---------------------------------------------------------------------------------


def test_jobs_are_routed_to_their_queue_by_name() -> None:
    assert {
        name: jobs.queue_for(name)
        for name in (
            "dossiers.sign_result",
            "dossiers.sign_pending",
            "dossiers.render_form",
            "notifications.send",
            "notifications.resend_stale",
            "accounts.send_verification_code",
            "exchange.national_portal_sync",
            "reports.export_run",
            "reports.rollups_compact",
            "dossiers.deadline_sweep",
            "payments.expire_stale",
        )
    } == {
        "dossiers.sign_result": "signing",
        "dossiers.sign_pending": "signing",
        "dossiers.render_form": "rendering",
        "notifications.send": "notifications",
        "notifications.resend_stale": "notifications",
        "accounts.send_verification_code": "notifications",
        "exchange.national_portal_sync": "exchange",
        "reports.export_run": "reports",
        "reports.rollups_compact": "reports",
        "dossiers.deadline_sweep": "default",
        "payments.expire_stale": "default",
    }


def test_every_registered_job_has_a_known_queue_and_celery_routes_through_queue_for() -> None:
    jobs.tasks_load()
    names = [n for n in current_app.tasks if not n.startswith("celery.")]
    assert names
    assert {jobs.queue_for(n) for n in names} <= set(jobs.QUEUES)
    router = current_app.amqp.router
    assert router.route({}, "dossiers.sign_result")["queue"].name == "signing"
    assert router.route({}, "notifications.send")["queue"].name == "notifications"
    # A queue given when sending (an outbox row's) wins over the route.
    assert router.route({"queue": "rendering"}, "reports.export_run")["queue"].name == "rendering"


def test_every_queue_has_a_worker_in_prodctl_and_in_the_systemd_units() -> None:
    """A queue nobody consumes keeps its jobs for ever (conventions C6)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    served = {}
    prodctl = (root / "deploy" / "prodctl").read_text()
    block = prodctl[prodctl.index("WORKERS = {") :].split("}", 1)[0]
    # The queue names (a worker's name has a hyphen: not matched).
    served["prodctl"] = set(re.findall(r'"(\w+)"', block))
    units = (root / "deploy" / "systemd").glob("motcua-worker-*.service")
    served["systemd"] = {
        queue
        for unit in units
        for queues in re.findall(r" -Q ([\w,]+)", unit.read_text())
        for queue in queues.split(",")
    }
    assert served == {"prodctl": set(jobs.QUEUES), "systemd": set(jobs.QUEUES)}


def test_production_settings_acknowledge_late_and_prefetch_one() -> None:
    conf = current_app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.worker_prefetch_multiplier == 1
    options = conf.broker_transport_options
    assert options["visibility_timeout"] >= 600
    assert options["socket_connect_timeout"] <= 2 and conf.broker_connection_timeout <= 2
    assert conf.task_publish_retry is False  # the outbox is the retry


def test_retry_countdowns_stay_under_the_visibility_timeout(settings: Any) -> None:
    settings.MOTCUA_CELERY_VISIBILITY_TIMEOUT = 60
    assert [jobs.retry_countdown(s) for s in (0, 10, 30, 3600)] == [1, 10, 30, 30]
    settings.MOTCUA_CELERY_VISIBILITY_TIMEOUT = 3600
    assert jobs.retry_countdown(3600) == 1800


# --- eager: nothing changes ---------------------------------------------------------------


@pytest.mark.django_db
def test_eager_mode_runs_the_job_after_commit_and_writes_no_outbox_row(
    django_capture_on_commit_callbacks: Any,
) -> None:
    CALLS.clear()
    assert current_app.conf.task_always_eager
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(RECORD, value=1)
        assert JobOutbox.objects.count() == 0
        assert CALLS == []
    assert CALLS == [1]
    assert JobOutbox.objects.count() == 0


# --- with a broker ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_job_is_an_outbox_row_until_the_commit_then_a_message(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(SIGN, dossier_id=7, signer_id=None)
        row = JobOutbox.objects.get()
        assert (row.task_name, row.kwargs, row.queue) == (
            SIGN,
            {"dossier_id": 7, "signer_id": None},
            "signing",
        )
        assert queued(broker, "signing") == []
    assert JobOutbox.objects.count() == 0
    assert queued(broker, "signing") == [
        {"id": f"outbox-{row.pk}", "task": SIGN, "kwargs": {"dossier_id": 7, "signer_id": None}}
    ]


@pytest.mark.django_db
def test_a_queue_given_by_the_caller_wins(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit("reports.export_run", queue="rendering", job_id=3)
    assert [m["task"] for m in queued(broker, "rendering")] == ["reports.export_run"]
    assert queued(broker, "reports") == []


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_job(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            jobs.enqueue_on_commit(SIGN, dossier_id=7, signer_id=None)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert JobOutbox.objects.count() == 0
    assert queued(broker, "signing") == []


@pytest.mark.django_db
def test_broker_down_the_row_stays_and_the_request_is_not_held(
    broker_down: Any, django_capture_on_commit_callbacks: Any
) -> None:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(SIGN, dossier_id=7, signer_id=None)
    took = time.monotonic() - started
    row = JobOutbox.objects.get()
    assert took < 3.0
    assert row.attempts == 1 and "Error" in row.last_error
    # For a moment the process does not try again (no second timeout): the relay will.
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(SIGN, dossier_id=8, signer_id=None)
    assert time.monotonic() - started < 0.5
    assert sorted(JobOutbox.objects.values_list("attempts", flat=True)) == [0, 1]
    assert jobs.jobs_outbox_pending() == 2
    assert jobs.jobs_outbox_lag_seconds() >= 0.0


@pytest.mark.django_db
def test_the_relay_publishes_what_the_outage_left_once_the_broker_is_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with celery_broker(CLOSED_BROKER_URL), django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue_on_commit(SIGN, dossier_id=1, signer_id=None)
        jobs.enqueue_on_commit("notifications.send", notification_id=5)
    ids = sorted(JobOutbox.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    # Still down: --once says so (status 1) and records the error; nothing is lost.
    with celery_broker(CLOSED_BROKER_URL), pytest.raises(SystemExit) as stopped:
        call_command("jobs_relay", "--once", "--older-than", "0", stderr=io.StringIO())
    assert stopped.value.code == 1
    assert JobOutbox.objects.count() == 2
    client = redis_client()
    broker_keys_clear(client)
    try:
        with celery_broker(BROKER_URL):
            out = io.StringIO()
            call_command("jobs_relay", "--once", "--older-than", "0", stdout=out)
            assert "published 2 job(s)" in out.getvalue()
            assert JobOutbox.objects.count() == 0
            assert [m["id"] for m in queued(client, "signing")] == [f"outbox-{ids[0]}"]
            assert queued(client, "notifications") == [
                {
                    "id": f"outbox-{ids[1]}",
                    "task": "notifications.send",
                    "kwargs": {"notification_id": 5},
                }
            ]
            # Nothing left: a second run publishes nothing.
            out = io.StringIO()
            call_command("jobs_relay", "--once", "--older-than", "0", stdout=out)
            assert "published 0 job(s)" in out.getvalue()
    finally:
        broker_keys_clear(client)
        client.close()
    assert jobs.jobs_outbox_lag_seconds() == 0.0


@pytest.mark.django_db
def test_the_relay_leaves_young_rows_to_the_process_that_wrote_them(broker: Any) -> None:
    JobOutbox.objects.create(
        task_name=SIGN, kwargs={"dossier_id": 1, "signer_id": None}, queue="signing"
    )
    assert jobs.outbox_relay_once(older_than=60) == 0
    assert JobOutbox.objects.count() == 1
    assert jobs.outbox_relay_once(older_than=0) == 1


@pytest.mark.django_db(transaction=True)
def test_two_relays_never_publish_the_same_row_at_once(broker: Any) -> None:
    """PostgreSQL: a row locked by one relay is skipped by another (FOR UPDATE SKIP LOCKED),
    which neither waits nor publishes it."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED: PostgreSQL only")
    row = JobOutbox.objects.create(
        task_name=SIGN, kwargs={"dossier_id": 1, "signer_id": None}, queue="signing"
    )
    locked, release = threading.Event(), threading.Event()

    def other_relay() -> None:
        try:
            with transaction.atomic():
                JobOutbox.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        assert jobs.outbox_relay_once(older_than=0) == 0
        assert time.monotonic() - started < 2
    finally:
        release.set()
        thread.join()
    assert jobs.outbox_relay_once(older_than=0) == 1
    assert [m["id"] for m in queued(broker, "signing")] == [f"outbox-{row.pk}"]


@pytest.mark.django_db
def test_published_twice_is_one_task_id_twice(broker: Any) -> None:
    """The relay and the after-commit publish racing: the same task id, seen twice."""
    row = JobOutbox.objects.create(
        task_name=SIGN, kwargs={"dossier_id": 1, "signer_id": None}, queue="signing"
    )
    jobs._publish(row)
    assert jobs.outbox_relay_once(older_than=0) == 1
    assert [m["id"] for m in queued(broker, "signing")] == [f"outbox-{row.pk}"] * 2


@pytest.mark.django_db
def test_the_relay_waits_while_the_broker_is_down_and_stops_on_sigterm(broker_down: Any) -> None:
    JobOutbox.objects.create(
        task_name=SIGN, kwargs={"dossier_id": 1, "signer_id": None}, queue="signing"
    )
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    out = io.StringIO()
    started = time.monotonic()
    try:
        call_command("jobs_relay", "--older-than", "0", "--interval", "0.1", stdout=out)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5
    assert "published 0 job(s)" in out.getvalue()
    assert JobOutbox.objects.get().attempts >= 1
    assert signal.getsignal(signal.SIGTERM) == before


# --- outages met by a job ----------------------------------------------------------------------


def _as_worker(retries: int) -> Any:
    outage_task.push_request(
        id="job-1",
        retries=retries,
        is_eager=False,
        called_directly=False,
        args=[],
        kwargs={"error": "database"},
    )


def test_a_job_that_meets_a_database_outage_is_retried_on_a_worker(broker: Any) -> None:
    _as_worker(retries=0)
    try:
        with pytest.raises(Retry):
            outage_task.run(error="database")
    finally:
        outage_task.pop_request()
    [message] = queued(broker, "default")
    assert (message["id"], message["task"], message["kwargs"]) == (
        "job-1",
        OUTAGE,
        {"error": "database"},
    )


def test_a_job_retries_an_outage_a_limited_number_of_times_and_never_a_bug(broker: Any) -> None:
    _as_worker(retries=jobs.OUTAGE_RETRIES)
    try:
        with pytest.raises(OperationalError):
            outage_task.run(error="database")
        with pytest.raises(ValueError, match="a bug"):
            outage_task.run(error="bug")
    finally:
        outage_task.pop_request()
    assert queued(broker, "default") == []


def test_an_eager_job_raises_the_outage_as_before() -> None:
    with pytest.raises(OperationalError):
        outage_task.apply(kwargs={"error": "database"}).get()


# --- fault points ---------------------------------------------------------------------------


def test_fault_points_sleep_only_when_allowed_and_named(settings: Any, monkeypatch: Any) -> None:
    slept: list[float] = []
    monkeypatch.setattr("motcua.core.faultpoints.time.sleep", slept.append)
    monkeypatch.setenv("MOTCUA_FAULTPOINTS", "a.b=2.5, c=x ,d=1")
    settings.MOTCUA_ALLOW_FAULTPOINTS = False
    faultpoint("a.b")
    assert slept == []
    settings.MOTCUA_ALLOW_FAULTPOINTS = True
    for name in ("a.b", "c", "d", "e"):
        faultpoint(name)
    assert slept == [2.5, 1.0]
    assert faultpoint_seconds("a", "a.b=3") == 0.0
