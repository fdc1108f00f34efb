"""Public pages of the catalog (no login). Views parse, call catalog.api, render.

The catalog's pages change only when the catalog does (docs/adr/0042): their data comes from
the catalog's read cache (`catalog.api.catalog_*`, kept per process and catalog generation),
and for an anonymous visitor without pending messages the whole rendered page is kept too, per
address, language and day, with the CSRF token put in per request. What is not the catalog's
(the blocks other features add to the procedure page) is rendered on every request."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from motcua.accounts.data import AgencyKind
from motcua.catalog.api import (
    APPLICANT_KIND_LABELS,
    catalog_agency_rows,
    catalog_field_rows,
    catalog_find,
    catalog_generation,
    catalog_memo,
    catalog_rows,
    catalog_version,
)
from motcua.core.access import public
from motcua.portal.procedure_blocks import procedure_blocks_render_list
from motcua.portal.public_dossiers import PROVEN_COOKIE
from motcua.portal.views_account import CitizenLoginView

PAGE_SIZE = 20
_LIST_AGENCY_KINDS = (AgencyKind.DEPARTMENT, AgencyKind.UNIT, AgencyKind.PROVINCE)
# Put into a kept page where each request's own CSRF token and extra blocks go: random per
# process, so no page content can be made to match it by chance.
_CSRF_MARK = "csrf" + secrets.token_hex(16)
_BLOCKS_MARK = "<!--blocks" + secrets.token_hex(16) + "-->"


def _page_may_be_kept(request: HttpRequest) -> bool:
    """Whether the page looks the same for this visitor as for any other anonymous one: not
    signed in, no message waiting to be shown. Off with DEBUG (templates being edited)."""
    if settings.DEBUG:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


def _render_page(
    request: HttpRequest,
    template: str,
    build: Callable[[], dict[str, Any]],
    *,
    generation: str | None,
    blocks: SafeString | None = None,
    variant: str = "",
) -> HttpResponse:
    """Render `template` with `build()`, or serve the page kept for this address."""
    if generation is None or not _page_may_be_kept(request):
        context = build()
        if blocks is not None:
            context["extra_blocks_html"] = blocks
        return render(request, template, context)
    key = (
        "page",
        template,
        variant,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),
        get_script_prefix(),
        request.get_full_path(),
    )

    def compute() -> str:
        context = build()
        context["csrf_token"] = _CSRF_MARK
        if blocks is not None:
            context["extra_blocks_html"] = mark_safe(_BLOCKS_MARK)  # noqa: S308 — a constant
        return render_to_string(template, context, request=request)

    html = catalog_memo(key, compute, generation=generation)
    if _CSRF_MARK in html:  # a page with a POST form: this visitor's own token
        html = html.replace(_CSRF_MARK, get_token(request))
    if blocks is not None:
        html = html.replace(_BLOCKS_MARK, blocks, 1)
    return HttpResponse(html)


@public
def home(request: HttpRequest) -> HttpResponse:
    generation = catalog_generation()

    def build() -> dict[str, Any]:
        fields = catalog_field_rows(generation=generation)
        total = len(catalog_rows(generation=generation))
        return {"fields": fields, "total": total, "field_count": len(fields)}

    return _render_page(request, "portal/home.html", build, generation=generation)


@public
def procedure_list(request: HttpRequest) -> HttpResponse:
    generation = catalog_generation()

    def build() -> dict[str, Any]:
        q = request.GET.get("q", "").strip()[:200]
        agency_code = request.GET.get("co-quan") or None
        field_code = request.GET.get("linh-vuc") or None
        rows = catalog_find(
            q=q, agency_code=agency_code, field_code=field_code, generation=generation
        )
        paginator = Paginator(rows, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("trang"))
        agencies = [
            a
            for a in catalog_agency_rows(on=timezone.localdate(), generation=generation)
            if a["kind"] in _LIST_AGENCY_KINDS
        ]
        fields = catalog_field_rows(generation=generation)
        chosen_agency = next((a for a in agencies if a["code"] == agency_code), None)
        chosen_field = next((f for f in fields if f["code"] == field_code), None)
        params = request.GET.copy()
        params.pop("trang", None)
        return {
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
        }

    return _render_page(request, "portal/procedure_list.html", build, generation=generation)


def _extra_blocks_html(request: HttpRequest, code: str, *, kept: bool = False) -> SafeString:
    """The blocks other features add to the procedure page (portal/procedure_blocks.py), each
    rendered with its own context: its keys at the top level and as `ctx`. `kept`: rendered
    into a page kept for every visitor without a session, so a form's CSRF token is the mark
    that each request's own token replaces."""
    extra_blocks = procedure_blocks_render_list(request, code)
    extra: dict[str, Any] = {"csrf_token": _CSRF_MARK} if kept else {}
    return format_html_join(
        "",
        "{}",
        (
            (
                render_to_string(
                    block["template"],
                    {**block["context"], "ctx": block["context"], **extra},
                    request,
                ),
            )
            for block in extra_blocks
        ),
    )


