"""Concurrency on PostgreSQL (deselected on SQLite): gapless dossier codes under parallel
intake, and officers acting on one dossier at the same time.

Each worker thread has its own database connection (Django's connections are per thread) and
closes it at the end. The tests run in real transactions (`transaction=True`)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers.api import InvalidTransition, dossier_act, dossier_intake

from .conftest import ALL_DOCS, ORG, PASSWORD, PDF_B64, act, at, token_for

logger = logging.getLogger(__name__)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
INTAKES = 200


def _run_in_threads(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run each worker in its own thread (own DB connection, closed at the end). Returns the
    results, or the exceptions raised, in the workers' order."""
    results: list[Any] = [None] * len(workers)

    def run(i: int) -> None:
        try:
            results[i] = workers[i]()
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results


def _backends_waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        # The statistics views are a snapshot taken once per transaction: refresh it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _race(orm, dossier_id: int, workers: list[Callable[[], Any]]) -> list[Any]:
    """Start the workers together (a barrier inside each) while this thread holds the
    dossier's row lock; release it only once every worker is blocked on it. So the workers
    really contend, whatever the thread scheduling."""
    box: list[list[Any]] = []
    with transaction.atomic():
        list(orm.Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk"))
        runner = threading.Thread(target=lambda: box.append(_run_in_threads(workers)))
        runner.start()
        give_up = time.monotonic() + 30
        while _backends_waiting_for_locks() < len(workers):
            assert runner.is_alive(), f"the workers did not wait for the lock: {box}"
            assert time.monotonic() < give_up, "the workers never reached the lock"
            time.sleep(0.01)
    runner.join(timeout=120)
    assert box, "the workers did not finish"
    return box[0]


def test_parallel_intakes_get_gapless_codes(orm, world):
    """200 intakes at one desk on one day from 16 threads: codes 0001…0200, none twice."""
    desk = world["users"]["desk"]
    barrier = threading.Barrier(THREADS)
    shares = [INTAKES // THREADS + (1 if i < INTAKES % THREADS else 0) for i in range(THREADS)]
    assert sum(shares) == INTAKES and set(shares) == {12, 13}

    def worker(count: int) -> Callable[[], list[str]]:
        def run() -> list[str]:
            codes = []
            barrier.wait(timeout=30)
            for n in range(count):
                with clock.at(at(2026, 3, 2, 8, n)):
                    dossier = dossier_intake(
                        actor=desk,
                        procedure_code="2.000004",
                        channel="desk",
                        applicant=ORG,
                        decision="accept",
                        checklist=ALL_DOCS,
                    )
                codes.append(dossier.code)
            return codes

        return run

    started = time.perf_counter()
    results = _run_in_threads([worker(n) for n in shares])
    logger.info("%s intakes in %.2f s", INTAKES, time.perf_counter() - started)
    assert [r for r in results if isinstance(r, Exception)] == []
    codes = [c for r in results for c in r]
    assert len(codes) == len(set(codes)) == INTAKES
    assert sorted(codes) == [f"H11.01.01-260302-{i:04d}" for i in range(1, INTAKES + 1)]
    assert orm.Dossier.objects.filter(status="received").count() == INTAKES
    assert orm.DossierEvent.objects.filter(action="accept").count() == INTAKES


def test_two_desk_officers_return_the_same_result(orm, world, receive, django_user_model):
    """Through the service: both may return the result; exactly one does, the other gets
    InvalidTransition (409), and one return_result event is written."""
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "reject", at(2026, 3, 3, 9, 0), reason="Thể lệ trái quy định")
    barrier = threading.Barrier(2)

    def worker(user: Any) -> Callable[[], str]:
        def run() -> str:
            barrier.wait(timeout=30)
            with clock.at(at(2026, 3, 4, 9, 0)):
                dossier_act(
                    dossier_id=d.pk,
                    actor=user,
                    action="return_result",
                    payload={"method": "post"},
                )
            return user.username

        return run

    results = _race(orm, d.pk, [worker(u["desk"]), worker(u["desk2"])])
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], InvalidTransition)
    assert losers[0].status_code == 409
    d.refresh_from_db()
    assert (d.status, d.return_method) == ("returned", "post")
    events = orm.DossierEvent.objects.filter(dossier=d, action="return_result")
    assert [e.actor.username for e in events] == winners


