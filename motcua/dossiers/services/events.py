"""The one writer of DossierEvent rows: one row per transition or handover, written when a
transition closes (`services/transition.py` is its only caller; tests/test_status_writes.py).

Each row is chained to the dossier's previous event (ADR 0035, `dossiers.chain`): the
transition passes the hash it chains onto and saves the new head on the dossier row, in
`before_insert`, before the event's INSERT. Each new row is announced with the
`dossier_event_recorded` signal (dossiers/signals.py); the transition hooks run right after
it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from motcua.core import clock, fastinsert
from motcua.dossiers.chain import event_chain
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.signals import dossier_event_recorded

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User


def dossier_event_record(
    *,
    dossier: Dossier,
    actor: User | None,
    action: str,
    from_status: str,
    step: DossierStep | None = None,
    from_agency: Agency | None = None,
    to_agency: Agency | None = None,
    to_user: User | None = None,
    deadline_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    prev_hash: str,
    before_insert: Callable[[DossierEvent], None] | None = None,
) -> DossierEvent:
    event = fastinsert.new(
        DossierEvent,
        dossier=dossier,
        at=clock.now(),
        actor=actor,
        actor_name=(actor.full_name or actor.username) if actor is not None else "",
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step=step,
        from_agency=from_agency,
        to_agency=to_agency,
        to_user=to_user,
        deadline_status=deadline_status,
        note=note,
        data=data or {},
    )
    event_chain(event, prev_hash)
    if before_insert is not None:
        before_insert(event)
    fastinsert.insert([event])
    # Apps built on dossiers (notifications) react here, in this transaction (ADR 0012).
    dossier_event_recorded.send(sender=DossierEvent, event=event)
    return event
