"""Reads of the simplification app: the rate in force, the facts of a procedure, the dossiers
a year from the reports' statistics, plans and their follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.api import procedure_get_current, version_get
from motcua.catalog.data import HOURS_PER_WORKING_DAY, required_budget_hours
from motcua.reports.api import resolution_report
from motcua.simplification import costing
from motcua.simplification.data import (
    FOLLOW_UP_MONTHS,
    ComplianceCost,
    CostFacts,
    DocumentFacts,
    Figures,
    FollowUp,
    PlanState,
    Rate,
    VolumeSource,
)
from motcua.simplification.models import CostInputs, IncomeRate, Plan, PlanItem

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

#: Documented defaults for a procedure without cost inputs (ADR 0039): every figure made from
#: them is marked "estimated" on the page, in the API and in the export.
DEFAULT_VISITS = 1
DEFAULT_HOURS_PER_VISIT = Decimal(1)
DEFAULT_TRAVEL_HOURS_PER_VISIT = Decimal(1)
DEFAULT_DOCUMENT_HOURS = Decimal(2)


def income_rate_on(*, day: dt.date) -> Rate | None:
    """The income per working hour in force on `day` (the latest setting from before it)."""
    row = IncomeRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if row is None:
        return None
    return Rate(
        hourly_income_vnd=row.hourly_income_vnd,
        hours_per_day=row.hours_per_day,
        valid_from=row.valid_from.isoformat(),
        source=row.source,
    )


def income_rates() -> QuerySet[IncomeRate]:
    return IncomeRate.objects.order_by("-valid_from")


def cost_inputs_get(*, code: str) -> CostInputs | None:
    return CostInputs.objects.filter(procedure_code=code).first()


def processing_working_days(version: ProcedureVersion) -> Decimal:
    """The regulated time in working days (working hours / 8; "within the day" = 1 day; an
    unknown time = 0)."""
    hours = required_budget_hours(version.processing_amount, version.processing_unit)
    if hours is None:
        return Decimal(0)
    return hours / HOURS_PER_WORKING_DAY


def version_facts(version: ProcedureVersion, inputs: CostInputs | None) -> CostFacts:
    """The method's inputs for one version, with the procedure's cost inputs or, missing,
    the documented defaults (marked estimated)."""
    fees = [f.amount_vnd for f in version.fees.all()] if version.fees_known else []
    hours_by_position = {str(k): v for k, v in (inputs.document_hours if inputs else {}).items()}
    default_hours = inputs.default_document_hours if inputs else DEFAULT_DOCUMENT_HOURS
    documents = []
    for doc in version.documents.all():
        given = hours_by_position.get(str(doc.position))
        documents.append(
            DocumentFacts(
                position=doc.position,
                name=doc.name,
                hours=Decimal(str(given)) if given is not None else default_hours,
                estimated=inputs is None or inputs.estimated,
            )
        )
    return CostFacts(
        code=version.procedure.code,
        name=version.name,
        documents=tuple(documents),
        processing_working_days=processing_working_days(version),
        visits=inputs.visits if inputs else DEFAULT_VISITS,
        hours_per_visit=inputs.hours_per_visit if inputs else DEFAULT_HOURS_PER_VISIT,
        travel_hours_per_visit=(
            inputs.travel_hours_per_visit if inputs else DEFAULT_TRAVEL_HOURS_PER_VISIT
        ),
        fees_vnd=sum(a for a in fees if a),
        fees_unknown=(not version.fees_known) or any(a is None for a in fees),
        out_of_pocket_vnd=inputs.out_of_pocket_vnd if inputs else 0,
        online_level=version.online_level,
        visits_estimated=inputs is None or inputs.estimated,
        out_of_pocket_estimated=inputs is None or inputs.estimated,
    )


def twelve_months(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months up to `today` (inclusive)."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return start + dt.timedelta(days=1), today


def dossiers_received(*, code: str, date_from: dt.date, date_to: dt.date) -> int:
    """Dossiers of the procedure received in the period (online, at the desk or by post; not
    those carried over), from the reports' fact tables — never a scan of the dossiers."""
    total = resolution_report(
        date_from=date_from, date_to=date_to, procedure_code=code, group_by="procedure"
    ).total
    return total.received_online + total.received_direct


