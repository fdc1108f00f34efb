"""Verification codes sent by email or SMS: issued and throttled (`verification_code_send`),
delivered by a job with the code sealed (`verification_code_deliver`), checked with their
attempts counted (`code_check`), and a contact marked verified (`citizen_verify_contact`).
Password reset by SMS (`passwords.py`) uses the same codes."""

from __future__ import annotations

import base64
import datetime
import logging
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.models import CitizenProfile, User, VerificationCode
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.jobs import enqueue_on_commit
from motcua.integrations.sms import send_sms

logger = logging.getLogger(__name__)


CODE_DIGITS = 6


def _code_hash(verification_id: int, code: str) -> str:
    return salted_hmac("motcua.accounts.verification", f"{verification_id}:{code}").hexdigest()


@transaction.atomic
def verification_code_send(
    *, user: User, channel: str, purpose: str = "verify"
) -> VerificationCode:
    """Issue a new 6-digit code for the user's email address or phone and send it after
    commit. Earlier unused codes of the same kind stop working. Throttled: one code every
    MOTCUA_VERIFICATION_RESEND_SECONDS and MOTCUA_VERIFICATION_MAX_PER_HOUR an hour."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    destination = user.email if channel == "email" else user.phone if channel == "phone" else ""
    if not destination:
        raise ValidationFailed(_("This account has no contact of that kind."), code="no_contact")
    now = clock.now()
    recent = VerificationCode.objects.filter(
        user=user,
        channel=channel,
        purpose=purpose,
        created_at__gte=now - datetime.timedelta(hours=1),
    )
    wait = settings.MOTCUA_VERIFICATION_RESEND_SECONDS
    if recent.filter(
        destination=destination, created_at__gt=now - datetime.timedelta(seconds=wait)
    ).exists():
        raise Conflict(
            _(
                "A code was sent less than %(seconds)s seconds ago. Wait a moment before asking for another."
            )
            % {"seconds": wait},
            code="resend_too_soon",
        )
    if recent.count() >= settings.MOTCUA_VERIFICATION_MAX_PER_HOUR:
        raise Conflict(
            _("Too many codes were sent in the last hour. Try again later."),
            code="resend_too_many",
        )
    VerificationCode.objects.filter(
        user=user, channel=channel, purpose=purpose, used_at__isnull=True
    ).update(used_at=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = VerificationCode.objects.create(
        user=user,
        channel=channel,
        purpose=purpose,
        destination=destination,
        code_hash="",
        expires_at=now + datetime.timedelta(minutes=settings.MOTCUA_VERIFICATION_CODE_TTL_MINUTES),
    )
    # auto_now_add uses the wall clock; throttling follows the service clock (clock.now()).
    VerificationCode.objects.filter(pk=row.pk).update(
        code_hash=_code_hash(row.pk, code), created_at=now
    )
    row.refresh_from_db()
    audit_record(
        actor=user, action=f"citizen.code_sent.{purpose}", obj=row, data={"channel": channel}
    )
    # The code travels to the job sealed (encrypted): it is stored only hashed, and job
    # arguments end up in logs and in the broker.
    enqueue_on_commit("accounts.send_verification_code", verification_id=row.pk, sealed=_seal(code))
    return row


def _fernet() -> Fernet:
    key = salted_hmac("motcua.accounts.code-seal", "", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(code: str) -> str:
    return _fernet().encrypt(code.encode()).decode()


def verification_code_deliver(*, verification_id: int, sealed: str) -> bool:
    """Send a code by email or SMS (the job behind `verification_code_send`). Skips codes that
    were used, replaced or have expired; returns whether something was sent."""
    row = VerificationCode.objects.select_related("user").filter(pk=verification_id).first()
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return False
    try:
        code = _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        logger.warning("verification code %s: sealed code not readable", verification_id)
        return False
    minutes = settings.MOTCUA_VERIFICATION_CODE_TTL_MINUTES
    with translation.override(settings.LANGUAGE_CODE):
        if row.purpose == "reset":
            text = _(
                "%(code)s is your code to reset the password of your public services account. It expires in %(minutes)s minutes. Never give it to anyone."
            ) % {"code": code, "minutes": minutes}
        else:
            text = _(
                "%(code)s is your code to verify your public services account. It expires in %(minutes)s minutes. Never give it to anyone."
            ) % {"code": code, "minutes": minutes}
        if row.channel == "email":
            subject = (
                _("Your code to reset your password")
                if row.purpose == "reset"
                else _("Your account verification code")
            )
            greeting = _("Hello %(name)s,") % {"name": row.user.full_name or row.user.username}
            ignore = _("If you did not ask for this code, ignore this email.")
            send_mail(subject, f"{greeting}\n\n{text}\n\n{ignore}\n", None, [row.destination])
        else:
            send_sms(phone=row.destination, text=text)
    return True


def code_check(*, user: User, channel: str, purpose: str, code: str) -> str | None:
    """Check a code and count the attempt (committed even when the code is wrong). Returns
    why it was refused, or None when it matched (the code is then used up)."""
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, channel=channel, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        now = clock.now()
        if row is None:
            return _("There is no code waiting for this contact: ask for a new one.")
        if row.expires_at <= now:
            return _("The code has expired: ask for a new one.")
        if row.attempts >= settings.MOTCUA_VERIFICATION_MAX_ATTEMPTS:
            return _("Too many wrong codes: ask for a new one.")
        row.attempts += 1
        code = re.sub(r"\s", "", code or "")
        if not constant_time_compare(row.code_hash, _code_hash(row.pk, code)):
            row.save(update_fields=["attempts", "updated_at"])
            left = settings.MOTCUA_VERIFICATION_MAX_ATTEMPTS - row.attempts
            if left <= 0:
                return _("The code is not correct, and no attempts are left: ask for a new one.")
            return ngettext(
                "The code is not correct. %(left)s attempt left.",
                "The code is not correct. %(left)s attempts left.",
                left,
            ) % {"left": left}
        row.used_at = now
        row.save(update_fields=["attempts", "used_at", "updated_at"])
        return None


def citizen_verify_contact(*, user: User, channel: str, code: str) -> CitizenProfile:
    """Mark the user's email address or phone as verified when the code matches. A wrong code
    counts as an attempt; after MOTCUA_VERIFICATION_MAX_ATTEMPTS the code stops working."""
    problem = code_check(user=user, channel=channel, purpose="verify", code=code)
    if problem:
        raise ValidationFailed(problem, code="bad_code", field_errors={"code": [problem]})
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
        field = "email_verified_at" if channel == "email" else "phone_verified_at"
        setattr(profile, field, clock.now())
        profile.save(update_fields=[field, "updated_at"])
        audit_record(actor=user, action=f"citizen.verified.{channel}", obj=profile)
    return profile
