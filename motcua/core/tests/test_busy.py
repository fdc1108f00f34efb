"""Which database errors mean "too busy, try again" (503) and which do not (500)."""

from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from django.db import IntegrityError, OperationalError, ProgrammingError

from motcua.core.busy import database_busy


def _wrapped(driver_error: Exception, django_class: type[Exception]) -> Exception:
    """As Django raises it: its own class, from the driver's error."""
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise django_class(*exc.args) from exc
    except Exception as wrapped:
        return wrapped
    raise AssertionError  # pragma: no cover


def test_sqlite_lock_not_obtained_in_time_is_busy(tmp_path):
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")
    assert str(locked.value) == "database is locked"
    assert database_busy(locked.value) is True
    assert database_busy(_wrapped(locked.value, OperationalError)) is True


@pytest.mark.parametrize(
    "message", ["database is locked", "database table is locked", "database schema is locked"]
)
def test_each_sqlite_lock_message_is_busy(message):
    assert database_busy(_wrapped(sqlite3.OperationalError(message), OperationalError)) is True


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
    ],
)
def test_postgresql_lock_timeout_serialization_and_deadlock_are_busy(error):
    assert database_busy(_wrapped(error, OperationalError)) is True


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(sqlite3.OperationalError("no such table: t"), OperationalError),
        _wrapped(sqlite3.IntegrityError("UNIQUE constraint failed: t.x"), IntegrityError),
        _wrapped(psycopg.errors.QueryCanceled("statement timeout"), OperationalError),
        _wrapped(psycopg.errors.UndefinedTable('relation "t" does not exist'), ProgrammingError),
        _wrapped(psycopg.errors.UniqueViolation("duplicate key"), IntegrityError),
        ValueError("database is locked"),  # not a database error, whatever it says
        RuntimeError("boom"),
    ],
)
def test_other_errors_are_not_busy(error):
    assert database_busy(error) is False