def dossiers_per_year(
    *, code: str, today: dt.date, entered: int | None = None
) -> tuple[int | None, str | None]:
    """(dossiers a year, where from): `entered` when given (it overrides); else those received
    in the last 12 months when there are any; else the figure entered in the procedure's cost
    inputs; else (None, None)."""
    if entered is not None:
        return entered, VolumeSource.ENTERED
    first, last = twelve_months(today=today)
    received = dossiers_received(code=code, date_from=first, date_to=last)
    if received > 0:
        return received, VolumeSource.STATISTICS
    inputs = cost_inputs_get(code=code)
    if inputs is not None and inputs.dossiers_per_year:
        return inputs.dossiers_per_year, VolumeSource.ENTERED
    return None, None


def procedure_compliance_cost(*, code: str, today: dt.date) -> ComplianceCost | None:
    """The compliance cost of the procedure's current version, None when it has none.
    ValidationFailed (field `hourly_income`) when no income rate is in force today."""
    version = procedure_get_current(code=code)
    if version is None:
        return None
    rate = costing.rate_check(income_rate_on(day=today), on=today.strftime("%d/%m/%Y"))
    facts = version_facts(version, cost_inputs_get(code=code))
    volume, source = dossiers_per_year(code=code, today=today)
    return costing.compliance_cost(facts, rate, dossiers_per_year=volume, volume_source=source)


def plan_list(*, states: list[str] | None = None) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("created_by", "approved_by").prefetch_related("items")
    if states is not None:
        qs = qs.filter(state__in=states)
    return qs.order_by("-created_at", "-pk")


def plans_public() -> QuerySet[Plan]:
    """Approved and applied plans (the portal's summary)."""
    return plan_list(states=[PlanState.APPROVED, PlanState.APPLIED]).order_by("-approved_at", "-pk")


def plan_get(*, pk: int) -> Plan | None:
    return (
        Plan.objects.select_related("created_by", "submitted_by", "approved_by", "applied_by")
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.order_by("position")))
        .filter(pk=pk)
        .first()
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def plan_follow_up(*, plan: Plan, today: dt.date) -> list[FollowUp]:
    """For an applied plan: at 3, 6 and 12 months after it was applied, per item (not the
    abolished ones), the planned processing time and cost a year against the actual: the
    average processing time of the dossiers resolved since the plan was applied (reports'
    figures) and the cost a year at that time (the other components as planned, the plan's
    dossiers a year). A checkpoint not reached yet shows the figures so far."""
    if plan.state != PlanState.APPLIED or plan.applied_at is None:
        return []
    start = plan.applied_at.date()
    rate = Rate(
        hourly_income_vnd=plan.hourly_income_vnd,
        hours_per_day=plan.hours_per_day,
        valid_from=plan.costed_on.isoformat(),
    )
    out: list[FollowUp] = []
    for months in FOLLOW_UP_MONTHS:
        due = _add_months(start, months)
        reached = today >= due
        until = min(due - dt.timedelta(days=1), today)
        for item in plan.items.all():
            if item.change == "abolish":
                continue
            follow = FollowUp(
                months=months,
                due=due.isoformat(),
                reached=reached,
                procedure=item.procedure_code,
                planned_days=item.processing_days_after,
                actual_days=None,
                planned_per_year=item.cost_after_per_year,
                actual_per_year=None,
                received=None,
                resolved=None,
            )
            if until >= start:
                report = resolution_report(
                    date_from=start,
                    date_to=until,
                    procedure_code=item.procedure_code,
                    group_by="procedure",
                ).total
                follow.received = report.received_online + report.received_direct
                follow.resolved = report.resolved_total
                follow.actual_days = report.avg_processing_working_days
                if follow.actual_days is not None:
                    after = item.breakdown.get("after_per_dossier_without_processing")
                    if after is not None:
                        hours = Decimal(str(follow.actual_days)) * rate.hours_per_day
                        per_dossier = int(after) + int(
                            (hours * rate.hourly_income_vnd).quantize(Decimal(1))
                        )
                        follow.actual_per_year = per_dossier * item.dossiers_per_year
            if follow.actual_days is None:
                follow.notes.append(_("No dossier resolved yet under the plan."))
            out.append(follow)
    return out


def version_for_item(*, version_id: int) -> ProcedureVersion | None:
    return version_get(pk=version_id)


def plan_figures(plan: Plan) -> tuple[list[tuple[PlanItem, Figures]], Figures]:
    """Each item with its before / after (a year) and the plan's total, added item by item."""
    rows: list[tuple[PlanItem, Figures]] = []
    total = Figures()
    for item in plan.items.all():
        figures = Figures(before=item.cost_before_per_year, after=item.cost_after_per_year)
        rows.append((item, figures))
        total.add(figures)
    return rows, total
