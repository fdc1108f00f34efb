"""One exception handler: every error of the API is JSON {"detail", "code", "errors"}.

Domain errors carry their field-level messages; a body that cannot be read is 400
(`malformed_json`, `malformed_body`) or 413 (`too_large`); a database too busy to take the
write in time is 503 `database_busy` with Retry-After (docs/adr/0021); any other exception
goes on to Django, whose 500 handler answers JSON for /api/ (core/http_errors.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.busy import database_busy
from motcua.core.errors import ApplicationError
from motcua.core.http_errors import (
    busy_response,
    malformed_body_message,
    status_code_and_message,
    storage_unavailable_response,
    too_large,
)
from motcua.core.storage import storage_outage


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
                "detail": _("Authentication required: send a bearer token or sign in."),
                "code": "unauthenticated",
                "errors": {},
            },
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            # ninja's "Cannot parse request body": the JSON (or its UTF-8) is broken.
            code, detail = "malformed_json", _("The request body is not valid JSON.")
        else:
            code, detail = status_code_and_message(exc.status_code)
        return api.create_response(
            request, {"detail": detail, "code": code, "errors": {}}, status=exc.status_code
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
            {"detail": _("Invalid input."), "code": "invalid", "errors": errors},
            status=400,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        code, detail = status_code_and_message(404)
        return api.create_response(
            request, {"detail": detail, "code": code, "errors": {}}, status=404
        )

    @api.exception_handler(RequestDataTooBig)
    def request_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        _log_suspicious(request, exc, 413)
        return too_large(request)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        _log_suspicious(request, exc, 400)
        code, detail = status_code_and_message(400)
        return api.create_response(
            request, {"detail": detail, "code": code, "errors": {}}, status=400
        )

    @api.exception_handler(MultiPartParserError)
    def malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": malformed_body_message(), "code": "malformed_body", "errors": {}},
            status=400,
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        if database_busy(exc):
            return busy_response(request, exc)
        if storage_outage(exc):  # the file store is down: 503 storage_unavailable (ADR 0046)
            return storage_unavailable_response(request, exc)
        raise exc  # Django's 500 handler: logged, JSON for /api/ (core/http_errors.py)


def _log_suspicious(request: HttpRequest, exc: Exception, status: int) -> None:
    """As Django does for the requests it refuses itself (django.security.<name>)."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
        str(exc), exc_info=exc, extra={"status_code": status, "request": request}
    )
