from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.data import AgencyKind, Role
from motcua.accounts.validators import validate_agency_eid, validate_legacy_agency_code
from motcua.core.models import BaseModel

AGENCY_KIND_CHOICES = [
    (AgencyKind.PROVINCE.value, _("Provincial People's Committee")),
    (AgencyKind.DEPARTMENT.value, _("Department")),
    (
        AgencyKind.PROVINCE_SERVICE_CENTER.value,
        _("Provincial Public Administration Service Center"),
    ),
    (AgencyKind.COMMUNE.value, _("Commune People's Committee")),
    (AgencyKind.COMMUNE_SERVICE_CENTER.value, _("Commune Public Administration Service Center")),
    (AgencyKind.UNIT.value, _("Unit")),
    (AgencyKind.VERTICAL.value, _("Vertical agency")),
    (AgencyKind.DISTRICT.value, _("District (abolished 01/07/2025)")),
]

ROLE_CHOICES = [
    (Role.CITIZEN.value, _("Citizen or business")),
    (Role.DESK_OFFICER.value, _("Desk officer")),
    (Role.SPECIALIST.value, _("Specialist")),
    (Role.LEADER.value, _("Leader")),
    (Role.AGENCY_ADMIN.value, _("Agency administrator")),
    (Role.PROVINCE_ADMIN.value, _("Province administrator")),
    (Role.SUPERVISOR.value, _("Supervisor")),
    (Role.FEEDBACK_OFFICER.value, _("Feedback desk officer")),
]


class Agency(BaseModel):
    """A state agency or unit (cơ quan, đơn vị), effective-dated.

    Agencies are never deleted: a merged or abolished agency gets `valid_to` and successors,
    and dossiers keep the agency they were filed with."""

    code = models.CharField(
        _("electronic ID"), max_length=35, unique=True, validators=[validate_agency_eid]
    )
    legacy_code = models.CharField(
        _("legacy code (QCVN 102:2016)"),
        max_length=20,
        blank=True,
        validators=[validate_legacy_agency_code],
    )
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=32, choices=AGENCY_KIND_CHOICES)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The desk (Bộ phận Một cửa) that receives dossiers for this agency's procedures.
    receiving_desk = models.ForeignKey(
        "self",
        verbose_name=_("receiving desk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_agencies",
    )
    # National administrative-unit code (vietnam-provinces) for a province or a commune.
    admin_unit_code = models.PositiveIntegerField(
        _("administrative unit code"), null=True, blank=True
    )
    valid_from = models.DateField(_("effective from"), default=datetime.date(2025, 7, 1))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessors"),
    )
    code_is_placeholder = models.BooleanField(
        _("code is a placeholder"),
        default=False,
        help_text=_("The code was generated on import and awaits the province's official list."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AgencyKind]), name="agency_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_effective_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class User(AbstractUser):
    """A person who signs in: citizen, officer, or a system account for the API."""

    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_system = models.BooleanField(
        _("system account"), default=False, help_text=_("Another government system using the API.")
    )
    two_factor_exempt = models.BooleanField(
        _("two-factor sign-in off (demo account)"),
        default=False,
        help_text=_(
            "Set only by the demo loader. Honoured only where demo data is allowed "
            "(MOTCUA_ALLOW_DEMO_DATA); ignored in production."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(BaseModel):
    """A role held by a person in an agency. One person may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_unique"),
            models.CheckConstraint(
                condition=(Q(role=Role.CITIZEN.value) & Q(agency__isnull=True))
                | (~Q(role=Role.CITIZEN.value) & Q(agency__isnull=False)),
                name="role_agency_required_for_officers",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.agency or '-'}"


class ApiToken(BaseModel):
    """A bearer token for the REST API. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class TwoFactorDevice(BaseModel):
    """A person's authenticator app (TOTP, RFC 6238): one per person, created when its first
    code is confirmed. The shared secret is stored sealed (Fernet, key derived from
    SECRET_KEY and its fallbacks), never in clear."""

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        related_name="two_factor_device",
        verbose_name=_("user"),
    )
    secret_sealed = models.TextField(_("sealed secret"))
    #: The last time step (30 s) whose code was accepted: a code is never accepted twice.
    last_step = models.BigIntegerField(_("last accepted time step"), default=0)
    #: Wrong codes in a row (codes and recovery codes); a success resets it.
    failures = models.PositiveIntegerField(_("wrong codes in a row"), default=0)
    last_failure_at = models.DateTimeField(_("last wrong code at"), null=True, blank=True)

    class Meta:
        verbose_name = _("two-factor authenticator")
        verbose_name_plural = _("two-factor authenticators")

    def __str__(self) -> str:
        return f"TOTP ({self.user})"


class RecoveryCode(BaseModel):
    """A one-time recovery code of two-factor sign-in: only its HMAC-SHA256 (key derived from
    SECRET_KEY) is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(_("code hash"), max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_code_user_hash")]

    def __str__(self) -> str:
        return f"{self.code_hash[:8]}… ({self.user})"


APPLICANT_KIND_CHOICES = [
    ("person", _("Person")),
    ("organisation", _("Organisation or business")),
]


class CitizenProfile(BaseModel):
    """What a citizen or business keeps in their portal account: identity, address and the
    proof that they reached one of their contacts (or signed in with the national e-ID).

    Forms of new dossiers are prefilled from it (`api.applicant_prefill`)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="citizen_profile", verbose_name=_("user")
    )
    kind = models.CharField(
        _("applicant kind"), max_length=12, choices=APPLICANT_KIND_CHOICES, default="person"
    )
    id_number = models.CharField(_("personal ID number"), max_length=12, blank=True, db_index=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    commune_code = models.PositiveIntegerField(_("commune"), null=True, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=255, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    representative = models.CharField(_("legal representative"), max_length=255, blank=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    # Signed in with the national e-ID (OpenID Connect): the identity provider vouches for it.
    identity_verified_at = models.DateTimeField(_("e-ID verified at"), null=True, blank=True)
    oidc_issuer = models.CharField(_("e-ID issuer"), max_length=255, blank=True)
    oidc_subject = models.CharField(_("e-ID subject"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="citizen_oidc_identity_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organisation"]), name="citizen_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return bool(self.email_verified_at or self.phone_verified_at or self.identity_verified_at)


VERIFICATION_CHANNEL_CHOICES = [("email", _("Email")), ("phone", _("Phone"))]
VERIFICATION_PURPOSE_CHOICES = [
    ("verify", _("Verify a contact")),
    ("reset", _("Reset the password")),
]


class VerificationCode(BaseModel):
    """A 6-digit code sent to an email address or a phone. Only its keyed hash is stored.

    A code expires, allows a few attempts, and is used once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="verification_codes", verbose_name=_("user")
    )
    channel = models.CharField(
        max_length=8, choices=VERIFICATION_CHANNEL_CHOICES, verbose_name=_("sent by")
    )
    purpose = models.CharField(
        max_length=8, choices=VERIFICATION_PURPOSE_CHOICES, verbose_name=_("purpose")
    )
    destination = models.CharField(max_length=254, verbose_name=_("sent to"))
    code_hash = models.CharField(max_length=64, verbose_name=_("code hash"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts made"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["user", "purpose", "channel", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["email", "phone"]), name="verification_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=["verify", "reset"]), name="verification_purpose_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.purpose} {self.channel}"
