"""Writes of the simplification app. Every state change is one transaction with its audit
entry; who may do what is checked here (deny by default), for every door (desk, API)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import user_has_any_role
from motcua.accounts.data import CATALOG_EDITOR_ROLES, Role
from motcua.catalog.api import (
    catalog_import,
    procedure_get_current,
    procedure_versions,
    version_to_raw,
)
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.simplification import costing
from motcua.simplification.data import (
    Change,
    ComponentKind,
    ItemInput,
    PlanState,
    Rate,
)
from motcua.simplification.models import CostInputs, IncomeRate, Plan, PlanItem
from motcua.simplification.selectors import (
    cost_inputs_get,
    dossiers_per_year,
    income_rate_on,
    version_facts,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: Who may build plans (create, edit, submit) and apply approved ones: the catalog editors.
PLAN_EDITOR_ROLES = CATALOG_EDITOR_ROLES
#: Who may approve a submitted plan or send it back: the province admin.
PLAN_APPROVER_ROLES = frozenset({Role.PROVINCE_ADMIN})
MAX_ITEMS = 200
NAME_MAX = 255


def may_edit_plans(user: Any) -> bool:
    return bool(user is not None and user_has_any_role(user=user, roles=PLAN_EDITOR_ROLES))


def may_approve_plans(user: Any) -> bool:
    return bool(user is not None and user_has_any_role(user=user, roles=PLAN_APPROVER_ROLES))


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise PermissionDenied(message, code="forbidden")


def _locked(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound(_("No such simplification plan."), code="not_found")
    return locked


def _state(plan: Plan, *expected: PlanState) -> None:
    if plan.state not in expected:
        raise Conflict(
            _("The plan is %(state)s: this cannot be done now.")
            % {"state": plan.get_state_display()},
            code="wrong_state",
        )


def _rate(today: dt.date) -> Rate:
    return costing.rate_check(income_rate_on(day=today), on=today.strftime("%d/%m/%Y"))


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Give the plan a name."), field_errors={"name": [_("This field is required.")]}
        )
    if len(name) > NAME_MAX:
        msg = _("Ensure this value has at most %(max)d characters (it has %(length)d).") % {
            "max": NAME_MAX,
            "length": len(name),
        }
        raise ValidationFailed(msg, field_errors={"name": [msg]})
    return name


def _cost_item(spec: ItemInput, index: int, *, today: dt.date, rate: Rate) -> PlanItem:
    """A plan item costed before and after (not saved)."""
    prefix = f"items[{index}]."
    try:
        change = Change(spec.change)
    except ValueError:
        msg = _("Unknown change “%(c)s”.") % {"c": spec.change}
        raise ValidationFailed(msg, field_errors={prefix + "change": [msg]}) from None
    version = procedure_get_current(code=spec.procedure)
    if version is None:
        msg = _("No published procedure with code %(code)s.") % {"code": spec.procedure}
        raise ValidationFailed(msg, field_errors={prefix + "procedure": [msg]})
    facts = version_facts(version, cost_inputs_get(code=spec.procedure))
    costing.facts_check(facts, prefix=prefix)
    volume, source = dossiers_per_year(
        code=spec.procedure, today=today, entered=spec.dossiers_per_year
    )
    field = prefix + "dossiers_per_year"
    before = costing.compliance_cost(
        facts,
        rate,
        dossiers_per_year=volume,
        volume_source=source,
        volume_field=field,
        require_volume=True,
    )
    if (
        change == Change.SHORTEN_TIME
        and spec.processing_working_days is not None
        and (spec.processing_working_days <= 0)
    ):
        msg = _("The new processing time must be above zero (abolish the procedure instead).")
        raise ValidationFailed(msg, field_errors={prefix + "processing_working_days": [msg]})
    after_facts = costing.change_apply(
        facts,
        change=change,
        processing_working_days=spec.processing_working_days,
        documents=spec.documents,
        fee_vnd=spec.fee_vnd,
        prefix=prefix,
    )
    after = costing.compliance_cost(
        after_facts,
        rate,
        dossiers_per_year=volume,
        volume_source=source,
        volume_field=field,
        require_volume=True,
    )
    processing_after = sum(
        c.amount_vnd for c in after.components if c.kind == ComponentKind.PROCESSING
    )
    assert before.per_year is not None and after.per_year is not None
    return PlanItem(
        position=index + 1,
        procedure_code=spec.procedure,
        procedure_name=version.name[:600],
        version_id=version.pk,
        change=change,
        processing_working_days=spec.processing_working_days,
        documents=sorted(set(spec.documents)),
        fee_vnd=spec.fee_vnd,
        dossiers_per_year_entered=spec.dossiers_per_year,
        dossiers_per_year=before.dossiers_per_year or 0,
        volume_source=before.volume_source or "",
        processing_days_before=facts.processing_working_days,
        processing_days_after=Decimal(0)
        if after_facts.abolished
        else after_facts.processing_working_days,
        per_dossier_before=before.per_dossier,
        per_dossier_after=after.per_dossier,
        cost_before_per_year=before.per_year,
        cost_after_per_year=after.per_year,
        estimated=before.estimated or after.estimated,
        breakdown={
            "before": [c.as_dict() for c in before.components],
            "after": [c.as_dict() for c in after.components],
            "before_formula": before.per_dossier_formula,
            "after_formula": after.per_dossier_formula,
            "before_per_year_formula": before.per_year_formula,
            "after_per_year_formula": after.per_year_formula,
            "after_per_dossier_without_processing": after.per_dossier - processing_after,
        },
    )


def _cost_items(items: Sequence[ItemInput], *, today: dt.date, rate: Rate) -> list[PlanItem]:
    if not items:
        msg = _("A plan needs at least one item.")
        raise ValidationFailed(msg, field_errors={"items": [msg]})
    if len(items) > MAX_ITEMS:
        msg = _("A plan has at most %(n)d items.") % {"n": MAX_ITEMS}
        raise ValidationFailed(msg, field_errors={"items": [msg]})
    errors: dict[str, list[str]] = {}
    costed: list[PlanItem] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(items):
        if spec.procedure in seen:
            msg = _(
                "The procedure %(code)s already has an item in this plan (item %(n)d): one "
                "change per procedure per plan."
            ) % {"code": spec.procedure, "n": seen[spec.procedure] + 1}
            errors.setdefault(f"items[{index}].procedure", []).append(msg)
            continue
        seen[spec.procedure] = index
        try:
            costed.append(_cost_item(spec, index, today=today, rate=rate))
        except ValidationFailed as exc:
            for key, messages in exc.field_errors.items():
                errors.setdefault(key, []).extend(messages)
            if not exc.field_errors:
                errors.setdefault(f"items[{index}]", []).append(exc.message)
        except Conflict as exc:
            errors.setdefault(f"items[{index}]", []).append(exc.message)
    if errors:
        raise ValidationFailed(
            _("The plan cannot be saved: %(n)d problem(s) found.")
            % {"n": sum(len(v) for v in errors.values())},
            field_errors=errors,
        )
    return costed


def _figures(plan: Plan) -> dict[str, int]:
    items = list(plan.items.all())
    return {
        "before": sum(i.cost_before_per_year for i in items),
        "after": sum(i.cost_after_per_year for i in items),
    }


@transaction.atomic
def plan_create(
    *, name: str, items: Sequence[ItemInput], actor: User, today: dt.date | None = None
) -> Plan:
    """A draft plan, each item costed before and after with the rate in force `today`."""
    _require(may_edit_plans(actor), _("Only catalog editors may build simplification plans."))
    today = today or timezone.localdate()
    name = _name(name)
    rate = _rate(today)
    costed = _cost_items(items, today=today, rate=rate)
    plan = Plan.objects.create(
        name=name,
        costed_on=today,
        hourly_income_vnd=rate.hourly_income_vnd,
        hours_per_day=rate.hours_per_day,
        created_by=actor,
    )
    for item in costed:
        item.plan = plan
    PlanItem.objects.bulk_create(costed)
    audit_record(
        actor=actor,
        action="simplification.plan_created",
        obj=plan,
        data={"items": len(costed), **_figures(plan)},
    )
    return plan


@transaction.atomic
def plan_update(
    *, plan: Plan, name: str, items: Sequence[ItemInput], actor: User, today: dt.date | None = None
) -> Plan:
    """Replace a draft's name and items, costed again with the rate in force `today`."""
    _require(may_edit_plans(actor), _("Only catalog editors may edit simplification plans."))
    plan = _locked(plan)
    _state(plan, PlanState.DRAFT)
    today = today or timezone.localdate()
    plan.name = _name(name)
    rate = _rate(today)
    costed = _cost_items(items, today=today, rate=rate)
    plan.items.all().delete()
    for item in costed:
        item.plan = plan
    PlanItem.objects.bulk_create(costed)
    plan.costed_on = today
    plan.hourly_income_vnd = rate.hourly_income_vnd
    plan.hours_per_day = rate.hours_per_day
    plan.save()
    audit_record(
        actor=actor,
        action="simplification.plan_updated",
        obj=plan,
        data={"items": len(costed), **_figures(plan)},
    )
    return plan


