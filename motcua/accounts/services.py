"""Writes of the accounts app: agencies, roles, API tokens, citizen accounts."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import logging
import re
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.data import Role
from motcua.accounts.models import (
    Agency,
    ApiToken,
    CitizenProfile,
    RoleAssignment,
    User,
    VerificationCode,
)
from motcua.accounts.selectors import commune_codes, contact_taken, user_find_by_contact
from motcua.core import clock, ratelimit
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.identifiers import id_number_problem, phone_normalize, tax_code_problem
from motcua.core.jobs import enqueue_on_commit
from motcua.core.jobs import suppressed as jobs_suppressed
from motcua.core.text import nfc
from motcua.integrations.sms import send_sms

logger = logging.getLogger(__name__)


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


# --- citizen accounts: sign-up, verification codes, profile, sign-in ---------------------------

CODE_DIGITS = 6


def _code_hash(verification_id: int, code: str) -> str:
    return salted_hmac("motcua.accounts.verification", f"{verification_id}:{code}").hexdigest()


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


def _profile_problems(
    *,
    kind: str,
    full_name: str,
    id_number: str,
    date_of_birth: datetime.date | None,
    commune_code: int | None,
    organisation_name: str,
    tax_code: str,
) -> dict[str, list[str]]:
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
        _profile_problems(
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


def _code_check(*, user: User, channel: str, purpose: str, code: str) -> str | None:
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
    problem = _code_check(user=user, channel=channel, purpose="verify", code=code)
    if problem:
        raise ValidationFailed(problem, code="bad_code", field_errors={"code": [problem]})
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
        field = "email_verified_at" if channel == "email" else "phone_verified_at"
        setattr(profile, field, clock.now())
        profile.save(update_fields=[field, "updated_at"])
        audit_record(actor=user, action=f"citizen.verified.{channel}", obj=profile)
    return profile


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
    errors = _profile_problems(
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


# --- sign-in by email, phone or username, with a throttle against password guessing ---------


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


# --- password reset by SMS code ---------------------------------------------------------------


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
    problem = _code_check(user=user, channel="phone", purpose="reset", code=code)
    if problem:
        raise ValidationFailed(problem, code="bad_code", field_errors={"code": [problem]})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        audit_record(actor=locked, action="citizen.password_reset_sms", obj=locked)
    return locked


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
