"""Reads of the catalog."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from motcua.accounts.api import agency_list
from motcua.catalog.cache import catalog_memo
from motcua.catalog.data import VersionStatus
from motcua.catalog.models import Field, ProcedureVersion, ProcessStep
from motcua.core.recheck import Recheck
from motcua.core.text import search_words


def _decimal_str(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}"


def version_to_raw(version: ProcedureVersion) -> dict[str, Any]:
    """The version in the exchange format (docs/catalog-format.md)."""
    return {
        "code": version.procedure.code,
        "code_is_provisional": version.procedure.code_is_provisional,
        "version": version.number,
        "name": version.name,
        "field": version.field.name if version.field else "",
        "level": version.level,
        "agencies": sorted(a.code for a in version.agencies.all()),
        "processing_time": {
            "amount": _decimal_str(version.processing_amount),
            "unit": version.processing_unit,
            "note": version.processing_note,
        },
        "fees_known": version.fees_known,
        "fees": [
            {"name": f.name, "kind": f.kind, "amount_vnd": f.amount_vnd, "case": f.case}
            for f in version.fees.all()
        ],
        "documents_known": version.documents_known,
        "documents": [
            {
                "name": d.name,
                "originals": d.originals,
                "copies": d.copies,
                "requirement": d.requirement,
                "condition": d.condition,
                "template_url": d.template_url,
            }
            for d in version.documents.all()
        ],
        "result": {"name": version.result_name, "kind": version.result_kind}
        if version.result_name
        else None,
        "legal_basis": list(version.legal_basis),
        "online_level": version.online_level or None,
        "applicant_kinds": list(version.applicant_kinds),
        "restart_on_supplement": version.restart_on_supplement,
        "steps": [
            {
                "kind": s.kind,
                "title": s.title,
                "role": s.role,
                "agency": s.agency.code if s.agency else None,
                "budget_hours": _decimal_str(s.budget_hours),
            }
            for s in version.steps.all()
        ],
        "form_fields": [dict(f) for f in version.form_fields or []],
        "source": version.source,
        "notes": version.notes,
    }


def _current() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(is_current=True, status=VersionStatus.PUBLISHED)


def procedure_search(
    *,
    q: str = "",
    agency_code: str | None = None,
    field_code: str | None = None,
) -> QuerySet[ProcedureVersion]:
    """Current published versions matching every word of `q`, accents and case ignored
    (đ = d), in any order; optionally of one implementing agency (or its sub-units) and one
    field. Ordered by name."""
    qs = _current().select_related("procedure", "field")
    for word in search_words(q):
        qs = qs.filter(search_text__contains=word)
    if agency_code:
        qs = qs.filter(
            Q(agencies__code=agency_code) | Q(agencies__code__startswith=agency_code + ".")
        ).distinct()
    if field_code:
        qs = qs.filter(field__code=field_code)
    return qs.order_by("sort_key", "procedure__code")


_FROZEN: dict[tuple[int, Any], ProcedureVersion] = {}
_FROZEN_MAX = 512
# code → the (id, updated_at) of its current version at the last check (see core/recheck.py).
_CURRENT_ROW: dict[str, tuple[int, Any] | None] = {}
_recheck = Recheck()


def procedure_cache_clear() -> None:
    """Forget which version is current (publishing calls it; other processes see a new
    version within MOTCUA_REFERENCE_RECHECK_SECONDS)."""
    _CURRENT_ROW.clear()
    _recheck.clear()


def procedure_get_current(*, code: str) -> ProcedureVersion | None:
    """The current published version of a procedure, with everything a page shows.

    Published versions never change, so each process keeps them loaded (keyed by id and
    updated_at, checked by one small query at most every MOTCUA_REFERENCE_RECHECK_SECONDS);
    callers get their own copy."""
    import copy

    if code in _CURRENT_ROW and _recheck.fresh(code):
        row = _CURRENT_ROW[code]
    else:
        row = _current().filter(procedure__code=code).values_list("id", "updated_at").first()
        if len(_CURRENT_ROW) >= _FROZEN_MAX:
            _CURRENT_ROW.clear()
        _CURRENT_ROW[code] = row
        _recheck.checked(code)
    if row is None:
        return None
    version = _FROZEN.get(row)
    if version is None:
        version = (
            _current()
            .select_related("procedure", "field")
            .prefetch_related(
                "documents",
                "fees",
                "agencies",
                Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
            )
            .get(pk=row[0])
        )
        if len(_FROZEN) >= _FROZEN_MAX:
            _FROZEN.clear()
        _FROZEN[row] = version
    clone = copy.copy(version)
    # copy.copy goes through Model.__getstate__, which drops the prefetched relations.
    clone._prefetched_objects_cache = version._prefetched_objects_cache  # type: ignore[attr-defined]
    clone._state.fields_cache = dict(version._state.fields_cache)
    return clone


def procedure_versions(*, code: str) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(procedure__code=code).order_by("-number")


def version_get(*, pk: int) -> ProcedureVersion | None:
    """Any version (for dossiers that keep the version they were received under)."""
    return (
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related("documents", "fees", "agencies", "steps")
        .filter(pk=pk)
        .first()
    )


def version_charges_fee(version: ProcedureVersion) -> bool:
    """Whether the version charges a fee that can be paid (its fees are published and one has
    an amount in VND above zero: what payments.fee_options offers to pay). No query when its
    fees are loaded (`procedure_get_current`, `version_get`), one otherwise."""
    if not version.fees_known:
        return False
    if "fees" in getattr(version, "_prefetched_objects_cache", {}):
        return any(fee.amount_vnd for fee in version.fees.all())
    return version.fees.filter(amount_vnd__gt=0).exists()


def versions_charging_fee(*, version_ids: Iterable[int]) -> set[int]:
    """The ids among `version_ids` of the versions that charge a fee (`version_charges_fee`):
    one query."""
    return set(
        ProcedureVersion.objects.filter(
            pk__in=list(version_ids), fees_known=True, fees__amount_vnd__gt=0
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def field_list_with_counts() -> QuerySet[Field]:
    return (
        Field.objects.annotate(
            procedure_count=Count("versions", filter=Q(versions__is_current=True))
        )
        .filter(procedure_count__gt=0)
        # The code is the folded name (services.field_get_or_create): accent-insensitive order,
        # like the procedures' sort_key; by name, every field starting with Đ came after Z.
        .order_by("code")
    )


def agency_procedure_counts() -> dict[int, int]:
    """Agency id → number of current procedures it implements."""
    through = ProcedureVersion.agencies.through
    rows = (
        through.objects.filter(procedureversion__is_current=True)
        .values("agency_id")
        .annotate(n=Count("procedureversion_id"))
    )
    return {r["agency_id"]: r["n"] for r in rows}


def catalog_export_rows() -> list[dict[str, Any]]:
    versions = (
        _current()
        .select_related("procedure", "field")
        .prefetch_related(
            "documents",
            "fees",
            "agencies",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
        )
        .order_by("procedure__code")
    )
    return [version_to_raw(v) for v in versions]


def procedure_retention_years() -> dict[str, int]:
    """{procedure code: years} of the procedures with their own retention period of personal
    data (the others use MOTCUA_DOSSIER_RETENTION_YEARS; ADR 0036). One query."""
    from motcua.catalog.models import Procedure

    rows = Procedure.objects.filter(retention_years__isnull=False).values_list(
        "code", "retention_years"
    )
    return {code: int(years) for code, years in rows if years is not None}


# --- The public catalog's read path (docs/adr/0042) ------------------------------------------
# Plain rows (dicts), computed once per process and catalog generation (cache.py) with
# `.values()`: no model object is built to show a list, nothing is aggregated per request.

_ROW_FIELDS = (
    "id",
    "name",
    "level",
    "processing_amount",
    "processing_unit",
    "processing_note",
    "online_level",
    "number",
    "search_text",
)


def _catalog_rows_load() -> list[dict[str, Any]]:
    rows = list(
        _current()
        .values(
            *_ROW_FIELDS,
            code=F("procedure__code"),
            code_is_provisional=F("procedure__code_is_provisional"),
            field_name=F("field__name"),
            field_code=F("field__code"),
        )
        .annotate(agencies_count=Count("agencies"))
        .order_by("sort_key", "procedure__code")
    )
    through = ProcedureVersion.agencies.through
    agencies: dict[int, list[tuple[str, str]]] = {}
    for version_id, code, name in (
        through.objects.filter(
            procedureversion__is_current=True,
            procedureversion__status=VersionStatus.PUBLISHED,
        )
        .order_by("agency__code")
        .values_list("procedureversion_id", "agency__code", "agency__name")
    ):
        agencies.setdefault(version_id, []).append((code, name))
    for row in rows:
        row["field_name"] = row["field_name"] or ""
        own = agencies.get(row["id"], [])
        row["agency_codes"] = tuple(code for code, _name in own)
        row["agency"] = {"code": own[0][0], "name": own[0][1]} if len(own) == 1 else None
    return rows


def catalog_rows(*, generation: str | None = None) -> list[dict[str, Any]]:
    """Every current published version as a row (code, name, field_name, field_code, level,
    processing_amount/unit/note, online_level, number, code_is_provisional, agencies_count,
    agency: {code, name} when exactly one agency implements it, agency_codes), in the order of
    `procedure_search`. Two queries per catalog generation, none afterwards. Do not change the
    rows: they are shared."""
    return catalog_memo("rows", _catalog_rows_load, generation=generation)


def catalog_find(
    *,
    q: str = "",
    agency_code: str | None = None,
    field_code: str | None = None,
    generation: str | None = None,
) -> list[dict[str, Any]]:
    """`procedure_search` on the rows of `catalog_rows`: the same matches in the same order
    (every folded word of `q` in the search text; the agency or one of its sub-units; the
    field), kept per process and generation."""
    words = tuple(search_words(q))
    key = ("find", words, agency_code or "", field_code or "")

    def compute() -> list[dict[str, Any]]:
        prefix = (agency_code or "") + "."
        return [
            row
            for row in catalog_rows(generation=generation)
            if all(word in row["search_text"] for word in words)
            and (
                not agency_code
                or any(c == agency_code or c.startswith(prefix) for c in row["agency_codes"])
            )
            and (not field_code or row["field_code"] == field_code)
        ]

    return catalog_memo(key, compute, generation=generation)


def catalog_field_rows(*, generation: str | None = None) -> list[dict[str, Any]]:
    """`field_list_with_counts` as rows {code, name, procedure_count}, kept per generation."""
    return catalog_memo(
        "fields",
        lambda: [
            dict(row)
            for row in Field.objects.annotate(
                procedure_count=Count("versions", filter=Q(versions__is_current=True))
            )
            .filter(procedure_count__gt=0)
            .order_by("code")  # as field_list_with_counts
            .values("code", "name", "procedure_count")
        ],
        generation=generation,
    )


def catalog_agency_rows(
    *, on: datetime.date, generation: str | None = None
) -> list[dict[str, Any]]:
    """The agencies in force on `on`, as rows {id, code, name, kind} ordered by code, with
    `procedure_count` (current procedures each implements), kept per generation and day."""

    def compute() -> list[dict[str, Any]]:
        counts = agency_procedure_counts()
        rows: list[dict[str, Any]] = [
            dict(row) for row in agency_list(on=on).values("id", "code", "name", "kind")
        ]
        for row in rows:
            row["procedure_count"] = counts.get(row["id"], 0)
        return rows

    return catalog_memo(("agencies", on), compute, generation=generation)


def catalog_version(*, code: str, generation: str | None = None) -> ProcedureVersion | None:
    """The current published version of a procedure with everything its page shows (like
    `procedure_get_current`, but read fresh once per catalog generation: never older than the
    last publish, whichever process made it). Shared between threads: read only."""

    def compute() -> ProcedureVersion | None:
        return (
            _current()
            .select_related("procedure", "field")
            .prefetch_related(
                "documents",
                "fees",
                "agencies",
                Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
            )
            .filter(procedure__code=code)
            .first()
        )

    return catalog_memo(("version", code), compute, generation=generation)
