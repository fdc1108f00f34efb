"""Row locks, always in the same order (dossier, then its steps)."""

from __future__ import annotations

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier


def dossier_for_update(*, dossier_id: int) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_agency", "deciding_agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound("No such dossier.", code="not_found")
    return dossier
