"""Dossier codes: `<agency e-ID>-YYMMDD-<daily sequence, ≥ 4 digits>` (domain.md §2.2).

The sequence is per receiving agency and local day, without gaps: the counter row is
incremented by one upsert in the same transaction as the dossier (the row stays locked until
commit), so concurrent intakes queue on it and a rolled-back intake gives its number back."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from motcua.accounts.api import Agency
from motcua.dossiers.models import DossierCodeCounter

_TABLE = DossierCodeCounter._meta.db_table
# The table name is our own model's, not input.
_UPSERT = (
    f"INSERT INTO {_TABLE} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
    f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """Must run inside the intake's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [agency.pk, day])
        (last,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{int(last):04d}"
