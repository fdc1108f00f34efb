"""Hostile input stops at the door (docs/adr/0033-hostile-input.md).

One mechanism for every boundary:

- `HostileInputMiddleware` refuses, before any view runs, a request whose path, query string,
  form body or JSON body holds a control character (NUL included) or a lone surrogate — what
  PostgreSQL cannot store and no person types — or a query value longer than
  `MAX_QUERY_VALUE`. The answer is 400 naming the field: the API's error shape for /api/, a
  Vietnamese page otherwise (the views never see it; the database never stores it).
- `max_lengths()` reads the limits of the model's own columns, so forms and API schemas bound
  a text by what the database holds (no number written twice).
- `ascii_int()` reads a number from outside: ASCII digits only, bounded (`MAX_ID`); the API's
  pagination is bounded by `MAX_OFFSET` and `MAX_LIMIT`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from motcua.core.http_errors import api_error, is_api

#: C0 controls except tab, line feed and carriage return; DEL; lone UTF-16 surrogates (JSON's
#: "\ud800" decodes to one; no UTF-8 database column can hold it).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: What a JSON body must contain for a decoded string to hold one of them: a \u escape of a
#: control character or of a surrogate, or a raw DEL. Only such a body is decoded and walked.
_JSON_ESCAPE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|007[fF]|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _json_suspect(body: bytes) -> bool:
    """Whether a JSON body may decode to a forbidden character (memchr-fast on large bodies:
    a 20 MB intake of base64 has no escape and is not decoded here)."""
    if b"\x7f" in body:
        return True
    at = body.find(b"\\")  # one byte: memchr
    while at != -1:
        if _JSON_ESCAPE.match(body, at):
            return True
        at = body.find(b"\\", at + 2)
    return False


#: The longest value a query-string parameter may have (a search, a code, a date).
MAX_QUERY_VALUE = 1000
#: The largest id (a 64-bit primary key) and pagination bounds of the API.
MAX_ID = 2**63 - 1
MAX_OFFSET = 1_000_000_000
MAX_LIMIT = 200
_ASCII_INT = re.compile(r"[0-9]{1,19}")


def text_problem(value: str) -> str | None:
    """Why a text from outside cannot be taken (a control character or a lone surrogate), or
    None."""
    if _FORBIDDEN.search(value):
        return _("This value contains a control character (such as NUL), which is not allowed.")
    return None


def ascii_int(text: str, *, maximum: int = MAX_ID) -> int | None:
    """The number written in `text` with ASCII digits only (no sign, no spaces, no "²" or
    "١"), or None when it is not one or is larger than `maximum`."""
    if not _ASCII_INT.fullmatch(text or ""):
        return None
    value = int(text)
    return value if value <= maximum else None


def max_lengths(model: type[models.Model], fields: Mapping[str, str]) -> dict[str, int]:
    """{input name: max_length of the model field it is stored in}: `fields` maps each input
    name to the model field's name. A field without a max_length is an error (ask for it)."""
    limits: dict[str, int] = {}
    for name, field_name in fields.items():
        length = getattr(model._meta.get_field(field_name), "max_length", None)
        if not isinstance(length, int):
            raise LookupError(f"{model.__name__}.{field_name} has no max_length")
        limits[name] = length
    return limits


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every string in a decoded JSON document, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _walk(item, child)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}.{i}" if path else str(i))


def _query_errors(request: HttpRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, values in request.GET.lists():
        name = key if not _FORBIDDEN.search(key) else repr(key)
        for value in [key, *values]:
            problem = text_problem(value)
            if problem is None and len(value) > MAX_QUERY_VALUE:
                problem = _("Ensure this value has at most %(max)d characters.") % {
                    "max": MAX_QUERY_VALUE
                }
            if problem:
                errors.setdefault(name, []).append(problem)
                break
    return errors


def _body_errors(request: HttpRequest) -> dict[str, list[str]]:
    if request.method not in ("POST", "PUT", "PATCH"):
        return {}
    content_type = (request.content_type or "").lower()
    items: list[tuple[str, str]] = []
    forms = ("application/x-www-form-urlencoded", "multipart/form-data")
    if content_type in forms and not (is_api(request) and content_type == forms[1]):
        # Pages: CsrfViewMiddleware reads request.POST next anyway. The API's multipart
        # bodies are left to ninja, which answers a broken one with `malformed_body` (a parse
        # here would hide the error from it); the only one (verify) carries a file, no text.
        try:
            items = [(k, v) for k, vs in request.POST.lists() for v in [k, *vs]]
        except Exception:  # noqa: BLE001 — an unreadable body is the view's 400 to give
            return {}
    elif content_type == "application/json" or content_type.endswith("+json"):
        if not _json_suspect(request.body):
            return {}  # a JSON text holds a control character only as an escape (or raw DEL)
        try:
            items = list(_walk(json.loads(request.body), ""))
        except Exception:  # noqa: BLE001 — broken JSON is the API's `malformed_json`
            return {}
    errors: dict[str, list[str]] = {}
    for name, value in items:
        problem = text_problem(value)
        if problem:
            errors.setdefault(name if not _FORBIDDEN.search(name) else repr(name), [problem])
    return errors


class HostileInputMiddleware:
    """400 (field named) for control characters in the path, the query or the body, and for
    over-long query values."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        if text_problem(request.path_info):
            errors["path"] = [_("The address contains a control character (such as NUL).")]
        errors.update(_query_errors(request))
        if not errors:
            errors.update(_body_errors(request))
        if not errors:
            return self.get_response(request)
        if is_api(request):
            return api_error(
                request,
                400,
                code="invalid_characters",
                detail=_("Invalid input: check the fields named in errors."),
                errors=errors,
            )
        page = render_to_string("400_input.html", {"errors": errors}, request=request)
        return HttpResponse(page, status=400)
