"""Sign-in by username, email address or mobile number, with a throttle against password
guessing (`citizen_authenticate`)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.selectors import user_find_by_contact
from motcua.core import ratelimit
from motcua.core.errors import PermissionDenied
from motcua.core.text import nfc


def _throttle_key(account: str, ip: str) -> str:
    digest = hashlib.sha256(f"{account.lower()}\n{ip}".encode()).hexdigest()
    return f"motcua:login-failures:{digest}"


def citizen_authenticate(
    *, request: HttpRequest | None, identifier: str, password: str, ip: str
) -> User:
    """The active user with this username, email address or mobile number and password.

    After MOTCUA_LOGIN_MAX_FAILURES failures for one account from one address within
    MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES, refuses (even the right password) until the window
    has passed. Raises PermissionDenied with a user-facing message."""
    identifier = nfc(identifier or "").strip()
    found = user_find_by_contact(contact=identifier)
    username = found.username if found is not None else identifier
    key = _throttle_key(username, ip)
    window = settings.MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES
    # Counted before the password is checked, so tries made at the same time cannot all get
    # past the limit; a success forgets the failures (core/ratelimit.py).
    if ratelimit.hit(key=key, limit=settings.MOTCUA_LOGIN_MAX_FAILURES, window_seconds=window * 60):
        raise PermissionDenied(
            _(
                "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again, or reset your password."
            )
            % {"minutes": window},
            code="throttled",
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise PermissionDenied(
            _("The sign-in name or the password is not correct. Check them and try again."),
            code="bad_credentials",
        )
    ratelimit.reset(key=key)
    assert isinstance(user, User)
    return user
