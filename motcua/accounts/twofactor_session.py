"""Where a session stands with two-factor sign-in (ADR 0034): verified once
`TWO_FACTOR_SESSION_KEY` names its user (the second step of signing in, or setting up an
authenticator, sets it; Django's login() of another user clears the session)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.accounts.data import TWO_FACTOR_SESSION_KEY, TwoFactorState
from motcua.accounts.services.twofactor import two_factor_state


def session_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and request.session.get(TWO_FACTOR_SESSION_KEY) == user.pk
    )


def mark_session_verified(request: HttpRequest) -> None:
    """This session's user has given the second factor (or just set it up)."""
    request.session[TWO_FACTOR_SESSION_KEY] = request.user.pk


def session_two_factor_state(request: HttpRequest) -> TwoFactorState:
    """What the session's user still owes (NONE once verified), computed once per request."""
    cached = getattr(request, "_motcua_two_factor_state", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user: Any = request.user
    if not user.is_authenticated or session_verified(request):
        state = TwoFactorState.NONE
    else:
        state = two_factor_state(user=user)
    request._motcua_two_factor_state = state  # type: ignore[attr-defined]
    return state
