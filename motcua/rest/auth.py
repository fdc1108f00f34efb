"""Authentication for the REST API: bearer tokens (officers and systems) or the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from motcua.accounts.api import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


def session_auth(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


# Operations that need a signed-in caller use `auth=AUTHENTICATED`.
# Public operations must say so explicitly with `auth=PUBLIC` (the URL sweep test checks it).
AUTHENTICATED = [BearerToken(), session_auth]
PUBLIC = None
