"""The one writer of DossierEvent rows: one row per transition or handover."""

from __future__ import annotations

from typing import Any

from motcua.accounts.api import Agency, User
from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep


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
) -> DossierEvent:
    return DossierEvent.objects.create(
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
