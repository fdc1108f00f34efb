"""`/readyz` (docs/adr/0044): every service checked at once within the deadline, 200 while the
primary database answers (the others reported), 503 when it does not; the answer reused for a
second; no session.

The replica is an alias added for this module (a mirror of the test database, as
DATABASE_REPLICA_URL makes it under the test runner). Transactional tests: a TestCase opens a
transaction on every alias it names, mirrors included, and on SQLite's shared in-memory
database the second BEGIN IMMEDIATE is refused."""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.urls import resolve

from motcua.core import health
from motcua.core.replica import REPLICA

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = conf
    yield
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    with contextlib.suppress(AttributeError):
        del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def _fresh_answer() -> Iterator[None]:
    health.readyz_forget()
    yield
    health.readyz_forget()


@contextlib.contextmanager
def _unreachable(alias: str) -> Iterator[None]:
    """New connections to `alias` fail at once (its open ones are left alone)."""
    conf = connections.settings[alias]
    saved = dict(conf)
    if conf["ENGINE"].endswith("sqlite3"):
        conf["NAME"] = "/nonexistent-motcua-readyz/db.sqlite3"
    else:
        conf.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        yield
    finally:
        conf.clear()
        conf.update(saved)


def _get(client: Any) -> tuple[int, dict[str, Any], Any]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content), response


def test_everything_up_is_200_with_each_part(client: Any) -> None:
    status, body, response = _get(client)
    assert status == 200
    assert body == {
        "database": "ok",
        "replica": "ok",
        "cache": "ok",
        "broker": "off",
        "storage": "ok",
        "workers": 0,
    }
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies
    assert getattr(resolve("/readyz").func, "motcua_access", None) == "public"
    assert client.post("/readyz").status_code == 405


def test_the_primary_down_is_503(client: Any) -> None:
    with _unreachable("default"):
        started = time.monotonic()
        status, body, _response = _get(client)
    assert time.monotonic() - started < 2.5
    assert status == 503
    assert body["database"] == "down"
    assert body["replica"] == "ok"


def test_a_replica_down_is_reported_and_still_200(client: Any) -> None:
    with _unreachable(REPLICA):
        status, body, _response = _get(client)
    assert status == 200
    assert body["database"] == "ok"
    assert body["replica"] == "down"


def test_cache_broker_and_storage_down_are_reported_within_the_deadline(
    client: Any, settings: Any
) -> None:
    port = _closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "motcua-readyz",
                "endpoint_url": f"http://127.0.0.1:{port}",
                "access_key": "readyz",
                "secret_key": "readyz",
                "region_name": "us-east-1",
            },
        },
    }
    # botocore's first import and client set-up take seconds of CPU on a busy machine: done
    # before the clock starts, so that what is timed is the probe and its deadline.
    import boto3

    boto3.session.Session().client("s3", region_name="us-east-1")
    started = time.monotonic()
    status, body, _response = _get(client)
    assert time.monotonic() - started < health.READY_DEADLINE + 3
    assert status == 200  # degraded, still serving: the database answers
    assert body == {
        "database": "ok",
        "replica": "ok",
        "cache": "down",
        "broker": "down",
        "storage": "down",
        "workers": 0,
    }


def test_a_check_that_hangs_is_down_at_the_deadline(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hangs() -> str:
        time.sleep(3)
        return "ok"

    monkeypatch.setattr(health, "_storage_check", hangs)
    started = time.monotonic()
    status, body, _response = _get(client)
    assert time.monotonic() - started < health.READY_DEADLINE + 0.5
    assert status == 200
    assert body["storage"] == "down"


def test_a_part_slow_this_time_keeps_its_result_of_a_moment_ago(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded machine slows a check past the deadline: the part keeps the result it gave
    a moment ago (no flapping); the database never does."""
    assert _get(client)[1]["storage"] == "ok"
    health.readyz_forget_answer()

    def slow() -> str:
        time.sleep(health.READY_DEADLINE + 0.5)
        return "ok"

    monkeypatch.setattr(health, "_storage_check", slow)
    status, body, _response = _get(client)
    assert status == 200
    assert body["storage"] == "ok"


def test_the_answer_is_reused_for_a_second(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = health.readiness

    def counted() -> dict[str, Any]:
        calls.append(1)
        return real()

    monkeypatch.setattr(health, "readiness", counted)
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert len(calls) == 1
    time.sleep(health.READY_CACHE_SECONDS + 0.1)
    client.get("/readyz")
    assert len(calls) == 2


def test_a_live_broker_is_ok_and_counts_the_workers_answering(client: Any, settings: Any) -> None:
    """The test Redis as a broker (its own db, core/tests/brokers.py): reachable, and no
    worker consumes there, so none answers the ping."""
    from motcua.core.tests.brokers import BROKER_URL, redis_client

    redis_client()  # skips (fails under CI) without a Redis
    settings.CELERY_BROKER_URL = BROKER_URL
    status, body, _response = _get(client)
    assert status == 200
    assert body["broker"] == "ok"
    assert body["workers"] == 0
