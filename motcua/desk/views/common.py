"""Helpers shared by the desk views: the signed-in officer, loading a dossier, rendering."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from motcua.core.errors import NotFound
from motcua.dossiers.api import access_dossier_for_officer

from .. import presenters
from ..permissions import nav_info

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier


def officer(request: HttpRequest) -> User:
    """The signed-in user (the role decorators have already refused everyone else)."""
    return cast("User", request.user)


def load_dossier(request: HttpRequest, code: str) -> Dossier:
    """The dossier if this officer may see it; 404 otherwise (never says whether it exists)."""
    try:
        return access_dossier_for_officer(user=officer(request), code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def dossier_url(dossier: Dossier, name: str = "desk:dossier") -> str:
    return reverse(name, args=[presenters.dossier_ref(dossier)])


def render_desk(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a desk page with what the desk navigation needs."""
    match = request.resolver_match
    context = {
        "nav": nav_info(officer(request)),
        "active": match.url_name if match else "",
        **context,
    }
    return render(request, template, context, status=status)


def page_links(request: HttpRequest, param: str, page: Any) -> dict[str, str]:
    """The query strings of the previous and next pages of one list, the rest of the query
    (filters, another list's page) kept."""
    links = {}
    for name, has, number in (
        ("previous", page.has_previous, page.previous_page_number),
        ("next", page.has_next, page.next_page_number),
    ):
        if has():
            query = request.GET.copy()
            query[param] = str(number())
            links[name] = "?" + query.urlencode()
    return links


class CappedPaginator(Paginator[Any]):
    """A paginator that counts at most CAP + 1 rows: past CAP the exact total costs a scan of
    every matching row (600,000 overdue dossiers in a province: half a second), and nobody
    pages that far; `capped` says the total is "more than CAP"."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # A QuerySet: COUNT over a LIMIT, without the list's ordering (any CAP + 1 rows do).
        rows: Any = self.object_list
        head = rows.order_by()[: self.CAP + 1]
        return int(head.count())

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
