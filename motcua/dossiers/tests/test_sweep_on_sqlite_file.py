"""The sweep's recompute of the stored near-due instants on the embedded SQLite database while
the server writes (issue 17 item 2): it reads each page in full before it writes. A
connection still reading (a cursor not read to the end) that wants to write while another
holds the write lock fails at once with "database is locked": SQLite does not wait then
(waiting could deadlock), whatever the busy timeout."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from motcua.core import clock
from motcua.core.tests import sqlite_file
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services import sweep

from .conftest import at

# The file database's fixtures (core/tests/sqlite_file.py).
sqlite_busy_timeout = sqlite_file.sqlite_busy_timeout
sqlite_file_db = sqlite_file.sqlite_file_db


def test_the_recompute_waits_for_a_request_holding_the_lock_between_pages(
    sqlite_file_db, world, receive, monkeypatch
):
    dossiers = [receive(at(2026, 3, 2, 9, n)) for n in range(3)]
    expected = {d.pk: d.near_due_at for d in dossiers}
    assert None not in expected.values()
    steps = dict(DossierStep.objects.filter(status="active").values_list("pk", "near_due_at"))
    # As after a calendar change: every instant to write again.
    Dossier.objects.update(near_due_at=None)
    DossierStep.objects.update(near_due_at=None)
    monkeypatch.setattr(sweep, "BATCH", 1)  # a page per dossier
    real_write = sweep._write_instants
    held: list[str] = []

    def write_while_a_request_holds_the_lock(model: Any, rows: list[Any], fields: list[str]):
        # A request of the running server holds the write lock for 0.2 s just as the sweep
        # wants to write: the sweep must wait for it (busy timeout 20 s), not fail.
        other = sqlite3.connect(sqlite_file_db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.2, lambda: (other.execute("COMMIT"), other.close()))
        release.start()
        try:
            real_write(model, rows, fields)
        finally:
            release.join()
        held.append(model.__name__)

    monkeypatch.setattr(sweep, "_write_instants", write_while_a_request_holds_the_lock)
    with clock.at(at(2026, 3, 2, 10, 0)):
        assert sweep.near_due_recompute(since=clock.now()) == (3, 3)
    assert held == ["Dossier"] * 3 + ["DossierStep"] * 3  # one page each
    assert dict(Dossier.objects.values_list("pk", "near_due_at")) == expected
    active = DossierStep.objects.filter(status="active")
    assert dict(active.values_list("pk", "near_due_at")) == steps
