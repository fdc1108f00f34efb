"""Deny by default: every URL declares who may see it (conventions C8).

Walks the whole URLconf. A Django view must carry a `motcua_access` marker (set by
`core.access.public`, `accounts.permissions.roles_required`/`signed_in`), or be one of the
admin's own views (staff only, checked by the admin site). Every REST operation must declare
`auth` explicitly: `PUBLIC` (None) or a list of authenticators."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from motcua.rest.v1.urls import api

ADMIN_PREFIX = "admin/"


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), p.callback))
    return found


def test_every_view_declares_who_may_see_it():
    undeclared = []
    for route, view in _walk(get_resolver().url_patterns):
        if route.startswith(ADMIN_PREFIX):
            continue
        if not getattr(view, "motcua_access", None):
            undeclared.append(route)
    assert undeclared == []


def test_admin_views_require_staff(client, db):
    response = client.get("/admin/catalog/procedureversion/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/admin/")


def test_every_api_operation_declares_its_auth():
    missing = []
    count = 0
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                count += 1
                # NOT_SET means the operation relied on a default: refuse that.
                if op.auth_param is NOT_SET:
                    missing.append(path)
    assert count >= 6
    assert missing == []


#: Pages anyone may open without signing in (marked `core.access.public`), opened anonymously.
PUBLIC_PAGES = ["/thong-ke/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_open_to_anonymous_visitors(client, db, url):
    from django.urls import resolve

    assert getattr(resolve(url).func, "motcua_access", None) == "public"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/auth/me"])
def test_protected_api_refuses_anonymous(client, db, url):
    assert client.get(url).status_code == 401


def test_openapi_schema_names_are_unique():
    """Two routers defining a schema with the same class name would silently overwrite each
    other's component in the OpenAPI document."""
    from ninja import Schema

    seen: dict[str, str] = {}
    clashes = []

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("motcua.rest"):
                other = seen.setdefault(sub.__name__, sub.__module__)
                if other != sub.__module__:
                    clashes.append((sub.__name__, other, sub.__module__))
            walk(sub)

    walk(Schema)
    assert clashes == []
