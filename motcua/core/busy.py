"""A database too busy to take a write in time (docs/adr/0021): told apart from other
database errors so that it is answered 503 with Retry-After, never 500.

SQLite (the embedded default): a writer waits for the write lock up to the busy timeout
(MOTCUA_SQLITE_BUSY_TIMEOUT), then fails with "database is locked" (another connection holds
the lock), "database table is locked" (a shared-cache connection) or "database schema is
locked". PostgreSQL: lock_not_available (55P03: lock_timeout or NOWAIT), serialization_failure
(40001) and deadlock_detected (40P01) — each rolled the transaction back, and trying again
later may succeed. A database that cannot be reached (refused, lost connection) is another
503, `database_unavailable` (core/dbdown.py, docs/adr/0044). Other errors (a broken query,
statement_timeout) stay 500: trying again would not help."""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError

#: SQLite's messages for a lock not obtained in time (sqlite3_errstr of SQLITE_BUSY and
#: SQLITE_LOCKED, and the schema lock of shared-cache connections).
SQLITE_BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
)
#: PostgreSQL SQLSTATEs of a lock or a serialization conflict that rolled back.
POSTGRES_BUSY_STATES = frozenset({"55P03", "40001", "40P01"})


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from (Django wraps the driver's)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def database_busy(exc: BaseException) -> bool:
    """True when `exc` says the database was too busy (a lock or a conflict), not broken."""
    if not isinstance(exc, DatabaseError | sqlite3.Error):
        return False
    for error in _chain(exc):
        if isinstance(error, DatabaseError | sqlite3.OperationalError) and str(
            error
        ).strip().lower().startswith(SQLITE_BUSY_MESSAGES):
            return True
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if state in POSTGRES_BUSY_STATES:
            return True
    return False
