"""Report endpoints of REST API v1: the official report on receiving and resolving dossiers.

    GET /api/v1/reports/resolution   Biểu 06/VPCP/KSTT for a period, as JSON, Excel or PDF

Who sees what: an officer or supervisor sees the agencies they watch
(`accounts.api.agencies_monitored_by` with `REPORT_ROLES`: the agencies where they hold one
of the roles with the agencies below them, and the agencies their desks receive for) and
the agencies under those (the report rolls sub-agencies up); a supervisor or province admin
of the province (role held at an agency of kind `province`) sees every agency. Anyone else
signed in gets 403; anonymous callers 401."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.params import functions as params

from motcua.accounts.api import (
    agencies_by_id,
    agencies_monitored_by,
    agency_get_by_code,
    agency_list,
    user_roles,
)
from motcua.accounts.data import AgencyKind, Role
from motcua.catalog.api import procedure_versions
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.hostile import ascii_int
from motcua.reports.api import (
    REPORT_ROLES,
    GroupBy,
    ResolutionRow,
    agencies_with_subagencies,
    period_label,
    resolution_pdf,
    resolution_report,
    resolution_xlsx,
    service_index,
)
from motcua.reports.data import INDEX766_FIRST_YEAR as INDEX_FIRST_YEAR
from motcua.rest.auth import AUTHENTICATED
from motcua.rest.v1.schemas import ErrorOut
from motcua.rest.v1.schemas.index766 import Index766Out
from motcua.rest.v1.schemas.reports import ResolutionFiguresOut, ResolutionReportOut

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

router = Router(tags=["reports"])

#: Who may see reports: every officer and the supervisors (their own agencies' figures).
#: Held at the province's agency (kind `province`), these see every agency.
PROVINCE_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.PROVINCE_ADMIN})
MAX_YEARS = 5
FORMATS = ("json", "xlsx", "pdf")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The figures a row and the total carry (the schema's fields).
FIGURES = tuple(ResolutionFiguresOut.model_fields)


@dataclasses.dataclass
class _Request:
    date_from: dt.date
    date_to: dt.date
    agency: Agency | None
    procedure: str | None
    group_by: GroupBy
    fmt: str


def _caller(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _date(value: str | None, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value is None or not value.strip():
        errors[field] = [_("This field is required.")]
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = [_("Enter a date in the format YYYY-MM-DD.")]
        return None


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, or past year 9999
        return dt.date.max if day.year + years > dt.MAXYEAR else dt.date(day.year + years, 3, 1)


def _parse(
    *,
    date_from: str | None,
    date_to: str | None,
    agency: str | None,
    procedure: str | None,
    group_by: str | None,
    fmt: str | None,
) -> _Request:
    """The query, or ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    first = _date(date_from, "from", errors)
    last = _date(date_to, "to", errors)
    if first is not None and last is not None:
        if first > last:
            errors["to"] = [_("The end date must not be before the start date.")]
        elif last >= _years_later(first, MAX_YEARS):
            errors["to"] = [
                _("Ask for a period of at most %(years)s years.") % {"years": MAX_YEARS}
            ]
    found: Agency | None = None
    code = (agency or "").strip().upper()
    if code:
        found = agency_get_by_code(code=code)
        if found is None:
            errors["agency"] = [_("No agency has this code.")]
    procedure_code = (procedure or "").strip() or None
    if procedure_code and not procedure_versions(code=procedure_code).exists():
        errors["procedure"] = [_("No procedure has this code.")]
    group = GroupBy.AGENCY
    try:
        group = GroupBy((group_by or "").strip() or GroupBy.AGENCY)
    except ValueError:
        errors["group_by"] = [
            _("Unknown grouping. Use one of: %(values)s.")
            % {"values": ", ".join(g.value for g in GroupBy)}
        ]
    out = (fmt or "").strip().lower() or "json"
    if out not in FORMATS:
        errors["format"] = [
            _("Unknown format. Use one of: %(values)s.") % {"values": ", ".join(FORMATS)}
        ]
    if errors or first is None or last is None:
        raise ValidationFailed(_("Check the values you entered."), field_errors=errors)
    return _Request(first, last, found, procedure_code, group, out)


