"""Row locks, always in the same order (dossier, then its steps).

`dossier_lock` is also how the apps built on dossiers (payments, feedback) lock a dossier row
(through `dossiers.api`): only the dossier's own row, never the catalog or agency rows read
with it."""

from __future__ import annotations

from django.db.models import Case, CharField, OuterRef, Subquery, Value, When

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep


def dossier_lock(*, dossier_id: int | None = None, code: str | None = None) -> Dossier | None:
    """The dossier with this id (or this code), its row locked until the end of the
    transaction (`SELECT … FOR UPDATE OF` the dossier only), with its procedure version and
    its two agencies; None when there is none."""
    if (dossier_id is None) == (code is None):
        raise TypeError("dossier_lock() takes either dossier_id or code")
    rows = Dossier.objects.select_for_update(of=("self",)).select_related(
        "procedure_version", "receiving_agency", "deciding_agency"
    )
    return (
        rows.filter(pk=dossier_id) if dossier_id is not None else rows.filter(code=code)
    ).first()


def dossier_for_update(*, dossier_id: int) -> Dossier:
    """The dossier, locked (`dossier_lock`); NotFound when there is none. For a dossier whose
    chain head is its first event (ADR 0035, `dossiers.chain`), that event's hash is read in
    the same statement (`first_event_hash`; "" otherwise): the next event chains onto it."""
    first = DossierEvent.objects.filter(dossier_id=OuterRef("pk")).order_by("id").values("hash")
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_agency", "deciding_agency")
        .annotate(
            first_event_hash=Case(
                When(chain_head="", then=Subquery(first[:1])),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound("No such dossier.", code="not_found")
    return dossier


def steps_lock(dossier: Dossier) -> None:
    """Lock every step row of the (already locked) dossier, in id order."""
    list(DossierStep.objects.select_for_update().filter(dossier=dossier).values_list("id"))
