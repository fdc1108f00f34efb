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

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services.signin import password_sign_in
from motcua.core.audit import audit_record
from motcua.core.errors import PermissionDenied


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, username: str, password: str, address: str = "") -> tuple[str, ApiToken]:
    """Check the credentials and issue a bearer token. The key is returned once, never stored.

    `username` may also be the account's email address or mobile number, as on the portal;
    `address` is the client's (the throttle counts per account and per address; "" outside a
    request, e.g. in tests: all such calls share one address). Raises
    PermissionDenied ("bad_credentials") or SignInThrottled ("throttled", 429)."""
    user = password_sign_in(request=None, identifier=username, password=password, address=address)
    if user is None or not user.is_active:
        raise PermissionDenied(_("Wrong username or password."), code="bad_credentials")
    assert isinstance(user, User)
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