@transaction.atomic
def plan_submit(*, plan: Plan, actor: User) -> Plan:
    """draft → submitted (for approval by the province admin)."""
    _require(may_edit_plans(actor), _("Only catalog editors may submit simplification plans."))
    plan = _locked(plan)
    _state(plan, PlanState.DRAFT)
    plan.state = PlanState.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    audit_record(actor=actor, action="simplification.plan_submitted", obj=plan, data=_figures(plan))
    return plan


@transaction.atomic
def plan_return(*, plan: Plan, actor: User, reason: str = "") -> Plan:
    """submitted → draft: the province admin sends the plan back for changes."""
    _require(may_approve_plans(actor), _("Only the province admin may send a plan back."))
    plan = _locked(plan)
    _state(plan, PlanState.SUBMITTED)
    plan.state = PlanState.DRAFT
    plan.submitted_at = None
    plan.submitted_by = None
    plan.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        actor=actor, action="simplification.plan_returned", obj=plan, data={"reason": reason[:1000]}
    )
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, actor: User, decision: str = "") -> Plan:
    """submitted → approved, by a province admin other than the one who submitted it."""
    _require(may_approve_plans(actor), _("Only the province admin may approve a plan."))
    plan = _locked(plan)
    _state(plan, PlanState.SUBMITTED)
    if plan.submitted_by_id == actor.pk:
        raise PermissionDenied(
            _("You submitted this plan: another province admin must approve it."),
            code="same_person",
        )
    plan.state = PlanState.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = actor
    plan.decision = (decision or "").strip()[:255]
    plan.save(update_fields=["state", "approved_at", "approved_by", "decision", "updated_at"])
    audit_record(
        actor=actor,
        action="simplification.plan_approved",
        obj=plan,
        data={"decision": plan.decision, **_figures(plan)},
    )
    return plan


