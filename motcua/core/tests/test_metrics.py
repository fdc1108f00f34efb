"""`GET /metrics` (issue 16, docs/adr/0047): who may read it, the request histogram by view
name, the figures read at scrape time (queues, job failures, outbox, overdue dossiers)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

import pytest
from django.urls import resolve
from prometheus_client.parser import text_string_to_metric_families

from motcua.core import metrics
from motcua.core.models import JobOutbox

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _samples(content: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _scrape(client: Any, **extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return _samples(response.content)


@pytest.fixture(autouse=True)
def _no_broker(settings: Any) -> None:
    settings.CELERY_BROKER_URL = ""


# --- Access --------------------------------------------------------------------------------


def test_metrics_answer_a_loopback_scraper(client, db):
    assert client.get("/metrics").status_code == 200


def test_metrics_are_hidden_from_other_addresses(client, db):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert b"motcua_http_request_duration_seconds" not in response.content


def test_metrics_are_hidden_behind_the_reverse_proxy(client, db):
    """nginx runs on loopback: a public request it forwards must not count as local."""
    for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED"):
        assert client.get("/metrics", **{header: "198.51.100.7"}).status_code == 404


def test_configured_networks_and_the_bearer_token(client, db, settings):
    settings.MOTCUA_METRICS_NETWORKS = ["10.20.0.0/16"]
    settings.MOTCUA_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404  # loopback no longer listed
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    good = {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}
    assert client.get("/metrics", **outside, **good).status_code == 200
    bad = {"HTTP_AUTHORIZATION": "Bearer s3cret-tokex"}
    assert client.get("/metrics", **outside, **bad).status_code == 404
    # A wrong token is refused even from an allowed network.
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4", **bad).status_code == 404


def test_without_a_token_setting_a_bearer_header_opens_nothing(client, db, settings):
    settings.MOTCUA_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_metrics_view_declares_its_access_and_is_read_only(client, db):
    view = resolve("/metrics").func
    assert "MOTCUA_METRICS_TOKEN" in view.motcua_access
    assert client.post("/metrics").status_code == 405


# --- The request histogram --------------------------------------------------------------------


def test_requests_are_counted_by_view_name_method_and_status_class(client, db):
    key = ("method", "GET"), ("status", "2xx"), ("view", "healthz")
    before = _scrape(client).get(("motcua_http_request_duration_seconds_count", key), 0.0)
    for _ in range(3):
        client.get("/healthz")
    client.get("/this-page-does-not-exist-7f3a")
    after = _scrape(client)
    assert after[("motcua_http_request_duration_seconds_count", key)] == before + 3
    # A path no pattern matches is one series, whatever the path (never the raw path).
    unmatched = (("method", "GET"), ("status", "4xx"), ("view", "unmatched"))
    assert after[("motcua_http_request_duration_seconds_count", unmatched)] >= 1
    assert not any("this-page-does-not-exist" in str(labels) for _name, labels in after)


def test_static_files_are_one_series(rf):
    from django.http import HttpResponse

    middleware = metrics.MetricsMiddleware(lambda _request: HttpResponse(b"x"))
    child = metrics.REQUEST_LATENCY.labels("static", "GET", "2xx")
    before = child._sum.get(), sum(b.get() for b in child._buckets)
    middleware(rf.get("/static/css/site.abc123.css"))
    assert sum(b.get() for b in child._buckets) == before[1] + 1


def test_a_pattern_with_a_code_in_the_path_is_one_series(client, db):
    from django.urls import reverse

    reverse("healthz")  # the URLconf is loaded
    for code in ("000.00.00.H11-261207-0001", "000.00.00.H11-261207-0002"):
        client.get(f"/api/v1/dossiers/{code}")
    views = {
        dict(labels).get("view")
        for name, labels in _scrape(client)
        if name == "motcua_http_request_duration_seconds_count"
    }
    assert not any(v and "H11-261207" in v for v in views)


def test_the_request_histogram_is_in_the_bucket_of_its_latency(rf, monkeypatch):
    """The middleware observes the time its inner handler took (a clock that the handler
    moves by 30 ms: a real sleep took longer than 50 ms on a loaded CI machine)."""
    from django.http import HttpResponse

    now = [1000.0]
    monkeypatch.setattr(metrics.time, "perf_counter", lambda: now[0])

    def slow(_request: Any) -> HttpResponse:
        now[0] += 0.03
        return HttpResponse(status=503)

    middleware = metrics.MetricsMiddleware(slow)
    request = rf.get("/x")
    child = metrics.REQUEST_LATENCY.labels("unmatched", "GET", "5xx")
    counts_before = [b.get() for b in child._buckets]
    middleware(request)
    counts_after = [b.get() for b in child._buckets]
    added = [a - b for a, b in zip(counts_after, counts_before, strict=True)]
    buckets = list(metrics.LATENCY_BUCKETS) + [float("inf")]
    assert added[buckets.index(0.05)] == 1  # 0.025 < 0.03 s <= 0.05
    assert sum(added) == 1


# --- Figures read at scrape time -----------------------------------------------------------


def test_outbox_pending_and_lag(client, db):
    samples = _scrape(client)
    assert samples[("motcua_outbox_pending", ())] == 0
    assert samples[("motcua_outbox_lag_seconds", ())] == 0
    from django.utils import timezone

    JobOutbox.objects.create(
        task_name="dossiers.send_receipt",
        queue="notifications",
        created_at=timezone.now() - dt.timedelta(minutes=10),
    )
    samples = _scrape(client)
    assert samples[("motcua_outbox_pending", ())] == 1
    assert 600 <= samples[("motcua_outbox_lag_seconds", ())] < 660
    assert samples[("motcua_metrics_source_up", (("source", "outbox"),))] == 1


def test_overdue_dossiers_counted_through_the_selector_and_cached(client, db, settings):
    calls = []

    def fake_overdue() -> int:
        calls.append(1)
        return 7

    import sys
    import types

    module = types.ModuleType("motcua_test_metrics_source")
    module.overdue = fake_overdue  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    settings.MOTCUA_METRICS_GAUGES = {
        "motcua_test_overdue": ("test", "motcua_test_metrics_source.overdue"),
    }
    settings.MOTCUA_METRICS_CACHE_SECONDS = 60
    try:
        assert _scrape(client)[("motcua_test_overdue", ())] == 7
        assert _scrape(client)[("motcua_test_overdue", ())] == 7
        assert len(calls) == 1  # the second scrape read the cache
    finally:
        del sys.modules[module.__name__]


def test_the_default_overdue_gauge_counts_dossiers_past_their_appointment(
    client, catalog, agencies, orm, settings
):
    """Rows written directly (the gauge counts what the dossiers' selector calls overdue: in
    progress, appointment passed); the cache is off so each scrape counts again."""
    from django.utils import timezone

    settings.MOTCUA_METRICS_CACHE_SECONDS = 0
    version = orm.ProcedureVersion.objects.first()
    now = timezone.now()

    def dossier(status: str, appointment: dt.datetime) -> None:
        orm.Dossier.objects.create(
            procedure_version=version,
            procedure_code="X",
            procedure_name="X",
            receiving_agency=agencies["center"],
            deciding_agency=agencies["trade"],
            channel="desk",
            status=status,
            applicant_kind="person",
            applicant_name="Nguyễn Văn A",
            appointment_at=appointment,
        )

    assert _scrape(client)[("motcua_dossiers_overdue", ())] == 0
    dossier("processing", now - dt.timedelta(days=2))
    dossier("received", now - dt.timedelta(hours=1))
    dossier("processing", now + dt.timedelta(days=2))  # not yet due
    dossier("returned", now - dt.timedelta(days=5))  # finished
    samples = _scrape(client)
    assert samples[("motcua_dossiers_overdue", ())] == 2
    assert samples[("motcua_metrics_source_up", (("source", "motcua_dossiers_overdue"),))] == 1


def test_a_source_that_fails_is_reported_down_not_zero(client, db, settings):
    settings.MOTCUA_METRICS_GAUGES = {"motcua_test_broken": ("test", "motcua.no.such.thing")}
    samples = _scrape(client)
    assert ("motcua_test_broken", ()) not in samples
    assert samples[("motcua_metrics_source_up", (("source", "motcua_test_broken"),))] == 0


def test_no_broker_no_queue_series(client, db):
    samples = _scrape(client)
    assert not any(name.startswith(("motcua_queue", "motcua_broker")) for name, _ in samples)


def test_an_unreachable_broker_is_reported_down_quickly(client, db, settings):
    import time

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    start = time.monotonic()
    samples = _scrape(client)
    assert time.monotonic() - start < 3
    assert samples[("motcua_broker_up", ())] == 0
    assert samples[("motcua_metrics_source_up", (("source", "broker"),))] == 0
    assert not any(name == "motcua_queue_depth" for name, _ in samples)


@pytest.fixture
def broker(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Redis server as the broker (db 15 by default), with queue names and a failure hash of
    this test's own (the server may be shared)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        from conftest import _require

        _require("Redis", f"no Redis at {REDIS_URL} ({exc}); set MOTCUA_TEST_REDIS_URL")
    tag = uuid.uuid4().hex[:8]
    queues = (f"t{tag}-signing", f"t{tag}-default")
    failures_key = f"motcua:test:{tag}:failures"
    settings.CELERY_BROKER_URL = REDIS_URL
    monkeypatch.setattr(metrics, "queue_names", lambda: queues)
    monkeypatch.setattr(metrics, "FAILURES_KEY", failures_key)
    yield client, queues
    client.delete(failures_key, *queues, *(f"{q}\x06\x163" for q in queues))


def test_queue_depths_from_the_broker(client, db, broker):
    redis_client, (signing, default) = broker
    redis_client.rpush(signing, "a", "b", "c")
    redis_client.rpush(f"{signing}\x06\x163", "d")  # a job of priority 3
    samples = _scrape(client)
    assert samples[("motcua_queue_depth", (("queue", signing),))] == 4
    assert samples[("motcua_queue_depth", (("queue", default),))] == 0
    assert samples[("motcua_broker_up", ())] == 1


def test_job_failures_counted_by_the_celery_signal(client, db, broker):
    from celery import current_app

    @current_app.task(name=f"motcua_test.fails_{uuid.uuid4().hex[:6]}")
    def fails() -> None:
        raise RuntimeError("boom")

    try:
        fails.apply(throw=False)  # Celery sends task_failure as a worker would
        fails.apply(throw=False)
    finally:
        current_app.tasks.unregister(fails.name)
    samples = _scrape(client)
    assert samples[("motcua_job_failures_total", (("task", fails.name),))] == 2
