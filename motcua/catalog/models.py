from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.data import (
    ApplicantKind,
    FeeKind,
    Level,
    OnlineLevel,
    ProcessingUnit,
    Requirement,
    ResultKind,
    StepKind,
    VersionStatus,
)
from motcua.core.models import BaseModel

UNIT_CHOICES = [
    (ProcessingUnit.WORKING_DAYS.value, _("working days")),
    (ProcessingUnit.WORKING_HOURS.value, _("working hours")),
    (ProcessingUnit.DAYS.value, _("days")),
    (ProcessingUnit.SAME_DAY.value, _("within the day")),
]
LEVEL_CHOICES = [
    (Level.PROVINCE.value, _("Province")),
    (Level.COMMUNE.value, _("Commune")),
    (Level.PROVINCE_COMMUNE.value, _("Province and commune")),
]
ONLINE_CHOICES = [
    (OnlineLevel.FULL.value, _("Full online")),
    (OnlineLevel.PARTIAL.value, _("Partly online")),
    (OnlineLevel.NONE.value, _("Not online")),
]
STEP_KIND_CHOICES = [
    (StepKind.INTAKE.value, _("Intake")),
    (StepKind.REVIEW.value, _("Review")),
    (StepKind.CONSULT.value, _("Consult another agency")),
    (StepKind.TRANSFER.value, _("Transfer to another agency")),
    (StepKind.APPROVE.value, _("Approve and sign")),
    (StepKind.RETURN.value, _("Return the result")),
]
STEP_ROLE_CHOICES = [
    ("desk_officer", _("Desk officer")),
    ("specialist", _("Specialist")),
    ("leader", _("Leader")),
]
FEE_KIND_CHOICES = [
    (FeeKind.FEE.value, pgettext_lazy("fee kind", "Fee")),
    (FeeKind.CHARGE.value, _("Charge")),
]
REQUIREMENT_CHOICES = [
    (Requirement.MANDATORY.value, _("Mandatory")),
    (Requirement.CONDITIONAL.value, _("Conditional")),
]
RESULT_KIND_CHOICES = [
    (ResultKind.LICENCE.value, _("Licence")),
    (ResultKind.CERTIFICATE.value, _("Certificate")),
    (ResultKind.DECISION.value, _("Decision")),
    (ResultKind.DOCUMENT.value, _("Document")),
    (ResultKind.CONFIRMATION.value, _("Confirmation")),
    (ResultKind.OTHER.value, _("Other")),
]
STATUS_CHOICES = [
    (VersionStatus.DRAFT.value, _("Draft")),
    (VersionStatus.PUBLISHED.value, _("Published")),
    (VersionStatus.SUPERSEDED.value, _("Superseded")),
]
APPLICANT_KIND_LABELS = {
    ApplicantKind.PERSON.value: _("Individuals"),
    ApplicantKind.ORGANISATION.value: _("Organisations and businesses"),
}


