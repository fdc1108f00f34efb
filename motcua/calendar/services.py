"""Writes to the working-day calendar. Every write is audited (motcua.core.audit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.calendar.data import CalendarDayKind, CalendarDaySource, CalendarSeedResult
from motcua.calendar.decisions import DECISIONS
from motcua.calendar.models import CalendarDay
from motcua.calendar.selectors import working_calendar_cache_clear
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed

MIN_SEED_YEAR = 2000
MAX_SEED_YEAR = 2100
_REASON_MAX = CalendarDay._meta.get_field("reason").max_length or 255
_REFERENCE_MAX = CalendarDay._meta.get_field("legal_reference").max_length or 255


@dataclass(frozen=True, slots=True)
class _Planned:
    kind: str
    reason: str
    legal_reference: str
    source: str


def _snapshot(row: CalendarDay) -> dict[str, Any]:
    return {
        "date": row.date.isoformat(),
        "kind": row.kind,
        "reason": row.reason,
        "legal_reference": row.legal_reference,
        "source": row.source,
    }


def _validate(*, date: Any, kind: str, reason: str, legal_reference: str, source: str) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = [_("Enter a valid date.")]
    if kind not in {k.value for k in CalendarDayKind}:
        errors["kind"] = [_("Choose a day off or a working day.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for this day.")]
    elif len(reason) > _REASON_MAX:
        errors["reason"] = [_("The reason is too long.")]
    if len(legal_reference) > _REFERENCE_MAX:
        errors["legal_reference"] = [_("The legal reference is too long.")]
    if source not in {s.value for s in CalendarDaySource}:
        errors["source"] = [_("Unknown source.")]
    if errors:
        raise ValidationFailed(_("The calendar day is not valid."), field_errors=errors)


def _upsert(
    *, date: dt.date, planned: _Planned, actor: Any | None, existing: CalendarDay | None
) -> tuple[CalendarDay, str]:
    """Create or update the row of `date`; returns (row, "created" | "updated" | "unchanged")."""
    if existing is None:
        row = CalendarDay.objects.create(
            date=date,
            kind=planned.kind,
            reason=planned.reason,
            legal_reference=planned.legal_reference,
            source=planned.source,
        )
        audit_record(actor=actor, action="calendar_day.create", obj=row, data=_snapshot(row))
        return row, "created"
    before = _snapshot(existing)
    existing.kind = planned.kind
    existing.reason = planned.reason
    existing.legal_reference = planned.legal_reference
    existing.source = planned.source
    after = _snapshot(existing)
    if after == before:
        return existing, "unchanged"
    existing.save(update_fields=["kind", "reason", "legal_reference", "source", "updated_at"])
    audit_record(
        actor=actor,
        action="calendar_day.update",
        obj=existing,
        data={"before": before, "after": after},
    )
    return existing, "updated"


def _delete(*, row: CalendarDay, actor: Any | None) -> None:
    audit_record(actor=actor, action="calendar_day.delete", obj=row, data=_snapshot(row))
    row.delete()


@transaction.atomic
def calendar_day_set(
    *,
    date: dt.date,
    kind: CalendarDayKind | str,
    reason: str,
    legal_reference: str = "",
    source: CalendarDaySource | str = CalendarDaySource.ADMIN,
    actor: Any | None = None,
) -> CalendarDay:
    """Make `date` a day off or a working day, overriding its weekday default.

    Creates or updates the one row of that date (an update may overwrite any source,
    including a seeded row; only `calendar_seed` protects admin rows). Audited when
    something changed. Raises ValidationFailed (with field errors) for bad input."""
    kind, source = str(kind), str(source)
    reason, legal_reference = reason.strip(), legal_reference.strip()
    _validate(date=date, kind=kind, reason=reason, legal_reference=legal_reference, source=source)
    existing = CalendarDay.objects.select_for_update().filter(date=date).first()
    row, _outcome = _upsert(
        date=date,
        planned=_Planned(kind, reason, legal_reference, source),
        actor=actor,
        existing=existing,
    )
    working_calendar_cache_clear()
    return row


@transaction.atomic
def calendar_day_remove(*, date: dt.date, actor: Any | None = None) -> bool:
    """Remove the override of `date` (it goes back to its weekday default).

    Returns False, and writes nothing, when there was no row. Audited."""
    row = CalendarDay.objects.select_for_update().filter(date=date).first()
    if row is None:
        return False
    _delete(row=row, actor=actor)
    working_calendar_cache_clear()
    return True


def _package_plan(year: int) -> dict[dt.date, _Planned]:
    """Statutory holidays of the `holidays` package for `year`, in Vietnamese, including its
    substituted days off and the make-up working Saturdays it knows about."""
    package = holidays.country_holidays("VN", years=year, language="vi")
    source = CalendarDaySource.HOLIDAYS_PACKAGE.value
    plan: dict[dt.date, _Planned] = {}
    for day, name in sorted(package.items()):
        if day.year == year:
            plan[day] = _Planned(CalendarDayKind.DAY_OFF.value, str(name)[:_REASON_MAX], "", source)
    substituted = {
        day: name for day, name in package.items() if "thay cho ngày" in str(name).casefold()
    }
    for workday in sorted(getattr(package, "weekend_workdays", set())):
        if workday.year != year:
            continue
        swapped = [day for day, name in substituted.items() if workday.strftime("%d/%m/%Y") in name]
        reason = "Ngày làm bù"
        if swapped:
            reason = f"Ngày làm bù (cho ngày {swapped[0]:%d/%m/%Y})"
        plan[workday] = _Planned(CalendarDayKind.WORKING_DAY.value, reason, "", source)
    return plan


def _decision_plan(year: int) -> dict[dt.date, _Planned]:
    source = CalendarDaySource.DECISION.value
    return {
        d.date: _Planned(d.kind.value, d.reason, d.legal_reference, source)
        for d in DECISIONS.get(year, ())
    }


def calendar_seed_plan(*, year: int) -> dict[dt.date, tuple[str, str, str, str]]:
    """What `calendar_seed` would write for `year`: date -> (kind, reason, legal_reference,
    source). The government's decisions win over the package where they differ."""
    plan = _package_plan(year)
    plan.update(_decision_plan(year))
    return {day: (p.kind, p.reason, p.legal_reference, p.source) for day, p in sorted(plan.items())}


