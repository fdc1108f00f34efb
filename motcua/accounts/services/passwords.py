"""Password reset by SMS code (`password_reset_code_send`, `password_reset_with_code`). The
reset by email link is Django's own (portal views)."""

from __future__ import annotations

import contextlib

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import CitizenProfile, User
from motcua.accounts.selectors import user_find_by_contact
from motcua.accounts.services.verification import code_check, verification_code_send
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.identifiers import phone_normalize


def password_reset_code_send(*, phone: str) -> None:
    """Send a reset code to this mobile number when it belongs to exactly one active account
    with a verified phone. Says nothing either way (no account discovery); throttled like
    every code."""
    normalized = phone_normalize(phone)
    if normalized is None:
        raise ValidationFailed(
            _("Enter a Vietnamese mobile number, e.g. 0912345678."),
            field_errors={"phone": [_("Enter a Vietnamese mobile number, e.g. 0912345678.")]},
        )
    user = user_find_by_contact(contact=normalized)
    if user is None:
        return
    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is None or profile.phone_verified_at is None:
        return
    with contextlib.suppress(Conflict):
        verification_code_send(user=user, channel="phone", purpose="reset")


def password_reset_with_code(*, phone: str, code: str, new_password: str) -> User:
    """Set a new password when the SMS reset code matches. Wrong codes count as attempts."""
    normalized = phone_normalize(phone) or ""
    user = user_find_by_contact(contact=normalized) if normalized else None
    generic = _("The code is not correct or has expired: ask for a new one.")
    if user is None:
        raise ValidationFailed(generic, code="bad_code", field_errors={"code": [generic]})
    try:
        password_validation.validate_password(new_password or "", user)
    except ValidationError as exc:
        raise ValidationFailed(
            _("Choose another password."), field_errors={"new_password1": list(exc.messages)}
        ) from exc
    problem = code_check(user=user, channel="phone", purpose="reset", code=code)
    if problem:
        raise ValidationFailed(problem, code="bad_code", field_errors={"code": [problem]})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        audit_record(actor=locked, action="citizen.password_reset_sms", obj=locked)
    return locked
