"""Error responses: JSON with a `code` for every /api/ error, a Vietnamese page for the rest,
and 503 with Retry-After (never 500) when the database is too busy (docs/adr/0021).

- `ErrorResponsesMiddleware` (first in MIDDLEWARE): a view that raised because the database
  stayed busy gets the 503; an /api/ error that is not JSON yet (405 from the router, a 403
  from a middleware) becomes JSON.
- The error handlers of config/urls.py (`bad_request`, `permission_denied`, `page_not_found`,
  `server_error`): what Django answers for an unreadable body (400), a 404 of an unknown
  address, and an exception nobody handled (500, or the 503 when a middleware such as the
  session's failed on a busy database).
- The REST API's own exception handlers (rest/errors.py) build their bodies with `api_error`
  and `busy_response` from here.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from motcua.core.busy import database_busy
from motcua.core.dbdown import database_unreachable
from motcua.core.storage import storage_outage

logger = logging.getLogger("motcua.core.busy")
down_logger = logging.getLogger("motcua.core.dbdown")

API_PREFIX = "/api/"
#: Headers an error response keeps when /api/ turns it into JSON.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary", "Content-Language")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def retry_after_seconds() -> int:
    return int(getattr(settings, "MOTCUA_BUSY_RETRY_AFTER_SECONDS", 5))


def _messages() -> dict[int, tuple[str, str]]:
    """(code, message) of a generic error by HTTP status, in the active language."""
    return {
        400: ("bad_request", _("The request could not be read.")),
        401: ("unauthenticated", _("Authentication required: send a bearer token or sign in.")),
        403: ("forbidden", _("You may not do this.")),
        404: ("not_found", _("There is nothing at this address.")),
        405: ("method_not_allowed", _("This address does not accept this method.")),
        406: ("not_acceptable", _("This address cannot answer in the format asked for.")),
        413: ("too_large", _("The request is too large.")),
        415: ("unsupported_media_type", _("This address does not accept this content type.")),
        429: ("throttled", _("Too many requests: wait a little and try again.")),
        500: ("server_error", _("An unexpected error occurred. It was logged; try again later.")),
        503: ("unavailable", _("The service is unavailable for a moment; try again later.")),
    }


def status_code_and_message(status: int) -> tuple[str, str]:
    """The generic error code and message of an HTTP status (the class's if unknown)."""
    messages = _messages()
    if status in messages:
        return messages[status]
    return messages[500] if status >= 500 else messages[400]


def api_error(
    request: HttpRequest,
    status: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The REST API's error body: {"detail", "code", "errors"} (the shape of every /api/
    error, rest/README.md), in the request's language."""
    generic_code, generic_detail = status_code_and_message(status)
    response = JsonResponse(
        {"detail": detail or generic_detail, "code": code or generic_code, "errors": errors or {}},
        status=status,
        content_type="application/json; charset=utf-8",
    )
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    return response


def busy_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON with the code `database_busy` for /api/, the page 503.html
    (in the page's language) otherwise. Logged: which request met which error."""
    seconds = retry_after_seconds()
    logger.warning(
        "database busy: %s %s answered 503, retry after %d s (%s)",
        request.method,
        request.path,
        seconds,
        exc,
    )
    if is_api(request):
        response = api_error(
            request,
            503,
            code="database_busy",
            detail=_("The system is busy: nothing was saved. Try again in %(seconds)d seconds.")
            % {"seconds": seconds},
        )
    else:
        response = HttpResponse(_busy_page(request, seconds), status=503)
    response["Retry-After"] = str(seconds)
    return response


def _busy_page(request: HttpRequest, seconds: int) -> str:
    """The 503 page; if even the page cannot be drawn (its header reads the database), a
    plain one."""
    try:
        return render_to_string("503.html", {"retry_after": seconds}, request=request)
    except Exception:  # noqa: BLE001 - the plain page below instead
        logger.exception("the 503 page could not be drawn")
    title = escape(_("The system is busy"))
    text = escape(
        _("Nothing was saved. Wait %(seconds)d seconds and try again.") % {"seconds": seconds}
    )
    language = escape(translation.get_language() or settings.LANGUAGE_CODE)
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p></main>"
        "</body></html>"
    )


# --- The file store is down (docs/adr/0046) ----------------------------------------------------


def storage_retry_after_seconds() -> int:
    return int(getattr(settings, "MOTCUA_STORAGE_RETRY_AFTER_SECONDS", 30))


def storage_unavailable_message(seconds: int) -> str:
    return _(
        "The file store cannot be reached at the moment: nothing was saved. Try again in "
        "%(seconds)d seconds."
    ) % {"seconds": seconds}


def storage_unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After when the object store is unreachable or failing (the transaction
    was rolled back and the objects it wrote deleted, core/storage.py): JSON with the code
    `storage_unavailable` for /api/, a page in the page's language otherwise. Logged."""
    seconds = storage_retry_after_seconds()
    logger.warning(
        "storage unavailable: %s %s answered 503, retry after %d s (%r)",
        request.method,
        request.path,
        seconds,
        exc,
    )
    message = storage_unavailable_message(seconds)
    if is_api(request):
        response = api_error(request, 503, code="storage_unavailable", detail=message)
    else:
        response = HttpResponse(_storage_page(request, message), status=503)
    response["Retry-After"] = str(seconds)
    return response


def _storage_page(request: HttpRequest, message: str) -> str:
    title = _("Files cannot be saved at the moment")
    try:
        return render_to_string(
            "storage_unavailable.html", {"title": title, "message": message}, request=request
        )
    except Exception:  # noqa: BLE001 - the plain page below instead
        logger.exception("the storage 503 page could not be drawn")
    language = escape(translation.get_language() or settings.LANGUAGE_CODE)
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f"<p>{escape(message)}</p></main></body></html>"
    )


