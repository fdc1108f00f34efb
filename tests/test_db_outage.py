"""The database cannot be reached (docs/adr/0044): 503 with Retry-After, never 500 nor a
hang; an intake cut mid-transaction leaves nothing and no gap in the codes; a commit whose
outcome is unknown is made safe to retry by the Idempotency-Key.

The primary is made unreachable by pointing the test's connection at a closed port
(PostgreSQL) or at a file that cannot be opened (SQLite), after keeping another connection
to the in-memory test database open so that it survives. Transactional tests: the requests'
connection is closed and reopened as a server restart would.
(Here, not in motcua/core/tests: the tests drive the API and the dossiers, which motcua.core
may not import.)"""

# ruff: noqa: F811 - world and api are fixtures imported from the API tests

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, connections
from django.test import Client

from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierDocument
from motcua.dossiers.tests.conftest import at
from motcua.rest.tests.conftest import PDF_B64, api, intake_body, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
def primary_down() -> Iterator[Any]:
    """`primary_down()`: from now on the requests' database connection cannot be made; put
    back after the test."""
    conn = connections["default"]
    saved = dict(conn.settings_dict)
    keeper = None

    def down() -> None:
        nonlocal keeper
        if conn.vendor == "sqlite":
            # An in-memory database lives while a connection is open: keep one.
            keeper = conn.Database.connect(
                conn.settings_dict["NAME"], uri=True, check_same_thread=False
            )
            conn.settings_dict["NAME"] = "/nonexistent-motcua-primary/db.sqlite3"
        else:
            conn.settings_dict["PORT"] = str(_closed_port())
            conn.settings_dict["HOST"] = "127.0.0.1"
        conn.close()

    yield down
    with contextlib.suppress(Exception):
        conn.close()
    conn.settings_dict.update(saved)
    conn.ensure_connection()
    if keeper is not None:
        keeper.close()


def _files() -> list[str]:
    def walk(folder: str) -> list[str]:
        dirs, files = default_storage.listdir(folder)
        found = [f"{folder}/{f}".lstrip("/") for f in files]
        for d in dirs:
            found += walk(f"{folder}/{d}".lstrip("/"))
        return found

    return walk("")


def _intake(desk: Any, body: dict[str, Any] | None = None, **headers: str) -> Any:
    body = body or intake_body(
        files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": 1}],
    )
    with clock.at(at(2026, 3, 2)):
        return desk.client.post(
            "/api/v1/dossiers",
            body,
            content_type="application/json",
            headers={**desk.headers, **headers},
        )


# --- 503, never 500 ----------------------------------------------------------------------------


def test_an_api_read_while_the_database_is_down_is_503_json(
    world: Any, api: Any, primary_down: Any, settings: Any
) -> None:
    settings.MOTCUA_DB_UNAVAILABLE_RETRY_AFTER_SECONDS = 7
    desk = api("desk")
    desk.get("/api/v1/dossiers")  # the token is read before the outage
    primary_down()
    started = time.monotonic()
    response = desk.get("/api/v1/dossiers")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert set(body) == {"detail", "code", "errors"}
    assert "7 seconds" in body["detail"]


def test_an_api_write_while_the_database_is_down_says_the_outcome_is_not_known(
    world: Any, api: Any, primary_down: Any
) -> None:
    desk = api("desk")
    desk.get("/api/v1/dossiers")
    primary_down()
    response = _intake(desk, **{"Idempotency-Key": "k-down"})
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert "not certain" in response.json()["detail"]


def test_a_page_while_the_database_is_down_is_a_503_page_in_the_sites_language(
    world: Any, primary_down: Any
) -> None:
    primary_down()
    response = Client().get("/thong-ke/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "<h1>" in html
    # Styled like the other pages (a static file, no database) with a way back home.
    assert 'rel="stylesheet" href="/static/css/motcua' in html
    assert '<a href="/">' in html


def test_a_signed_in_page_while_the_database_is_down_is_503(world: Any, primary_down: Any) -> None:
    """The session and the user are read by middlewares, before any view: still a 503."""
    from motcua.accounts.models import User

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="desk"))
    primary_down()
    response = client.get("/desk/")
    assert response.status_code == 503
    assert "Retry-After" in response


# --- An intake cut mid-transaction (PostgreSQL) ----------------------------------------------


