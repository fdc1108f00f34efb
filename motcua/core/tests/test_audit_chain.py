"""The audit trail's streams (ADR 0035): each AuditEntry chained in its stream, the head row
per stream; sign-ins and admin changes recorded by signals; verify_audit naming the first
broken row when one was changed, deleted or inserted with raw SQL; the daily anchor and its
RFC 3161 token. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from motcua.core import anchor
from motcua.core.audit import audit_record, audit_stream
from motcua.core.chain import GENESIS, ChainSource, Report, VerifyOptions, row_content, row_hash
from motcua.core.models import AuditEntry, ChainHead

pytestmark = pytest.mark.django_db


def verify(*args: str, chain: str = "audit") -> str:
    out = io.StringIO()
    call_command("verify_audit", "--chain", chain, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def broken(*args: str, chain: str = "audit") -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args, chain=chain)
    assert failure.value.returncode == 1
    return str(failure.value)


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="canbo", password="mật-khẩu-1")


@pytest.fixture
def trail(user: Any) -> list[AuditEntry]:
    """Five entries about one user (one stream), two about another object."""
    rows = [audit_record(actor=user, action=f"x.{i}", obj=user, data={"i": i}) for i in range(5)]
    rows += [
        audit_record(actor=None, action="y", object_type="t.thing", object_id=str(i))
        for i in range(2)
    ]
    return rows


def test_entries_are_chained_per_stream_in_order(trail, user):
    mine = [e for e in trail if e.object_type == user._meta.label_lower]
    assert {e.stream for e in mine} == {audit_stream("accounts.user", str(user.pk))}
    assert [e.seq for e in mine] == [1, 2, 3, 4, 5]
    assert mine[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(mine, mine[1:], strict=False))
    head = ChainHead.objects.get(chain="core.auditentry", stream=mine[0].stream)
    assert (head.seq, head.head) == (5, mine[-1].hash)
    assert "intact" in verify()


def test_the_hash_is_the_same_read_back(trail):
    """The canonical form of a row read back equals the one hashed when it was written."""
    for entry in trail:
        again = AuditEntry.objects.get(pk=entry.pk)
        content = row_content(again, AuditEntry.CHAIN_FIELDS)
        content.update(stream=again.stream, seq=again.seq)
        assert row_hash(kind="core.auditentry", prev=again.prev_hash, content=content) == again.hash


def test_json_values_hash_the_same_after_the_round_trip(user):
    """Tuples come back as lists, 1e16 from jsonb as an integer, text in any script."""
    data = {
        "big": 1e16,
        "huge": 1.5e300,
        "one": 1.0,
        "f": 0.1,
        "t": (1, "đ"),
        "nested": {"z": [None, True]},
    }
    audit_record(actor=user, action="x.json", obj=user, data=data)
    assert "intact" in verify()


def test_a_changed_entry_is_named(trail):
    target = trail[2]
    sql("UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', target.pk])
    message = broken()
    assert f"core_auditentry id={target.pk}" in message and "content changed" in message


def test_a_deleted_entry_is_named_by_the_one_after_it(trail):
    sql("DELETE FROM core_auditentry WHERE id = %s", [trail[1].pk])
    message = broken()
    assert f"core_auditentry id={trail[2].pk}" in message and "deleted before it" in message


def test_the_last_entry_deleted_is_seen_on_the_head(trail):
    sql("DELETE FROM core_auditentry WHERE id = %s", [trail[4].pk])
    message = broken()
    assert "core_chainhead" in message and "not its last row" in message


def test_an_entry_inserted_behind_the_back_is_named(trail):
    last = trail[4]
    forged = AuditEntry(
        at=last.at,
        actor_label="ai đó",
        action="x.forged",
        object_type=last.object_type,
        object_id=last.object_id,
        data={},
        stream=last.stream,
        seq=6,
    )
    content = row_content(forged, AuditEntry.CHAIN_FIELDS) | {"stream": last.stream, "seq": 6}
    forged_hash = row_hash(kind="core.auditentry", prev=last.hash, content=content)
    sql(
        "INSERT INTO core_auditentry (at, actor_label, action, object_type, object_id, data, "
        "stream, seq, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, '{}', %s, 6, %s, %s)",
        [
            last.at,
            "ai đó",
            "x.forged",
            last.object_type,
            last.object_id,
            last.stream,
            last.hash,
            forged_hash,
        ],
    )
    new_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    message = broken()
    assert f"core_auditentry id={new_id}" in message and "after the head" in message


def test_sign_ins_and_failures_are_recorded(user):
    client = Client()
    assert client.login(username="canbo", password="mật-khẩu-1")
    assert authenticate(username="canbo", password="sai") is None
    assert authenticate(username="không-có-ai", password="sai") is None
    rows = list(AuditEntry.objects.filter(action__startswith="signin.").order_by("id"))
    assert [(r.action, r.object_id) for r in rows] == [
        ("signin.succeeded", str(user.pk)),
        ("signin.failed", str(user.pk)),
        ("signin.failed", "không-có-ai"),
    ]
    assert rows[0].actor_id == user.pk and rows[1].actor_id is None
    assert "mật" not in str([r.data for r in rows])  # no password
    assert "intact" in verify()


def test_an_admin_change_is_recorded(user):
    entry = LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(type(user)),
        object_id=str(user.pk),
        object_repr="canbo",
        action_flag=CHANGE,
        change_message="[]",
    )
    row = AuditEntry.objects.get(action="admin.change")
    assert row.object_type == "accounts.user" and row.object_id == str(user.pk)
    assert row.data["log_entry"] == entry.pk and row.actor_id == user.pk


def test_entries_from_before_the_chain_are_counted_then_chained(trail):
    sql("UPDATE core_auditentry SET stream = '', seq = NULL, prev_hash = '', hash = ''", [])
    sql("DELETE FROM core_chainhead WHERE chain = 'core.auditentry'", [])
    out = verify()
    assert "intact" in out and "7 rows of core_auditentry" in out
    call_command("audit_chain_backfill", stdout=io.StringIO())
    assert "not chained yet" not in verify()
    assert set(AuditEntry.objects.values_list("stream", flat=True)) == {"before-the-chain"}


# ---- the daily anchor -------------------------------------------------------------------------


def _source_rows() -> list[tuple[str, int, str]]:
    return [("t", 1, "a" * 64), ("t", 2, "b" * 64)]


def test_a_day_is_anchored_once_over_and_a_later_change_is_seen(trail, settings, monkeypatch):
    settings.MOTCUA_AUDIT_TSA_URL = ""
    settings.USE_TSA = False
    day = trail[0].at.astimezone(anchor._zone()).date()
    ChainHead.objects.update_or_create(
        chain="core.chain",
        stream="start",
        defaults={"seq": 0, "head": GENESIS},
    )
    ChainHead.objects.filter(chain="core.chain").update(
        updated_at=trail[0].at - dt.timedelta(days=1)
    )
    assert anchor.anchors_make(now=trail[0].at) == []  # the day is not over
    made = anchor.anchors_make(now=anchor.day_bounds(day)[1] + dt.timedelta(hours=2))
    assert [a.day for a in made] == [day] and made[0].rows >= len(trail)
    assert made[0].prev_digest == GENESIS and made[0].token is None
    assert "1 daily anchors" in verify(chain="anchors")
    # Rewritten with every hash recomputed, the chain would hold: the anchor does not.
    sql("DELETE FROM core_auditentry WHERE id = %s", [trail[-1].pk])
    message = broken(chain="anchors")
    assert "core_auditanchor" in message and str(day) in message


def test_a_registered_source_is_walked(trail):
    seen: list[str] = []
    source = ChainSource(
        name="t", verify=lambda r, o: seen.append("v"), day_hashes=lambda s, e: iter(())
    )
    source.verify(Report(), VerifyOptions())
    assert seen == ["v"]
