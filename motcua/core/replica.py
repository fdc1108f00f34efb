"""Reads that may go to a streaming replica (docs/adr/0044).

`DATABASE_REPLICA_URL` set, settings.DATABASES holds a second alias, `replica`: a read-only
hot standby that replays the primary's WAL, usually well under a second behind. Nothing goes
to it unless a selector asks: `read_alias()` is the alias a list or a report may read from.
It answers `default` (the primary) when

- no replica is configured (the embedded default, the test suite): everything as before;
- the caller is inside a transaction on the primary (a write, or an access check before one,
  must see the primary's rows: the replica cannot see what this transaction wrote);
- the request writes (not GET/HEAD/OPTIONS), or its signed-in user wrote in the last
  MOTCUA_REPLICA_PIN_SECONDS seconds (read-your-writes: a cache key per user, set by
  `ReplicaReadsMiddleware` when a write request ends; the cache is shared by every app
  server in production), or the cache cannot tell;
- the replica failed to connect, or lags more than MOTCUA_REPLICA_MAX_LAG_SECONDS, within the
  last MOTCUA_REPLICA_RETRY_SECONDS seconds (a flag per process): no request waits for a
  replica known to be down;
- this request already met a replica that stopped answering (it is served again on the
  primary: `ReplicaReadsMiddleware.process_exception`).

Otherwise it connects to the replica (or checks the persistent connection) before answering
`replica`, so a replica that is down costs one refused connection, after which its reads
go to the primary with no error shown.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DjangoDatabaseError
from django.http import HttpRequest, HttpResponse

from motcua.core.dbdown import database_unreachable

logger = logging.getLogger("motcua.core.replica")

REPLICA = "replica"
#: Methods that never write: their reads may go to the replica.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PIN_KEY = "motcua:replica-pin:{}"
#: The lag query (PostgreSQL standby): 0 when everything received is replayed, else the age
#: of the last replayed transaction; NULL on a primary (not in recovery).
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
)


@dataclasses.dataclass
class _ReplicaState:
    """Per process: until when the replica is left alone, and when its lag was last read."""

    down_until: float = 0.0
    lag_checked_at: float = -1e9
    reason: str = ""
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


_state = _ReplicaState()


@dataclasses.dataclass
class _RequestReads:
    request: HttpRequest
    primary_only: bool
    pinned: bool | None = None
    used_replica: bool = False


_current: contextvars.ContextVar[_RequestReads | None] = contextvars.ContextVar(
    "motcua_replica_reads", default=None
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def replica_mark_down(reason: str) -> None:
    """Leave the replica alone for MOTCUA_REPLICA_RETRY_SECONDS (its reads go to the primary)."""
    seconds = _seconds("MOTCUA_REPLICA_RETRY_SECONDS", 5)
    with _state.lock:
        was_up = time.monotonic() >= _state.down_until
        _state.down_until = time.monotonic() + seconds
        _state.reason = reason
    if was_up:
        logger.warning("replica left alone for %s s, reads on the primary: %s", seconds, reason)
    conn = connections[REPLICA]
    try:
        conn.close()
    except DjangoDatabaseError:  # a broken connection may fail to close: it is gone anyway
        conn.connection = None


def replica_state_reset() -> None:
    """Forget the down flag and the last lag check (tests; the readiness probe after it saw
    the replica answer)."""
    with _state.lock:
        _state.down_until = 0.0
        _state.lag_checked_at = -1e9
        _state.reason = ""


def replica_down_reason() -> str | None:
    """Why the replica is being left alone now, or None."""
    return _state.reason if time.monotonic() < _state.down_until else None


def replica_lag_seconds() -> float | None:
    """The replica's replay lag in seconds (PostgreSQL standby), None elsewhere. Raises the
    database error when it cannot be asked."""
    conn = connections[REPLICA]
    if conn.vendor != "postgresql":
        return None
    with conn.cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _replica_usable() -> bool:
    """Connected (or reconnected) to a replica that is not too far behind; False, and the
    replica left alone a while, when it is not."""
    now = time.monotonic()
    if now < _state.down_until:
        return False
    conn = connections[REPLICA]
    try:
        # A persistent connection broken by a restart of the replica is replaced here, not
        # discovered by the selector's query: in a request once (CONN_HEALTH_CHECKS: its
        # first use in the request), outside a request (a job) at every choice.
        if _current.get() is None and conn.connection is not None and not conn.is_usable():
            conn.close()
        conn.close_if_health_check_failed()
        conn.ensure_connection()
        if now - _state.lag_checked_at >= _seconds("MOTCUA_REPLICA_RETRY_SECONDS", 5):
            _state.lag_checked_at = now
            lag = replica_lag_seconds()
            limit = _seconds("MOTCUA_REPLICA_MAX_LAG_SECONDS", 30.0)
            if lag is not None and lag > limit:
                replica_mark_down(f"lag {lag:.1f} s > {limit:g} s")
                return False
    except DjangoDatabaseError as exc:
        replica_mark_down(f"{type(exc).__name__}: {exc}".strip())
        return False
    return True


def _pinned(request: HttpRequest) -> bool:
    """The request's signed-in user wrote within MOTCUA_REPLICA_PIN_SECONDS (or the cache
    cannot say: then the primary, to be safe)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    try:
        return bool(cache.get(PIN_KEY.format(user.pk)))
    except Exception:  # noqa: BLE001 - a cache that is down: read the primary
        logger.warning("replica pin unknown (cache error): reading the primary", exc_info=True)
        return True


