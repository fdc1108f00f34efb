"""A SQLite file database for the tests that need one (the suite's own test database is in
memory, where a second connection cannot hold a lock the way another process does).

`sqlite_file_db` (a fixture; import it into a test module) copies the test database into a
file and points Django's default connection at it — for this thread and every thread started
during the test (each opens its own connection, as the processes of `make run` do) — with a
busy timeout of `sqlite_busy_timeout` seconds (a fixture: 20 s as in the settings; a module
overrides it). The in-memory database is put back afterwards. Requests a transactional test
(rows are really committed). Skipped on PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections


@pytest.fixture
def sqlite_busy_timeout() -> float:
    return 20.0


@pytest.fixture
def sqlite_file_db(
    sqlite_busy_timeout: float, transactional_db: Any, tmp_path: Path
) -> Iterator[Path]:
    conn = connections["default"]
    if conn.vendor != "sqlite":
        pytest.skip("needs the embedded SQLite database")
    path = tmp_path / "motcua.sqlite3"
    conn.ensure_connection()
    target = sqlite3.connect(path)
    try:
        conn.connection.backup(target)
    finally:
        target.close()
    settings_dict = conn.settings_dict  # shared with every thread's connection to "default"
    saved_name, saved_options = settings_dict["NAME"], settings_dict.get("OPTIONS", {})
    memory = conn.connection  # closing it would drop the in-memory database: keep it aside
    conn.connection = None
    settings_dict["NAME"] = str(path)
    settings_dict["OPTIONS"] = {**saved_options, "timeout": sqlite_busy_timeout}
    try:
        yield path
    finally:
        conn.close()
        settings_dict["NAME"], settings_dict["OPTIONS"] = saved_name, saved_options
        conn.connection = memory
