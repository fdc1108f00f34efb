"""Metrics for Prometheus at `GET /metrics` (issue 16, docs/adr/0047).

Two kinds of figures:

- **Counted in the web process** by `MetricsMiddleware`: the latency of every request as a
  histogram by view name (the URL pattern's name, never the raw path: a dossier code in a
  path must not make a series of its own; `static` for whitenoise's files, `unmatched` when
  no pattern matched), method and status class (2xx, 3xx, 4xx, 5xx).
  Under gunicorn with `PROMETHEUS_MULTIPROC_DIR` set (deploy/gunicorn.conf.py sets it), each
  worker writes its counts to a file there and a scrape adds up the files of all workers of
  that server; without it, one registry in the process.
- **Read at scrape time** (`ScrapeCollector`), the same whichever server is scraped (take
  `max`, not `sum`, across servers):
  - `motcua_queue_depth{queue}`: jobs waiting in each Celery queue (`core.jobs.QUEUES`),
    Redis `LLEN` of the queue's lists on the broker; `motcua_queue_unacked`: jobs delivered
    to a worker and not yet acknowledged; `motcua_broker_up`.
  - `motcua_job_failures_total{task}`: jobs that ended in an exception, by task name. Counted
    by the workers (Celery's `task_failure` signal) in a Redis hash on the broker: workers
    run on other hosts than the web servers, and a failure caused by a database outage must
    still be counted, so neither a shared directory nor a database table would do.
  - `motcua_outbox_pending`, `motcua_outbox_lag_seconds`: jobs written by a committed change
    and not yet handed to the broker, and the age of the oldest (`core.jobs`, ADR 0045).
  - the gauges named in `MOTCUA_METRICS_GAUGES` (default: `motcua_dossiers_overdue`, the
    dossiers past their appointment), computed at most every `MOTCUA_METRICS_CACHE_SECONDS`
    (kept in the shared cache: one count per period for all servers).
  - `motcua_metrics_source_up{source}`: 0 when a source above could not be read (then its
    series are missing from this scrape, not zero).

Access (`metrics` view): from `MOTCUA_METRICS_NETWORKS` (loopback by default) when the
request did not come through the reverse proxy (no X-Forwarded-For / X-Real-IP / Forwarded
header), or from anywhere with `Authorization: Bearer <MOTCUA_METRICS_TOKEN>`. Anything else
is answered 404, as if there were no such page.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from motcua.core.access import mark

if TYPE_CHECKING:
    import redis

logger = logging.getLogger("motcua.metrics")

#: Seconds; the public read path answers in milliseconds, exports and PDFs in seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_LATENCY = Histogram(
    "motcua_http_request_duration_seconds",
    "Time from the request reaching Django to the response, by view name, method and status class.",
    ("view", "method", "status"),
    buckets=LATENCY_BUCKETS,
)

#: The Redis hash (on the broker) of job failures by task name.
FAILURES_KEY = "motcua:metrics:job_failures"
#: Seconds the broker may take to connect and to answer one command during a scrape.
REDIS_TIMEOUT = 0.5
#: kombu's Redis transport keeps a queue's jobs of priority p > 0 in the list
#: "<queue>\x06\x16<p>" (priority steps 0, 3, 6, 9; priority 0 in the list "<queue>").
_PRIORITY_SEP = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)
_UNACKED_KEY = "unacked"


def _status_class(code: int) -> str:
    return f"{code // 100}xx"


class MetricsMiddleware:
    """Times every request (outermost: the time of the other middleware is included).

    Cheap on purpose (the public read path is benchmarked): one `perf_counter` pair, a dict
    look-up for the labelled child, one observation (ADR 0047 gives the measured cost)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._children: dict[tuple[str, str, str], Any] = {}
        # Static files are answered by whitenoise before any URL pattern is tried.
        self._static = str(settings.STATIC_URL or "/static/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - start
        match = request.resolver_match
        if match:
            view = match.view_name or match.route or "unnamed"
        else:
            view = "static" if request.path.startswith(self._static) else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        key = (view, str(method), _status_class(response.status_code))
        child = self._children.get(key)
        if child is None:
            child = self._children.setdefault(key, REQUEST_LATENCY.labels(*key))
        child.observe(elapsed)
        return response


# --- Access ----------------------------------------------------------------------------------

_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=8)
def _networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def access_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to MOTCUA_METRICS_TOKEN, or a direct request (not through the
    reverse proxy) from one of MOTCUA_METRICS_NETWORKS."""
    token = str(getattr(settings, "MOTCUA_METRICS_TOKEN", ""))
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())
    if any(request.META.get(h) for h in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    spec = tuple(getattr(settings, "MOTCUA_METRICS_NETWORKS", ()))
    return any(address in network for network in _networks(spec))


# --- Sources read at scrape time ---------------------------------------------------------------

_redis_lock = threading.Lock()
_redis_clients: dict[str, redis.Redis] = {}


def broker_redis() -> redis.Redis | None:
    """A client of the Celery broker when it is Redis (short timeouts), else None."""
    url = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        with _redis_lock:
            client = _redis_clients.setdefault(
                url,
                redis.Redis.from_url(
                    url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
                ),
            )
    return client


def queue_names() -> tuple[str, ...]:
    from motcua.core.jobs import QUEUES

    return tuple(QUEUES)


def queue_depths(client: redis.Redis, queues: Iterable[str]) -> tuple[dict[str, int], int]:
    """Jobs waiting per queue (all priority lists) and jobs delivered but not acknowledged,
    in one round trip."""
    queues = list(queues)
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        for step in _PRIORITY_STEPS:
            pipe.llen(f"{queue}{_PRIORITY_SEP}{step}" if step else queue)
    pipe.hlen(_UNACKED_KEY)
    answers = pipe.execute()
    per_queue = len(_PRIORITY_STEPS)
    depths = {
        queue: sum(int(n) for n in answers[i * per_queue : (i + 1) * per_queue])
        for i, queue in enumerate(queues)
    }
    return depths, int(answers[-1])


def job_failure_record(task_name: str) -> None:
    """Count one failed job (in the workers); a broker that cannot be reached only logs."""
    client = broker_redis()
    if client is None:
        return
    try:
        client.hincrby(FAILURES_KEY, task_name or "unknown", 1)
    except Exception:
        logger.warning("job failure of %s not counted: broker unreachable", task_name)


def _on_task_failure(sender: Any = None, **_kwargs: Any) -> None:
    job_failure_record(str(getattr(sender, "name", "") or "unknown"))


def signals_connect() -> None:
    """Count job failures in every process that runs jobs (called by CoreConfig.ready)."""
    from celery.signals import task_failure

    task_failure.connect(_on_task_failure, weak=False, dispatch_uid="motcua.metrics.failure")


def _cached_number(name: str, compute: Callable[[], float]) -> float:
    """`compute()` at most every MOTCUA_METRICS_CACHE_SECONDS, kept in the shared cache (a
    cache that cannot be reached: computed each time)."""
    from django.core.cache import cache

    seconds = float(getattr(settings, "MOTCUA_METRICS_CACHE_SECONDS", 15))
    key = f"motcua:metrics:{name}"
    try:
        value = cache.get(key)
    except Exception:
        value = None
    if value is not None:
        return float(value)
    value = float(compute())
    if seconds > 0:
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.debug("metrics cache unreachable for %s", name)
    return value


def _gauge_value(path: str) -> float:
    """The number a MOTCUA_METRICS_GAUGES entry names: a callable with no argument that returns
    a number, or a queryset, which is counted."""
    result = import_string(path)()
    count = getattr(result, "count", None)
    if callable(count):
        return float(count())
    return float(result)


class ScrapeCollector(Collector):
    """The figures read when /metrics is scraped (see the module's docstring)."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "motcua_metrics_source_up",
            "1 when the source of some of these metrics could be read during this scrape.",
            labels=["source"],
        )
        yield from self._broker(up)
        yield from self._outbox(up)
        yield from self._gauges(up)
        yield up

    def _broker(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        client = broker_redis()
        if client is None:
            return
        broker_up = GaugeMetricFamily(
            "motcua_broker_up", "1 when the Celery broker (Redis) answered this scrape."
        )
        try:
            depths, unacked = queue_depths(client, queue_names())
            failures = client.hgetall(FAILURES_KEY)
        except Exception as exc:
            logger.warning("metrics: broker unreachable (%s)", exc.__class__.__name__)
            broker_up.add_metric([], 0)
            up.add_metric(["broker"], 0)
            yield broker_up
            return
        broker_up.add_metric([], 1)
        up.add_metric(["broker"], 1)
        yield broker_up
        depth = GaugeMetricFamily(
            "motcua_queue_depth", "Jobs waiting in the Celery queue.", labels=["queue"]
        )
        for queue, n in depths.items():
            depth.add_metric([queue], n)
        yield depth
        yield GaugeMetricFamily(
            "motcua_queue_unacked",
            "Jobs delivered to a worker and not yet acknowledged (running, or lost with a "
            "worker until the visibility timeout).",
            value=unacked,
        )
        failed = CounterMetricFamily(
            "motcua_job_failures",
            "Jobs that ended in an exception, by task name (counted by the workers).",
            labels=["task"],
        )
        for task, count in sorted(failures.items()):
            label = task.decode() if isinstance(task, bytes) else str(task)
            failed.add_metric([label], int(count))
        yield failed

    def _outbox(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        from motcua.core.jobs import jobs_outbox_lag_seconds, jobs_outbox_pending

        try:
            pending = jobs_outbox_pending()
            lag = jobs_outbox_lag_seconds()
        except Exception as exc:
            logger.warning("metrics: outbox unreadable (%s)", exc.__class__.__name__)
            up.add_metric(["outbox"], 0)
            return
        up.add_metric(["outbox"], 1)
        yield GaugeMetricFamily(
            "motcua_outbox_pending",
            "Jobs written by a committed change and not yet handed to the broker.",
            value=pending,
        )
        yield GaugeMetricFamily(
            "motcua_outbox_lag_seconds",
            "Age of the oldest job waiting in the outbox (0 when none).",
            value=lag,
        )

    def _gauges(self, up: GaugeMetricFamily) -> Iterator[Metric]:
        gauges: dict[str, tuple[str, str]] = dict(getattr(settings, "MOTCUA_METRICS_GAUGES", {}))
        for name, (documentation, path) in gauges.items():
            try:
                value = _cached_number(name, partial(_gauge_value, path))
            except Exception as exc:
                logger.warning("metrics: %s unreadable (%s)", name, exc.__class__.__name__)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield GaugeMetricFamily(name, documentation, value=value)


class _ProcessRegistry(Collector):
    """The process's own registry (single-process mode: no PROMETHEUS_MULTIPROC_DIR)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def registry_for_scrape() -> CollectorRegistry:
    """The registry one scrape reads: every gunicorn worker's files in multiprocess mode, else
    this process's registry; then the figures read at scrape time."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ProcessRegistry())
    registry.register(ScrapeCollector())
    return registry


@login_not_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus's text format; 404 unless `access_allowed`."""
    if not access_allowed(request):
        raise Http404
    response = HttpResponse(
        generate_latest(registry_for_scrape()), content_type=CONTENT_TYPE_LATEST
    )
    response["Cache-Control"] = "no-store"
    return response


mark(metrics, "metrics: MOTCUA_METRICS_NETWORKS or MOTCUA_METRICS_TOKEN")
