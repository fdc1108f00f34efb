"""Which errors mean "the database cannot be reached" (core/dbdown.py, docs/adr/0044), and
`read_alias` without a replica (the router's rules: tests/test_router_rules.py — motcua does
not import config)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from django import db
from django.db import connections

from motcua.core.busy import database_busy
from motcua.core.dbdown import database_unreachable
from motcua.core.replica import REPLICA, read_alias


def _wrapped(driver_error: BaseException, cls: type[Exception] = db.OperationalError) -> Exception:
    """As Django raises it: its own class, the driver's error as the cause."""
    try:
        try:
            raise driver_error
        except Exception as exc:
            raise cls(*exc.args) from exc
    except Exception as outer:
        return outer
    raise AssertionError


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError(
            'connection failed: connection to server at "127.0.0.1", port 5442 failed: '
            "Connection refused"
        ),
        psycopg.OperationalError(
            "consuming input failed: server closed the connection unexpectedly"
        ),
        psycopg.OperationalError("connection failed: timeout expired"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.errors.ConnectionFailure("connection failure"),
        psycopg.InterfaceError("the connection is closed"),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_lost_or_refused_connections_are_unreachable(error: BaseException) -> None:
    assert database_unreachable(error)
    django_class = db.InterfaceError if isinstance(error, psycopg.InterfaceError) else None
    assert database_unreachable(_wrapped(error, django_class or db.OperationalError))
    assert not database_busy(_wrapped(error))


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        psycopg.errors.IdleInTransactionSessionTimeout(
            "terminating connection due to idle-in-transaction timeout"
        ),
        psycopg.errors.LockNotAvailable("could not obtain lock"),
        psycopg.errors.UniqueViolation("duplicate key value"),
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("no such table: x"),
        ValueError("connection refused"),  # not a database error
    ],
)
def test_other_errors_are_not_unreachable(error: BaseException) -> None:
    assert not database_unreachable(error)
    if not isinstance(error, ValueError):
        assert not database_unreachable(_wrapped(error))


def test_without_a_replica_every_read_is_on_the_primary() -> None:
    assert REPLICA not in connections.settings
    assert read_alias() == "default"
