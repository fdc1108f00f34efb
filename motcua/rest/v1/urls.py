"""The versioned REST API: /api/v1/, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.core.access import mark
from motcua.rest import errors
from motcua.rest.openapi import ErrorDocumentedAPI
from motcua.rest.v1 import (
    agencies,
    auth,
    calendar,
    documents,
    dossiers,
    feedback,
    procedures,
    reports,
    simplification,
)

api = ErrorDocumentedAPI(
    # Lazy: the OpenAPI document and its pages are in the request's language.
    title=format_lazy(  # type: ignore[arg-type]
        _("API of the administrative procedure information system of {province} province"),
        province=settings.MOTCUA_PROVINCE_NAME,
    ),
    version="1.0.0",
    description=(
        "REST API of motcua, the one-stop shop (Một cửa) of a Vietnamese province. "
        "Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/procedures", procedures.router)
api.add_router("/agencies", agencies.router)
api.add_router("/calendar", calendar.router)
api.add_router("/dossiers", dossiers.router)
api.add_router("/dossiers", documents.router)
api.add_router("/verify", documents.verify_router)
api.add_router("/reports", reports.router)
api.add_router("/procedures", simplification.cost_router)
api.add_router("/simplification", simplification.router)
api.add_router("/feedback", feedback.router)


def _api_patterns() -> list[Any]:
    """The API's URL patterns. Each operation declares its own auth (checked by
    tests/test_url_auth.py), so the session middleware must not redirect API clients to the
    login page: the views are marked `login_required = False` and `motcua_access = "api"`."""
    patterns, _app, _ns = api.urls
    for pattern in patterns:
        view: Any = pattern.callback
        view.login_required = False
        mark(view, "api")
    return list(patterns)


api_urlpatterns = (_api_patterns(), "api-v1")
