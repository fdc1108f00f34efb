"""Entering the 766 indicators the system cannot compute (ADR 0030): national-portal sync,
publication on time, feedback handling, the population database, e-certified copies.

Who may enter (decided here, one rule for every door):
- for the whole province (agency None): a province admin holding the role at the province's
  agency (kind `province`);
- for an agency: a province admin holding the role at it or above it, or an agency admin
  holding the role at it (`accounts.api.user_agency_ids`: only a province admin's or a
  supervisor's role covers the agencies below; issue 13).
Supervisors and the other officers see the entries but do not type them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_by_id, user_agency_ids, user_roles
from motcua.accounts.data import AgencyKind, Role
from motcua.core.audit import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.reports.data import INDEX766_ENTERED_CODES
from motcua.reports.index766 import FIRST_YEAR
from motcua.reports.models import IndicatorEntry

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

#: The roles that may enter indicators (see the module's docstring for where).
ENTRY_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN})
NOTE_MAX = 2000


def indicator_entry_allowed(*, user: User, agency: Agency | None) -> bool:
    """Whether the person may enter indicators for this agency (None: the province)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if agency is None:
        held = {a for role, a in user_roles(user=user) if role == Role.PROVINCE_ADMIN and a}
        return any(a.kind == AgencyKind.PROVINCE for a in agencies_by_id(ids=held).values())
    return agency.pk in user_agency_ids(user=user, roles=set(ENTRY_ROLES))


def indicator_entry_may_enter(*, user: User) -> bool:
    """Whether the person may enter indicators for some agency at all (menus, links)."""
    return bool({r for r, _a in user_roles(user=user)} & {r.value for r in ENTRY_ROLES})


def _clean(
    *, year: int, code: str, rate: Decimal | str | float, note: str, today: dt.date
) -> tuple[Decimal, str]:
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = [
            _("Enter a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year}
        ]
    if code not in INDEX766_ENTERED_CODES:
        errors["code"] = [_("Choose one of the indicators that are entered by hand.")]
    value = Decimal(0)
    try:
        value = Decimal(str(rate).strip().replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["rate"] = [_("Enter a number, for example 87.5.")]
    else:
        if not Decimal(0) <= value <= Decimal(100):
            errors["rate"] = [_("Enter a number from 0 to 100.")]
        elif value != value.quantize(Decimal("0.01")):
            errors["rate"] = [_("Use at most 2 decimal places.")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("Use at most %(count)s characters.") % {"count": NOTE_MAX}]
    if errors:
        raise ValidationFailed(_("Check the values you entered."), field_errors=errors)
    return value.quantize(Decimal("0.01")), note


@transaction.atomic
def indicator_entry_save(
    *,
    actor: User,
    year: int,
    agency: Agency | None,
    code: str,
    rate: Decimal | str | float,
    note: str = "",
) -> IndicatorEntry:
    """Enter (or correct) the rate of an indicator the system cannot compute, for a year and
    an agency (None: the whole province), as the source system reported it. The entry
    records who and when; the change is audited (`reports.indicator_entered`, with the
    previous rate). PermissionDenied for someone who may not enter it; ValidationFailed
    naming the field (year, code, rate, note) for a bad value. One transaction; the existing
    entry is locked while it is changed."""
    if not indicator_entry_allowed(user=actor, agency=agency):
        raise PermissionDenied(
            _("Only the province's admins, or the admins of this agency, may enter indicators."),
            code="forbidden",
        )
    now = timezone.now()
    value, note = _clean(year=year, code=code, rate=rate, note=note, today=timezone.localdate(now))
    qs = IndicatorEntry.objects.select_for_update().filter(year=year, code=code)
    qs = qs.filter(agency=agency) if agency is not None else qs.filter(agency__isnull=True)
    entry = qs.first()
    previous = str(entry.rate) if entry is not None else None
    if entry is None:
        entry = IndicatorEntry.objects.create(
            year=year,
            agency=agency,
            code=code,
            rate=value,
            note=note,
            entered_by=actor,
            entered_at=now,
        )
    else:
        entry.rate, entry.note, entry.entered_by, entry.entered_at = value, note, actor, now
        entry.save(update_fields=["rate", "note", "entered_by", "entered_at"])
    audit_record(
        actor=actor,
        action="reports.indicator_entered",
        obj=entry,
        data={
            "year": year,
            "agency": agency.code if agency is not None else None,
            "code": code,
            "rate": str(value),
            "previous_rate": previous,
        },
    )
    return entry


@transaction.atomic
def indicator_entry_delete(*, actor: User, year: int, agency: Agency | None, code: str) -> bool:
    """Remove an entered indicator (it shows as not entered again); audited
    (`reports.indicator_removed`). False when there was none. PermissionDenied as for
    `indicator_entry_save`."""
    if not indicator_entry_allowed(user=actor, agency=agency):
        raise PermissionDenied(
            _("Only the province's admins, or the admins of this agency, may enter indicators."),
            code="forbidden",
        )
    qs = IndicatorEntry.objects.select_for_update().filter(year=year, code=code)
    qs = qs.filter(agency=agency) if agency is not None else qs.filter(agency__isnull=True)
    entry = qs.first()
    if entry is None:
        return False
    audit_record(
        actor=actor,
        action="reports.indicator_removed",
        obj=entry,
        data={
            "year": year,
            "agency": agency.code if agency is not None else None,
            "code": code,
            "rate": str(entry.rate),
        },
    )
    entry.delete()
    return True
