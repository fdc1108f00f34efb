"""Citizen (or business) sign-up with an email address or a mobile number (`citizen_sign_up`)."""

from __future__ import annotations

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.data import Role
from motcua.accounts.models import CitizenProfile, User
from motcua.accounts.selectors import contact_taken
from motcua.accounts.services.profiles import profile_problems
from motcua.accounts.services.roles import role_grant
from motcua.accounts.services.verification import verification_code_send
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.core.identifiers import phone_normalize
from motcua.core.text import nfc


def _contact_parse(contact: str) -> tuple[str, str]:
    """(email, phone) from what the person typed: exactly one of them is set."""
    contact = nfc(contact or "").strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            pass
        else:
            return contact.lower(), ""
        raise ValidationFailed(
            _("Enter a valid email address or mobile number."),
            field_errors={"contact": [_("Enter a valid email address, e.g. ten@example.vn.")]},
        )
    phone = phone_normalize(contact)
    if phone is None:
        raise ValidationFailed(
            _("Enter a valid email address or mobile number."),
            field_errors={
                "contact": [
                    _("Enter an email address or a Vietnamese mobile number, e.g. 0912345678.")
                ]
            },
        )
    return "", phone


@transaction.atomic
def citizen_sign_up(
    *,
    contact: str,
    password: str,
    full_name: str,
    kind: str = "person",
    id_number: str = "",
    date_of_birth: datetime.date | None = None,
    address: str = "",
    commune_code: int | None = None,
    organisation_name: str = "",
    tax_code: str = "",
    representative: str = "",
) -> User:
    """Create a citizen (or business) account with an email address or a mobile number, and
    send a verification code to it after commit. The account may sign in at once but cannot
    submit dossiers until a contact is verified (`citizen_is_verified`)."""
    errors: dict[str, list[str]] = {}
    email = phone = ""
    try:
        email, phone = _contact_parse(contact)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    full_name = nfc(full_name or "").strip()
    id_number = (id_number or "").strip()
    tax_code = (tax_code or "").strip()
    organisation_name = nfc(organisation_name or "").strip()
    errors.update(
        profile_problems(
            kind=kind,
            full_name=full_name,
            id_number=id_number,
            date_of_birth=date_of_birth,
            commune_code=commune_code,
            organisation_name=organisation_name,
            tax_code=tax_code,
        )
    )
    if (email or phone) and contact_taken(email=email, phone=phone):
        errors["contact"] = [
            _(
                "An account with this email address or mobile number already exists: sign in, or reset its password."
            )
        ]
    base_username = email or phone
    user = User(username=base_username, email=email, phone=phone, full_name=full_name)
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(_("The account could not be created."), field_errors=errors)
    username = base_username
    n = 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base_username}-{n}"
    user.username = username
    user.set_password(password)
    user.save()
    profile = CitizenProfile.objects.create(
        user=user,
        kind=kind,
        id_number=id_number,
        date_of_birth=date_of_birth,
        address=nfc(address or "").strip(),
        commune_code=commune_code,
        organisation_name=organisation_name if kind == "organisation" else "",
        tax_code=tax_code if kind == "organisation" else "",
        representative=nfc(representative or "").strip() if kind == "organisation" else "",
    )
    role_grant(user=user, role=Role.CITIZEN, agency=None, actor=user)
    audit_record(
        actor=user,
        action="citizen.signed_up",
        obj=profile,
        data={"channel": "email" if email else "phone"},
    )
    verification_code_send(user=user, channel="email" if email else "phone", purpose="verify")
    return user