def test_approve_and_withdraw_at_once_through_the_api(orm, world, receive):
    """The leader approves (with the signed PDF) while the desk withdraws the dossier: one
    request succeeds (200), the other gets 409, and the loser left nothing behind."""
    u = world["users"]
    tokens = {name: token_for(name) for name in ("ld", "desk")}
    outcomes: list[tuple[str, str]] = []
    started = time.perf_counter()
    for round_ in range(4):
        d = receive(at(2026, 3, 2, 9, round_))
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
        act(d, u["cv"], "take", at(2026, 3, 2, 10, 0))
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
        barrier = threading.Barrier(2)

        def request(
            username: str,
            action: str,
            body: dict[str, Any],
            code: str = d.code,
            barrier: threading.Barrier = barrier,
        ) -> Callable[[], Any]:
            def run() -> Any:
                client = Client()
                barrier.wait(timeout=30)
                with clock.at(at(2026, 3, 4, 9, 0)):
                    return client.post(
                        f"/api/v1/dossiers/{code}/actions/{action}",
                        json.dumps(body),
                        content_type="application/json",
                        headers={
                            "Authorization": f"Bearer {tokens[username]}",
                            "Accept-Language": "en",
                        },
                    )

            return run

        approve, withdraw = _race(
            orm,
            d.pk,
            [
                request("ld", "approve", {"result": {"name": "kq.pdf", "content_base64": PDF_B64}}),
                request("desk", "withdraw", {"reason": "Công dân xin rút hồ sơ"}),
            ],
        )
        assert not isinstance(approve, Exception) and not isinstance(withdraw, Exception)
        assert sorted([approve.status_code, withdraw.status_code]) == [200, 409]
        loser = approve if approve.status_code == 409 else withdraw
        assert loser.json()["code"] == "invalid_transition"
        d.refresh_from_db()
        actions = set(orm.DossierEvent.objects.filter(dossier=d).values_list("action", flat=True))
        results = d.documents.filter(kind="result").count()
        if approve.status_code == 200:
            outcomes.append(("approve", d.status))
            assert (d.status, d.outcome, results) == ("result_ready", "early", 1)
            assert "approve" in actions and "withdraw" not in actions
            assert list(d.steps.filter(status="active").values_list("kind", flat=True)) == [
                "return"
            ]
        else:
            outcomes.append(("withdraw", d.status))
            assert (d.status, d.outcome, d.result_approved, results) == ("withdrawn", "", None, 0)
            assert "withdraw" in actions and "approve" not in actions
            assert not d.steps.filter(status__in=["active", "waiting", "pending"]).exists()
    logger.info("4 races in %.2f s, winners: %s", time.perf_counter() - started, outcomes)


def test_two_specialists_take_the_same_step(orm, world, receive, agencies, django_user_model):
    """Two specialists take the queued review step at once: one gets it; the other is
    refused (the step is no longer in the queue) and the step keeps one assignee."""
    u = world["users"]
    cv2 = django_user_model.objects.create_user(username="cv2", password=PASSWORD)
    role_grant(user=cv2, role=Role.SPECIALIST, agency=agencies["trade"])
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    barrier = threading.Barrier(2)

    def worker(user: Any) -> Callable[[], str]:
        def run() -> str:
            barrier.wait(timeout=30)
            with clock.at(at(2026, 3, 2, 10, 30)):
                dossier_act(dossier_id=d.pk, actor=user, action="take", payload={})
            return user.username

        return run

    results = _race(orm, d.pk, [worker(u["cv"]), worker(cv2)])
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    # The loser is refused as a caller who may no longer take the step (403), not as a
    # conflict (409): the domain checks the queue after locking the row.
    assert isinstance(losers[0], ApplicationError) and losers[0].status_code in (403, 409)
    review = d.steps.get(position=2)
    assert review.assignee.username == winners[0]
    assert orm.DossierEvent.objects.filter(dossier=d, action="take").count() == 1