def _scale(amounts: list[Decimal], total: Decimal, places: Decimal) -> list[Decimal]:
    """`amounts` scaled to add up to `total` (rounded to `places`, the rest on the last)."""
    old = sum(amounts, Decimal(0))
    if not amounts or old <= 0:
        return amounts
    scaled = [(a * total / old).quantize(places) for a in amounts[:-1]]
    scaled.append(total - sum(scaled, Decimal(0)))
    return scaled


def _changed_raw(raw: dict[str, Any], item: PlanItem) -> dict[str, Any]:
    raw = json.loads(json.dumps(raw, default=str))
    if item.change == Change.SHORTEN_TIME and item.processing_working_days is not None:
        days = item.processing_working_days
        raw["processing_time"] = {
            **(raw.get("processing_time") or {}),
            "amount": f"{days.normalize():f}",
            "unit": "working_days",
        }
        budgets = [Decimal(str(s["budget_hours"])) for s in raw.get("steps", [])]
        new = _scale(budgets, days * 8, Decimal("0.01"))
        if any(b <= 0 for b in new):
            raise Conflict(
                _(
                    "The steps of %(code)s cannot share %(days)s working days: shorten the "
                    "process in the catalog draft by hand."
                )
                % {"code": item.procedure_code, "days": days},
                code="steps_do_not_fit",
            )
        for step, budget in zip(raw.get("steps", []), new, strict=True):
            step["budget_hours"] = f"{budget.normalize():f}"
    elif item.change == Change.DROP_DOCUMENTS:
        drop = set(item.documents)
        raw["documents"] = [
            d for i, d in enumerate(raw.get("documents", []), start=1) if i not in drop
        ]
    elif item.change == Change.MOVE_ONLINE:
        raw["online_level"] = "full"
    elif item.change == Change.CUT_FEE and item.fee_vnd is not None:
        priced = [f for f in raw.get("fees", []) if f.get("amount_vnd")]
        new = _scale([Decimal(f["amount_vnd"]) for f in priced], Decimal(item.fee_vnd), Decimal(1))
        for fee, amount in zip(priced, new, strict=True):
            fee["amount_vnd"] = int(amount)
    return raw