def _scope(*, user: User, agency: Agency | None) -> tuple[set[int] | None, list[Agency]]:
    """The agencies whose figures the caller may see for this request (None: all) and the
    agencies the caller watches (empty for the province-wide). PermissionDenied else."""
    names = {r.value for r in REPORT_ROLES}
    held = [(role, agency_id) for role, agency_id in user_roles(user=user) if role in names]
    if not held:
        raise PermissionDenied(
            _("Only officers and supervisors may see the reports."), code="forbidden"
        )
    wide_names = {r.value for r in PROVINCE_WIDE_ROLES}
    wide = {a for role, a in held if role in wide_names and a is not None}
    if any(a.kind == AgencyKind.PROVINCE for a in agencies_by_id(ids=wide).values()):
        return ({agency.pk} if agency is not None else None), []
    watched = agencies_monitored_by(user=user, roles=set(REPORT_ROLES))
    allowed = agencies_with_subagencies(agency_ids={a.pk for a in watched})
    if agency is None:
        if not allowed:
            raise PermissionDenied(
                _("Only officers and supervisors may see the reports."), code="forbidden"
            )
        return allowed, watched
    if agency.pk not in allowed:
        raise PermissionDenied(
            _("You may see the reports of your own agencies only."),
            code="forbidden",
            field_errors={"agency": [_("You may see the reports of your own agencies only.")]},
        )
    return {agency.pk}, watched


def _unit_name(agency: Agency | None, watched: list[Agency]) -> str:
    """The reporting unit printed on the form: the agency asked for, else the caller's top
    agencies, else (the whole province) the province's agency."""
    if agency is not None:
        return agency.name
    if watched:
        ids = {a.pk for a in watched}
        return "; ".join(a.name for a in watched if a.parent_id not in ids)
    root = agency_list(kind=AgencyKind.PROVINCE).filter(parent__isnull=True).first()
    return (
        root.name if root is not None else f"Ủy ban nhân dân tỉnh {settings.MOTCUA_PROVINCE_NAME}"
    )


def _figures(row: ResolutionRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIGURES}