def read_alias() -> str:
    """The database alias for a list or report read that may lag a few seconds behind the
    primary: `replica` when one is configured and may be used now (see the module's
    docstring), else `default`. Call it when the query is built (`.using(read_alias())`);
    never for a read that decides a write."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    reads = _current.get()
    if reads is not None:
        if reads.primary_only:
            return DEFAULT_DB_ALIAS
        if reads.pinned is None:
            reads.pinned = _pinned(reads.request)
        if reads.pinned:
            return DEFAULT_DB_ALIAS
    if not _replica_usable():
        return DEFAULT_DB_ALIAS
    if reads is not None:
        reads.used_replica = True
    return REPLICA


def replica_pin(*, user_id: Any) -> None:
    """Send this user's reads to the primary for MOTCUA_REPLICA_PIN_SECONDS."""
    seconds = int(_seconds("MOTCUA_REPLICA_PIN_SECONDS", 15))
    if seconds <= 0:
        return
    try:
        cache.set(PIN_KEY.format(user_id), 1, seconds)
    except Exception:  # noqa: BLE001 - the next reads fail safe in _pinned
        logger.warning("replica pin not stored (cache error)", exc_info=True)


class ReplicaReadsMiddleware:
    """Right after ErrorResponsesMiddleware. With a replica configured: tells `read_alias` the
    request (its method, its user), pins a signed-in user who wrote to the primary, and
    serves a safe request again on the primary when the replica it read from stopped
    answering mid-request. Without a replica it does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = _current.set(_RequestReads(request=request, primary_only=writes))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if writes:
            user = getattr(request, "user", None)
            try:
                user_id = user.pk if user is not None and user.is_authenticated else None
            except Exception:  # noqa: BLE001 - the user could not be read (database down)
                user_id = None
            if user_id is not None:
                replica_pin(user_id=user_id)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        reads = _current.get()
        if (
            reads is None
            or not reads.used_replica
            or request.method not in SAFE_METHODS
            or not database_unreachable(exception)
            or getattr(request, "_motcua_replica_retried", False)
        ):
            return None
        # The replica this request read from stopped answering (or a read on it was cut):
        # leave it alone a while and serve the request again, every read on the primary.
        replica_mark_down(f"lost during {request.method} {request.path}: {exception}")
        request._motcua_replica_retried = True  # type: ignore[attr-defined]
        reads.primary_only = True
        reads.used_replica = False
        return self.get_response(request)
