"""Two-factor sign-in of officers (ADR 0034): an authenticator app (TOTP, RFC 6238, 6 digits,
30 seconds, pyotp) and ten one-time recovery codes.

Who must use it (`two_factor_required`, when MOTCUA_TWO_FACTOR_REQUIRED): leaders, province
admins, staff and superusers, and anyone for whom a registered check says so — the documents
app registers "holds a signing credential" (`two_factor_requirement_register`; accounts may
not import documents). Anyone with an authenticator is asked for a code whatever their role.
Demo accounts (`User.two_factor_exempt`, set by the demo loader) are not forced, and only
where demo data is allowed (never in production).

A code is checked by `two_factor_verify`, which counts the try in the sign-in throttle every
door shares (signin.throttle_try: per account and address, per account, per address) and,
past MOTCUA_TWO_FACTOR_FREE_FAILURES wrong codes in a row, makes the next try wait (doubling
from a minute, at most a day) until a right code: guessing a 6-digit code is slow even for
someone who has the password. A code's time step is never accepted twice (replay)."""

from __future__ import annotations

import base64
import math
import re
import secrets
from collections.abc import Callable

import pyotp
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.data import TWO_FACTOR_ROLES, Role, TwoFactorSetup, TwoFactorState
from motcua.accounts.models import RecoveryCode, RoleAssignment, TwoFactorDevice, User
from motcua.accounts.selectors import user_agency_ids
from motcua.accounts.services.signin import (
    SignInThrottled,
    throttle_release,
    throttle_success,
    throttle_try,
)
from motcua.core.audit import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_RECOVERY_LENGTH = 10  # about 49 bits each
_SECRET_RE = re.compile(r"^[A-Z2-7]{32}$")
_SEAL_SALT = "motcua.accounts.two-factor-seal"
_RECOVERY_SALT = "motcua.accounts.recovery-code"


class SecondFactorRejected(PermissionDenied):
    """A wrong code of the second factor (HTTP 401 in the API, code "otp_invalid")."""

    status_code = 401


#: Extra checks "must this person use two factors?", registered by other apps at start-up.
_requirement_checks: list[Callable[[User], bool]] = []


def two_factor_requirement_register(check: Callable[[User], bool]) -> None:
    """Add a check saying a person must sign in with two factors (e.g. the documents app:
    "holds a signing credential"). Registering the same function again changes nothing."""
    if check not in _requirement_checks:
        _requirement_checks.append(check)


# --- who ----------------------------------------------------------------------------------


def two_factor_exempt(user: User) -> bool:
    """A demo account not forced to use two factors (only where demo data is allowed)."""
    return bool(getattr(user, "two_factor_exempt", False)) and bool(settings.MOTCUA_ALLOW_DEMO_DATA)


