"""One exception handler: domain errors become JSON with field-level messages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.errors import ApplicationError


def _loc_to_field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": exc.message, "code": exc.code, "errors": exc.field_errors},
            status=exc.status_code,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {
                "detail": "Authentication required: send a bearer token or sign in.",
                "code": "unauthenticated",
                "errors": {},
            },
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": str(exc), "code": "http_error", "errors": {}},
            status=exc.status_code,
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            errors.setdefault(_loc_to_field(list(err.get("loc", []))), []).append(
                str(err.get("msg"))
            )
        return api.create_response(
            request,
            {"detail": "Invalid input.", "code": "invalid", "errors": errors},
            status=400,
        )