class Field(BaseModel):
    """Lĩnh vực: the field a procedure belongs to."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(BaseModel):
    """Thủ tục hành chính: the identity of a procedure. Its content lives in versions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    code_is_provisional = models.BooleanField(_("provisional code"), default=False)
    # How long a closed dossier of this procedure keeps its personal data before the
    # anonymisation job (ADR 0036). On the procedure, not the version: it is a records rule of
    # the agency, changed without republishing. Empty: MOTCUA_DOSSIER_RETENTION_YEARS.
    retention_years = models.PositiveSmallIntegerField(
        _("retention of personal data (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Years after a dossier is closed before its personal data is anonymised. "
            "Empty: the system default."
        ),
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(BaseModel):
    """One version of a procedure. A draft is edited; publishing freezes it for good.

    A dossier keeps the version it was received under."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=STATUS_CHOICES, default=VersionStatus.DRAFT.value
    )
    is_current = models.BooleanField(_("current published version"), default=False)
    name = models.CharField(_("name"), max_length=600)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
    )
    level = models.CharField(_("level"), max_length=20, choices=LEVEL_CHOICES, blank=True)
    agencies = models.ManyToManyField(
        "accounts.Agency", verbose_name=_("implementing agencies"), blank=True, related_name="+"
    )
    processing_amount = models.DecimalField(
        _("processing time"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    processing_unit = models.CharField(
        _("unit"), max_length=20, choices=UNIT_CHOICES, default=ProcessingUnit.WORKING_DAYS.value
    )
    processing_note = models.TextField(_("note on the processing time"), blank=True)
    fees_known = models.BooleanField(_("fees are published"), default=True)
    documents_known = models.BooleanField(
        _("required documents are published"),
        default=True,
        help_text=_("Off when the source does not list the documents: the portal says so."),
    )
    result_name = models.CharField(_("result"), max_length=600, blank=True)
    result_kind = models.CharField(
        _("kind of result"), max_length=20, choices=RESULT_KIND_CHOICES, blank=True
    )
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    online_level = models.CharField(
        _("online service level"), max_length=10, choices=ONLINE_CHOICES, blank=True
    )
    applicant_kinds = models.JSONField(_("who may apply"), default=list, blank=True)
    # The procedure-specific fields of the online form (data.FormFieldSpec.as_raw() each),
    # validated by specs.py; the values typed go to Dossier.form_data.
    form_fields = models.JSONField(_("online form fields"), default=list, blank=True)
    restart_on_supplement = models.BooleanField(
        _("deadline restarts after a supplement"),
        default=True,
        help_text=_("If not, the remaining time resumes when the supplement arrives."),
    )
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_(
            "Internal note for catalog editors: where the facts of this version come from. "
            "Not shown on the portal or in the public API."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(
        editable=False, blank=True, default="", verbose_name=_("search text")
    )
    sort_key = models.CharField(
        editable=False,
        max_length=600,
        blank=True,
        default="",
        db_index=True,
        verbose_name=_("sort key"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(is_current=True), name="one_current_version"
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="draft"), name="one_draft_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in VersionStatus]),
                name="version_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(processing_unit__in=[u.value for u in ProcessingUnit]),
                name="version_unit_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="published"), name="current_is_published"
            ),
        ]
        indexes = [models.Index(fields=["is_current", "field"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number or '-'} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: a document the applicant must bring."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("procedure version"),
    )
    position = models.PositiveIntegerField(_("order"))
    name = models.TextField(_("name"))
    originals = models.PositiveIntegerField(_("originals"), default=1)
    copies = models.PositiveIntegerField(_("copies"), default=0)
    requirement = models.CharField(
        _("requirement"),
        max_length=12,
        choices=REQUIREMENT_CHOICES,
        default=Requirement.MANDATORY.value,
    )
    condition = models.TextField(_("condition"), blank=True)
    template = models.FileField(_("form template"), upload_to="catalog/templates/", blank=True)
    template_url = models.URLField(_("form template link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="document_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    """Phí, lệ phí: a fixed amount, or an amount that depends on the case."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="fees",
        verbose_name=_("procedure version"),
    )
    position = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=600)
    kind = models.CharField(_("kind"), max_length=8, choices=FEE_KIND_CHOICES)
    amount_vnd = models.PositiveBigIntegerField(
        pgettext_lazy("fee rate", "amount (VND)"), null=True, blank=True
    )
    case = models.TextField(_("depends on"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="fee_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of the internal process, with its role, agency and time budget."""

    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("procedure version"),
    )
    position = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=STEP_KIND_CHOICES)
    title = models.CharField(_("title"), max_length=255)
    role = models.CharField(_("role"), max_length=20, choices=STEP_ROLE_CHOICES)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the agency that decides the dossier."),
    )
    budget_hours = models.DecimalField(
        _("time budget (working hours)"), max_digits=8, decimal_places=2
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="step_position_unique"),
            models.CheckConstraint(condition=Q(budget_hours__gt=0), name="step_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.title
