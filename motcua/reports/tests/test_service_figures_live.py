"""The rebuild beside live traffic, on PostgreSQL (deselected on SQLite): transitions, a
payment and a rating committed by other connections while `facts_rebuild` reads its snapshot,
and between its snapshot and its correction, are all in the table afterwards, and the table
then equals a rebuild from scratch (ADR 0029). Real transactions (`transaction=True`); each
worker thread has its own connection and closes it."""

# ruff: noqa: F811 - pytest fixtures imported from the dossiers tests and taken as arguments
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import pdf_bytes
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import act, at
from motcua.reports import services
from motcua.reports.api import facts_rebuild, resolution_report
from motcua.reports.models import DailyFlow

from .test_hand_built import flow_rows
from .test_service_figures import FEE, fee_procedure, intake, pay, rate  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDF = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))


def _in_thread(fn: Callable[[], Any]) -> Any:
    """Run `fn` in another thread (its own connection, its own transactions, committed),
    wait for it, close its connection; its result, or raise its exception here."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - raised below
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the worker hung"
    if "error" in box:
        raise box["error"]
    return box.get("result")


def test_the_rebuild_keeps_what_commits_while_it_runs(postgres_only, world, intake, monkeypatch):
    u = world["users"]
    a = intake(at(2026, 3, 2, 9, 0))
    b = intake(at(2026, 3, 2, 9, 30))
    intake(at(2026, 3, 2, 10, 0), channel="postal")
    DailyFlow.objects.filter(day=at(2026, 3, 2).date()).update(fee_due=0)  # damaged: 3 → 0
    happened: list[str] = []

    def during_the_read() -> None:
        # A new dossier, a payment and a result, committed after the snapshot was taken.
        intake(at(2026, 3, 3, 9, 0))
        pay(a, at(2026, 3, 3, 10, 0))
        act(b, u["desk"], "forward", at(2026, 3, 3, 10, 0))
        act(b, u["cv"], "take", at(2026, 3, 3, 10, 0))
        act(b, u["cv"], "forward", at(2026, 3, 3, 11, 0), to_user=u["ld"].pk)
        act(b, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
        happened.append("read")

    def before_the_correction() -> None:
        intake(at(2026, 3, 4, 9, 0), channel="postal")
        rate(b, at(2026, 3, 5, 9, 0), access=5, procedure=5, staff=5, result=5)
        happened.append("correction")

    histories = services.dossier_histories
    calls = {"n": 0}

    def histories_then_traffic(**kw: Any) -> Any:
        found = histories(**kw)  # the snapshot is taken by now
        calls["n"] += 1
        if calls["n"] == 1:
            _in_thread(during_the_read)
        return found

    apply = services._correction_apply

    def traffic_then_apply(correction: Any) -> None:
        _in_thread(before_the_correction)
        apply(correction)

    monkeypatch.setattr(services, "dossier_histories", histories_then_traffic)
    monkeypatch.setattr(services, "_correction_apply", traffic_then_apply)
    facts_rebuild(chunk=2)
    monkeypatch.undo()
    assert happened == ["read", "correction"]

    march = resolution_report(date_from=at(2026, 3, 1).date(), date_to=at(2026, 3, 31).date())
    total = march.total
    # 5 received (3 before, one during the read, one before the correction), all with a fee;
    # the damage repaired; A paid, B resolved, B rated: nothing lost.
    assert (total.received_total, total.fee_due) == (5, 5)
    assert (total.paid, total.paid_online, total.resolved_total) == (1, 1, 1)
    assert (total.rated, total.rated_satisfied) == (1, 1)
    kept = flow_rows()
    DailyFlow.objects.all().delete()
    facts_rebuild()
    assert flow_rows() == kept


def test_a_transition_waits_for_nothing_while_the_rebuild_reads(
    postgres_only, world, intake, monkeypatch
):
    """REPEATABLE READ: the rebuild's long read holds no lock a transition needs; the
    transition commits while the read is still open (it would hang otherwise)."""
    intake(at(2026, 3, 2, 9, 0))
    done: list[int] = []

    def histories_with_an_intake(**kw: Any) -> Any:
        found = services_histories(**kw)
        if not done:
            done.append(_in_thread(lambda: intake(at(2026, 3, 2, 11, 0)).pk))
        return found

    services_histories = services.dossier_histories
    monkeypatch.setattr(services, "dossier_histories", histories_with_an_intake)
    facts_rebuild(chunk=1)
    monkeypatch.undo()
    assert done
    total = resolution_report(date_from=at(2026, 3, 2).date(), date_to=at(2026, 3, 2).date()).total
    assert total.received_total == 2
