"""The error answers of the OpenAPI document, written once (docs/adr/0038).

Every operation of the API can answer some errors whatever its own code does: the hostile-input
middleware refuses a control character in any address or query (400 `invalid_characters`,
ADR 0033), a database that stays busy is 503 `database_busy` with Retry-After (ADR 0021), an
operation behind `AUTHENTICATED` answers 401 without a valid token, and so on. Declaring them
operation by operation was forgotten more often than not (the fuzz of issue 13 found 401s
and 400s missing from most operations), so `ErrorDocumentedAPI` adds them to the generated
document: shared responses in `components.responses` (their descriptions list the `code`s),
referenced from every operation they apply to. An operation keeps what it declares itself
with a description of its own (e.g. the 429 of `POST /auth/token` and its Retry-After).

It also merges the responses an operation declares twice, through `response=` (integer
status keys) and through `openapi_extra` (string keys): without that the JSON document held
the key "200" twice, and a reader kept only one of them."""

from __future__ import annotations

import http
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "integer", "minimum": 1},
}

#: status → (component name, description) of the shared error responses.
SHARED_ERRORS: dict[str, tuple[str, str]] = {
    "400": (
        "BadRequest",
        "The request was refused before anything was done; `errors` names each field. "
        "Codes: `invalid` (a value does not fit, e.g. too long, out of range, wrong type), "
        "`invalid_characters` (a control character such as NUL, or a lone surrogate, in the "
        "address (`path`), a query parameter or a body field; or a query value over 1,000 "
        "characters), `malformed_json` (the body is not JSON), `malformed_body` (a "
        "multipart body without its boundary), `bad_request`.",
    ),
    "401": (
        "Unauthorized",
        "No valid credentials (code `unauthenticated`): send `Authorization: Bearer <token>` "
        "(from `POST /api/v1/auth/token`) or use a signed-in session.",
    ),
    "403": (
        "Forbidden",
        "The caller may not do this (code `forbidden`, or a domain code), or a signed-in "
        "browser session wrote without its CSRF token (code `csrf_failed`; a bearer token "
        "needs none).",
    ),
    "404": (
        "NotFound",
        "Nothing at this address, or nothing the caller may see (code `not_found`).",
    ),
    "413": (
        "TooLarge",
        "The body is larger than the server accepts (code `too_large`).",
    ),
    "503": (
        "DatabaseBusy",
        "A part the request needs is unavailable for a moment; try again after `Retry-After` "
        "seconds. `database_busy`: the database stayed busy, nothing was saved. "
        "`database_unavailable`: the database cannot be reached; for a write it is not known "
        "whether it was saved (repeat an intake with the same `Idempotency-Key`: it is not "
        "received twice). `storage_unavailable`: the file store cannot be reached, nothing was "
        "saved.",
    ),
}
HEADERS = {"503": {"Retry-After": RETRY_AFTER}}


def _ref(status: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{SHARED_ERRORS[status][0]}"}


def _statuses_for(operation: dict[str, Any], method: str) -> list[str]:
    """The shared errors an operation can answer: 400 and 503 all of them; 401 those that
    need credentials, and 403 those of them that write; 404 those with a path parameter;
    413 those with a body."""
    statuses = ["400", "503"]
    if operation.get("security"):
        statuses.append("401")
        if method != "get":
            statuses.append("403")
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.append("404")
    if "requestBody" in operation:
        statuses.append("413")
    return statuses


def _is_generic(response: dict[str, Any], status: str) -> bool:
    """A response ninja wrote from `response={status: ErrorOut}` alone (its description the
    bare HTTP phrase): the shared one says more."""
    try:
        phrase = http.HTTPStatus(int(status)).phrase
    except ValueError:
        return False
    return bool(response.get("description", phrase) == phrase)


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    merged = {**first, **second}
    if "content" in first or "content" in second:
        merged["content"] = {**first.get("content", {}), **second.get("content", {})}
    if "headers" in first or "headers" in second:
        merged["headers"] = {**first.get("headers", {}), **second.get("headers", {})}
    return merged


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """The document with the shared error responses (in place; returned for chaining)."""
    components = schema.setdefault("components", {})
    shared = components.setdefault("responses", {})
    for status, (name, description) in SHARED_ERRORS.items():
        shared[name] = {
            "description": description,
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        if status in HEADERS:
            shared[name]["headers"] = HEADERS[status]
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            responses: dict[str, Any] = {}
            for key, response in operation.get("responses", {}).items():
                status = str(key)
                responses[status] = _merge(responses.get(status, {}), response)
            declared = [s for s in responses if s in SHARED_ERRORS]
            for status in {*_statuses_for(operation, method), *declared}:
                if status not in responses or _is_generic(responses[status], status):
                    responses[status] = _ref(status)
            operation["responses"] = dict(sorted(responses.items()))
    return schema


class ErrorDocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the errors every operation can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema
