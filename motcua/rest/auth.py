"""Authentication for the REST API: bearer tokens (officers and systems) or the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from motcua.accounts.api import api_token_authenticate
from motcua.core.errors import PermissionDenied


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


#: Methods that change nothing: a signed-in browser's request needs no CSRF token for them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def session_auth(request: HttpRequest) -> Any:
    """The signed-in user of the session. A request that may change something must carry the
    CSRF token, as the site's forms do: else another site could make a signed-in officer's
    browser post to the API (the API's views are exempt from Django's CSRF middleware, and
    a bearer token needs no such check)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if request.method not in SAFE_METHODS and check_csrf(request) is not None:
        raise PermissionDenied(
            _(
                "The request was refused: the CSRF token is missing or wrong. Send it with a "
                "signed-in session, or authenticate with a bearer token."
            ),
            code="csrf_failed",
        )
    return user


# Operations that need a signed-in caller use `auth=AUTHENTICATED`.
# Public operations must say so explicitly with `auth=PUBLIC` (the URL sweep test checks it).
AUTHENTICATED = [BearerToken(), session_auth]
PUBLIC = None
