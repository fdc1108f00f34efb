"""The method (domain.md §6), pure: no database. Facts and a rate in, the compliance cost out,
every component with its formula; a change applied to the facts gives the cost after.

    CP_per_dossier = Σ (hours × income per hour) + fees + out-of-pocket costs
    CP_year        = CP_per_dossier × dossiers a year
    saving         = CP_year before − CP_year after;  per cent = saving / before × 100

Hours: each document (obtaining and preparing it), each visit and its travel, and the
processing time (working days × hours a day). Money in whole đồng: each component is rounded
half up, the per-dossier cost is the sum of the rounded components."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.simplification.data import (
    Change,
    ComplianceCost,
    ComponentKind,
    CostComponent,
    CostFacts,
    Rate,
    VolumeSource,
    money,
)


def fmt_vnd(value: int) -> str:
    """32.000.000 (in Vietnamese); grouped in the active language."""
    return str(number_format(value, decimal_pos=0, force_grouping=True))


def fmt_hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    places = len(text.split(".")[1]) if "." in text else 0
    return str(number_format(value, decimal_pos=places, force_grouping=True))


def facts_check(facts: CostFacts, *, prefix: str = "") -> None:
    """ValidationFailed naming each field that is negative (hours, visits, money)."""
    errors: dict[str, list[str]] = {}
    negative = _("Must not be negative.")
    for doc in facts.documents:
        if doc.hours < 0:
            errors[f"{prefix}documents[{doc.position}].hours"] = [negative]
        if doc.out_of_pocket_vnd < 0:
            errors[f"{prefix}documents[{doc.position}].out_of_pocket_vnd"] = [negative]
    for name in (
        "processing_working_days",
        "visits",
        "hours_per_visit",
        "travel_hours_per_visit",
        "fees_vnd",
        "out_of_pocket_vnd",
    ):
        if getattr(facts, name) < 0:
            errors[f"{prefix}{name}"] = [negative]
    if errors:
        raise ValidationFailed(
            _("The compliance cost cannot be computed: %(fields)s must not be negative.")
            % {"fields": ", ".join(errors)},
            field_errors=errors,
        )


def rate_check(rate: Rate | None, *, on: str) -> Rate:
    if rate is None:
        msg = _(
            "No income per working hour is set for %(date)s: add the dated setting "
            "(income per working hour) before computing compliance costs."
        ) % {"date": on}
        raise ValidationFailed(msg, code="no_income_basis", field_errors={"hourly_income": [msg]})
    if rate.hourly_income_vnd <= 0 or rate.hours_per_day <= 0:
        msg = _("The income per working hour and the hours a day must be above zero.")
        raise ValidationFailed(msg, code="no_income_basis", field_errors={"hourly_income": [msg]})
    return rate


def volume_check(value: int | None, *, field: str) -> int:
    if value is None:
        msg = _(
            "The number of dossiers a year is unknown: the system received none in the last "
            "12 months and none was entered. Enter it."
        )
        raise ValidationFailed(msg, code="no_volume", field_errors={field: [msg]})
    if value <= 0:
        msg = _("The number of dossiers a year must be at least 1 (it is %(n)s).") % {"n": value}
        raise ValidationFailed(msg, code="no_volume", field_errors={field: [msg]})
    return value


def _hours_component(
    *,
    kind: str,
    label: str,
    hours: Decimal,
    rate: Rate,
    estimated: bool,
    detail: str = "",
    position: int | None = None,
) -> CostComponent:
    amount = money(hours * rate.hourly_income_vnd)
    formula = _("%(detail)s%(hours)s h × %(rate)s đ/h = %(amount)s đ") % {
        "detail": detail,
        "hours": fmt_hours(hours),
        "rate": fmt_vnd(rate.hourly_income_vnd),
        "amount": fmt_vnd(amount),
    }
    return CostComponent(
        kind=kind,
        label=label,
        hours=hours,
        amount_vnd=amount,
        formula=formula,
        estimated=estimated,
        position=position,
    )


def components(facts: CostFacts, rate: Rate) -> tuple[CostComponent, ...]:
    """Each component of the cost of one dossier."""
    if facts.abolished:
        return ()
    out: list[CostComponent] = []
    for doc in facts.documents:
        out.append(
            _hours_component(
                kind=ComponentKind.DOCUMENT,
                label=_("Document %(n)d: %(name)s") % {"n": doc.position, "name": doc.name},
                hours=doc.hours,
                rate=rate,
                estimated=doc.estimated,
                position=doc.position,
            )
        )
    visit_hours = facts.visits * facts.hours_per_visit
    out.append(
        _hours_component(
            kind=ComponentKind.VISIT,
            label=_("Visits to the desk (submitting, receiving the result)"),
            hours=visit_hours,
            rate=rate,
            estimated=facts.visits_estimated,
            detail=_("%(visits)s visit(s) × %(h)s h = ")
            % {"visits": facts.visits, "h": fmt_hours(facts.hours_per_visit)},
        )
    )
    travel_hours = facts.visits * facts.travel_hours_per_visit
    out.append(
        _hours_component(
            kind=ComponentKind.TRAVEL,
            label=_("Travel to and from the desk"),
            hours=travel_hours,
            rate=rate,
            estimated=facts.visits_estimated,
            detail=_("%(visits)s visit(s) × %(h)s h = ")
            % {"visits": facts.visits, "h": fmt_hours(facts.travel_hours_per_visit)},
        )
    )
    processing_hours = facts.processing_working_days * rate.hours_per_day
    out.append(
        _hours_component(
            kind=ComponentKind.PROCESSING,
            label=_("Processing time (waiting for the result)"),
            hours=processing_hours,
            rate=rate,
            estimated=False,
            detail=_("%(days)s working days × %(h)s h = ")
            % {
                "days": fmt_hours(facts.processing_working_days),
                "h": fmt_hours(rate.hours_per_day),
            },
        )
    )
    out.append(
        CostComponent(
            kind=ComponentKind.FEE,
            label=_("Fees and charges"),
            hours=None,
            amount_vnd=facts.fees_vnd,
            formula=(
                _("%(amount)s đ (fees whose amount depends on the case are not counted)")
                if facts.fees_unknown
                else _("%(amount)s đ (the procedure's fees and charges)")
            )
            % {"amount": fmt_vnd(facts.fees_vnd)},
            estimated=facts.fees_unknown,
        )
    )
    oop = facts.out_of_pocket_vnd + sum(d.out_of_pocket_vnd for d in facts.documents)
    out.append(
        CostComponent(
            kind=ComponentKind.OUT_OF_POCKET,
            label=_("Out-of-pocket costs (copies, notarisation, hired services)"),
            hours=None,
            amount_vnd=oop,
            formula=_("%(amount)s đ") % {"amount": fmt_vnd(oop)},
            estimated=facts.out_of_pocket_estimated,
        )
    )
    return tuple(out)


def compliance_cost(
    facts: CostFacts,
    rate: Rate,
    *,
    dossiers_per_year: int | None,
    volume_source: str | None,
    volume_field: str = "dossiers_per_year",
    require_volume: bool = False,
) -> ComplianceCost:
    """The cost per dossier and (when the volume is known, or must be) per year."""
    facts_check(facts)
    parts = components(facts, rate)
    per_dossier = sum(c.amount_vnd for c in parts)
    if facts.abolished:
        per_dossier_formula = _("0 đ: the procedure is abolished")
    else:
        per_dossier_formula = " + ".join(fmt_vnd(c.amount_vnd) for c in parts) + (
            " = " + fmt_vnd(per_dossier) + " đ"
        )
    if require_volume or dossiers_per_year is not None:
        dossiers_per_year = volume_check(dossiers_per_year, field=volume_field)
    per_year = per_dossier * dossiers_per_year if dossiers_per_year is not None else None
    if per_year is None:
        per_year_formula = ""
    else:
        per_year_formula = _("%(cost)s đ/dossier × %(n)s dossiers a year = %(total)s đ/year") % {
            "cost": fmt_vnd(per_dossier),
            "n": fmt_vnd(dossiers_per_year or 0),
            "total": fmt_vnd(per_year),
        }
    return ComplianceCost(
        code=facts.code,
        name=facts.name,
        components=parts,
        per_dossier=per_dossier,
        per_dossier_formula=per_dossier_formula,
        hourly_income=rate.hourly_income_vnd,
        hours_per_day=rate.hours_per_day,
        rate_valid_from=rate.valid_from,
        dossiers_per_year=dossiers_per_year,
        volume_source=volume_source if dossiers_per_year is not None else None,
        per_year=per_year,
        per_year_formula=per_year_formula,
        processing_working_days=facts.processing_working_days,
        estimated=any(c.estimated for c in parts),
        volume_note=(
            _("received in the last 12 months (the system's statistics)")
            if volume_source == VolumeSource.STATISTICS
            else _("entered by hand")
            if volume_source == VolumeSource.ENTERED
            else ""
        ),
    )


def change_apply(
    facts: CostFacts,
    *,
    change: str,
    processing_working_days: Decimal | None = None,
    documents: Iterable[int] = (),
    fee_vnd: int | None = None,
    prefix: str = "",
) -> CostFacts:
    """The facts after one change; ValidationFailed naming the item's field when the change
    does not fit the procedure (a longer time, a document it does not have, a higher fee…)."""
    kind = Change(change)
    if kind == Change.ABOLISH:
        return dataclasses.replace(facts, abolished=True)
    if kind == Change.SHORTEN_TIME:
        field = f"{prefix}processing_working_days"
        if processing_working_days is None:
            raise ValidationFailed(
                _("Give the new processing time in working days."),
                field_errors={field: [_("This field is required.")]},
            )
        if processing_working_days < 0:
            raise ValidationFailed(
                _("The new processing time must not be negative."),
                field_errors={field: [_("Must not be negative.")]},
            )
        if processing_working_days >= facts.processing_working_days:
            msg = _(
                "The new processing time (%(new)s working days) must be shorter than the "
                "current one (%(old)s working days)."
            ) % {
                "new": fmt_hours(processing_working_days),
                "old": fmt_hours(facts.processing_working_days),
            }
            raise ValidationFailed(msg, field_errors={field: [msg]})
        return dataclasses.replace(facts, processing_working_days=processing_working_days)
    if kind == Change.DROP_DOCUMENTS:
        field = f"{prefix}documents"
        wanted = list(documents)
        known = {d.position for d in facts.documents}
        if not wanted:
            msg = _("List the positions of the documents to drop.")
            raise ValidationFailed(msg, field_errors={field: [msg]})
        unknown = sorted({p for p in wanted if p not in known})
        if unknown:
            msg = _("The procedure has no document at position(s) %(p)s.") % {
                "p": ", ".join(str(p) for p in unknown)
            }
            raise ValidationFailed(msg, field_errors={field: [msg]})
        if set(wanted) >= known:
            msg = _("Dropping every document leaves no dossier: abolish the procedure instead.")
            raise ValidationFailed(msg, field_errors={field: [msg]})
        return dataclasses.replace(
            facts, documents=tuple(d for d in facts.documents if d.position not in set(wanted))
        )
    if kind == Change.MOVE_ONLINE:
        if facts.visits == 0:
            msg = _("The procedure already needs no visit to the desk.")
            raise ValidationFailed(msg, field_errors={f"{prefix}change": [msg]})
        return dataclasses.replace(facts, visits=0, online_level="full")
    # CUT_FEE
    field = f"{prefix}fee_vnd"
    if fee_vnd is None:
        raise ValidationFailed(
            _("Give the new fee in đồng."), field_errors={field: [_("This field is required.")]}
        )
    if fee_vnd < 0:
        raise ValidationFailed(
            _("The new fee must not be negative."),
            field_errors={field: [_("Must not be negative.")]},
        )
    if fee_vnd >= facts.fees_vnd:
        msg = _("The new fee (%(new)s đ) must be lower than the current fees (%(old)s đ).") % {
            "new": fmt_vnd(fee_vnd),
            "old": fmt_vnd(facts.fees_vnd),
        }
        raise ValidationFailed(msg, field_errors={field: [msg]})
    return dataclasses.replace(facts, fees_vnd=fee_vnd)
