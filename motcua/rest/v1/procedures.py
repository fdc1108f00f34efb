"""GET /api/v1/procedures and /api/v1/procedures/{code}: the public catalog.

Both answers change only when the catalog does: they are computed from the catalog's read
cache and kept, serialized, per process and catalog generation (docs/adr/0042)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.renderers import JSONRenderer

from motcua.catalog.api import (
    catalog_find,
    catalog_generation,
    catalog_memo,
    catalog_version,
)
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


def _row_summary(row: dict[str, Any]) -> dict[str, Any]:
    """`_summary` of a row of catalog_rows (the agencies counted, not loaded)."""
    amount = row["processing_amount"]
    return {
        "code": row["code"],
        "code_is_provisional": row["code_is_provisional"],
        "name": row["name"],
        "agency": dict(row["agency"]) if row["agency"] else None,
        "agencies_count": row["agencies_count"],
        "field": row["field_name"],
        "level": row["level"],
        "processing_time": {
            "amount": float(amount) if amount is not None else None,
            "unit": row["processing_unit"],
            "note": row["processing_note"],
        },
        "online_level": row["online_level"] or None,
        "version": row["number"],
        "url": f"/thu-tuc/{row['code']}/",
    }


_RENDERER = JSONRenderer()  # the API's renderer (v1/urls.py sets none of its own)


def _json(request: HttpRequest, schema: type[Schema], data: dict[str, Any]) -> HttpResponse:
    """The response django-ninja makes of `data`: validated by `schema`, rendered as JSON."""
    body = _RENDERER.render(request, schema.model_validate(data).model_dump(), response_status=200)
    return HttpResponse(body, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")


def _kept(
    key: tuple[Any, ...], make: Callable[[], HttpResponse], *, generation: str | None
) -> HttpResponse:
    """A new response with the body kept for `key` in this catalog generation."""

    def compute() -> tuple[bytes, str]:
        response = make()
        return response.content, response["Content-Type"]

    body, content_type = catalog_memo(("api",) + key, compute, generation=generation)
    return HttpResponse(body, content_type=content_type)


@router.get("", auth=PUBLIC, response={200: ProcedureListOut, 400: ErrorOut})
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> HttpResponse:
    """Search the published catalog. `q` ignores accents and case; every word must match.
    `agency` is an agency electronic ID (its sub-units included); `field` a field code.
    `agency` in each item is set when exactly one agency implements the procedure."""

    generation = catalog_generation()

    def make() -> HttpResponse:
        rows = catalog_find(
            q=filters.q,
            agency_code=filters.agency,
            field_code=filters.field,
            generation=generation,
        )
        page = rows[filters.offset : filters.offset + filters.limit]
        data = {"items": [_row_summary(row) for row in page], "count": len(rows)}
        return _json(request, ProcedureListOut, data)

    key = ("list", filters.q, filters.agency, filters.field, filters.limit, filters.offset)
    return _kept(key, make, generation=generation)


@router.get("/{code}", auth=PUBLIC, response={200: ProcedureDetailOut, 404: ErrorOut})
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure's current published version, with documents, fees and process steps."""
    generation = catalog_generation()
    v = catalog_version(code=code, generation=generation)
    if v is None:
        raise NotFound(f"No published procedure with code {code}.", code="not_found")
    return _kept(
        ("detail", code),
        lambda: _json(request, ProcedureDetailOut, _detail(v)),
        generation=generation,
    )


def _detail(v: ProcedureVersion) -> dict[str, Any]:
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