@transaction.atomic
def plan_apply(*, plan: Plan, actor: User) -> Plan:
    """approved → applied: for each item a new draft version of its procedure with the change,
    through the catalog's import (validated like any draft; the published version is never
    touched; the catalog editors publish the drafts). An abolished procedure gets no draft
    (the catalog has no abolished state): the item says so. Refused, nothing changed, when a
    procedure already has a draft or a newer version than the one the plan was costed on."""
    _require(may_edit_plans(actor), _("Only catalog editors may apply a plan."))
    plan = _locked(plan)
    _state(plan, PlanState.APPROVED)
    items = list(plan.items.order_by("position"))
    problems: dict[str, list[str]] = {}
    for item in items:
        if item.change == Change.ABOLISH:
            continue
        current = procedure_get_current(code=item.procedure_code)
        key = f"items[{item.position - 1}].procedure"
        if current is None or current.pk != item.version_id:
            problems.setdefault(key, []).append(
                _(
                    "%(code)s has been changed since the plan was costed: send the plan back "
                    "and cost it again."
                )
                % {"code": item.procedure_code}
            )
        elif procedure_versions(code=item.procedure_code).filter(status="draft").exists():
            problems.setdefault(key, []).append(
                _("%(code)s already has a draft in the catalog: publish or delete it first.")
                % {"code": item.procedure_code}
            )
    if problems:
        raise Conflict(
            _("The plan cannot be applied: %(n)d problem(s).") % {"n": len(problems)},
            code="cannot_apply",
            field_errors=problems,
        )
    for item in items:
        if item.change == Change.ABOLISH:
            item.applied_note = _(
                "No draft: the catalog has no abolished state. Withdraw the procedure from the "
                "catalog under the approving decision."
            )
            item.save(update_fields=["applied_note"])
            continue
        current = procedure_get_current(code=item.procedure_code)
        assert current is not None
        raw = _changed_raw(version_to_raw(current), item)
        catalog_import(
            content=json.dumps({"procedures": [raw]}, ensure_ascii=False).encode(),
            filename=f"simplification-plan-{plan.pk}.json",
            actor=actor,
            publish=False,
        )
        draft = procedure_versions(code=item.procedure_code).filter(status="draft").first()
        item.applied_version_id = draft.pk if draft else None
        item.applied_note = _("Draft version drafted in the catalog; publish it to take effect.")
        item.save(update_fields=["applied_version_id", "applied_note"])
    plan.state = PlanState.APPLIED
    plan.applied_at = timezone.now()
    plan.applied_by = actor
    plan.save(update_fields=["state", "applied_at", "applied_by", "updated_at"])
    audit_record(
        actor=actor,
        action="simplification.plan_applied",
        obj=plan,
        data={"drafts": [i.applied_version_id for i in items if i.applied_version_id]},
    )
    return plan


