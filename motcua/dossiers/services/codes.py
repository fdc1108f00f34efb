"""Dossier codes: `<agency e-ID>-YYMMDD-<daily sequence, ≥ 4 digits>` (domain.md §2.2).

The sequence is per receiving agency and local day, without gaps: the counter row is
incremented by one upsert in the same transaction as the dossier (the row stays locked until
commit), so concurrent intakes queue on it and a rolled-back intake gives its number back.

On the intake path the desk check and the number are one statement (ADR 0015): the upsert
takes its agency from a SELECT that returns the desk only if the officer holds the desk
officer role there, read in that statement (roles are never cached)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection

from motcua.accounts.api import agency_from_row, desk_agencies_sql
from motcua.accounts.data import Role
from motcua.core import fastinsert
from motcua.dossiers.models import DossierCodeCounter

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

_TABLE = DossierCodeCounter._meta.db_table
# The table name is our own model's, not input.
_UPSERT = (
    f"INSERT INTO {_TABLE} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
    f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def _desk_upsert(by_code: bool) -> str:
    """The desk (the agency with this code, or else the user's only desk) where the user holds
    the desk officer role — accounts' own SQL for it —, and the counter of that desk's day
    incremented: nothing taken when there is no such desk, or several. PostgreSQL only:
    SQLite has no INSERT inside WITH."""
    return (
        f"WITH desk AS ({desk_agencies_sql(by_code=by_code)}), "  # noqa: S608
        f"taken AS (INSERT INTO {_TABLE} (agency_id, day, last) "
        "SELECT desk.id, %s, 1 FROM desk WHERE (SELECT count(*) FROM desk) = 1 "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last) "
        "SELECT desk.*, taken.last FROM desk CROSS JOIN taken"
    )


_DESK_UPSERT = {True: _desk_upsert(by_code=True), False: _desk_upsert(by_code=False)}


def _code(agency: Agency, day: dt.date, last: int) -> str:
    # Not f"{day:%y%m%d}": strftime was a tenth of the code's Python time on the intake path.
    return f"{agency.code}-{day.year % 100:02d}{day.month:02d}{day.day:02d}-{int(last):04d}"


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """Must run inside the intake's transaction."""
    ((last,),) = fastinsert.execute(_UPSERT, [agency.pk, day])
    return _code(agency, day, last)


def dossier_code_next_at_desk(
    *, user: User, agency_code: str | None, day: dt.date
) -> tuple[Agency, str] | None:
    """The desk and the next dossier code of its day, in one statement, if `user` is a desk
    officer there: the agency with `agency_code`, or without a code the user's only desk.
    The role is read in the same statement as the counter is incremented (never cached: a
    revoked role counts at once). None, and no number taken, for anything else (not a desk
    officer there, unknown agency, several desks and no code) — and on databases other than
    PostgreSQL, where the caller checks the desk and takes the number in two statements.
    Must run inside the intake's transaction."""
    if connection.vendor != "postgresql":
        return None
    role = Role.DESK_OFFICER.value
    if agency_code:
        rows = fastinsert.execute(_DESK_UPSERT[True], [agency_code, user.pk, role, day])
    else:
        rows = fastinsert.execute(_DESK_UPSERT[False], [user.pk, role, day])
    if not rows:
        return None
    (*values, last) = rows[0]
    desk = agency_from_row(values=values)
    return desk, _code(desk, day, last)
