"""Public pages of the catalog (no login). Views parse, call catalog.api, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_list
from motcua.accounts.data import AgencyKind
from motcua.catalog.api import (
    APPLICANT_KIND_LABELS,
    agency_procedure_counts,
    field_list_with_counts,
    procedure_get_current,
    procedure_search,
)
from motcua.core.access import public
from motcua.portal.views_account import CitizenLoginView

PAGE_SIZE = 20


@public
def home(request: HttpRequest) -> HttpResponse:
    fields = list(field_list_with_counts())
    total = procedure_search().count()
    return render(
        request,
        "portal/home.html",
        {"fields": fields, "total": total, "field_count": len(fields)},
    )


@public
def procedure_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    agency_code = request.GET.get("co-quan") or None
    field_code = request.GET.get("linh-vuc") or None
    qs = procedure_search(q=q, agency_code=agency_code, field_code=field_code)
    paginator = Paginator(qs.prefetch_related("agencies"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    today = timezone.localdate()
    agencies = [
        a
        for a in agency_list(on=today)
        if a.kind in (AgencyKind.DEPARTMENT, AgencyKind.UNIT, AgencyKind.PROVINCE)
    ]
    fields = list(field_list_with_counts())
    chosen_agency = next((a for a in agencies if a.code == agency_code), None)
    chosen_field = next((f for f in fields if f.code == field_code), None)
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "q": q,
            "page": page,
            "count": paginator.count,
            "agencies": agencies,
            "fields": fields,
            "agency_code": agency_code or "",
            "field_code": field_code or "",
            "chosen_agency": chosen_agency,
            "chosen_field": chosen_field,
            "querystring": params.urlencode(),
        },
    )


@public
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = procedure_get_current(code=code)
    if version is None:
        raise Http404(_("No published procedure has this code."))
    agencies = list(version.agencies.all())
    communes = [a for a in agencies if a.kind == AgencyKind.COMMUNE]
    others = [a for a in agencies if a.kind != AgencyKind.COMMUNE]
    total_hours = sum((s.budget_hours for s in version.steps.all()), start=0)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "v": version,
            "agencies": others,
            "commune_count": len(communes),
            "applicant_kinds": [APPLICANT_KIND_LABELS.get(k, k) for k in version.applicant_kinds],
            "total_hours": total_hours,
        },
    )


@public
def agency_index(request: HttpRequest) -> HttpResponse:
    counts = agency_procedure_counts()
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    commune_total = 0
    for agency in agency_list(on=today):
        n = counts.get(agency.pk, 0)
        if agency.kind == AgencyKind.COMMUNE:
            commune_total = max(commune_total, n)
            continue
        if n:
            rows.append({"agency": agency, "count": n})
    communes = list(agency_list(on=today, kind=AgencyKind.COMMUNE))
    return render(
        request,
        "portal/agency_index.html",
        {
            "rows": rows,
            "communes": communes,
            "commune_total": commune_total,
        },
    )


@public
def field_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/field_index.html", {"fields": field_list_with_counts()})


login = public(
    CitizenLoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True
    )
)
logout = public(auth_views.LogoutView.as_view())
