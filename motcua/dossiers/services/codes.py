"""Dossier codes: `<agency e-ID>-YYMMDD-<daily sequence, ≥ 4 digits>` (domain.md §2.2).

The sequence is per receiving agency and local day, without gaps: the counter row is locked
and incremented in the same transaction as the dossier, so a rolled-back intake gives its
number back."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from motcua.accounts.api import Agency
from motcua.dossiers.models import DossierCodeCounter


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """Must run inside the intake's transaction."""
    counter = DossierCodeCounter.objects.select_for_update().filter(agency=agency, day=day).first()
    if counter is None:
        try:
            with transaction.atomic():
                DossierCodeCounter.objects.create(agency=agency, day=day, last=0)
        except IntegrityError:
            pass  # another intake created it first
        counter = DossierCodeCounter.objects.select_for_update().get(agency=agency, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{agency.code}-{day:%y%m%d}-{counter.last:04d}"
