"""The demo load commits step by step (issue 17 item 2): a server already running on the
embedded database can write between its steps; a load that stopped half-way is refused until
it is run again with force."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from motcua.accounts.models import User
from motcua.core.models import AuditEntry
from motcua.core.tests import sqlite_file
from motcua.demo import loader
from motcua.demo.loader import DemoRefused, demo_load

# The file database's fixtures (core/tests/sqlite_file.py).
sqlite_busy_timeout = sqlite_file.sqlite_busy_timeout
sqlite_file_db = sqlite_file.sqlite_file_db


@pytest.fixture
def light_demo(monkeypatch: Any) -> list[str]:
    """The demo without its dossiers, payments and signatures (test_demo_dossiers.py loads
    the whole); what stands in for the dossiers records that it ran."""
    ran: list[str] = []

    def dossiers(**kwargs: Any) -> list[str]:
        ran.append("dossiers")
        return ["demo dossiers"]

    monkeypatch.setattr("motcua.demo.dossiers.demo_dossiers_load", dossiers)
    monkeypatch.setattr(loader, "_demo_payments", list)
    monkeypatch.setattr(loader, "_demo_ratings", list)
    monkeypatch.setattr(loader, "_demo_signatures", list)
    return ran


def test_another_connection_can_write_while_the_demo_loads(sqlite_file_db, monkeypatch, light_demo):
    """Before: the whole load was one transaction holding the write lock (a minute or more)."""
    got_in: list[str] = []

    def other_writer(**kwargs: Any) -> list[str]:
        # As a request of the running server would, without waiting: the lock must be free.
        other = sqlite3.connect(sqlite_file_db, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            got_in.append("yes")
        finally:
            other.close()
        return ["demo dossiers"]

    monkeypatch.setattr("motcua.demo.dossiers.demo_dossiers_load", other_writer)
    lines = demo_load()
    assert got_in == ["yes"]
    assert "demo dossiers" in lines
    assert User.objects.filter(username="desk").exists()


def test_a_load_stopped_half_way_is_refused_until_forced(db, monkeypatch, light_demo):
    def crash(**kwargs: Any) -> list[str]:
        raise RuntimeError("the machine was switched off")

    monkeypatch.setattr("motcua.demo.dossiers.demo_dossiers_load", crash)
    with pytest.raises(RuntimeError):
        demo_load()
    # What was done before stays (each step committed), and the load is known unfinished.
    assert User.objects.filter(username="desk").exists()
    with pytest.raises(DemoRefused) as refused:
        demo_load()
    assert refused.value.message == (
        "An earlier demo load stopped before its end. Load it again with "
        "`manage.py loaddemo --force`, or start from an empty database."
    )
    monkeypatch.setattr("motcua.demo.dossiers.demo_dossiers_load", lambda **kw: ["demo dossiers"])
    assert "demo dossiers" in demo_load(force=True)
    assert demo_load() == ["Demo data already loaded."]
    # The markers are chained audit rows, never deleted (ADR 0035): the latest one counts.
    assert list(
        AuditEntry.objects.filter(object_type="demo")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "demo.load_started",
        "demo.load_started",
        "demo.loaded",
    ]


def test_a_database_loaded_before_the_markers_counts_as_loaded(db, django_user_model, light_demo):
    django_user_model.objects.create_user(username="desk", password="x")
    assert demo_load() == ["Demo data already loaded."]
    assert light_demo == []