def _terminate(pid: int) -> None:
    """pg_terminate_backend from another connection, and wait until the backend is gone."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(200):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.02)
    finally:
        other.close()


@pytest.mark.postgres
def test_an_intake_whose_connection_is_killed_mid_transaction_leaves_nothing_and_no_gap(
    world: Any, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.dossiers.services import intake as intake_module

    desk = api("desk")
    real = intake_module.steps_instantiate
    killed: list[int] = []

    def kill_then_go_on(*args: Any, **kwargs: Any) -> Any:
        # The code number is taken and the dossier row written: the backend dies now.
        assert Dossier.objects.count() == 1  # this transaction's own row
        pid = connections["default"].connection.info.backend_pid
        _terminate(pid)
        killed.append(pid)
        return real(*args, **kwargs)

    monkeypatch.setattr(intake_module, "steps_instantiate", kill_then_go_on)
    # The storage is shared by the tests run before this one in the process: compare with it.
    files_before = _files()
    response = _intake(desk)
    assert killed
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "database_unavailable"
    monkeypatch.setattr(intake_module, "steps_instantiate", real)

    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DossierCodeCounter.objects.count() == 0  # the number taken was rolled back
    assert _files() == files_before  # the objects written before the rollback are deleted

    again = _intake(desk)
    assert again.status_code == 201, again.content
    assert again.json()["code"].endswith("-0001")  # no gap
    assert Dossier.objects.count() == 1


# --- A commit whose outcome is unknown, and the Idempotency-Key ---------------------------------


def test_the_same_idempotency_key_gives_the_same_dossier(world: Any, api: Any) -> None:
    desk = api("desk")
    first = _intake(desk, **{"Idempotency-Key": "0b8e2c4e-key-1"})
    assert first.status_code == 201, first.content
    again = _intake(desk, **{"Idempotency-Key": "0b8e2c4e-key-1"})
    assert again.status_code == 200
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1
    other = _intake(desk, **{"Idempotency-Key": "0b8e2c4e-key-2"})
    assert other.status_code == 201
    assert other.json()["code"] != first.json()["code"]
    # Another officer's key is another key.
    theirs = _intake(api("desk2"), **{"Idempotency-Key": "0b8e2c4e-key-1"})
    assert theirs.status_code == 201
    assert Dossier.objects.count() == 3
    bad = _intake(desk, **{"Idempotency-Key": "x" * 101})
    assert bad.status_code == 400
    assert Dossier.objects.count() == 3


def test_the_same_idempotency_key_with_another_request_is_refused(world: Any, api: Any) -> None:
    """A key names one request: sent with another procedure, applicant or decision it is a
    client's mistake (a reused key), not a retry — 422, nothing saved, the first untouched.
    The same request again still gets its dossier, also once the dossier has moved on."""
    from motcua.rest.tests.conftest import ORG_JSON

    desk = api("desk")
    key = {"Idempotency-Key": "5d1f-reused"}
    first = _intake(desk, **key)
    assert first.status_code == 201, first.content
    others = [
        intake_body(applicant={**ORG_JSON, "name": "Công ty TNHH Một thành viên Khác"}),
        intake_body(applicant={**ORG_JSON, "tax_code": "5600128219"}),
        intake_body(decision="request_completion", missing=["Bản sao giấy phép"]),
    ]
    for body in others:
        reused = _intake(desk, body, **key)
        assert reused.status_code == 422, reused.content
        assert reused.json()["code"] == "idempotency_key_reused"
        assert first.json()["code"] in reused.json()["detail"]
    assert Dossier.objects.count() == 1
    # The same request, its name typed with other spaces: a retry.
    spaced = intake_body(
        applicant={**ORG_JSON, "name": "  " + ORG_JSON["name"] + " "},
        files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": 1}],
    )
    again = _intake(desk, spaced, **key)
    assert again.status_code == 200, again.content
    assert again.json()["code"] == first.json()["code"]
    # Refused and completion-requested intakes are told apart from an accepted one.
    refused = _intake(
        desk,
        intake_body(decision="refuse", note="Sai thẩm quyền"),
        **{"Idempotency-Key": "5d1f-refused"},
    )
    assert refused.status_code == 201, refused.content
    assert _intake(desk, intake_body(), **{"Idempotency-Key": "5d1f-refused"}).status_code == 422
    retry = _intake(
        desk,
        intake_body(decision="refuse", note="Sai thẩm quyền"),
        **{"Idempotency-Key": "5d1f-refused"},
    )
    assert retry.status_code == 200
    assert Dossier.objects.count() == 2


def test_a_commit_lost_on_the_way_back_is_a_503_and_the_retry_with_the_key_is_safe(
    world: Any, api: Any
) -> None:
    """The COMMIT reached the server but its answer was lost (the connection dropped): the
    client is told the outcome is not known; sending the same request again with the same
    Idempotency-Key answers 200 with the dossier that was saved, and saves nothing more."""
    desk = api("desk")
    conn = connections["default"]
    real_commit = conn.commit
    lost: list[bool] = []

    def commit_then_lose_the_answer() -> None:
        real_commit()
        if not lost and Dossier.objects.exists():
            lost.append(True)
            raise OperationalError("server closed the connection unexpectedly")

    conn.commit = commit_then_lose_the_answer  # type: ignore[method-assign]
    try:
        response = _intake(desk, **{"Idempotency-Key": "retry-me"})
    finally:
        conn.commit = real_commit  # type: ignore[method-assign]
    assert lost
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert "not certain" in response.json()["detail"]
    assert Dossier.objects.count() == 1  # it was saved after all

    retry = _intake(desk, **{"Idempotency-Key": "retry-me"})
    assert retry.status_code == 200
    assert retry.json()["code"] == Dossier.objects.get().code
    assert Dossier.objects.count() == 1
