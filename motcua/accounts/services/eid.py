"""Accounts of the national e-ID (VNeID, OpenID Connect): signing in with it, the account
created on first use (`citizen_sign_in_oidc`), and linking an existing account to it
(`citizen_link_oidc`). The OIDC protocol itself is `accounts/oidc.py`."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.data import Role
from motcua.accounts.models import CitizenProfile, User
from motcua.accounts.selectors import contact_taken
from motcua.accounts.services.roles import role_grant
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, PermissionDenied
from motcua.core.identifiers import id_number_problem, phone_normalize
from motcua.core.text import nfc


def _claim(claims: Mapping[str, Any], name: str) -> str:
    names = settings.MOTCUA_OIDC_CLAIMS
    key = str(names.get(name) or "") if isinstance(names, dict) else ""
    value = claims.get(key) if key else None
    if isinstance(value, Mapping):  # e.g. the OIDC "address" object
        value = value.get("formatted") or ""
    return nfc(str(value)).strip() if value not in (None, "") else ""


@transaction.atomic
def citizen_sign_in_oidc(*, issuer: str, subject: str, claims: Mapping[str, Any]) -> User:
    """The account linked to this national e-ID identity (issuer, subject), created from the
    claims on first sign-in. Such an account counts as verified. Never links to an existing
    account by ID number or contact: those were typed by someone, the e-ID was not."""
    if not issuer or not subject:
        raise PermissionDenied(_("The e-ID did not say who you are."), code="oidc_no_subject")
    now = clock.now()
    full_name = _claim(claims, "full_name")
    id_number = _claim(claims, "id_number")
    if id_number and id_number_problem(id_number):
        id_number = ""
    dob: datetime.date | None = None
    with contextlib.suppress(ValueError):
        dob = datetime.date.fromisoformat(_claim(claims, "date_of_birth")) or None
    phone = phone_normalize(_claim(claims, "phone")) or ""
    email = _claim(claims, "email").lower()
    address = _claim(claims, "address")
    profile = (
        CitizenProfile.objects.select_for_update()
        .select_related("user")
        .filter(oidc_issuer=issuer, oidc_subject=subject)
        .first()
    )
    if profile is not None:
        user = profile.user
        if not user.is_active:
            raise PermissionDenied(_("This account is disabled."), code="inactive")
        # The e-ID is the authority on identity: refresh what it says.
        if full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
        profile.id_number = id_number or profile.id_number
        profile.date_of_birth = dob or profile.date_of_birth
        profile.identity_verified_at = now
        profile.save()
        audit_record(actor=user, action="citizen.signed_in_eid", obj=profile)
        return user
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:20]
    user = User(username=f"eid-{digest}", full_name=full_name or _("Citizen"))
    if phone and not contact_taken(phone=phone):
        user.phone = phone
    if email and not contact_taken(email=email):
        user.email = email
    user.set_unusable_password()
    user.save()
    profile = CitizenProfile.objects.create(
        user=user,
        kind="person",
        id_number=id_number,
        date_of_birth=dob,
        address=address,
        identity_verified_at=now,
        oidc_issuer=issuer,
        oidc_subject=subject,
    )
    role_grant(user=user, role=Role.CITIZEN, agency=None, actor=user)
    audit_record(actor=user, action="citizen.signed_up_eid", obj=profile)
    return user


@transaction.atomic
def citizen_link_oidc(
    *, user: User, issuer: str, subject: str, claims: Mapping[str, Any]
) -> CitizenProfile:
    """Link the signed-in citizen's account to their national e-ID (issuer, subject), so that
    both ways of signing in reach the same account and its dossiers. The account becomes
    identity-verified and the e-ID is the authority on the name, ID number and date of birth
    it gives (what the citizen typed before is replaced; the change is audited).

    Refused (Conflict) when this e-ID is already linked to another account, or this account to
    another e-ID: merging two accounts is a job for the help desk, not for a click."""
    if not issuer or not subject:
        raise PermissionDenied(_("The e-ID did not say who you are."), code="oidc_no_subject")
    other = (
        CitizenProfile.objects.select_for_update()
        .filter(oidc_issuer=issuer, oidc_subject=subject)
        .exclude(user=user)
        .first()
    )
    if other is not None:
        raise Conflict(
            _(
                "This national e-ID is already linked to another account. Sign in with the "
                "e-ID to use that account, or ask the help desk to merge the two."
            ),
            code="eid_linked_elsewhere",
        )
    profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
    if profile.oidc_subject and (profile.oidc_issuer, profile.oidc_subject) != (issuer, subject):
        raise Conflict(
            _("Your account is already linked to another national e-ID."),
            code="eid_already_linked",
        )
    before = {"id_number": profile.id_number, "full_name": user.full_name}
    full_name = _claim(claims, "full_name")
    id_number = _claim(claims, "id_number")
    if id_number and id_number_problem(id_number):
        id_number = ""
    with contextlib.suppress(ValueError):
        dob = datetime.date.fromisoformat(_claim(claims, "date_of_birth"))
        profile.date_of_birth = dob
    if full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    profile.id_number = id_number or profile.id_number
    profile.oidc_issuer = issuer
    profile.oidc_subject = subject
    profile.identity_verified_at = clock.now()
    profile.save()
    audit_record(
        actor=user,
        action="citizen.linked_eid",
        obj=profile,
        data={
            "replaced": {k: v for k, v in before.items() if v}
            if before["id_number"] != profile.id_number or before["full_name"] != user.full_name
            else {},
        },
    )
    return profile
