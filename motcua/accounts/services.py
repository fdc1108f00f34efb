"""Writes of the accounts app: agencies, roles, API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.data import Role
from motcua.accounts.models import Agency, ApiToken, RoleAssignment, User
from motcua.core.audit import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import nfc


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    receiving_desk: Agency | None = None,
    admin_unit_code: int | None = None,
    valid_from: datetime.date = datetime.date(2025, 7, 1),
    valid_to: datetime.date | None = None,
    code_is_placeholder: bool = False,
    actor: User | None = None,
) -> Agency:
    """Create the agency with this code, or update it. Validates the code and the dates."""
    agency = Agency.objects.select_for_update().filter(code=code).first() or Agency(code=code)
    agency.name = nfc(name).strip()
    agency.kind = kind
    agency.parent = parent
    agency.receiving_desk = receiving_desk
    agency.admin_unit_code = admin_unit_code
    agency.valid_from = valid_from
    agency.valid_to = valid_to
    agency.code_is_placeholder = code_is_placeholder
    try:
        agency.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The agency is not valid."), field_errors=exc.message_dict
        ) from exc
    created = agency.pk is None
    agency.save()
    audit_record(actor=actor, action="agency.created" if created else "agency.updated", obj=agency)
    return agency


@transaction.atomic
def role_grant(
    *, user: User, role: Role, agency: Agency | None, actor: User | None = None
) -> RoleAssignment:
    """Give a user a role in an agency (idempotent)."""
    if (role == Role.CITIZEN) != (agency is None):
        raise ValidationFailed(
            _("Officer roles are held in an agency; the citizen role is held without one."),
            field_errors={"agency": [_("Choose an agency for this role.")]},
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role.value, agency=agency
    )
    if created:
        audit_record(
            actor=actor,
            action="role.granted",
            obj=assignment,
            data={"role": role.value, "agency": agency.code if agency else None},
        )
    return assignment


@transaction.atomic
def api_token_issue(*, username: str, password: str) -> tuple[str, ApiToken]:
    """Check the credentials and issue a bearer token. The key is returned once, never stored."""
    user = authenticate(username=username, password=password)
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
