"""`/healthz`: the process answers HTTP through the whole middleware stack; `/readyz`: the
services it needs answer (docs/adr/0044).

For production monitoring (a load balancer's or an uptime probe's liveness check) and the
benchmarks' reference ("a bare Django view returning a constant", bench/public.py). It reads
nothing: no database query, no cache, no session (an anonymous request without a cookie), so
it stays up while the database is down; checking the database is the readiness probe's job."""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from motcua.core.access import public

logger = logging.getLogger("motcua.core.health")

#: The constant answer.
BODY = b'{"status": "ok"}'


@public
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with `{"status": "ok"}` (GET or HEAD), never cached by a proxy."""
    response = HttpResponse(BODY, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


# --- /readyz: readiness (docs/adr/0044) -----------------------------------------------------

#: Seconds the whole probe may take: every check runs at once, each bounded by its own short
#: timeout too; one not done by then is reported "down" (or, for the parts other than the
#: database, its last result if that is less than READY_STALE_SECONDS old: a check slowed
#: down by a loaded machine does not make the probe flap).
READY_DEADLINE = 2.0
READY_STALE_SECONDS = 10.0
#: Seconds an answer is reused: a storm of probes (every load balancer, every app server)
#: costs each service one check per second per process.
READY_CACHE_SECONDS = 1.0
#: Connect timeout of the probe's own database connections (the requests' is longer).
PROBE_CONNECT_TIMEOUT = 1
STORAGE_PROBE_NAME = "readyz-probe"
WORKERS_PING_TIMEOUT = 1.0

_ready_lock = threading.Lock()
_ready_answer: tuple[float, int, bytes] | None = None


@dataclasses.dataclass
class _Part:
    """One check's own thread (its clients — boto3's, a connection — are made once, in that
    thread), the run in progress, and the last result with when it came."""

    pool: concurrent.futures.ThreadPoolExecutor
    running: concurrent.futures.Future[Any] | None = None
    last: Any = None
    last_at: float = -1e9


_parts: dict[str, _Part] = {}


def _part(name: str) -> _Part:
    part = _parts.get(name)
    if part is None:
        part = _parts.setdefault(
            name,
            _Part(
                pool=concurrent.futures.ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix=f"readyz-{name}"
                )
            ),
        )
    return part


def _database_check(alias: str) -> str:
    """SELECT 1 on a connection of its own (closed after), connect timeout 1 s: the probe
    never uses nor breaks a request thread's connection."""
    if alias not in connections.settings:
        return "off"
    conn = connections.create_connection(alias)
    if conn.vendor == "postgresql":
        options = dict(conn.settings_dict.get("OPTIONS") or {})
        options["connect_timeout"] = PROBE_CONNECT_TIMEOUT
        conn.settings_dict = {**conn.settings_dict, "OPTIONS": options}
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        with contextlib.suppress(Exception):
            conn.close()
    return "ok"


def _cache_check() -> str:
    from django.core.cache import cache

    value = secrets.token_hex(4)
    cache.set("motcua:readyz-probe", value, 10)
    return "ok" if cache.get("motcua:readyz-probe") == value else "down"


def _broker_connection() -> Any:
    from kombu.connection import Connection

    return Connection(  # type: ignore[no-untyped-call]
        settings.CELERY_BROKER_URL,
        connect_timeout=1,
        transport_options={"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0},
    )


def _broker_check() -> str:
    if not settings.CELERY_BROKER_URL:
        return "off"
    with _broker_connection() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    return "ok"


def _workers_check() -> int:
    """Celery workers answering a ping within 0.5 s (0 without a broker)."""
    if not settings.CELERY_BROKER_URL:
        return 0
    from celery import current_app

    with _broker_connection() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        replies = current_app.control.ping(timeout=WORKERS_PING_TIMEOUT, connection=conn)
    return len(replies or [])


def _storage_check() -> str:
    """An existence check on the file store (its client's timeouts are the storage settings')."""
    from django.core.files.storage import default_storage

    default_storage.exists(STORAGE_PROBE_NAME)
    return "ok"


def _checks() -> dict[str, Callable[[], Any]]:
    return {
        "database": lambda: _database_check(DEFAULT_DB_ALIAS),
        "replica": lambda: _database_check("replica"),
        "cache": _cache_check,
        "broker": _broker_check,
        "storage": _storage_check,
        "workers": _workers_check,
    }


def _record(part: _Part, name: str, future: concurrent.futures.Future[Any]) -> None:
    failed: Any = 0 if name == "workers" else "down"
    try:
        value = future.result()
    except Exception as exc:  # noqa: BLE001 - reported, never raised
        logger.warning("readyz: %s is down (%s: %s)", name, type(exc).__name__, exc)
        value = failed
    part.last, part.last_at = value, time.monotonic()


def readiness() -> dict[str, Any]:
    """Every check at once, within READY_DEADLINE seconds: "ok", "down" (failed, or not done
    in time) or "off" (not configured); `workers` is a count. A check still running from an
    earlier probe is not started again."""
    started: dict[str, tuple[_Part, concurrent.futures.Future[Any]]] = {}
    for name, check in _checks().items():
        part = _part(name)
        if part.running is not None and part.running.done():
            _record(part, name, part.running)  # finished after an earlier probe's deadline
            part.running = None
        if part.running is None:
            part.running = part.pool.submit(check)
        started[name] = (part, part.running)
    concurrent.futures.wait([f for _p, f in started.values()], timeout=READY_DEADLINE)
    result: dict[str, Any] = {}
    now = time.monotonic()
    for name, (part, future) in started.items():
        failed: Any = 0 if name == "workers" else "down"
        if future.done():
            _record(part, name, future)
            part.running = None
            result[name] = part.last
        elif name != "database" and now - part.last_at < READY_STALE_SECONDS:
            result[name] = part.last  # slow this time; answered a moment ago
        else:
            logger.warning("readyz: %s did not answer within %s s", name, READY_DEADLINE)
            result[name] = failed
    return result


def _ready_compute() -> tuple[int, bytes]:
    state = readiness()
    status = 200 if state.get("database") == "ok" else 503
    return status, json.dumps(state).encode()


@public
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness for a load balancer: 200 when the primary database answers (the replica,
    cache, broker, storage and workers are reported: degraded, the site still serves, see
    docs/adr/0044), 503 when it does not. The answer is reused for a second. No session, no
    cookie, no query on the request's own connections."""
    global _ready_answer
    with _ready_lock:
        now = time.monotonic()
        if _ready_answer is None or now - _ready_answer[0] >= READY_CACHE_SECONDS:
            status, body = _ready_compute()
            _ready_answer = (time.monotonic(), status, body)
        _at, status, body = _ready_answer
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def readyz_forget_answer() -> None:
    """Drop the reused answer only (tests)."""
    global _ready_answer
    with _ready_lock:
        _ready_answer = None


def readyz_forget() -> None:
    """Drop the reused answer and the last results, once the checks running are done (tests)."""
    global _ready_answer
    with _ready_lock:
        _ready_answer = None
    for part in _parts.values():
        if part.running is not None:
            with contextlib.suppress(Exception):
                part.running.result(timeout=10)
        part.running, part.last, part.last_at = None, None, -1e9
