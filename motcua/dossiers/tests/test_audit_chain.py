"""Each dossier's events are one hash chain (ADR 0035): `manage.py verify_audit` exits 0 on
an intact database and non-zero naming the first broken row when an event was changed,
deleted or inserted with raw SQL. Runs on SQLite and PostgreSQL (the canonical form of a row
must give the same hash from both)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from motcua.core.chain import GENESIS
from motcua.dossiers.chain import HEAD_FIRST, HEAD_LEGACY, event_hash
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import act, at


def verify(*args: str) -> str:
    """verify_audit's output; CommandError (exit status 1) when a chain is broken."""
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    assert failure.value.returncode == 1
    return str(failure.value)


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def events(dossier: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("id"))


@pytest.fixture
def lived(world: dict[str, Any], receive: Any) -> Dossier:
    """A dossier received, forwarded, taken (a handover) and forwarded to the leader."""
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(d, u["cv"], "take", at(2026, 3, 2, 11, 0))
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    return Dossier.objects.get(pk=d.pk)


def test_every_transition_chains_its_event_and_the_head_is_on_the_dossier(lived):
    rows = events(lived)
    assert len(rows) == 4
    prev = GENESIS
    for e in rows:
        assert e.prev_hash == prev and e.hash == event_hash(e, prev) and len(e.hash) == 64
        prev = e.hash
    assert lived.chain_head == prev
    assert "intact" in verify()
    assert "intact" in verify("--dossier", lived.code)


def test_a_new_dossier_keeps_its_first_event_as_head_without_an_update(world, receive):
    d = Dossier.objects.get(pk=receive(at(2026, 3, 2, 9, 0)).pk)
    assert d.chain_head == HEAD_FIRST
    (first,) = events(d)
    assert first.prev_hash == GENESIS
    assert "intact" in verify()
    act(d, world["users"]["desk"], "forward", at(2026, 3, 2, 10, 0))
    second = events(d)[-1]
    assert second.prev_hash == first.hash  # read with the row lock
    assert Dossier.objects.get(pk=d.pk).chain_head == second.hash


def test_a_note_changed_with_raw_sql_is_named(lived):
    target = events(lived)[1]
    sql("UPDATE dossiers_dossierevent SET note = %s WHERE id = %s", ["sửa lén", target.pk])
    message = broken()
    assert f"dossiers_dossierevent id={target.pk}" in message
    assert "content changed" in message
    assert target.hash in message  # expected vs found


def test_a_deleted_event_is_named_by_the_one_after_it(lived):
    rows = events(lived)
    sql("DELETE FROM dossiers_dossierevent WHERE id = %s", [rows[1].pk])
    message = broken()
    assert f"dossiers_dossierevent id={rows[2].pk}" in message
    assert "previous hash" in message


def test_the_last_event_deleted_is_seen_on_the_head(lived):
    rows = events(lived)
    sql("DELETE FROM dossiers_dossierevent WHERE id = %s", [rows[-1].pk])
    message = broken("--chain", "dossiers")
    assert f"dossiers_dossier id={lived.pk}" in message and "chain head" in message


def test_an_event_inserted_behind_the_back_is_named(lived):
    """Even with a correct hash chained onto the last event: the head names the last one."""
    last = events(lived)[-1]
    forged = DossierEvent(
        dossier_id=lived.pk,
        at=last.at,
        actor_name="ai đó",
        action="approve",
        from_status=last.to_status,
        to_status="processed",
        note="thêm lén",
        data={},
    )
    forged.prev_hash = last.hash
    forged.hash = event_hash(forged, last.hash)
    sql(
        "INSERT INTO dossiers_dossierevent (dossier_id, at, actor_name, action, from_status, "
        "to_status, deadline_status, note, data, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, '', %s, '{}', %s, %s)",
        [
            lived.pk,
            last.at,
            forged.actor_name,
            forged.action,
            forged.from_status,
            forged.to_status,
            forged.note,
            forged.prev_hash,
            forged.hash,
        ],
    )
    new_id = events(lived)[-1].pk
    message = broken()
    assert f"dossiers_dossierevent id={new_id}" in message and "after the chain head" in message


