"""GET /api/v1/procedures and /api/v1/procedures/{code}: the public catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from motcua.catalog.api import procedure_get_current, procedure_search
from motcua.core.errors import NotFound
from motcua.rest.auth import PUBLIC
from motcua.rest.v1.schemas import ErrorOut, InputSchema, Limit, Offset

if TYPE_CHECKING:
    from motcua.catalog.models import ProcedureVersion

router = Router(tags=["procedures"])


class ProcessingTimeOut(Schema):
    amount: float | None
    unit: str
    note: str = ""


class AgencyRef(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str
    code_is_provisional: bool
    name: str
    agency: AgencyRef | None
    agencies_count: int
    field: str
    level: str
    processing_time: ProcessingTimeOut
    online_level: str | None
    version: int | None
    url: str


class ProcedureListOut(Schema):
    items: list[ProcedureSummaryOut]
    count: int


class DocumentOut(Schema):
    name: str
    originals: int
    copies: int
    requirement: str
    condition: str
    template_url: str


class FeeOut(Schema):
    name: str
    kind: str
    amount_vnd: int | None
    case: str


class StepOut(Schema):
    position: int
    kind: str
    title: str
    role: str
    agency: AgencyRef | None
    budget_hours: float


class ResultOut(Schema):
    name: str
    kind: str


class ProcedureDetailOut(ProcedureSummaryOut):
    agencies: list[AgencyRef]
    fees_known: bool
    fees: list[FeeOut]
    documents: list[DocumentOut]
    result: ResultOut | None
    legal_basis: list[str]
    applicant_kinds: list[str]
    restart_on_supplement: bool
    steps: list[StepOut]
    published_at: str | None


class ProcedureFilter(InputSchema):
    q: str = ""
    agency: str | None = None
    field: str | None = None
    limit: Limit = 20
    offset: Offset = 0


def _agency_ref(agency: Any) -> dict[str, str] | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


def _summary(v: ProcedureVersion, agencies: list[Any]) -> dict[str, Any]:
    return {
        "code": v.procedure.code,
        "code_is_provisional": v.procedure.code_is_provisional,
        "name": v.name,
        "agency": _agency_ref(agencies[0]) if len(agencies) == 1 else None,
        "agencies_count": len(agencies),
        "field": v.field.name if v.field else "",
        "level": v.level,
        "processing_time": {
            "amount": float(v.processing_amount) if v.processing_amount is not None else None,
            "unit": v.processing_unit,
            "note": v.processing_note,
        },
        "online_level": v.online_level or None,
        "version": v.number,
        "url": f"/thu-tuc/{v.procedure.code}/",
    }


@router.get("", auth=PUBLIC, response={200: ProcedureListOut, 400: ErrorOut})
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> dict[str, Any]:
    """Search the published catalog. `q` ignores accents and case; every word must match.
    `agency` is an agency electronic ID (its sub-units included); `field` a field code.
    `agency` in each item is set when exactly one agency implements the procedure."""
    qs = procedure_search(q=filters.q, agency_code=filters.agency, field_code=filters.field)
    count = qs.count()
    page = list(qs.prefetch_related("agencies")[filters.offset : filters.offset + filters.limit])
    return {"items": [_summary(v, list(v.agencies.all())) for v in page], "count": count}


@router.get("/{code}", auth=PUBLIC, response={200: ProcedureDetailOut, 404: ErrorOut})
def procedure_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """One procedure's current published version, with documents, fees and process steps."""
    v = procedure_get_current(code=code)
    if v is None:
        raise NotFound(f"No published procedure with code {code}.", code="not_found")
    agencies = list(v.agencies.all())
    data = _summary(v, agencies)
    data.update(
        agencies=[_agency_ref(a) for a in agencies],
        fees_known=v.fees_known,
        fees=[
            {"name": f.name, "kind": f.kind, "amount_vnd": f.amount_vnd, "case": f.case}
            for f in v.fees.all()
        ],
        documents=[
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "requirement": d.requirement,
                "condition": d.condition,
                "template_url": d.template_url,
            }
            for d in v.documents.all()
        ],
        result={"name": v.result_name, "kind": v.result_kind} if v.result_name else None,
        legal_basis=list(v.legal_basis),
        applicant_kinds=list(v.applicant_kinds),
        restart_on_supplement=v.restart_on_supplement,
        steps=[
            {
                "position": s.position,
                "kind": s.kind,
                "title": s.title,
                "role": s.role,
                "agency": _agency_ref(s.agency),
                "budget_hours": float(s.budget_hours),
            }
            for s in v.steps.all()
        ],
        published_at=v.published_at.isoformat() if v.published_at else None,
    )
    return data
