"""GET /api/v1/agencies: the agency tree."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from motcua.accounts.api import agency_list
from motcua.rest.auth import PUBLIC
from motcua.rest.v1.schemas import InputSchema

router = Router(tags=["agencies"])


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    receiving_desk: str | None
    admin_unit_code: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None
    code_is_placeholder: bool


class AgencyListOut(Schema):
    items: list[AgencyOut]
    count: int


class AgencyFilter(InputSchema):
    kind: str | None = None
    on: datetime.date | None = None
    all: bool = False


@router.get("", auth=PUBLIC, response=AgencyListOut)
def agency_index(request: HttpRequest, filters: Query[AgencyFilter]) -> dict[str, Any]:
    """Agencies in force today (or on `on`), or every agency ever (`all=true`), by code."""
    on = None if filters.all else (filters.on or timezone.localdate())
    qs = agency_list(on=on, kind=filters.kind).select_related("receiving_desk")
    items = [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "parent": a.parent.code if a.parent else None,
            "receiving_desk": a.receiving_desk.code if a.receiving_desk else None,
            "admin_unit_code": a.admin_unit_code,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "code_is_placeholder": a.code_is_placeholder,
        }
        for a in qs
    ]
    return {"items": items, "count": len(items)}
