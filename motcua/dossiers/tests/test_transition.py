"""The one transition function (services/transition.py, ADR 0025): its hook point, what it
saves, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import PermissionDenied
from motcua.dossiers.api import DossierStatus, transition_hook_add, transition_hook_remove
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services.transition import dossier_creation, dossier_transition
from motcua.dossiers.workflow import Action

from .conftest import act, at


@pytest.fixture
def seen():
    """Every (action, from, to, status saved, in a transaction) a hook is called with."""
    calls: list[tuple[str, str, str, str, bool]] = []

    def hook(dossier: Dossier, event: DossierEvent) -> None:
        saved = Dossier.objects.values_list("status", flat=True).get(pk=dossier.pk)
        in_tx = connection.in_atomic_block
        calls.append((event.action, event.from_status, event.to_status, saved, in_tx))

    transition_hook_add(hook)
    transition_hook_add(hook)  # once only
    yield calls
    transition_hook_remove(hook)


def test_the_hook_sees_every_transition_in_its_transaction(world, receive, seen):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(d, u["cv"], "take", at(2026, 3, 2, 11, 0))
    act(d, u["ld"], "cancel", at(2026, 3, 3, 9, 0), reason="Trùng hồ sơ")
    assert seen == [
        ("accept", "", "received", "received", True),
        ("forward", "received", "processing", "processing", True),
        ("take", "processing", "processing", "processing", True),
        ("cancel", "processing", "cancelled", "cancelled", True),
    ]
    assert DossierEvent.objects.filter(dossier=d).count() == 4


def test_a_refused_action_calls_no_hook_and_changes_nothing(world, receive, seen):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    with pytest.raises(PermissionDenied):
        act(d, u["cv_build"], "forward", at(2026, 3, 2, 10, 0))
    assert [call[0] for call in seen] == ["accept"]


def test_a_failing_hook_undoes_the_transition(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))

    def broken(dossier: Dossier, event: DossierEvent) -> None:
        raise RuntimeError("the outbox is full")

    transition_hook_add(broken)
    try:
        with pytest.raises(RuntimeError):
            act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    finally:
        transition_hook_remove(broken)
    d.refresh_from_db()
    assert d.status == DossierStatus.RECEIVED
    assert list(d.events.values_list("action", flat=True)) == ["accept"]
    assert d.steps.get(position=1).status == "active"


def _writes(ctx: Any, table: str) -> list[str]:
    return [
        q["sql"].split(" ", 1)[0]
        for q in ctx.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and f'"{table}"' in q["sql"].split("(")[0]
    ]


def test_the_dossier_row_is_written_once_and_only_when_it_changed(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    with CaptureQueriesContext(connection) as forward:
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    assert _writes(forward, "dossiers_dossier") == ["UPDATE"]
    assert _writes(forward, "dossiers_dossierevent") == ["INSERT"]
    with CaptureQueriesContext(connection) as take:
        act(d, u["cv"], "take", at(2026, 3, 2, 11, 0))
    # A handover: no column changed; only the audit chain's head is written (ADR 0035).
    assert _writes(take, "dossiers_dossier") == ["UPDATE"]
    (head,) = [
        q["sql"] for q in take.captured_queries if q["sql"].startswith('UPDATE "dossiers_dossier"')
    ]
    assert head.split(" WHERE ")[0].split(" SET ")[1].startswith('"chain_head" = ')
    assert "," not in head.split(" WHERE ")[0]  # that column only
    assert _writes(take, "dossiers_dossierevent") == ["INSERT"]
    with CaptureQueriesContext(connection) as again:
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    # processing → processing: the status is written as before (and updated_at with it).
    update = [q["sql"] for q in again.captured_queries if q["sql"].startswith("UPDATE")]
    assert any('"dossiers_dossier" SET' in q and '"status"' in q for q in update)


def test_a_transition_runs_in_the_callers_transaction(transactional_db, world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    opening = dossier_transition(dossier_id=d.pk, action=Action.FORWARD, actor=None)
    with pytest.raises(TransactionManagementError), opening:
        pass  # pragma: no cover
    creating = dossier_creation(
        dossier=Dossier(), status=DossierStatus.RECEIVED, action="accept", actor=None
    )
    with pytest.raises(TransactionManagementError), creating:
        pass  # pragma: no cover


def test_a_transition_writes_its_event(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    with (
        pytest.raises(RuntimeError, match="recorded no event"),
        transaction.atomic(),
        dossier_transition(dossier_id=d.pk, action=Action.FORWARD, actor=u["desk"]) as t,
    ):
        t.move_to(DossierStatus.PROCESSING)
    d.refresh_from_db()
    assert d.status == DossierStatus.RECEIVED


def test_a_dossier_is_created_only_in_an_initial_status(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    copy = Dossier.objects.get(pk=d.pk)
    copy.pk, copy.code = None, None
    with (
        pytest.raises(ValueError),
        transaction.atomic(),
        dossier_creation(
            dossier=copy, status=DossierStatus.PROCESSING, action="accept", actor=None
        ),
    ):
        pass  # pragma: no cover
    assert Dossier.objects.count() == 1
