"""Each dossier's events as one hash chain (ADR 0035; the canonical form in `core.chain`).

An event carries `prev_hash` (the dossier's previous event's hash, `GENESIS` for its first)
and `hash`; the dossier row keeps the last one in `chain_head`. The transition that writes
an event holds the dossier's row lock anyway and saves the row, so the chain costs no lock
and no statement of its own — with two exceptions, both off the intake path: a handover
(which changed no column before) now writes the head, and a dossier's creation leaves the
head "" (its one event is the head; the intake writes no UPDATE for it): the next transition
reads that event's hash in the statement that locks the row (`locks.dossier_for_update`).

A dossier from before the chain has head "-": its events are chained in id order by
`manage.py audit_chain_backfill`, or by its next transition (`head_for_next`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.db import transaction

from motcua.core.chain import GENESIS, Break, Report, VerifyOptions, row_content, row_hash
from motcua.dossiers.models import Dossier, DossierEvent

logger = logging.getLogger(__name__)

KIND = "dossiers.dossierevent"
#: `chain_head` of a dossier whose only event is its creation's.
HEAD_FIRST = ""
#: `chain_head` of a dossier from before the chain, not chained yet.
HEAD_LEGACY = "-"
#: Chained onto when a dossier's head says "first event" and there is none: never a real
#: hash, so verify_audit reports the dossier (a transition on a broken chain is not refused).
MISSING = "f" * 64


def event_hash(event: DossierEvent, prev: str) -> str:
    return row_hash(kind=KIND, prev=prev, content=row_content(event, DossierEvent.CHAIN_FIELDS))


def event_chain(event: DossierEvent, prev: str) -> None:
    """Set the (unsaved) event's prev_hash and hash."""
    event.prev_hash = prev
    event.hash = event_hash(event, prev)


def head_for_next(dossier: Dossier) -> str:
    """The hash the dossier's next event chains onto (the dossier row locked): its head; for
    a new dossier's second event, its first event's hash (read with the lock, in
    `first_event_hash`); for a dossier from before the chain, its events chained now."""
    head = dossier.chain_head
    if head == HEAD_LEGACY:
        return dossier_chain_backfill_locked(dossier)
    if head == HEAD_FIRST:
        first = getattr(dossier, "first_event_hash", None)
        if not first:
            logger.error("Dossier %s: its head names its first event, which is gone.", dossier.pk)
            return MISSING
        return str(first)
    return head


def dossier_chain_backfill_locked(dossier: Dossier) -> str:
    """Chain the events of a dossier from before the chain (its row locked), in id order;
    set and save its head. Returns the head."""
    prev = GENESIS
    events = list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("id"))
    for event in events:
        event_chain(event, prev)
        prev = event.hash
    if events:
        DossierEvent.objects.bulk_update(events, ["prev_hash", "hash"], batch_size=500)
    dossier.chain_head = prev
    Dossier.objects.filter(pk=dossier.pk).update(chain_head=prev)
    return prev


def dossiers_backfill(*, batch: int = 500) -> int:
    """Chain every dossier from before the chain (head "-"), a batch of dossiers per
    transaction, each locked. Returns how many dossiers."""
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Dossier.objects.select_for_update(of=("self",))
                .filter(chain_head=HEAD_LEGACY)
                .order_by("id")
                .only("id", "chain_head")[:batch]
            )
            if not rows:
                return total
            for dossier in rows:
                dossier_chain_backfill_locked(dossier)
            total += len(rows)


# ---- verification -------------------------------------------------------------------------------

_EVENTS = DossierEvent._meta.db_table
_DOSSIERS = Dossier._meta.db_table


def _check_one(report: Report, dossier_id: int, head: str, events: list[DossierEvent]) -> None:
    report.chains += 1
    if head == HEAD_LEGACY:
        chained = [e for e in events if e.hash]
        if not chained:
            report.not_chained(_EVENTS, len(events))
            return
        report.broken(
            Break(
                _EVENTS,
                chained[0].pk,
                "a chained event in a dossier whose events are not chained",
                "",
                chained[0].hash,
            )
        )
        return
    prev = GENESIS
    for event in events:
        report.rows += 1
        if not event.hash:
            report.broken(Break(_EVENTS, event.pk, "an event that is not chained", "hash", ""))
            return
        if event.prev_hash != prev:
            report.broken(
                Break(
                    _EVENTS,
                    event.pk,
                    f"dossier {dossier_id}: previous hash is not the hash of the event before "
                    "it (an event deleted or added before it)",
                    prev,
                    event.prev_hash,
                )
            )
            return
        again = event_hash(event, prev)
        if again != event.hash:
            report.broken(
                Break(
                    _EVENTS,
                    event.pk,
                    f"dossier {dossier_id}: content changed after it was written",
                    again,
                    event.hash,
                )
            )
            return
        prev = event.hash
    if head == HEAD_FIRST:
        if len(events) != 1:
            report.broken(
                Break(
                    _DOSSIERS,
                    dossier_id,
                    "a dossier whose head names its first event has "
                    f"{len(events)} events (one deleted or added)",
                    "1 event",
                    f"{len(events)} events",
                )
            )
    elif head != prev:
        hashes = [e.hash for e in events]
        if head in hashes[:-1]:
            added = events[hashes.index(head) + 1]
            report.broken(
                Break(
                    _EVENTS,
                    added.pk,
                    f"dossier {dossier_id}: an event after the chain head (added behind the "
                    "system's back)",
                    head,
                    added.prev_hash,
                )
            )
            return
        report.broken(
            Break(
                _DOSSIERS,
                dossier_id,
                "the chain head is not the hash of the last event (one deleted or added at the "
                "end)",
                head,
                prev if events else "no events",
            )
        )


def dossiers_verify(report: Report, options: VerifyOptions) -> None:
    """Walk the chains: dossiers in id order, a batch at a time, each with its events in id
    order (the index on dossier_id). With `options.since`, the dossiers with an event from
    then on; with `options.dossier`, that one (code or id)."""
    dossiers = Dossier.objects.order_by("id")
    if options.dossier:
        ref = options.dossier
        dossiers = dossiers.filter(pk=int(ref)) if ref.isdigit() else dossiers.filter(code=ref)
    if options.since is not None:
        dossiers = dossiers.filter(
            pk__in=DossierEvent.objects.filter(at__gte=options.since).values("dossier_id")
        )
    last = 0
    while True:
        batch = list(dossiers.filter(pk__gt=last).values_list("id", "chain_head")[:1000])
        if not batch:
            return
        last = batch[-1][0]
        by_dossier: dict[int, list[DossierEvent]] = {pk: [] for pk, _ in batch}
        for event in DossierEvent.objects.filter(dossier_id__in=list(by_dossier)).order_by(
            "dossier_id", "id"
        ):
            by_dossier[event.dossier_id].append(event)
        for pk, head in batch:
            _check_one(report, pk, head, by_dossier[pk])


def dossier_day_hashes(start: dt.datetime, end: dt.datetime) -> Iterator[tuple[str, int, str]]:
    rows = (
        DossierEvent.objects.filter(at__gte=start, at__lt=end)
        .exclude(hash="")
        .order_by("id")
        .values_list("id", "hash")
    )
    for pk, digest in rows.iterator(chunk_size=5000):
        yield _EVENTS, pk, digest
