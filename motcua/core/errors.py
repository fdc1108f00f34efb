"""Errors that services raise and interfaces translate (HTTP 400/403/404/409, form errors)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ApplicationError(Exception):
    """A rule of the domain was broken. `message` is user-facing (translatable).

    `field_errors` maps a field name (or "row 3, column name") to its messages."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        field_errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field_errors: dict[str, list[str]] = {
            k: [str(m) for m in v] for k, v in (field_errors or {}).items()
        }


class ValidationFailed(ApplicationError):
    """Input is not acceptable; nothing was changed."""


class PermissionDenied(ApplicationError):
    status_code = 403


class NotFound(ApplicationError):
    status_code = 404


class Conflict(ApplicationError):
    """The action is not allowed in the current state, or lost a race."""

    status_code = 409