def _facts(user: User) -> tuple[bool, bool]:
    """(has an authenticator, holds a role that requires two factors), in one query."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TwoFactorDevice.objects.filter(user=OuterRef("pk"))),
            has_role=Exists(
                RoleAssignment.objects.filter(
                    user=OuterRef("pk"), role__in=[r.value for r in TWO_FACTOR_ROLES]
                )
            ),
        )
        .values_list("has_device", "has_role")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def _required(user: User, has_role: bool) -> bool:
    if not settings.MOTCUA_TWO_FACTOR_REQUIRED or two_factor_exempt(user):
        return False
    if user.is_superuser or user.is_staff or has_role:
        return True
    return any(check(user) for check in _requirement_checks)


def two_factor_required(*, user: User) -> bool:
    """Whether this person must sign in with two factors (see the module's docstring)."""
    if not user.is_authenticated:
        return False
    return _required(user, _facts(user)[1])


def two_factor_enrolled(*, user: User) -> bool:
    return bool(user.is_authenticated) and TwoFactorDevice.objects.filter(user=user).exists()


def two_factor_state(*, user: User) -> TwoFactorState:
    """What this person owes after the password: nothing, a code, or setting up an
    authenticator first."""
    if not user.is_authenticated:
        return TwoFactorState.NONE
    has_device, has_role = _facts(user)
    if has_device:
        return TwoFactorState.VERIFY
    if _required(user, has_role):
        return TwoFactorState.ENROL
    return TwoFactorState.NONE


def two_factor_may_enrol(*, user: User) -> bool:
    """Officers, supervisors and staff may set up an authenticator (citizens sign in with a
    password or the national e-ID)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user).exclude(role=Role.CITIZEN.value).exists()


def two_factor_demo_off(*, user: User) -> bool:
    """A demo account with two-factor sign-in off (the desk says so in a banner)."""
    return (
        bool(user.is_authenticated)
        and two_factor_exempt(user)
        and not TwoFactorDevice.objects.filter(user=user).exists()
    )


# --- the secret -------------------------------------------------------------------------------


def _sealer() -> MultiFernet:
    """Seals with a key derived from SECRET_KEY; opens with it or any SECRET_KEY_FALLBACKS
    (a rotated key keeps opening the secrets sealed before)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(_SEAL_SALT, "", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def _seal(secret: str) -> str:
    return _sealer().encrypt(secret.encode()).decode()


def _open(sealed: str) -> str:
    return _sealer().decrypt(sealed.encode()).decode()


def _issuer() -> str:
    return str(settings.MOTCUA_TWO_FACTOR_ISSUER or f"Một cửa {settings.MOTCUA_PROVINCE_NAME}")


def two_factor_setup_new(*, user: User) -> TwoFactorSetup:
    """A fresh secret (160 bits) and its otpauth:// URI for the QR code. Nothing is stored:
    the enrolment page keeps the secret until the first code confirms it."""
    secret = pyotp.random_base32(32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=_issuer())
    return TwoFactorSetup(secret=secret, uri=uri)


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def _matching_step(secret: str, code: str, *, after: int = 0) -> int | None:
    """The time step (now, or one step either side for clock drift) whose code this is, if
    later than `after`; else None."""
    code = _digits(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        step = current + offset
        if step > after and constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


# --- recovery codes ---------------------------------------------------------------------------


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _recovery_hashes(code: str) -> list[str]:
    """HMAC-SHA256 of the code under a key derived from SECRET_KEY (first: the one stored) and
    each SECRET_KEY_FALLBACKS: a copy of the database alone does not let anyone try the
    2^49 codes offline, and a rotated key keeps the codes made before."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    value = _normalise_recovery(code)
    return [
        salted_hmac(_RECOVERY_SALT, value, secret=key, algorithm="sha256").hexdigest()
        for key in keys
    ]


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hashes(c)[0]) for c in codes
    )
    return codes


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- enrolment ----------------------------------------------------------------------------


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm a new authenticator with its first code: store it (replacing any earlier one)
    with ten new recovery codes, returned here once, stored hashed. Audited
    (`two_factor.enrolled` or `two_factor.replaced`).

    Raises ValidationFailed (field "code") when the code is not the authenticator's."""
    if not two_factor_may_enrol(user=user):
        raise PermissionDenied(
            _("Only officers and administrators set up two-factor sign-in."),
            code="two_factor_not_allowed",
        )
    secret = (secret or "").strip().upper()
    if not _SECRET_RE.fullmatch(secret):
        raise ValidationFailed(
            _("The setup has expired. Start again."), code="two_factor_setup_expired"
        )
    step = _matching_step(secret, code)
    if step is None:
        raise ValidationFailed(
            _("The code is not correct. Enter the 6 digits the app shows now."),
            code="otp_invalid",
            field_errors={
                "code": [_("The code is not correct. Enter the 6 digits the app shows now.")]
            },
        )
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    action = "two_factor.replaced" if device is not None else "two_factor.enrolled"
    if device is None:
        device = TwoFactorDevice(user=user)
    device.secret_sealed = _seal(secret)
    device.last_step = step
    device.failures = 0
    device.last_failure_at = None
    device.save()
    codes = _recovery_codes_replace(user)
    audit_record(actor=user, action=action, obj=device, data={"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working), returned once. Audited."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise PermissionDenied(
            _("Set up two-factor sign-in first."), code="two_factor_not_enrolled"
        )
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="two_factor.recovery_codes_regenerated",
        obj=device,
        data={"recovery_codes": len(codes)},
    )
    return codes


# --- the second step ----------------------------------------------------------------------


def _wait_seconds(device: TwoFactorDevice) -> int:
    """Seconds before the next code may be tried after wrong codes in a row."""
    free = int(settings.MOTCUA_TWO_FACTOR_FREE_FAILURES)
    if device.failures < free or device.last_failure_at is None:
        return 0
    delay: int = min(60 * 2 ** (device.failures - free), 24 * 3600)
    elapsed = (timezone.now() - device.last_failure_at).total_seconds()
    return max(0, int(math.ceil(delay - elapsed)))


def two_factor_verify(
    *, user: User, code: str, address: str, request: HttpRequest | None = None
) -> str:
    """Check a code of the person's authenticator, or one of their recovery codes (used up).
    Returns "totp" or "recovery". Every try counts in the sign-in throttle; a wrong one sends
    Django's `user_login_failed` signal, as a wrong password does.

    Raises SignInThrottled (429), PermissionDenied ("two_factor_not_enrolled") or
    SecondFactorRejected ("otp_invalid", 401, field "otp")."""
    counters = throttle_try(username=user.username, address=address)
    kind: str | None = None
    wait = 0
    left = 0
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            throttle_release(counters)
            raise PermissionDenied(
                _("Two-factor sign-in is not set up for this account."),
                code="two_factor_not_enrolled",
            )
        wait = _wait_seconds(device)
        if not wait:
            try:
                secret = _open(device.secret_sealed)
            except InvalidToken:
                secret = ""
            step = _matching_step(secret, code, after=device.last_step) if secret else None
            if step is not None:
                kind = "totp"
                device.last_step = step
            else:
                used = (
                    RecoveryCode.objects.select_for_update()
                    .filter(user=user, code_hash__in=_recovery_hashes(code), used_at__isnull=True)
                    .first()
                    if _normalise_recovery(code)
                    else None
                )
                if used is not None:
                    kind = "recovery"
                    used.used_at = timezone.now()
                    used.save(update_fields=["used_at", "updated_at"])
                    left = recovery_codes_left(user=user)
                    audit_record(
                        actor=user,
                        action="two_factor.recovery_code_used",
                        obj=device,
                        data={"left": left},
                    )
            if kind is None:
                device.failures += 1
                device.last_failure_at = timezone.now()
            else:
                device.failures = 0
                device.last_failure_at = None
            device.save()
    if wait:
        throttle_release(counters)
        raise SignInThrottled(
            ngettext(
                "Too many wrong codes. Wait %(minutes)s minute and try again.",
                "Too many wrong codes. Wait %(minutes)s minutes and try again.",
                math.ceil(wait / 60),
            )
            % {"minutes": math.ceil(wait / 60)},
            retry_after=wait,
        )
    if kind is None:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.username, "otp": "********************"},
            request=request,
        )
        message = _(
            "The code is not correct. Enter the 6 digits your authenticator app shows now, "
            "or one of your recovery codes."
        )
        raise SecondFactorRejected(message, code="otp_invalid", field_errors={"otp": [message]})
    throttle_success(counters)
    return kind


# --- reset by an administrator ------------------------------------------------------------

_RESETTER_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})


