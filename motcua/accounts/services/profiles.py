"""A citizen's profile, which the dossier forms are prefilled from: the checks shared with
sign-up (`profile_problems`), changes by the citizen (`citizen_profile_update`) and profiles
loaded from elsewhere (`citizen_profile_import`)."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.data import Role
from motcua.accounts.models import CitizenProfile, User
from motcua.accounts.selectors import commune_codes, contact_taken
from motcua.accounts.services.roles import role_grant
from motcua.accounts.services.verification import verification_code_send
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.identifiers import id_number_problem, phone_normalize, tax_code_problem
from motcua.core.jobs import suppressed as jobs_suppressed
from motcua.core.text import nfc


def profile_problems(
    *,
    kind: str,
    full_name: str,
    id_number: str,
    date_of_birth: datetime.date | None,
    commune_code: int | None,
    organisation_name: str,
    tax_code: str,
) -> dict[str, list[str]]:
    """The problems of a citizen's profile by field (sign-up and profile changes): kind, name,
    ID number, date of birth, commune, and an organisation's name and tax code."""
    errors: dict[str, list[str]] = {}
    if kind not in ("person", "organisation"):
        errors["kind"] = [_("Choose person or organisation.")]
    if not full_name:
        errors["full_name"] = [_("Enter your full name.")]
    if id_number and (problem := id_number_problem(id_number, date_of_birth)):
        errors["id_number"] = [problem]
    if date_of_birth is not None and not (
        datetime.date(1900, 1, 1) <= date_of_birth <= clock.now().date()
    ):
        errors["date_of_birth"] = [_("Enter a real date of birth.")]
    if commune_code is not None and commune_code not in commune_codes(
        province_code=settings.MOTCUA_PROVINCE_CODE
    ):
        errors["commune_code"] = [_("Choose a commune of the province from the list.")]
    if kind == "organisation":
        if not organisation_name:
            errors["organisation_name"] = [_("Enter the organisation's name.")]
        if not tax_code:
            errors["tax_code"] = [_("Enter the organisation's tax code.")]
        elif problem := tax_code_problem(tax_code):
            errors["tax_code"] = [problem]
    return errors


@transaction.atomic
def citizen_profile_update(
    *,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    kind: str = "person",
    id_number: str = "",
    date_of_birth: datetime.date | None = None,
    address: str = "",
    commune_code: int | None = None,
    organisation_name: str = "",
    tax_code: str = "",
    representative: str = "",
) -> CitizenProfile:
    """Change the profile the forms are prefilled from. A changed email address or phone is
    no longer verified (a new code is sent to it after commit). Identity data that came from
    the national e-ID (name, ID number, date of birth) cannot be changed here."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=locked)
    from_eid = bool(profile.oidc_subject)
    if from_eid:
        full_name = locked.full_name
        id_number = profile.id_number
        date_of_birth = profile.date_of_birth
    full_name = nfc(full_name or "").strip()
    id_number = (id_number or "").strip()
    tax_code = (tax_code or "").strip()
    organisation_name = nfc(organisation_name or "").strip()
    errors = profile_problems(
        kind=kind,
        full_name=full_name,
        id_number=id_number,
        date_of_birth=date_of_birth,
        commune_code=commune_code,
        organisation_name=organisation_name,
        tax_code=tax_code,
    )
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address, e.g. ten@example.vn.")]
    new_phone = ""
    if phone:
        new_phone = phone_normalize(phone) or ""
        if not new_phone:
            errors["phone"] = [_("Enter a Vietnamese mobile number, e.g. 0912345678.")]
    if not email and not new_phone and not from_eid:
        errors["email"] = [_("Keep at least an email address or a mobile number.")]
    if email and "email" not in errors and contact_taken(email=email, exclude_user_id=locked.pk):
        errors["email"] = [_("Another account uses this email address.")]
    if new_phone and contact_taken(phone=new_phone, exclude_user_id=locked.pk):
        errors["phone"] = [_("Another account uses this mobile number.")]
    if errors:
        raise ValidationFailed(_("The profile was not saved."), field_errors=errors)
    email_changed = email != (locked.email or "").lower()
    phone_changed = new_phone != (locked.phone or "")
    locked.full_name = full_name
    locked.email = email
    locked.phone = new_phone
    locked.save(update_fields=["full_name", "email", "phone"])
    profile.kind = kind
    profile.id_number = id_number
    profile.date_of_birth = date_of_birth
    profile.address = nfc(address or "").strip()
    profile.commune_code = commune_code
    profile.organisation_name = organisation_name if kind == "organisation" else ""
    profile.tax_code = tax_code if kind == "organisation" else ""
    profile.representative = nfc(representative or "").strip() if kind == "organisation" else ""
    if email_changed:
        profile.email_verified_at = None
    if phone_changed:
        profile.phone_verified_at = None
    profile.save()
    audit_record(
        actor=locked,
        action="citizen.profile_updated",
        obj=profile,
        data={"email_changed": email_changed, "phone_changed": phone_changed},
    )
    for channel, changed, value in (
        ("email", email_changed, email),
        ("phone", phone_changed, new_phone),
    ):
        if changed and value:
            with contextlib.suppress(Conflict):
                verification_code_send(user=locked, channel=channel, purpose="verify")
    return profile


@transaction.atomic
def citizen_profile_import(
    *,
    user: User,
    email: str,
    phone: str,
    verified: bool,
    actor: User | None = None,
    **profile: Any,
) -> CitizenProfile:
    """Load a citizen profile whose contacts were checked elsewhere (demo data, accounts
    moved from a previous portal): the same checks as `citizen_profile_update`, no codes
    sent, and, when `verified`, email and phone marked verified now. Idempotent."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    existing = CitizenProfile.objects.select_for_update().filter(user=locked).first()
    if existing is not None and existing.oidc_subject:
        raise Conflict(_("This account is linked to the national e-ID."), code="eid_linked")
    locked.email = ""
    locked.phone = ""
    locked.save(update_fields=["email", "phone"])
    with jobs_suppressed():
        result = citizen_profile_update(user=locked, email=email, phone=phone, **profile)
    if verified:
        now = clock.now()
        result.email_verified_at = now if email else None
        result.phone_verified_at = now if phone else None
        result.save(update_fields=["email_verified_at", "phone_verified_at", "updated_at"])
    audit_record(actor=actor, action="citizen.profile_imported", obj=result)
    role_grant(user=locked, role=Role.CITIZEN, agency=None, actor=actor)
    return result
