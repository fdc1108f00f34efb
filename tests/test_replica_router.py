"""Reads from a streaming replica (docs/adr/0044): routing, read-your-writes, fallback.

The replica is a second alias added for this module (`_replica_alias`) — on SQLite the same
shared in-memory test database, on PostgreSQL a second connection to the test database, as
`TEST: {"MIRROR": "default"}` makes it when DATABASE_REPLICA_URL is set (the runner creates
no database for a mirror). Transactional tests:
what the primary's connection wrote is committed, so the replica's connection sees it. Which
connection ran which query tells where a read went.

(Here, not in motcua/core/tests: these tests drive the desk, the API and the dossiers, which
motcua.core may not import — the import contract counts test modules too.)
"""

# ruff: noqa: F811 - world and api are fixtures imported from the API tests

from __future__ import annotations

import contextlib
import copy
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.core import replica as replica_module
from motcua.core.replica import REPLICA, read_alias, replica_down_reason, replica_state_reset
from motcua.rest.tests.conftest import api, intake_body, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

WHEN = "2026-03-02T09:00:00+07:00"


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def unreachable() -> dict[str, Any]:
    """Settings that make the replica fail to connect at once."""
    if connections["default"].vendor == "postgresql":
        return {"HOST": "127.0.0.1", "PORT": str(closed_port())}
    return {"NAME": "/nonexistent-motcua-replica/db.sqlite3"}


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The alias `replica` for this module's tests (before their database access is set up,
    which checks the aliases a test names): a mirror of the test database."""
    conf = copy.deepcopy(connections["default"].settings_dict)
    conf["TEST"] = {**conf.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = conf
    yield
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    with contextlib.suppress(AttributeError):
        del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica() -> Iterator[Callable[..., Any]]:
    """`replica(**changes)`: the replica's connection, with `changes` to its settings (put
    back after the test)."""
    conn = connections[REPLICA]
    saved = copy.deepcopy(conn.settings_dict)

    def configure(**changes: Any) -> Any:
        # Settings first: SQLite ignores close() on an in-memory database's connection.
        conn.settings_dict.update(changes)
        conn.close()
        return conn

    replica_state_reset()
    yield configure
    with contextlib.suppress(Exception):
        conn.close()
    conn.settings_dict.clear()
    conn.settings_dict.update(saved)
    replica_state_reset()


def _tables(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for q in queries.captured_queries if table in q["sql"])


def _intake(api_client: Any, **headers: str) -> Any:
    from motcua.core import clock
    from motcua.dossiers.tests.conftest import at

    with clock.at(at(2026, 3, 2)):
        return api_client.client.post(
            "/api/v1/dossiers",
            intake_body(),
            content_type="application/json",
            headers={**api_client.headers, **headers},
        )


def _signed_in(username: str) -> Client:
    from motcua.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_desk_lists_and_the_api_list_read_from_the_replica(
    world: Any, api: Any, replica: Any
) -> None:
    desk = api("desk")
    created = _intake(desk)
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    replica_conn = replica()
    desk2 = _signed_in("desk2")  # another desk officer of the centre: never wrote

    with (
        CaptureQueriesContext(replica_conn) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = desk2.get("/desk/tra-cuu/", {"q": code})
    assert page.status_code == 200
    assert code in page.content.decode()
    assert _tables(on_replica, '"dossiers_dossier"') >= 1
    assert _tables(on_primary, 'FROM "dossiers_dossier"') == 0

    with (
        CaptureQueriesContext(replica_conn) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        listed = api("desk2").get("/api/v1/dossiers")
    assert listed.status_code == 200
    assert [d["code"] for d in listed.json()["items"]] == [code]
    assert _tables(on_replica, '"dossiers_dossier"') >= 1
    assert _tables(on_primary, 'FROM "dossiers_dossier"') == 0

    # The worklist of a specialist of the deciding department: its steps from the replica.
    with CaptureQueriesContext(replica_conn) as on_replica:
        worklist = _signed_in("desk2").get("/desk/")
    assert worklist.status_code == 200
    assert _tables(on_replica, '"dossiers_dossierstep"') >= 1


def test_public_statistics_read_the_report_tables_from_the_replica(
    world: Any, client: Client, replica: Any
) -> None:
    replica_conn = replica()
    with (
        CaptureQueriesContext(replica_conn) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/thong-ke/")
    assert page.status_code == 200
    assert _tables(on_replica, "reports_") >= 1
    assert _tables(on_primary, 'FROM "reports_dailyflow"') == 0
    assert _tables(on_primary, 'FROM "reports_flowrollup"') == 0


def test_a_user_who_wrote_reads_the_primary_for_a_while(
    world: Any, api: Any, replica: Any, settings: Any
) -> None:
    settings.MOTCUA_REPLICA_PIN_SECONDS = 2
    replica_conn = replica()
    desk = api("desk")
    created = _intake(desk)  # through the middleware: a POST pins its user
    assert created.status_code == 201, created.content

    with CaptureQueriesContext(replica_conn) as on_replica:
        mine = desk.get("/api/v1/dossiers")
    assert [d["code"] for d in mine.json()["items"]] == [created.json()["code"]]
    assert _tables(on_replica, "dossiers_") == 0  # pinned: read-your-writes on the primary

    with CaptureQueriesContext(replica_conn) as on_replica:
        theirs = api("desk2").get("/api/v1/dossiers")
    assert theirs.status_code == 200
    assert _tables(on_replica, '"dossiers_dossier"') >= 1  # another user is not pinned

    time.sleep(2.1)
    with CaptureQueriesContext(replica_conn) as on_replica:
        desk.get("/api/v1/dossiers")
    assert _tables(on_replica, '"dossiers_dossier"') >= 1  # the pin ran out


def test_writes_transactions_and_write_requests_never_read_the_replica(
    world: Any, replica: Any
) -> None:
    replica()
    assert read_alias() == REPLICA
    with transaction.atomic():
        assert read_alias() == "default"
    token = replica_module._current.set(
        replica_module._RequestReads(request=None, primary_only=True)  # type: ignore[arg-type]
    )
    try:
        assert read_alias() == "default"
    finally:
        replica_module._current.reset(token)
    # An object read from the replica is saved on the primary (never on the standby).
    from motcua.accounts.models import User

    user = User.objects.using(REPLICA).get(username="desk")
    assert user._state.db == REPLICA
    user.full_name = "Desk renamed"
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        user.save(update_fields=["full_name"])
    assert _tables(on_replica, "UPDATE") == 0
    assert User.objects.get(username="desk").full_name == "Desk renamed"


def test_a_replica_that_cannot_be_reached_is_skipped_without_an_error(
    world: Any, api: Any, replica: Any, settings: Any
) -> None:
    settings.MOTCUA_REPLICA_RETRY_SECONDS = 30
    created = _intake(api("desk"))
    code = created.json()["code"]
    conn = replica(**unreachable())
    attempts: list[int] = []
    real = conn.ensure_connection

    def counted() -> None:
        attempts.append(1)
        real()

    conn.ensure_connection = counted
    started = time.monotonic()
    page = _signed_in("desk2").get("/desk/tra-cuu/", {"q": code})
    assert page.status_code == 200
    assert code in page.content.decode()  # read from the primary
    assert time.monotonic() - started < 5
    assert replica_down_reason() is not None
    assert len(attempts) == 1
    listed = api("desk2").get("/api/v1/dossiers")
    assert listed.status_code == 200
    assert [d["code"] for d in listed.json()["items"]] == [code]
    # Remembered: no other attempt within the retry delay.
    assert len(attempts) == 1
    # After the delay it is tried again (and found down again: the primary still answers).
    replica_state_reset()
    assert read_alias() == "default"
    assert len(attempts) == 2


@pytest.mark.postgres
def test_a_replica_lost_mid_request_is_read_again_on_the_primary(
    world: Any, api: Any, replica: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replica's connection is terminated after it was chosen, before the list's query:
    the page is served again on the primary, no error shown."""
    from motcua.dossiers import selectors

    created = _intake(api("desk"))
    code = created.json()["code"]
    replica_conn = replica()
    killed: list[int] = []
    real = selectors.read_alias

    def choose_then_kill() -> str:
        alias = real()
        if alias == REPLICA and not killed:
            pid = replica_conn.connection.info.backend_pid
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    for _ in range(100):
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
                        )
                        if cursor.fetchone()[0] == 0:
                            break
                        time.sleep(0.02)
            finally:
                other.close()
            killed.append(pid)
        return alias

    monkeypatch.setattr(selectors, "read_alias", choose_then_kill)
    page = _signed_in("desk2").get("/desk/tra-cuu/", {"q": code})
    assert killed
    assert page.status_code == 200
    assert code in page.content.decode()
    assert replica_down_reason() is not None
