"""Compliance cost and simplification plans (issue 15; domain.md §6; ADR 0039).

    GET  /api/v1/procedures/{code}/compliance-cost   the cost of a procedure's current version
    POST /api/v1/simplification/plans                build a draft plan (catalog editors)
    GET  /api/v1/simplification/plans/{id}           a plan with its figures

Money in whole đồng (integers); `saving_percent` is rounded to two places (display). The
rules and who may do what live in `motcua.simplification`; its errors become 400/403/404/409
here, each naming its field as the request spells it (`items.0.dossiers_per_year`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from motcua.accounts.api import user_has_any_role
from motcua.accounts.data import OFFICER_ROLES, Role
from motcua.core.errors import ApplicationError, NotFound, PermissionDenied
from motcua.rest.auth import AUTHENTICATED
from motcua.rest.v1.schemas import ErrorOut, Id, InputSchema
from motcua.rest.v1.schemas.dossiers import UnauthorizedOut
from motcua.simplification.api import (
    may_approve_plans,
    may_edit_plans,
    plan_create,
    plan_figures,
    plan_get,
    procedure_compliance_cost,
    totals_sentence,
)
from motcua.simplification.data import Change, Figures, ItemInput, percent_rounded

if TYPE_CHECKING:
    from motcua.accounts.models import User

cost_router = Router(tags=["simplification"])
router = Router(tags=["simplification"])

#: Who may read compliance costs: every officer and the supervisors.
COST_READER_ROLES = frozenset(OFFICER_ROLES | {Role.SUPERVISOR})
CODE_MAX = 40
MAX_DOSSIERS_PER_YEAR = 100_000_000
MAX_FEE_VND = 1_000_000_000_000
ERRORS_R = {401: UnauthorizedOut, 403: ErrorOut, 404: ErrorOut}

ChangeName = Literal["abolish", "drop_documents", "shorten_time", "move_online", "cut_fee"]
assert set(ChangeName.__args__) == {c.value for c in Change}  # type: ignore[attr-defined]


class ComponentOut(Schema):
    kind: str = Field(description="document, visit, travel, processing, fee or out_of_pocket")
    label: str
    hours: float | None = Field(description="Hours (None for the money components)")
    amount_vnd: int = Field(description="Per dossier, whole đồng")
    formula: str
    estimated: bool = Field(description="Made from documented defaults, not measured")


class ComplianceCostOut(Schema):
    code: str
    name: str
    per_dossier: int = Field(description="Đồng per dossier: the sum of the components")
    per_dossier_formula: str
    dossiers_per_year: int | None = Field(
        description="Received in the last 12 months, else entered by hand; None if unknown"
    )
    dossiers_per_year_source: Literal["statistics", "entered"] | None
    per_year: int | None = Field(description="per_dossier × dossiers_per_year, đồng")
    per_year_formula: str
    hourly_income: int = Field(description="Income per working hour in force today, đồng")
    hours_per_day: float
    hourly_income_valid_from: str
    processing_working_days: float
    estimated: bool
    components: list[ComponentOut]


class PlanItemIn(InputSchema):
    max_lengths = {"procedure": CODE_MAX}
    procedure: str = Field(min_length=1, description="Procedure code (mã TTHC)")
    change: ChangeName
    processing_working_days: (
        Annotated[Decimal, Field(ge=0, le=9999, max_digits=6, decimal_places=2)] | None
    ) = Field(None, description="shorten_time: the new time, working days")
    documents: list[Annotated[int, Field(ge=1, le=1000)]] = Field(
        default_factory=list,
        max_length=100,
        description="drop_documents: positions of the documents dropped (1 = first)",
    )
    fee_vnd: Annotated[int, Field(ge=0, le=MAX_FEE_VND)] | None = Field(
        None, description="cut_fee: the new fees of one dossier, đồng"
    )
    dossiers_per_year: Annotated[int, Field(ge=0, le=MAX_DOSSIERS_PER_YEAR)] | None = Field(
        None, description="Overrides the statistics for this item"
    )


class PlanIn(InputSchema):
    max_lengths = {"name": 255}
    name: str = Field(min_length=1)
    items: list[PlanItemIn] = Field(min_length=1, max_length=200)


class FiguresOut(Schema):
    cost_before_per_year: int
    cost_after_per_year: int
    saving_per_year: int
    saving_percent: float | None = Field(description="Rounded to two places; None if before is 0")


class PlanItemOut(FiguresOut):
    procedure: str
    procedure_name: str
    change: ChangeName
    dossiers_per_year: int
    dossiers_per_year_source: Literal["statistics", "entered"]
    cost_before_per_dossier: int
    cost_after_per_dossier: int
    processing_working_days_before: float
    processing_working_days_after: float
    estimated: bool
    drafted_version: int | None


class PlanOut(Schema):
    id: int
    name: str
    state: Literal["draft", "submitted", "approved", "applied"]
    costed_on: str
    hourly_income: int
    items: list[PlanItemOut]
    total: FiguresOut
    totals_line: str


def _caller(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _figures(f: Figures) -> dict[str, Any]:
    percent = percent_rounded(f.percent)
    return {
        "cost_before_per_year": f.before,
        "cost_after_per_year": f.after,
        "saving_per_year": f.saving,
        "saving_percent": float(percent) if percent is not None else None,
    }


def _plan_out(plan: Any) -> dict[str, Any]:
    rows, total = plan_figures(plan)
    return {
        "id": plan.pk,
        "name": plan.name,
        "state": plan.state,
        "costed_on": plan.costed_on.isoformat(),
        "hourly_income": plan.hourly_income_vnd,
        "items": [
            {
                "procedure": item.procedure_code,
                "procedure_name": item.procedure_name,
                "change": item.change,
                "dossiers_per_year": item.dossiers_per_year,
                "dossiers_per_year_source": item.volume_source,
                "cost_before_per_dossier": item.per_dossier_before,
                "cost_after_per_dossier": item.per_dossier_after,
                "processing_working_days_before": float(item.processing_days_before),
                "processing_working_days_after": float(item.processing_days_after),
                "estimated": item.estimated,
                "drafted_version": item.applied_version_id,
                **_figures(figures),
            }
            for item, figures in rows
        ],
        "total": _figures(total),
        "totals_line": totals_sentence(total),
    }


_ITEM_KEY = re.compile(r"^items\[(\d+)\]\.")


def _request_names(exc: ApplicationError) -> ApplicationError:
    """The domain's `items[0].field` as the request's `items.0.field`."""
    exc.field_errors = {_ITEM_KEY.sub(r"items.\1.", k): v for k, v in exc.field_errors.items()}
    return exc


@cost_router.get(
    "/{code}/compliance-cost",
    auth=AUTHENTICATED,
    response={200: ComplianceCostOut, 400: ErrorOut, **ERRORS_R},
    summary="Compliance cost of a procedure",
    url_name="procedure-compliance-cost",
)
def compliance_cost_api(
    request: HttpRequest,
    code: Annotated[str, Path(max_length=CODE_MAX, description="Procedure code (mã TTHC)")],
) -> dict[str, Any]:
    """The compliance cost (chi phí tuân thủ) of the procedure's current published version by
    the official method: each component with its formula, the cost per dossier and, when the
    dossiers a year are known (the last 12 months' statistics, else entered by hand), per
    year. Officers and supervisors. 400 `no_income_basis` when no income per working hour is
    set for today."""
    user = _caller(request)
    if not user_has_any_role(user=user, roles=COST_READER_ROLES):
        raise PermissionDenied(_("Only officers may see compliance costs."), code="forbidden")
    cost = procedure_compliance_cost(code=code, today=timezone.localdate())
    if cost is None:
        raise NotFound(
            _("No published procedure with code %(code)s.") % {"code": code}, code="not_found"
        )
    return {
        "code": cost.code,
        "name": cost.name,
        "per_dossier": cost.per_dossier,
        "per_dossier_formula": cost.per_dossier_formula,
        "dossiers_per_year": cost.dossiers_per_year,
        "dossiers_per_year_source": cost.volume_source,
        "per_year": cost.per_year,
        "per_year_formula": cost.per_year_formula,
        "hourly_income": cost.hourly_income,
        "hours_per_day": float(cost.hours_per_day),
        "hourly_income_valid_from": cost.rate_valid_from,
        "processing_working_days": float(cost.processing_working_days),
        "estimated": cost.estimated,
        "components": [c.as_dict() for c in cost.components],
    }


@router.post(
    "/plans",
    auth=AUTHENTICATED,
    response={201: PlanOut, 400: ErrorOut, 401: UnauthorizedOut, 403: ErrorOut},
    summary="Build a simplification plan",
    url_name="simplification-plan-create",
)
def plan_create_api(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    """A draft simplification plan (phương án đơn giản hóa), each item costed before and after
    with the income per working hour in force today. `dossiers_per_year` in an item overrides
    the statistics. Catalog editors (agency or province admins)."""
    user = _caller(request)
    try:
        plan = plan_create(
            name=payload.name,
            items=[
                ItemInput(
                    procedure=i.procedure,
                    change=i.change,
                    processing_working_days=i.processing_working_days,
                    documents=tuple(i.documents),
                    fee_vnd=i.fee_vnd,
                    dossiers_per_year=i.dossiers_per_year,
                )
                for i in payload.items
            ],
            actor=user,
        )
    except ApplicationError as exc:
        raise _request_names(exc) from exc
    found = plan_get(pk=plan.pk)
    assert found is not None
    return Status(201, _plan_out(found))


@router.get(
    "/plans/{id}",
    auth=AUTHENTICATED,
    response={200: PlanOut, 400: ErrorOut, **ERRORS_R},
    summary="A simplification plan",
    url_name="simplification-plan",
)
def plan_detail_api(request: HttpRequest, id: Path[Id]) -> dict[str, Any]:  # noqa: A002
    """A plan with each item's cost a year before and after, the saving and its per cent,
    and the total (added item by item). Catalog editors and province admins."""
    user = _caller(request)
    if not (may_edit_plans(user) or may_approve_plans(user)):
        raise PermissionDenied(
            _("Only catalog editors may see simplification plans."), code="forbidden"
        )
    plan = plan_get(pk=id)
    if plan is None:
        raise NotFound(_("No such simplification plan."), code="not_found")
    return _plan_out(plan)
