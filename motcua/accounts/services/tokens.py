"""Bearer tokens of the REST API: issued for a username and password, only a hash of the
key stored (`api_token_issue`, `api_token_authenticate`). The password is checked by the
sign-in throttle that every door shares (`signin.password_sign_in`)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.data import TwoFactorState
from motcua.accounts.models import ApiToken, User
from motcua.accounts.services.signin import password_sign_in
from motcua.accounts.services.twofactor import two_factor_state, two_factor_verify
from motcua.core.audit import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(
    *, username: str, password: str, address: str = "", otp: str = ""
) -> tuple[str, ApiToken]:
    """Check the credentials and issue a bearer token. The key is returned once, never stored.

    `username` may also be the account's email address or mobile number, as on the portal;
    `address` is the client's (the throttle counts per account and per address; "" outside a
    request, e.g. in tests: all such calls share one address). `otp` is the code of the
    account's authenticator app, or one of its recovery codes: needed for an account with
    two-factor sign-in (ADR 0034); counted by the same throttle. Raises
    PermissionDenied ("bad_credentials"), SignInThrottled ("throttled", 429),
    ValidationFailed ("otp_required", field "otp"), PermissionDenied ("otp_invalid", field
    "otp") or PermissionDenied ("two_factor_enrolment_required": set it up on the web first)."""
    user = password_sign_in(request=None, identifier=username, password=password, address=address)
    if user is None or not user.is_active:
        raise PermissionDenied(_("Wrong username or password."), code="bad_credentials")
    assert isinstance(user, User)
    state = two_factor_state(user=user)
    if state is TwoFactorState.ENROL:
        raise PermissionDenied(
            _(
                "This account must use two-factor sign-in: sign in on the website once and set "
                "up an authenticator app, then ask for a token with its code in the field otp."
            ),
            code="two_factor_enrolment_required",
        )
    if state is TwoFactorState.VERIFY:
        if not (otp or "").strip():
            message = _(
                "This account uses two-factor sign-in: send the 6-digit code of its "
                "authenticator app (or a recovery code) in the field otp."
            )
            raise ValidationFailed(message, code="otp_required", field_errors={"otp": [message]})
        # Raises otp_invalid or throttled; a wrong code is counted (not rolled back).
        two_factor_verify(user=user, code=otp, address=address)
    return _issue(user)


@transaction.atomic
def _issue(user: User) -> tuple[str, ApiToken]:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + datetime.timedelta(hours=settings.MOTCUA_API_TOKEN_TTL_HOURS),
    )
    audit_record(actor=user, action="api_token.issued", obj=token)
    return key, token


def api_token_authenticate(*, key: str) -> User | None:
    """The active user behind a bearer token, or None. Records when it was last used."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