@router.get(
    "/resolution",
    auth=AUTHENTICATED,
    response={200: ResolutionReportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    by_alias=True,
    summary="The official report on receiving and resolving dossiers (Biểu 06/VPCP/KSTT)",
    url_name="report-resolution",
    openapi_extra={
        "responses": {
            "200": {
                "description": (
                    "The report as JSON, or with `format=xlsx` the Excel file, with "
                    "`format=pdf` the PDF (landscape A4)."
                ),
                "content": {
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def report_resolution_api(
    request: HttpRequest,
    date_from: str | None = params.Query(None, alias="from", description="First day, YYYY-MM-DD."),
    date_to: str | None = params.Query(
        None, alias="to", description="Last day, YYYY-MM-DD (inclusive; at most 5 years in all)."
    ),
    agency: str | None = params.Query(
        None, description="Agency code (e-ID), e.g. `H11.05`: it and its sub-agencies."
    ),
    procedure: str | None = params.Query(None, description="Procedure code, e.g. `2.000004`."),
    group_by: str | None = params.Query(
        None, description="`agency` (default), `field`, `procedure` or `level`."
    ),
    fmt: str | None = params.Query(
        None,
        alias="format",
        description="`json` (default), `xlsx` (Biểu 06 as Excel) or `pdf` (Biểu 06 as PDF).",
    ),
) -> Any:
    """Received (online, at the desk or by post, carried over), resolved (early, on time,
    late), in progress at the period's end (not yet due, overdue), the extra columns, the
    processing times and the rates, one row per group and the total. Counted by the
    deciding agency; an agency includes its sub-agencies. Officers see their own agencies
    (403 for another one; without `agency`, all of theirs); the province's supervisors and
    admins see every agency."""
    query = _parse(
        date_from=date_from,
        date_to=date_to,
        agency=agency,
        procedure=procedure,
        group_by=group_by,
        fmt=fmt,
    )
    ids, watched = _scope(user=_caller(request), agency=query.agency)
    report = resolution_report(
        date_from=query.date_from,
        date_to=query.date_to,
        agency_ids=ids,
        procedure_code=query.procedure,
        group_by=query.group_by,
    )
    if query.fmt in ("xlsx", "pdf"):
        # Made in the request whatever its size (the desk sends large ones to a job).
        render = resolution_pdf if query.fmt == "pdf" else resolution_xlsx
        content = render(
            report=report,
            unit_name=_unit_name(query.agency, watched),
            period_label=period_label(date_from=query.date_from, date_to=query.date_to),
            place=settings.MOTCUA_PROVINCE_NAME,
        )
        content_type = "application/pdf" if query.fmt == "pdf" else XLSX
        response = HttpResponse(content, content_type=content_type)
        name = f"bieu-06-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}.{query.fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return {
        "period": {"from": query.date_from, "to": query.date_to},
        "group_by": query.group_by.value,
        "agency": (
            {"code": query.agency.code, "name": query.agency.name} if query.agency else None
        ),
        "procedure": query.procedure,
        "rows": [{"key": r.key, "label": r.label, **_figures(r)} for r in report.rows],
        "total": _figures(report.total),
    }


# --- The 766 service index (ADR 0030) ------------------------------------------------------


def _index_query(
    *, year: str | None, agency: str | None, until: str | None
) -> tuple[int, Agency | None, dt.date | None]:
    """The year, the agency and the last day asked for, or ValidationFailed naming each bad
    field: a year from 2000 to this one, an agency code that exists, a day of that year not
    after today."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    number = 0
    text = (year or "").strip()
    if not text:
        errors["year"] = [_("This field is required.")]
    elif ascii_int(text, maximum=9999) is None:
        errors["year"] = [_("Enter the year as a number, for example 2026.")]
    else:
        number = int(text)
        if not INDEX_FIRST_YEAR <= number <= today.year:
            errors["year"] = [
                _("Enter a year from %(first)s to %(last)s.")
                % {"first": INDEX_FIRST_YEAR, "last": today.year}
            ]
    found: Agency | None = None
    code = (agency or "").strip().upper()
    if code:
        found = agency_get_by_code(code=code)
        if found is None:
            errors["agency"] = [_("No agency has this code.")]
    last: dt.date | None = None
    if until is not None and until.strip():
        last = _date(until, "until", errors)
        if last is not None and "year" not in errors and (last.year != number or last > today):
            errors["until"] = [_("Enter a day of the year asked for, not after today.")]
    if errors:
        raise ValidationFailed(_("Check the values you entered."), field_errors=errors)
    return number, found, last


def _indicator_out(item: Any) -> dict[str, Any]:
    out = dataclasses.asdict(item)
    out["source"] = str(item.source)
    out["drilldown"] = list(item.drilldown)
    return out


@router.get(
    "/index766",
    auth=AUTHENTICATED,
    response={200: Index766Out, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    by_alias=True,
    summary="The 766 service index of a year (Quyết định 766/QĐ-TTg)",
    url_name="report-index766",
)
def report_index766_api(
    request: HttpRequest,
    year: str | None = params.Query(None, description="The year, e.g. `2026`."),
    agency: str | None = params.Query(
        None,
        description="Agency code (e-ID), e.g. `H11.05`: it and its sub-agencies. Without it, "
        "the whole province (the province's supervisors and admins only).",
    ),
    until: str | None = params.Query(
        None, description="Last day, YYYY-MM-DD, within the year (default: today, or 31/12)."
    ),
) -> Any:
    """Every indicator of the 766 index with its rate, points, the figures behind it and its
    formula: computed from the system's data (the fact table, the catalog), entered by an
    admin (with who and when), or missing (0 points, counted in `missing_points`); the six
    groups and the 100-point total. Access as `GET /reports/resolution`; without `agency`,
    people who do not see the whole province get 403."""
    number, found, last = _index_query(year=year, agency=agency, until=until)
    user = _caller(request)
    ids, _watched = _scope(user=user, agency=found)
    if found is None and ids is not None:
        raise PermissionDenied(
            _(
                "Name one of your agencies: only the province's supervisors and admins see the "
                "whole province."
            ),
            code="forbidden",
            field_errors={"agency": [_("Name one of your agencies.")]},
        )
    index = service_index(
        year=number, agency_id=found.pk if found is not None else None, until=last
    )
    return {
        "year": index.year,
        "period": {"from": index.date_from, "to": index.date_to},
        "agency": {"code": found.code, "name": found.name} if found is not None else None,
        "indicators": [_indicator_out(i) for i in index.indicators],
        "groups": [dataclasses.asdict(g) for g in index.groups],
        "total_points": index.total_points,
        "max_points": index.max_points,
        "missing_points": index.missing_points,
    }
