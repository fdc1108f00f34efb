"""Sign-in by username, email address or mobile number, with one throttle against password
guessing for every door: the portal's sign-in form (which the admin site's sign-in uses), the
API's token endpoint (`password_sign_in`, `citizen_authenticate`, `tokens.api_token_issue`).

Three counters of failures, in the cache shared by the web processes (core/ratelimit.py,
ADR 0016), one window of MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES each:

- per account and address: MOTCUA_LOGIN_MAX_FAILURES (guessing one account from one place);
- per account, from any address: MOTCUA_LOGIN_MAX_FAILURES_PER_ACCOUNT (from many places);
- per address, for any account: MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS (one password tried on
  many accounts). An IPv6 address counts by its /64 network (one subscriber's block).

Each try is counted in all three before the password is checked (tries made at the same time
cannot all get past a limit). A try beyond any limit is refused (`SignInThrottled`, even with
the right password) and taken back from the counters that had room, so that a locked address
does not use up the account's count. A success forgets the failures of its account at its
address (as the portal always did) and does not count in the other two; it never unlocks a
counter beyond its limit: the lock lasts until its window ends."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.accounts.models import TwoFactorDevice, User
from motcua.accounts.selectors import user_find_by_contact
from motcua.core import ratelimit
from motcua.core.errors import PermissionDenied
from motcua.core.text import nfc


class SignInThrottled(PermissionDenied):
    """Too many failed sign-ins for this account or from this address: refused, even with the
    right password, for `retry_after` seconds (HTTP 429 with Retry-After in the API)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, code="throttled")
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _address_key(address: str) -> str:
    """The address as counted: IPv4 as it is, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _counters(account: str, address: str) -> tuple[_Counter, _Counter, _Counter]:
    account, address = account.lower(), _address_key(address)
    return (
        # The key of the portal's throttle before issue 13: counts already running carry on.
        _Counter(
            f"motcua:login-failures:{_digest(account, address)}", settings.MOTCUA_LOGIN_MAX_FAILURES
        ),
        _Counter(
            f"motcua:login-failures-account:{_digest(account)}",
            settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ACCOUNT,
        ),
        _Counter(
            f"motcua:login-failures-address:{_digest(address)}",
            settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS,
        ),
    )


def _window_end_key(counter: _Counter) -> str:
    return f"{counter.key}:ends"


def _seconds_left(counter: _Counter, window_seconds: int) -> int:
    """Seconds until the counter's window ends (the whole window when not known)."""
    end = cache.get(_window_end_key(counter))
    if not isinstance(end, int | float):
        return window_seconds
    return min(window_seconds, max(1, math.ceil(end - time.time())))


def account_key(identifier: str) -> str:
    """The account an identifier names, as the throttle counts it: the username of the one
    active account with this username, email address or mobile number, else the identifier."""
    identifier = nfc(identifier or "").strip()
    found = user_find_by_contact(contact=identifier)
    return found.username if found is not None else identifier


def throttle_try(*, username: str, address: str) -> tuple[_Counter, _Counter, _Counter]:
    """Count one try for this account from this address in the three counters, before its
    secret is checked. Raises SignInThrottled when a limit is reached (the try is taken back
    from the counters that had room). The password and the second factor of two-factor
    sign-in (`twofactor.two_factor_verify`) both count here."""
    window_seconds = settings.MOTCUA_LOGIN_FAILURE_WINDOW_MINUTES * 60
    counters = _counters(username, address)
    over: list[_Counter] = []
    for counter in counters:
        if ratelimit.hit(key=counter.key, limit=counter.limit, window_seconds=window_seconds):
            over.append(counter)
        # The window's end, for Retry-After: set by the window's first try, kept after.
        cache.add(_window_end_key(counter), time.time() + window_seconds, timeout=window_seconds)
    if over:
        for counter in counters:
            if counter not in over:
                ratelimit.release(key=counter.key)
        retry_after = max(_seconds_left(c, window_seconds) for c in over)
        raise SignInThrottled(
            _(
                "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again, or reset your password."
            )
            % {"minutes": math.ceil(retry_after / 60)},
            retry_after=retry_after,
        )
    return counters


def throttle_success(counters: tuple[_Counter, _Counter, _Counter]) -> None:
    """A try counted by `throttle_try` succeeded: forget the failures of its account at its
    address; take the try back from the other two counters."""
    pair, per_account, per_address = counters
    ratelimit.reset(key=pair.key)
    cache.delete(_window_end_key(pair))
    ratelimit.release(key=per_account.key)
    ratelimit.release(key=per_address.key)


def throttle_release(counters: tuple[_Counter, _Counter, _Counter]) -> None:
    """A try counted by `throttle_try` was refused before its secret was checked: take it
    back from the three counters."""
    for counter in counters:
        ratelimit.release(key=counter.key)


def password_sign_in(
    *, request: HttpRequest | None, identifier: str, password: str, address: str
) -> User | None:
    """The active user with this username, email address or mobile number and password, or
    None when they do not match (a failure, counted). Every door that takes a password calls
    this: they share the counters (see the module's docstring).

    Raises SignInThrottled (429, code "throttled") when a limit is reached."""
    username = account_key(identifier)
    counters = throttle_try(username=username, address=address)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    assert isinstance(user, User)
    if TwoFactorDevice.objects.filter(user=user).exists():
        # Not signed in yet: only the second factor's success forgets the failures (wrong
        # codes counted at this address stay counted; twofactor.two_factor_verify).
        throttle_release(counters)
    else:
        throttle_success(counters)
    return user


def citizen_authenticate(
    *, request: HttpRequest | None, identifier: str, password: str, ip: str
) -> User:
    """The portal's sign-in (citizens, officers and staff): `password_sign_in`, with a
    user-facing message when the name or the password is wrong.

    Raises PermissionDenied ("bad_credentials") or SignInThrottled ("throttled")."""
    user = password_sign_in(request=request, identifier=identifier, password=password, address=ip)
    if user is None:
        raise PermissionDenied(
            _("The sign-in name or the password is not correct. Check them and try again."),
            code="bad_credentials",
        )
    return user