def test_an_unchained_event_inserted_is_named(lived):
    sql(
        "INSERT INTO dossiers_dossierevent (dossier_id, at, actor_name, action, from_status, "
        "to_status, deadline_status, note, data, prev_hash, hash) "
        "SELECT dossier_id, at, actor_name, action, from_status, to_status, deadline_status, "
        "note, data, '', '' FROM dossiers_dossierevent WHERE id = %s",
        [events(lived)[0].pk],
    )
    new_id = events(lived)[-1].pk
    message = broken()
    assert f"dossiers_dossierevent id={new_id}" in message and "not chained" in message


def test_a_second_event_added_to_a_new_dossier_is_seen(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    first = events(d)[0]
    sql(
        "INSERT INTO dossiers_dossierevent (dossier_id, at, actor_name, action, from_status, "
        "to_status, deadline_status, note, data, prev_hash, hash) "
        "SELECT dossier_id, at, actor_name, action, from_status, to_status, deadline_status, "
        "note, data, hash, hash FROM dossiers_dossierevent WHERE id = %s",
        [first.pk],
    )
    message = broken()
    assert f"id={events(d)[-1].pk}" in message  # its hash is not its content's


def test_dossiers_from_before_the_chain_are_counted_apart_then_chained(world, receive):
    u = world["users"]
    old = receive(at(2026, 3, 2, 9, 0))
    act(old, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    other = receive(at(2026, 3, 2, 9, 5))
    # As the migration leaves them: head "-", events without hashes.
    sql("UPDATE dossiers_dossier SET chain_head = %s", [HEAD_LEGACY])
    sql("UPDATE dossiers_dossierevent SET prev_hash = '', hash = ''", [])
    out = verify()
    assert "intact" in out and "not chained yet" in out and "3 rows of dossiers_dossierevent" in out
    # The next transition chains the old events first, in the same transaction.
    act(old, u["cv"], "take", at(2026, 3, 2, 11, 0))
    rows = events(old)
    assert all(e.hash for e in rows) and rows[1].prev_hash == rows[0].hash
    assert Dossier.objects.get(pk=old.pk).chain_head == rows[-1].hash
    out = io.StringIO()
    call_command("audit_chain_backfill", stdout=out)
    assert "dossiers: 1 chained" in out.getvalue()
    assert Dossier.objects.get(pk=other.pk).chain_head == events(other)[-1].hash
    out_after = verify()
    assert "intact" in out_after and "not chained yet" not in out_after
    sql("UPDATE dossiers_dossierevent SET note = 'x' WHERE id = %s", [events(other)[0].pk])
    assert f"id={events(other)[0].pk}" in broken()


def test_since_checks_only_the_dossiers_written_from_then(world, receive):
    early = receive(at(2026, 3, 2, 9, 0))
    late = receive(at(2026, 3, 5, 9, 0))
    sql("UPDATE dossiers_dossierevent SET note = 'x' WHERE dossier_id = %s", [early.pk])
    assert "1 chains" in verify("--chain", "dossiers", "--since", "2026-03-04")
    assert f"id={events(early)[0].pk}" in broken("--chain", "dossiers", "--since", "2026-03-01")
    assert late.pk


def test_a_rolled_back_transition_leaves_the_head_as_it_was(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))

    def forward_then_fail() -> None:
        with transaction.atomic():
            act(d, world["users"]["desk"], "forward", at(2026, 3, 2, 10, 0))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        forward_then_fail()
    assert Dossier.objects.get(pk=d.pk).chain_head == HEAD_FIRST
    assert len(events(d)) == 1
    assert "intact" in verify()
