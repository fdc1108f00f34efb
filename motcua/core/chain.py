"""Hash chains of the audit (ADR 0035): what makes a changed, deleted or inserted row visible.

Every chained row carries `prev_hash` (the hash of the row before it in its chain, `GENESIS`
for the first) and `hash` = SHA-256 of the chain's kind, the previous hash and the row's
content in one canonical form (`row_hash`): the same bytes from SQLite and PostgreSQL, the
day the row was written and any day after (instants in UTC ISO 8601 with microseconds, JSON
with sorted keys and no spaces, foreign keys as ids). The last hash of each chain is kept
apart (the chain's head), so a deleted last row shows too.

Two shapes of chain:

* **Per dossier** (`dossiers`): a dossier's events, the head on the dossier row, which the
  transition locks anyway (dossiers/services/transition.py).
* **Streams** (`chain_append`): rows of a `models.ChainedEntry` model (the forensic
  `AuditEntry`; a future event model of feedback the same way), each in a named stream with
  its own `ChainHead` row, locked `FOR UPDATE` by the writer: rows of different streams never
  wait for each other. The writer picks the stream (`core.audit`: the object's type and one
  of 16 shards of its id).

A new chained model: subclass `models.ChainedEntry`, name the hashed fields in
`CHAIN_FIELDS`, write every row with `chain_append(row, stream=…)` inside the transaction,
and register it for `manage.py verify_audit` with `chain_source_add(ChainSource.streams(Model))`
in the app's `ready()`. `manage.py audit_chain_backfill` chains the rows from before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

if TYPE_CHECKING:
    from motcua.core.models import ChainedEntry

#: The previous hash of a chain's first row.
GENESIS = "0" * 64
#: Bumped if the canonical form ever changes (it is part of every hash).
VERSION = "motcua-chain-1"
#: The stream `audit_chain_backfill` chains a model's rows from before the chain in (id order).
LEGACY_STREAM = "before-the-chain"


# ---- the canonical form -------------------------------------------------------------------------


def instant(value: dt.datetime | None) -> str | None:
    """An aware instant as UTC ISO 8601 with microseconds ("2026-03-02T02:00:00.000000+00:00")."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("A chained instant must be aware.")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _json_norm(value: Any) -> Any:
    """Lists for tuples; an integral float as an int (PostgreSQL's jsonb gives 1e16 back as
    10000000000000000, 1.0 as 1.0): the value as either database gives it back."""
    kind = type(value)
    if kind is dict:
        return {str(k): _json_norm(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_json_norm(v) for v in value]
    if kind is float and value.is_integer():
        return int(decimal.Decimal(repr(value)))  # the digits jsonb keeps, not the binary value
    return value


def json_value(value: Any, encoder: type[json.JSONEncoder] | None = None) -> Any:
    """The value as the JSON column gives it back (the field's encoder applied, tuples as
    lists, integral floats as ints), so the hash at writing equals the hash at reading."""
    if encoder is not None:
        value = json.loads(json.dumps(value, cls=encoder))
    return _json_norm(value)


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def _other(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


@functools.cache
def _plan(model: type[models.Model], fields: tuple[str, ...]) -> tuple[tuple[str, str, Any], ...]:
    """(name, attname, converter or None) of each field, worked out once per model."""
    out = []
    for name in fields:
        f = model._meta.get_field(name)
        assert isinstance(f, models.Field)
        convert: Any
        if isinstance(f, models.DateTimeField):
            convert = instant
        elif isinstance(f, models.JSONField):
            encoder = f.encoder
            convert = lambda v, e=encoder: json_value(v, e)  # noqa: E731
        elif isinstance(f, models.CharField | models.TextField | models.IntegerField) or (
            isinstance(f, models.ForeignKey) and isinstance(f.target_field, models.IntegerField)
        ):
            convert = None  # str, int or None as they are
        else:
            convert = _other
        out.append((name, f.attname, convert))
    return tuple(out)


def row_content(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """{field name: canonical value} of the named fields (a foreign key by its id)."""
    values = obj.__dict__
    out: dict[str, Any] = {}
    for name, attname, convert in _plan(type(obj), fields):
        value = values[attname]
        out[name] = value if convert is None or value is None else convert(value)
    return out


def row_hash(*, kind: str, prev: str, content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the chain's kind, the previous row's hash and this row's content."""
    digest = hashlib.sha256(f"{VERSION}\n{kind}\n{prev}\n".encode())
    digest.update(canonical(content))
    return digest.hexdigest()


def entry_content(entry: ChainedEntry) -> dict[str, Any]:
    content = row_content(entry, type(entry).CHAIN_FIELDS)
    content["stream"] = entry.stream
    content["seq"] = entry.seq
    return content


# ---- streams ------------------------------------------------------------------------------------


def _atomic_if_needed() -> Any:
    if transaction.get_connection().in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _head_locked(chain: str, stream: str) -> Any:
    from motcua.core.models import ChainHead

    rows = ChainHead.objects.select_for_update().filter(chain=chain, stream=stream)
    head = rows.first()
    if head is None:
        # The stream's first row: create its head (another writer may do it at the same time).
        ChainHead.objects.bulk_create(
            [ChainHead(chain=chain, stream=stream, seq=0, head=GENESIS)], ignore_conflicts=True
        )
        head = rows.get()
    return head


def chain_append(entry: ChainedEntry, *, stream: str) -> ChainedEntry:
    """Insert `entry` as the next row of `stream` (its head row locked until the end of the
    transaction; a transaction is opened when none is). Its fields must be final: the hash
    covers them. Three statements (five the first time a stream is used)."""
    if not stream:
        raise ValueError("A chained row needs a stream.")
    chain = entry._meta.label_lower
    with _atomic_if_needed():
        head = _head_locked(chain, stream)
        entry.stream = stream
        entry.seq = head.seq + 1
        entry.prev_hash = head.head
        entry.hash = row_hash(kind=chain, prev=head.head, content=entry_content(entry))
        entry.save(force_insert=True)
        head.seq, head.head = entry.seq, entry.hash
        head.save(update_fields=["seq", "head", "updated_at"])
    return entry


# ---- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """One place where a chain does not hold: the table and row, what is wrong, what the chain
    expected and what the row says."""

    table: str
    row_id: Any
    problem: str
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        text = f"{self.table} id={self.row_id}: {self.problem}"
        if self.expected or self.found:
            text += f" (expected {self.expected or '—'}, found {self.found or '—'})"
        return text


@dataclass
class Report:
    """What a verification saw: chains and rows checked, rows from before the chain (not
    chained yet: `audit_chain_backfill`), and the breaks in the order found."""

    chains: int = 0
    rows: int = 0
    unchained: dict[str, int] = field(default_factory=dict)
    breaks: list[Break] = field(default_factory=list)
    anchors: int = 0

    def broken(self, brk: Break) -> None:
        self.breaks.append(brk)

    def not_chained(self, table: str, count: int) -> None:
        if count:
            self.unchained[table] = self.unchained.get(table, 0) + count


@dataclass(frozen=True)
class VerifyOptions:
    since: dt.datetime | None = None  # only chains (or stream rows) written from then on
    dossier: str | None = None  # one dossier, by code or id


@dataclass(frozen=True)
class ChainSource:
    """A kind of chain `verify_audit` walks: `verify(report, options)` adds to the report;
    `day_hashes(start, end)` yields (table, id, hash) of the rows written in [start, end), in
    a stable order, for the daily anchor."""

    name: str
    verify: Callable[[Report, VerifyOptions], None]
    day_hashes: Callable[[dt.datetime, dt.datetime], Iterator[tuple[str, int, str]]]
    #: Chain the rows from before the chain, `batch` per transaction; returns how many.
    backfill: Callable[[int], int] | None = None

    @classmethod
    def streams(cls, model: type[ChainedEntry], name: str | None = None) -> ChainSource:
        """The source of a `ChainedEntry` model written with `chain_append`."""
        return cls(
            name=name or model._meta.label_lower,
            verify=lambda report, options: streams_verify(model, report, options),
            day_hashes=lambda start, end: _stream_day_hashes(model, start, end),
            backfill=lambda batch: streams_backfill(model, stream=LEGACY_STREAM, batch=batch),
        )


_SOURCES: dict[str, ChainSource] = {}


def chain_source_add(source: ChainSource) -> None:
    """Register a kind of chain for `verify_audit` and the daily anchor (in `ready()`)."""
    _SOURCES[source.name] = source


def chain_sources() -> dict[str, ChainSource]:
    return dict(_SOURCES)


def _manager(model: type[ChainedEntry]) -> Any:
    return model._default_manager


def _stream_day_hashes(
    model: type[ChainedEntry], start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[str, int, str]]:
    table = model._meta.db_table
    rows = (
        _manager(model)
        .filter(at__gte=start, at__lt=end)
        .exclude(stream="")
        .order_by("id")
        .values_list("id", "hash")
    )
    for pk, digest in rows.iterator(chunk_size=5000):
        yield table, pk, digest


def streams_verify(model: type[ChainedEntry], report: Report, options: VerifyOptions) -> None:
    """Walk every stream of `model` in order (rows by stream and seq, then the heads): each
    row's position follows the one before, its prev_hash is that row's hash, its hash is
    recomputed from its content; the last row is the head's. With `options.since`, a stream's
    rows before then are trusted and only the later ones checked (linked to the last before)."""
    from motcua.core.models import ChainHead

    chain = model._meta.label_lower
    table = model._meta.db_table
    report.not_chained(table, _manager(model).filter(stream="").count())
    heads = {h.stream: h for h in ChainHead.objects.filter(chain=chain)}
    rows = _manager(model).exclude(stream="")
    start: dict[str, tuple[int, str]] = {}
    if options.since is not None:
        recent = set(rows.filter(at__gte=options.since).values_list("stream", flat=True))
        heads = {s: h for s, h in heads.items() if s in recent or h.updated_at >= options.since}
        for stream in heads:
            before = (
                rows.filter(stream=stream, at__lt=options.since)
                .order_by("-seq")
                .values_list("seq", "hash")
                .first()
            )
            if before is not None:
                start[stream] = (before[0] or 0, before[1])
        rows = rows.filter(stream__in=list(heads))
    seen: set[str] = set()
    current: str | None = None
    seq, prev, broken = 0, GENESIS, False
    after_head: Any = None  # the id of the first row past its stream's head, if any

    def close(stream: str | None) -> None:
        if stream is None or broken:
            return
        head = heads.get(stream)
        if head is None:
            report.broken(Break(table, f"stream {stream}", "the stream has no head row"))
        elif (head.seq, head.head) != (seq, prev):
            if after_head is not None and seq > head.seq:
                report.broken(
                    Break(
                        table,
                        after_head,
                        f"a row after the head of stream {stream} (added behind the system's back)",
                        f"#{head.seq} {head.head}",
                        f"#{seq} {prev}",
                    )
                )
                return
            report.broken(
                Break(
                    "core_chainhead",
                    head.pk,
                    f"the head of stream {stream} is not its last row "
                    "(a row deleted or added at the end)",
                    f"#{head.seq} {head.head}",
                    f"#{seq} {prev}",
                )
            )

    ordered = rows.order_by("stream", "seq")
    for entry in ordered.iterator(chunk_size=2000):
        if entry.stream != current:
            close(current)
            current = entry.stream
            seen.add(current)
            report.chains += 1
            seq, prev = start.get(current, (0, GENESIS))
            broken = False
            after_head = None
        if broken:
            continue
        if current in start and (entry.seq or 0) <= start[current][0]:
            continue  # before --since: trusted
        report.rows += 1
        position = entry.seq or 0
        if position != seq + 1:
            report.broken(
                Break(
                    table,
                    entry.pk,
                    f"position {position} in stream {current} follows {seq}"
                    + (" (a row deleted before it)" if position > seq + 1 else ""),
                    str(seq + 1),
                    str(entry.seq),
                )
            )
            broken = True
            continue
        if entry.prev_hash != prev:
            report.broken(
                Break(
                    table,
                    entry.pk,
                    "previous hash is not the hash of the row before it",
                    prev,
                    entry.prev_hash,
                )
            )
            broken = True
            continue
        again = row_hash(kind=chain, prev=prev, content=entry_content(entry))
        if again != entry.hash:
            report.broken(
                Break(table, entry.pk, "content changed after it was written", again, entry.hash)
            )
            broken = True
            continue
        seq, prev = position, entry.hash
        known = heads.get(current)
        if known is not None and position == known.seq + 1:
            after_head = entry.pk
    close(current)
    for stream, head in heads.items():
        if stream not in seen and head.seq:
            report.broken(
                Break(
                    "core_chainhead",
                    head.pk,
                    f"stream {stream} has a head but no rows",
                    f"#{head.seq} {head.head}",
                    "#0",
                )
            )


def streams_backfill(model: type[ChainedEntry], *, stream: str, batch: int = 1000) -> int:
    """Chain `model`'s rows from before the chain (stream "") in id order, as one stream (the
    rows of that time keep their order). Returns how many; one transaction per batch."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                _manager(model)
                .filter(stream="")
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                return total
            for entry in _manager(model).filter(pk__in=ids).order_by("id"):
                # chain_append writes a new row; an old one is updated in place.
                head = _head_locked(model._meta.label_lower, stream)
                entry.stream, entry.seq, entry.prev_hash = stream, head.seq + 1, head.head
                entry.hash = row_hash(
                    kind=model._meta.label_lower, prev=head.head, content=entry_content(entry)
                )
                entry.save(update_fields=["stream", "seq", "prev_hash", "hash"])
                head.seq, head.head = entry.seq, entry.hash
                head.save(update_fields=["seq", "head", "updated_at"])
                total += 1
