"""A busy embedded database (issue 17 item 2, docs/adr/0021), on a SQLite file database.

- Another connection holds the write lock for longer than the busy timeout while an intake
  arrives through the API: 503 with Retry-After and a JSON error, logged; nothing written (no
  dossier, no code taken, no file), and the next intake gets the first code.
- The same for a page (signing in): the 503 page, in Vietnamese, and no sign-in recorded.
- 40 intakes at once at a live server: all 201, codes 0001…0040.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.files.storage import default_storage
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

from motcua.core.models import AuditEntry
from motcua.core.tests import sqlite_file

from .conftest import PASSWORD, PDF_BYTES, Api, at, intake_body, token_for

# The file database's fixtures (core/tests/sqlite_file.py).
sqlite_busy_timeout = sqlite_file.sqlite_busy_timeout
sqlite_file_db = sqlite_file.sqlite_file_db

#: The busy timeout of the 503 tests (seconds): the lock is held for longer.
SHORT = 0.3
CONCURRENT = 40
#: Requests served at once by `make run` (gunicorn --workers 2 --threads 4).
MAKE_RUN_THREADS = 8


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection (as another process would) holds the database's write lock."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _counters(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT agency_id, day, last FROM dossiers_dossiercodecounter"
        ).fetchall()


def _files() -> list[str]:
    def walk(folder: str) -> list[str]:
        dirs, files = default_storage.listdir(folder)
        found = [f"{folder}/{f}".lstrip("/") for f in files]
        for d in dirs:
            found += walk(f"{folder}/{d}".lstrip("/"))
        return found

    return walk("")


def _scan() -> dict[str, Any]:
    return {
        "name": "don.pdf",
        "content_base64": base64.b64encode(PDF_BYTES).decode(),
        "position": 1,
    }


@pytest.mark.parametrize("sqlite_busy_timeout", [SHORT])
def test_an_intake_while_the_lock_is_held_is_503_json_and_writes_nothing(
    orm, sqlite_file_db, world, caplog
):
    desk = Api(Client(), token_for("desk"))
    assert desk.get("/api/v1/auth/me").status_code == 200  # the token's use recorded now
    audit_before = AuditEntry.objects.count()
    files_before = _files()
    body = intake_body(files=[_scan()])
    with write_lock_held(sqlite_file_db):
        started = time.monotonic()
        response = desk.post("/api/v1/dossiers", body, when=at(2026, 3, 2, 9, 0))
        waited = time.monotonic() - started
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "detail": "The system is busy: nothing was saved. Try again in 5 seconds.",
        "code": "database_busy",
        "errors": {},
    }
    assert waited >= SHORT  # it waited for the lock, up to the busy timeout
    busy = [r for r in caplog.records if r.name == "motcua.core.busy"]
    assert [(r.levelname, r.getMessage()) for r in busy] == [
        (
            "WARNING",
            "database busy: POST /api/v1/dossiers answered 503, retry after 5 s "
            "(database is locked)",
        )
    ]
    # Nothing half-written: no dossier, event, code counter, audit entry or stored file.
    assert orm.Dossier.objects.count() == 0
    assert orm.DossierEvent.objects.count() == 0
    assert _counters(sqlite_file_db) == []
    assert AuditEntry.objects.count() == audit_before
    assert _files() == files_before
    # Once the lock is free, the same intake gets the day's first code (no number was lost).
    response = desk.post("/api/v1/dossiers", body, when=at(2026, 3, 2, 9, 5))
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "H11.01.01-260302-0001"
    assert [row[2] for row in _counters(sqlite_file_db)] == [1]


@pytest.mark.parametrize("sqlite_busy_timeout", [SHORT])
def test_signing_in_while_the_lock_is_held_is_the_503_page(sqlite_file_db, world, caplog):
    desk = world["users"]["desk"]
    browser = Client(raise_request_exception=False)
    with write_lock_held(sqlite_file_db):
        response = browser.post("/dang-nhap/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<h1>Hệ thống đang bận</h1>" in page
    assert "Chưa có gì được lưu." in page
    assert "Trang chủ" in page
    assert any(r.name == "motcua.core.busy" for r in caplog.records)
    desk.refresh_from_db()
    assert desk.last_login is None
    assert "_auth_user_id" not in browser.session
    # Free again: the same sign-in works.
    response = browser.post("/dang-nhap/", {"username": "desk", "password": PASSWORD})
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == desk.pk


class _Server(ThreadedWSGIServer):
    """Serves at most MAKE_RUN_THREADS requests at a time, as `make run`'s gunicorn does
    (2 workers × 4 threads); the other clients wait in the listen queue."""

    request_queue_size = 128  # all the clients connect at once (Django's is 10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.free = threading.BoundedSemaphore(MAKE_RUN_THREADS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.free.acquire()
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.free.release()


class _LiveServer(LiveServerThread):
    server_class = _Server


@contextmanager
def live_server_on_file() -> Iterator[str]:
    """A threaded live server; each request thread opens its own connection to the file
    database (no shared connection, unlike pytest-django's on an in-memory database)."""
    server = _LiveServer("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.terminate()


def test_forty_intakes_at_once_at_a_live_server_all_get_gap_free_codes(orm, sqlite_file_db, world):
    token = token_for("desk")
    barrier = threading.Barrier(CONCURRENT)
    results: list[tuple[int, dict[str, Any]]] = []

    def post(url: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - our own live server
            f"{url}/api/v1/dossiers",
            data=json.dumps(intake_body()).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Accept-Language": "en",
            },
            method="POST",
        )
        barrier.wait(timeout=60)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                results.append((answer.status, json.loads(answer.read())))
        except urllib.error.HTTPError as error:
            results.append((error.code, json.loads(error.read() or b"{}")))

    # The server's threads read the real clock: Monday 2 March 2026, 09:00, ticking.
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=True), live_server_on_file() as url:
        threads = [threading.Thread(target=post, args=(url,)) for _ in range(CONCURRENT)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert sorted(status for status, _body in results) == [201] * CONCURRENT, results
    codes = sorted(body["code"] for _status, body in results)
    assert codes == [f"H11.01.01-260302-{n:04d}" for n in range(1, CONCURRENT + 1)]
    assert orm.Dossier.objects.filter(status="received").count() == CONCURRENT
    assert [row[2] for row in _counters(sqlite_file_db)] == [CONCURRENT]


@pytest.mark.postgres
def test_on_postgresql_a_lock_timeout_during_an_intake_is_503(orm, world, api):
    """PostgreSQL waits for a row or table lock as long as lock_timeout says (none by
    default); when it is set and runs out, the intake is a 503 too, and nothing is kept."""
    from django.db import connection, transaction

    desk = api("desk")
    locked, release = threading.Event(), threading.Event()

    def hold_the_counters() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE dossiers_dossiercodecounter IN ACCESS EXCLUSIVE MODE")
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_counters)
    holder.start()
    try:
        assert locked.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        response = desk.post("/api/v1/dossiers", intake_body(), when=at(2026, 3, 2, 9, 0))
    finally:
        release.set()
        holder.join(30)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_busy"
    assert orm.Dossier.objects.count() == 0