@transaction.atomic
def income_rate_set(
    *,
    valid_from: dt.date,
    hourly_income_vnd: int,
    hours_per_day: Decimal,
    source: str,
    confirmed: bool,
    actor: User | None,
) -> IncomeRate:
    """Set the income per working hour from a date (province admin; None: the system)."""
    if actor is not None:
        _require(may_approve_plans(actor), _("Only the province admin may set the income rate."))
    errors: dict[str, list[str]] = {}
    if hourly_income_vnd <= 0:
        errors["hourly_income_vnd"] = [_("Must be above zero.")]
    if hours_per_day <= 0 or hours_per_day > 24:
        errors["hours_per_day"] = [_("Must be between 0 and 24.")]
    if errors:
        raise ValidationFailed(_("The income rate was not saved."), field_errors=errors)
    row, _created = IncomeRate.objects.update_or_create(
        valid_from=valid_from,
        defaults={
            "hourly_income_vnd": hourly_income_vnd,
            "hours_per_day": hours_per_day,
            "source": source,
            "confirmed": confirmed,
        },
    )
    audit_record(
        actor=actor,
        action="simplification.income_rate_set",
        obj=row,
        data={"valid_from": valid_from.isoformat(), "hourly_income_vnd": hourly_income_vnd},
    )
    return row


@transaction.atomic
def cost_inputs_save(
    *,
    code: str,
    visits: int,
    hours_per_visit: Decimal,
    travel_hours_per_visit: Decimal,
    out_of_pocket_vnd: int = 0,
    default_document_hours: Decimal = Decimal(2),
    document_hours: dict[int, Decimal] | None = None,
    dossiers_per_year: int | None = None,
    estimated: bool = False,
    note: str = "",
    actor: User | None,
) -> CostInputs:
    """Save a procedure's cost inputs; ValidationFailed naming each bad field (negative
    hours, no visits below zero, a volume of zero)."""
    if actor is not None:
        _require(may_edit_plans(actor), _("Only catalog editors may enter cost inputs."))
    errors: dict[str, list[str]] = {}
    negative = _("Must not be negative.")
    if visits < 0:
        errors["visits"] = [negative]
    for name, value in (
        ("hours_per_visit", hours_per_visit),
        ("travel_hours_per_visit", travel_hours_per_visit),
        ("default_document_hours", default_document_hours),
    ):
        if value < 0:
            errors[name] = [negative]
    if out_of_pocket_vnd < 0:
        errors["out_of_pocket_vnd"] = [negative]
    for position, hours in (document_hours or {}).items():
        if hours < 0:
            errors[f"document_hours[{position}]"] = [negative]
    if dossiers_per_year is not None and dossiers_per_year <= 0:
        errors["dossiers_per_year"] = [
            _("The number of dossiers a year must be at least 1 (it is %(n)s).")
            % {"n": dossiers_per_year}
        ]
    if errors:
        raise ValidationFailed(
            _("The cost inputs were not saved: %(fields)s.") % {"fields": ", ".join(errors)},
            field_errors=errors,
        )
    row, _created = CostInputs.objects.update_or_create(
        procedure_code=code,
        defaults={
            "visits": visits,
            "hours_per_visit": hours_per_visit,
            "travel_hours_per_visit": travel_hours_per_visit,
            "out_of_pocket_vnd": out_of_pocket_vnd,
            "default_document_hours": default_document_hours,
            "document_hours": {
                str(k): f"{v.normalize():f}" for k, v in (document_hours or {}).items()
            },
            "dossiers_per_year": dossiers_per_year,
            "estimated": estimated,
            "note": note,
        },
    )
    audit_record(
        actor=actor, action="simplification.cost_inputs_saved", obj=row, data={"code": code}
    )
    return row
