"""The 766 service index (Quyết định 766/QĐ-TTg; ADR 0030) for a year and an agency among
those a person watches (the report page's scope), or the whole province for its supervisors
and admins; and the page where admins enter the indicators the system cannot compute.
Figures from `reports.api.service_index`; entries through `indicator_entry_save`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_get_by_code, roles_required
from motcua.accounts.data import Role
from motcua.core.errors import ValidationFailed
from motcua.reports.api import (
    IndexScope,
    index_scope,
    indicator_entry_allowed,
    indicator_entry_delete,
    indicator_entry_save,
    service_index,
)
from motcua.reports.data import (
    INDEX766_ENTERED_CODES,
    INDEX766_FIRST_YEAR,
    INDEX766_INDICATORS,
    IndicatorResult,
    ServiceIndex,
)

from ..forms.index766 import IndexForm, IndicatorEntryForm
from ..permissions import reporters
from .common import officer, render_desk
from .reports import BUCKET_LABELS

if TYPE_CHECKING:
    from motcua.accounts.models import Agency

#: Who may open the entry page at all (where, `indicator_entry_allowed` decides).
entry_roles = roles_required(Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN)


def _drill_links(item: IndicatorResult, index: ServiceIndex, agency: str) -> list[dict[str, str]]:
    """Where the figures behind an indicator are listed: the report's drill-down for a
    bucket (the index's period and agency), the public catalog for "catalog"."""
    links = []
    for target in item.drilldown:
        if target == "catalog":
            url = reverse("portal:procedure_list")
            links.append(
                {
                    "url": url + ("?" + urlencode({"co-quan": agency}) if agency else ""),
                    "label": _("The procedures in the catalog"),
                }
            )
        elif target in BUCKET_LABELS:
            params = {
                "bucket": target,
                "from": index.date_from.isoformat(),
                "to": index.date_to.isoformat(),
            }
            if agency:
                params["agency"] = agency
            links.append(
                {
                    "url": reverse("desk:report_dossiers") + "?" + urlencode(params),
                    "label": str(BUCKET_LABELS[target]),
                }
            )
    return links


def _entry_url(year: int, agency: str, code: str) -> str:
    return (
        reverse("desk:index766_entry")
        + "?"
        + urlencode({"year": year, "agency": agency, "code": code})
    )


def _scope_agency(scope: IndexScope, code: str) -> Agency | None:
    return next((a for a in scope.agencies if a.code == code), None)


@reporters
def index(request: HttpRequest) -> HttpResponse:
    """The index of a year for an agency (with its sub-agencies) or the province: each
    indicator with its points out of its maximum, the formula and the figures behind it,
    links to the dossiers or procedures behind it, and who entered the entered ones."""
    user = officer(request)
    scope = index_scope(user=user)
    today = timezone.localdate()
    form = IndexForm(
        request.GET, agencies=scope.agencies, province_wide=scope.province_wide, today=today
    )
    context: dict[str, Any] = {"form": form}
    if not scope.province_wide and not scope.agencies:
        raise PermissionDenied
    if not form.is_valid():
        return render_desk(request, "desk/index766.html", context, status=400)
    year: int = form.cleaned_data["year"]
    code: str = form.cleaned_data.get("agency") or ""
    agency = _scope_agency(scope, code) if code else None
    result = service_index(year=year, agency_id=agency.pk if agency else None)
    may_enter = indicator_entry_allowed(user=user, agency=agency)
    groups = []
    for group in result.groups:
        rows = [
            {
                "item": item,
                "links": _drill_links(item, result, code),
                "entry_url": _entry_url(year, code, item.code)
                if may_enter and item.code in INDEX766_ENTERED_CODES
                else None,
            }
            for item in result.indicators
            if item.group == group.number
        ]
        groups.append({"group": group, "rows": rows})
    context.update(
        {
            "index": result,
            "groups": groups,
            "agency": agency,
            "may_enter": may_enter,
            "missing_count": sum(1 for i in result.indicators if i.rate is None),
        }
    )
    return render_desk(request, "desk/index766.html", context)


def _entry_target(request: HttpRequest) -> tuple[int, Agency | None, str]:
    """The year, agency and indicator of the entry page (query string or form), or 404-ish
    problems as PermissionDenied / a bad request."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        year = int(source.get("year", ""))
    except ValueError:
        year = 0
    code = source.get("code", "")
    agency_code = source.get("agency", "").strip().upper()
    agency = agency_get_by_code(code=agency_code) if agency_code else None
    if agency_code and agency is None:
        raise PermissionDenied
    return year, agency, code


@entry_roles
def entry(request: HttpRequest) -> HttpResponse:
    """Enter, correct or remove the rate of an indicator the system cannot compute, for a
    year and an agency (or the province). Province admins, and agency admins for their
    agencies (`indicator_entry_allowed`); anyone else 403."""
    user = officer(request)
    year, agency, code = _entry_target(request)
    if not indicator_entry_allowed(user=user, agency=agency):
        raise PermissionDenied
    today = timezone.localdate()
    definition = next((d for d in INDEX766_INDICATORS if d.code == code), None)
    agency_code = agency.code if agency else ""
    back = reverse("desk:index766") + "?" + urlencode({"year": year, "agency": agency_code})
    context: dict[str, Any] = {
        "year": year,
        "agency": agency,
        "agency_code": agency_code,
        "code": code,
        "definition": definition,
        "name": _(definition.name) if definition else "",
        "formula": _(definition.formula) if definition else "",
        "back_url": back,
    }
    if definition is None or definition.computed or not INDEX766_FIRST_YEAR <= year <= today.year:
        context["problem"] = _("Choose an indicator that is entered by hand, and a year.")
        context["form"] = IndicatorEntryForm()
        return render_desk(request, "desk/index766_entry.html", context, status=400)
    current = next(
        (
            i
            for i in service_index(year=year, agency_id=agency.pk if agency else None).indicators
            if i.code == code
        ),
        None,
    )
    context["current"] = current
    if request.method == "POST" and request.POST.get("delete"):
        indicator_entry_delete(actor=user, year=year, agency=agency, code=code)
        messages.success(request, _("The indicator is no longer entered."))
        return HttpResponseRedirect(back)
    if request.method == "POST":
        form = IndicatorEntryForm(request.POST)
        if form.is_valid():
            try:
                indicator_entry_save(
                    actor=user,
                    year=year,
                    agency=agency,
                    code=code,
                    rate=form.cleaned_data["rate"],
                    note=form.cleaned_data["note"],
                )
            except ValidationFailed as exc:
                for field, errors in exc.field_errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("The indicator was saved."))
                return HttpResponseRedirect(back)
        context["form"] = form
        return render_desk(request, "desk/index766_entry.html", context, status=400)
    initial = {}
    if current is not None and current.rate is not None:
        initial = {"rate": current.rate, "note": current.note}
    context["form"] = IndicatorEntryForm(initial=initial)
    return render_desk(request, "desk/index766_entry.html", context)
