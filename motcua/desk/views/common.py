"""Helpers shared by the desk views: the signed-in officer, loading a dossier, rendering."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from motcua.accounts.api import User
from motcua.core.errors import NotFound
from motcua.dossiers.api import Dossier, access_dossier_for_officer

from .. import queries


def officer(request: HttpRequest) -> User:
    """The signed-in user (the role decorators have already refused everyone else)."""
    return cast(User, request.user)


def load_dossier(request: HttpRequest, code: str) -> Dossier:
    """The dossier if this officer may see it; 404 otherwise (never says whether it exists)."""
    try:
        return access_dossier_for_officer(user=officer(request), code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def dossier_url(dossier: Dossier, name: str = "desk:dossier") -> str:
    return reverse(name, args=[queries.dossier_ref(dossier)])


def render_desk(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a desk page with what the desk navigation needs."""
    match = request.resolver_match
    context = {
        "nav": queries.nav_info(officer(request)),
        "active": match.url_name if match else "",
        **context,
    }
    return render(request, template, context, status=status)
