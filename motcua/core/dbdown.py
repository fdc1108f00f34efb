"""A database that cannot be reached (docs/adr/0044): told apart from other database errors so
that it is answered 503 with Retry-After, never 500 — and never a hang, since connections time
out (DB_CONNECT_TIMEOUT) and broken persistent connections are replaced (CONN_HEALTH_CHECKS).

Unreachable means the connection, not the query, failed:
- PostgreSQL refused or timed out the connection, or the connection was lost (psycopg's
  OperationalError without a SQLSTATE: "connection refused", "server closed the connection
  unexpectedly", "consuming input failed", a connection already closed);
- a SQLSTATE of class 08 (connection exception), 57P01 admin_shutdown (the server is being
  stopped, or pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting
  up, shutting down, in recovery);
- SQLite cannot open its file.
Not unreachable: a busy database (core/busy.py, its own 503), a query cancelled by
statement_timeout (57014), any error of the query itself.

The answer (503 `database_unavailable`) is `core.http_errors.unavailable_response`.
"""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError, InterfaceError

#: PostgreSQL SQLSTATEs (besides class 08) of a server that is going away or not up yet.
POSTGRES_DOWN_STATES = frozenset({"57P01", "57P02", "57P03"})
#: Messages of a connection that failed or was lost (psycopg/libpq, Django, SQLite).
DOWN_MESSAGES = (
    "connection refused",
    "could not connect",
    "connection failed",
    "connection timeout",
    "timeout expired",
    "server closed the connection",
    "terminating connection",
    "consuming input failed",
    "connection already closed",
    "the connection is closed",
    "the connection is lost",
    "connection is bad",
    "no connection to the server",
    "could not receive data from server",
    "could not send data to server",
    "ssl syscall error",
    "unable to open database file",
)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from (Django wraps the driver's)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def database_unreachable(exc: BaseException) -> bool:
    """True when `exc` says the database server could not be reached or the connection was
    lost (the query may not even have started)."""
    if not isinstance(exc, DatabaseError | InterfaceError | sqlite3.Error) and not type(
        exc
    ).__module__.startswith("psycopg"):
        return False
    chain = _chain(exc)
    states = [s for s in (_sqlstate(e) for e in chain) if s is not None]
    if states:
        # The server answered with a SQLSTATE: it decides (a query's own error whose message
        # mentions a connection, e.g. idle_in_transaction_session_timeout, is not an outage).
        return any(s.startswith("08") or s in POSTGRES_DOWN_STATES for s in states)
    for error in chain:
        message = str(error).strip().lower()
        if any(part in message for part in DOWN_MESSAGES):
            return True
    return False