def two_factor_may_reset(*, actor: User, user: User) -> bool:
    """A superuser, or an agency admin / province admin of an agency where the person holds a
    role (a province admin: also the agencies below his). Never one's own."""
    if not actor.is_authenticated or not actor.is_active or actor.pk == user.pk:
        return False
    if actor.is_superuser:
        return True
    covered = user_agency_ids(user=actor, roles=_RESETTER_ROLES)
    if not covered:
        return False
    return RoleAssignment.objects.filter(user=user, agency_id__in=covered).exists()


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str) -> None:
    """Remove a person's authenticator and recovery codes (a lost phone): at the next sign-in
    they set up a new one (forced when their role requires it). Audited
    (`two_factor.reset`, with the reason)."""
    reason = (reason or "").strip()
    if not two_factor_may_reset(actor=actor, user=user):
        raise PermissionDenied(
            _("You may not reset two-factor sign-in for this account."),
            code="two_factor_reset_forbidden",
        )
    if not reason:
        raise ValidationFailed(
            _("Give the reason (for example: phone lost, request no. …)."),
            code="reason_required",
            field_errors={
                "reason": [_("Give the reason (for example: phone lost, request no. …).")]
            },
        )
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise ValidationFailed(
            _("Two-factor sign-in is not set up for this account."),
            code="two_factor_not_enrolled",
            field_errors={"username": [_("Two-factor sign-in is not set up for this account.")]},
        )
    codes = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    device.delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="two_factor.reset",
        obj=user,
        data={"reason": reason[:500], "username": user.username, "recovery_codes_left": codes},
    )