@public
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    generation = catalog_generation()
    version = catalog_version(code=code, generation=generation)
    if version is None:
        raise Http404(_("No published procedure has this code."))

    def build() -> dict[str, Any]:
        agencies = list(version.agencies.all())
        communes = [a for a in agencies if a.kind == AgencyKind.COMMUNE]
        others = [a for a in agencies if a.kind != AgencyKind.COMMUNE]
        total_hours = sum((s.budget_hours for s in version.steps.all()), start=0)
        return {
            "v": version,
            "agencies": others,
            "commune_count": len(communes),
            "applicant_kinds": [APPLICANT_KIND_LABELS.get(k, k) for k in version.applicant_kinds],
            "total_hours": total_hours,
        }

    if _page_may_be_kept(request) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        # A visitor with no session has no block state of their own (a question form's kept
        # values, a message): the blocks are the same for everyone and are kept with the page.
        # They change on publishing (feedback, FAQ, answers), which starts a new generation.
        def build_with_blocks() -> dict[str, Any]:
            context = build()
            context["extra_blocks_html"] = _extra_blocks_html(request, code, kept=True)
            return context

        return _render_page(
            request,
            "portal/procedure_detail.html",
            build_with_blocks,
            generation=generation,
            variant="with-blocks",
        )
    return _render_page(
        request,
        "portal/procedure_detail.html",
        build,
        generation=generation,
        blocks=_extra_blocks_html(request, code),
    )


@public
def agency_index(request: HttpRequest) -> HttpResponse:
    generation = catalog_generation()

    def build() -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        communes: list[dict[str, Any]] = []
        commune_total = 0
        for agency in catalog_agency_rows(on=timezone.localdate(), generation=generation):
            n = agency["procedure_count"]
            if agency["kind"] == AgencyKind.COMMUNE:
                commune_total = max(commune_total, n)
                communes.append(agency)
            elif n:
                rows.append({"agency": agency, "count": n})
        return {"rows": rows, "communes": communes, "commune_total": commune_total}

    return _render_page(request, "portal/agency_index.html", build, generation=generation)


@public
def field_index(request: HttpRequest) -> HttpResponse:
    generation = catalog_generation()
    return _render_page(
        request,
        "portal/field_index.html",
        lambda: {"fields": catalog_field_rows(generation=generation)},
        generation=generation,
    )


login = public(
    CitizenLoginView.as_view(
        template_name="registration/login.html", redirect_authenticated_user=True
    )
)


class _LogoutView(auth_views.LogoutView):
    """Sign out, and forget the dossiers this browser proved it may see (the signed cookie of
    public_dossiers): on a shared computer at the service centre, the next person must not see
    them (ADR 0043)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(PROVEN_COOKIE, samesite="Lax")
        return response


logout = public(_LogoutView.as_view())