def unavailable_retry_after_seconds() -> int:
    return int(getattr(settings, "MOTCUA_DB_UNAVAILABLE_RETRY_AFTER_SECONDS", 10))


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After for a database that cannot be reached: JSON {"detail", "code":
    "database_unavailable", "errors"} under /api/ (the API's error shape), a page in the
    page's language (Vietnamese by default) otherwise. A request that writes is told that
    the outcome is not known (the connection may have been lost during its COMMIT): the
    client checks, or retries — with the same Idempotency-Key where the API takes one, which
    cannot save it twice. Drawn without the database: no template context processor (they
    read the user and the site), no session."""
    seconds = unavailable_retry_after_seconds()
    first_line = (str(exc).strip().splitlines() or [""])[0]
    down_logger.error(
        "database unreachable: %s %s answered 503, retry after %d s (%s: %s)",
        request.method,
        request.path,
        seconds,
        type(exc).__name__,
        first_line,
    )
    if request.method in ("GET", "HEAD", "OPTIONS"):
        message = _(
            "The database cannot be reached for a moment. Try again in %(seconds)d seconds."
        ) % {"seconds": seconds}
    else:
        message = _(
            "The database could not be reached, so it is not certain that this was saved. "
            "Check before trying again, or send the same request again in %(seconds)d seconds."
        ) % {"seconds": seconds}
    if is_api(request):
        response = api_error(request, 503, code="database_unavailable", detail=message)
    else:
        title = escape(_("The service is interrupted for a moment"))
        language = escape(translation.get_language() or settings.LANGUAGE_CODE)
        # The site's stylesheet (a static file: no database) so the page looks like the others.
        try:
            stylesheet = escape(static("css/motcua.css"))
        except ValueError:  # not collected (tests without the manifest)
            stylesheet = escape(settings.STATIC_URL + "css/motcua.css")
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}</title><link rel="stylesheet" href="{stylesheet}"></head>'
            f'<body><main id="main" class="container"><h1>{title}</h1>'
            f'<p>{escape(message)}</p><p><a href="/">{escape(_("Home"))}</a></p>'
            "</main></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ErrorResponsesMiddleware:
    """First in MIDDLEWARE: sees every response on its way out and every view's exception."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            json_response = api_error(request, response.status_code)
            for header in KEPT_HEADERS:
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if database_busy(exception):
            return busy_response(request, exception)
        if database_unreachable(exception):  # the database cannot be reached (docs/adr/0044)
            return unavailable_response(request, exception)
        if storage_outage(exception):  # the file store is down (docs/adr/0046)
            return storage_unavailable_response(request, exception)
        return None


# --- Error handlers (config/urls.py handler400 … handler500) ---------------------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: a body Django could not read (too large, multipart without a boundary)."""
    if is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        return api_error(request, 400, code="malformed_body", detail=malformed_body_message())
    return defaults.bad_request(request, exception)


def too_large(request: HttpRequest) -> HttpResponse:
    limit = int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 0) or 0)
    return api_error(
        request,
        413,
        code="too_large",
        detail=_("The request body is larger than %(mb)d MB.")
        % {"mb": max(1, limit // (1024 * 1024))},
    )


def malformed_body_message() -> str:
    return _(
        "The request body could not be read (a multipart body needs its boundary in the "
        "Content-Type header)."
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(request, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(request, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when what was raised says the database was busy (Django calls this while
    handling the exception, so it is sys.exc_info())."""
    exc = sys.exc_info()[1]
    if exc is not None and database_busy(exc):
        return busy_response(request, exc)
    if exc is not None and database_unreachable(exc):
        return unavailable_response(request, exc)
    if exc is not None and storage_outage(exc):
        return storage_unavailable_response(request, exc)
    if is_api(request):
        return api_error(request, 500)
    return defaults.server_error(request)