@transaction.atomic
def calendar_seed(*, years: Iterable[int], actor: Any | None = None) -> CalendarSeedResult:
    """Load the holidays of `years`: the `holidays` package (pinned in requirements.txt)
    overlaid with the government's yearly civil-service decisions (`decisions.py`).

    Idempotent: a second run changes nothing. Rows whose source is "admin" are never
    touched. Seeded rows of those years that are no longer in the plan are removed. Each
    created, updated or removed row is audited."""
    wanted = sorted(set(years))
    bad = [y for y in wanted if not MIN_SEED_YEAR <= y <= MAX_SEED_YEAR]
    if bad or not wanted:
        raise ValidationFailed(
            _("Choose years between %(min)s and %(max)s.")
            % {"min": MIN_SEED_YEAR, "max": MAX_SEED_YEAR},
            field_errors={"years": [_("Not a supported year.")]},
        )
    created: list[dt.date] = []
    updated: list[dt.date] = []
    unchanged: list[dt.date] = []
    removed: list[dt.date] = []
    kept_admin: list[dt.date] = []
    seeded_sources = {CalendarDaySource.HOLIDAYS_PACKAGE.value, CalendarDaySource.DECISION.value}
    for year in wanted:
        plan = {day: _Planned(*values) for day, values in calendar_seed_plan(year=year).items()}
        existing = {
            row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)
        }
        for day, planned in plan.items():
            row = existing.get(day)
            if row is not None and row.source == CalendarDaySource.ADMIN.value:
                kept_admin.append(day)
                continue
            _row, outcome = _upsert(date=day, planned=planned, actor=actor, existing=row)
            {"created": created, "updated": updated, "unchanged": unchanged}[outcome].append(day)
        for day, row in sorted(existing.items()):
            if day not in plan and row.source in seeded_sources:
                _delete(row=row, actor=actor)
                removed.append(day)
    working_calendar_cache_clear()
    return CalendarSeedResult(
        years=tuple(wanted),
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        kept_admin=tuple(kept_admin),
    )
