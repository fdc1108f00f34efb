from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import BaseModel
from motcua.dossiers.workflow import STATUS_LABELS, DossierStatus


def _new_pin() -> str:
    import secrets

    return f"{secrets.randbelow(10**6):06d}"


STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in DossierStatus]
CHANNEL_CHOICES = [
    ("desk", _("At the desk")),
    ("postal", _("By post")),
    ("online", _("Online")),
]
OUTCOME_CHOICES = [("early", _("Early")), ("on_time", _("On time")), ("late", _("Late"))]
APPLICANT_KIND_CHOICES = [("person", _("Person")), ("organisation", _("Organisation"))]
RETURN_METHOD_CHOICES = [
    ("desk", _("At the desk")),
    ("post", _("By post")),
    ("online", _("Online")),
]
STEP_STATUS_CHOICES = [
    ("pending", _("Not started")),
    ("active", _("In progress")),
    ("waiting", _("Waiting for consultations")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]
DOCUMENT_KIND_CHOICES = [
    ("attachment", _("Attachment")),
    ("supplement", _("Supplement")),
    ("result", _("Result")),
    ("receipt", _("Receipt (form 01)")),
    ("completion_request", _("Completion request (form 02)")),
    ("refusal", _("Refusal (form 03)")),
    ("apology", _("Apology (form 04)")),
    ("stop_notice", _("Notice of stopping (form 05)")),
    ("control_sheet", _("Process control sheet (form 06)")),
]


class Dossier(BaseModel):
    """Hồ sơ: one application for one procedure, kept under the version it was received by."""

    code = models.CharField(_("dossier code"), max_length=64, unique=True, null=True, blank=True)
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Printed on the receipt (and in its QR code): with the code, it opens the public tracking
    # page. Not a password; it keeps strangers from browsing dossiers by guessing codes.
    lookup_pin = models.CharField(_("lookup PIN"), max_length=8, default=_new_pin)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    procedure_name = models.CharField(_("procedure"), max_length=600)
    receiving_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving desk"),
    )
    deciding_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deciding agency"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNEL_CHOICES)
    status = models.CharField(_("status"), max_length=24, choices=STATUS_CHOICES)

    applicant_kind = models.CharField(max_length=12, choices=APPLICANT_KIND_CHOICES)
    applicant_name = models.CharField(_("applicant"), max_length=255)
    id_number = models.CharField(_("personal ID number"), max_length=12, blank=True, db_index=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    representative = models.CharField(_("representative"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    commune_code = models.PositiveIntegerField(_("commune"), null=True, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    checklist = models.JSONField(_("documents received"), default=list, blank=True)
    missing = models.JSONField(_("missing documents"), default=list, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("review due at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    original_appointment_at = models.DateTimeField(null=True, blank=True)
    # From when the dossier counts as near due (deadlines.dossier_near_due_from), stored with
    # every appointment so that the near-due lists are index lookups (ADR 0017).
    near_due_at = models.DateTimeField(null=True, blank=True)
    # When the deciding agency's leaders are reminded of the apology (form 04) if the dossier
    # will be late; emptied once reminded (deadlines.apology_remind_from; ADR 0017).
    apology_remind_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(_("extended (apology issued)"), default=False)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused working time (s)"), default=0)
    finished_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=OUTCOME_CHOICES, blank=True)
    result_approved = models.BooleanField(null=True, blank=True)
    return_method = models.CharField(max_length=8, choices=RETURN_METHOD_CHOICES, blank=True)
    # Online submissions: the values of the version's form fields (catalog form_fields), and
    # how the applicant asked to receive the result (post needs the address).
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("result delivery"), max_length=8, choices=RETURN_METHOD_CHOICES, blank=True
    )
    result_delivery_address = models.CharField(_("postal address"), max_length=500, blank=True)
    returned_to = models.CharField(_("received by"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DossierStatus]),
                name="dossier_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "early", "on_time", "late"]),
                name="dossier_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "appointment_at"]),
            models.Index(
                fields=["appointment_at", "near_due_at"],
                condition=Q(status__in=["received", "processing"]),
                name="dossier_clock_running_due",
            ),
            models.Index(
                fields=["apology_remind_at"],
                condition=Q(apology_remind_at__isnull=False),
                name="dossier_apology_to_remind",
            ),
            # Per agency: the counts of the overdue and near-due lists, from the index alone
            # (the id too: the capped count selects it).
            models.Index(
                fields=["deciding_agency", "appointment_at", "near_due_at", "id"],
                condition=Q(status__in=["received", "processing"]),
                name="dossier_agency_clock_running",
            ),
            models.Index(fields=["deciding_agency", "status"]),
            models.Index(fields=["receiving_agency", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def form_data_rows(self) -> list[tuple[str, str]]:
        """(label, value) of the form fields, for display (labels from the dossier's version)."""
        from motcua.catalog.api import form_data_display

        if not self.form_data:
            return []
        return form_data_display(
            fields=self.procedure_version.form_fields or [], values=self.form_data
        )


class DossierStep(models.Model):
    """One step of a dossier's process, or a consultation (a step with a parent)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)
    title = models.CharField(max_length=255)
    role = models.CharField(max_length=20)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="consultations"
    )
    status = models.CharField(max_length=10, choices=STEP_STATUS_CHOICES, default="pending")
    budget_hours = models.DecimalField(max_digits=8, decimal_places=2)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # From when the step counts as near due (deadlines.step_near_due_from; ADR 0017).
    near_due_at = models.DateTimeField(null=True, blank=True)
    # The deadline sweep's last warning for this deadline: "" none, near_due, overdue.
    warned = models.CharField(max_length=8, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=OUTCOME_CHOICES, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "position", "id"]
        indexes = [
            models.Index(fields=["status", "agency", "role", "due_at"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            # The worklist reads each queue in due order (selectors.worklist_page).
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(status="active"),
                name="step_mine_due",
            ),
            models.Index(
                fields=["agency", "role", "due_at", "id"],
                condition=Q(status="active", assignee__isnull=True),
                name="step_queue_due",
            ),
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=Q(status="active", assignee__isnull=True, kind="consult"),
                name="step_consult_due",
            ),
            # The deadline sweep reads only the active steps with a warning to give.
            models.Index(
                fields=["near_due_at"],
                condition=Q(status="active") & ~Q(warned="overdue"),
                name="step_to_warn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.position} {self.title}"


class DossierEvent(models.Model):
    """Every transition and handover: who, when, from, to, which step, deadline status."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline_status = models.CharField(max_length=8, choices=OUTCOME_CHOICES, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.at:%Y-%m-%d %H:%M}"


class DossierDocument(BaseModel):
    """A file of a dossier. Never overwritten: a new row for a new version."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DOCUMENT_KIND_CHOICES)
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="dossiers/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=64)
    checklist_position = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed = models.BooleanField(default=False)
    # A new version never overwrites a file: it points to the one it replaces.
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "created_at", "id"]
        indexes = [models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return self.name


class DossierCodeCounter(models.Model):
    """The last sequence number given by an agency on a day: codes without gaps."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Notice(models.Model):
    """An in-app warning for a person (near-due, overdue, escalation). One per step and kind."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notices")
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16)  # near_due | overdue | escalated
    message = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "step", "kind"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier}"


DRAFT_STEPS = ("applicant", "fields", "documents", "delivery", "review")


class OnlineDraft(BaseModel):
    """A citizen's online submission being prepared (hồ sơ nháp). Submitting it creates one
    dossier, remembered in `dossier`: a second submit of the same draft returns that dossier."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    procedure_name = models.CharField(_("procedure"), max_length=600)
    step = models.CharField(max_length=12, default="applicant")
    applicant = models.JSONField(default=dict, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(max_length=8, choices=RETURN_METHOD_CHOICES, blank=True)
    delivery_address = models.CharField(max_length=500, blank=True)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "submitted_at"])]

    def __str__(self) -> str:
        return f"draft {self.pk} {self.procedure_code}"


class DraftFile(BaseModel):
    """A file uploaded to a draft; copied to the dossier's documents when it is submitted."""

    draft = models.ForeignKey(OnlineDraft, on_delete=models.CASCADE, related_name="files")
    checklist_position = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="drafts/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=64)

    class Meta:
        ordering = ["draft", "checklist_position", "id"]

    def __str__(self) -> str:
        return self.name
