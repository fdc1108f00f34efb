from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.hostile import max_lengths
from motcua.core.models import BaseModel
from motcua.dossiers.workflow import (
    STATUS_LABELS,
    STEP_STATUS_LABELS,
    DossierStatus,
    StepKind,
    StepStatus,
)


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
STEP_STATUS_CHOICES = [(s.value, STEP_STATUS_LABELS[s]) for s in StepStatus]
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
    reference = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("reference")
    )
    # Printed on the receipt (and in its QR code): with the code, it opens the public tracking
    # page. Not a password; it keeps strangers from browsing dossiers by guessing codes.
    lookup_pin = models.CharField(_("lookup PIN"), max_length=8, default=_new_pin)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("procedure version"),
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

    applicant_kind = models.CharField(
        max_length=12, choices=APPLICANT_KIND_CHOICES, verbose_name=_("applicant kind")
    )
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
        verbose_name=_("applicant account"),
    )

    checklist = models.JSONField(_("documents received"), default=list, blank=True)
    missing = models.JSONField(_("missing documents"), default=list, blank=True)
    decision_note = models.TextField(_("reason"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("review due at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("clock started at")
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    original_appointment_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("first appointment")
    )
    # From when the dossier counts as near due (deadlines.dossier_near_due_from), stored with
    # every appointment so that the near-due lists are index lookups (ADR 0017).
    near_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("near due from"))
    # When the deciding agency's leaders are reminded of the apology (form 04) if the dossier
    # will be late; emptied once reminded (deadlines.apology_remind_from; ADR 0017).
    apology_remind_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("apology reminder at")
    )
    extended = models.BooleanField(_("extended (apology issued)"), default=False)
    supplement_count = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("supplements received")
    )
    paused_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paused at"))
    paused_seconds = models.PositiveIntegerField(_("paused working time (s)"), default=0)
    finished_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=OUTCOME_CHOICES, blank=True)
    result_approved = models.BooleanField(null=True, blank=True, verbose_name=_("result approved"))
    return_method = models.CharField(
        max_length=8, choices=RETURN_METHOD_CHOICES, blank=True, verbose_name=_("return method")
    )
    # Online submissions: the values of the version's form fields (catalog form_fields), and
    # how the applicant asked to receive the result (post needs the address).
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("result delivery"), max_length=8, choices=RETURN_METHOD_CHOICES, blank=True
    )
    result_delivery_address = models.CharField(_("postal address"), max_length=500, blank=True)
    returned_to = models.CharField(_("received by"), max_length=255, blank=True)
    # The hash of the dossier's last event (ADR 0035, `dossiers.chain`): "" while its only event
    # is the one that created it (the intake writes no UPDATE for it), "-" for a dossier from
    # before the chain whose events are not chained yet (`manage.py audit_chain_backfill`).
    chain_head = models.CharField(
        _("audit chain head"), max_length=64, blank=True, default="", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The Idempotency-Key of the API intake that created it (docs/adr/0044): the same key
    # from the same user gives this dossier again instead of a second one ("" without a key).
    intake_key = models.CharField(
        _("idempotency key"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "intake_key"],
                condition=~Q(intake_key=""),
                name="dossier_intake_key_once",
            ),
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


#: The longest value of each free-text applicant attribute (`ApplicantData`, the desk form's
#: and the API's field names) the dossier's columns hold: forms and API schemas bound their
#: input by it (core/hostile.py, docs/adr/0033-hostile-input.md). The ID number and the tax
#: code are typed with spaces and checked digit by digit by the domain (core/identifiers.py).
APPLICANT_MAX_LENGTHS = max_lengths(
    Dossier,
    {
        "full_name": "applicant_name",
        "name": "applicant_name",
        "representative": "representative",
        "phone": "phone",
        "email": "email",
        "address": "address",
    },
)


class DossierStep(models.Model):
    """One step of a dossier's process, or a consultation (a step with a parent)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("dossier")
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    kind = models.CharField(max_length=12, verbose_name=_("kind"))
    title = models.CharField(max_length=255, verbose_name=_("title"))
    role = models.CharField(max_length=20, verbose_name=_("role"))
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assignee"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("main step"),
    )
    status = models.CharField(
        max_length=10,
        choices=STEP_STATUS_CHOICES,
        default=StepStatus.PENDING.value,
        verbose_name=_("status"),
    )
    budget_hours = models.DecimalField(
        max_digits=8, decimal_places=2, verbose_name=_("time allowed (working hours)")
    )
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("due at"))
    # From when the step counts as near due (deadlines.step_near_due_from; ADR 0017).
    near_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("near due from"))
    # The deadline sweep's last warning for this deadline: "" none, near_due, overdue.
    warned = models.CharField(max_length=8, blank=True, default="", verbose_name=_("last warning"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    outcome = models.CharField(
        max_length=8, choices=OUTCOME_CHOICES, blank=True, verbose_name=_("outcome")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "position", "id"]
        indexes = [
            models.Index(fields=["status", "agency", "role", "due_at"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            # The worklist reads each queue in due order (selectors.worklist_page).
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(status=StepStatus.ACTIVE.value),
                name="step_mine_due",
            ),
            models.Index(
                fields=["agency", "role", "due_at", "id"],
                condition=Q(status=StepStatus.ACTIVE.value, assignee__isnull=True),
                name="step_queue_due",
            ),
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=Q(
                    status=StepStatus.ACTIVE.value,
                    assignee__isnull=True,
                    kind=StepKind.CONSULT.value,
                ),
                name="step_consult_due",
            ),
            # The deadline sweep reads only the active steps with a warning to give.
            models.Index(
                fields=["near_due_at"],
                condition=Q(status=StepStatus.ACTIVE.value) & ~Q(warned="overdue"),
                name="step_to_warn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.position} {self.title}"


class DossierEvent(models.Model):
    """Every transition and handover: who, when, from, to, which step, deadline status."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("dossier")
    )
    at = models.DateTimeField(db_index=True, verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(max_length=255, blank=True, verbose_name=_("actor name"))
    action = models.CharField(max_length=32, verbose_name=_("action"))
    from_status = models.CharField(max_length=24, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=24, verbose_name=_("to status"))
    step = models.ForeignKey(
        DossierStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("step"),
    )
    from_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from agency"),
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to agency"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to person"),
    )
    deadline_status = models.CharField(
        max_length=8, choices=OUTCOME_CHOICES, blank=True, verbose_name=_("deadline status")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    # The dossier's hash chain (ADR 0035): the hash of the dossier's previous event and this
    # event's own (SHA-256 of the previous hash and of CHAIN_FIELDS); "" before the chain.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    #: The fields the hash covers (foreign keys by id).
    CHAIN_FIELDS: ClassVar[tuple[str, ...]] = (
        "dossier",
        "at",
        "actor",
        "actor_name",
        "action",
        "from_status",
        "to_status",
        "step",
        "from_agency",
        "to_agency",
        "to_user",
        "deadline_status",
        "note",
        "data",
    )

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        # The dossier and the time (dd/mm/yyyy, local): the admin's titles show it; the action
        # is a stored code, shown by its label beside it.
        at = timezone.localtime(self.at) if self.at else None
        return f"{self.dossier}, {at:%d/%m/%Y %H:%M}" if at else str(self.dossier)


class DossierDocument(BaseModel):
    """A file of a dossier. Never overwritten: a new row for a new version."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("dossier")
    )
    kind = models.CharField(max_length=20, choices=DOCUMENT_KIND_CHOICES, verbose_name=_("kind"))
    name = models.CharField(max_length=255, verbose_name=_("name"))
    file = models.FileField(upload_to="dossiers/%Y/%m/", verbose_name=_("file"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    content_type = models.CharField(max_length=64, verbose_name=_("file type"))
    checklist_position = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("checklist position")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    signed = models.BooleanField(default=False, verbose_name=_("signed"))
    # A new version never overwrites a file: it points to the one it replaces.
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("replaces"),
    )

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "created_at", "id"]
        indexes = [models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return self.name


class DossierCodeCounter(models.Model):
    """The last sequence number given by an agency on a day: codes without gaps."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    day = models.DateField(verbose_name=_("day"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"


class Notice(models.Model):
    """An in-app warning for a person (near-due, overdue, escalation). One per step and kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="notices", verbose_name=_("dossier")
    )
    step = models.ForeignKey(
        DossierStep,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("step"),
    )
    kind = models.CharField(max_length=16, verbose_name=_("kind"))  # near_due | overdue | escalated
    message = models.TextField(verbose_name=_("message"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "step", "kind"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.dossier}"


DRAFT_STEPS = ("applicant", "fields", "documents", "delivery", "review")


class OnlineDraft(BaseModel):
    """A citizen's online submission being prepared (hồ sơ nháp). Submitting it creates one
    dossier, remembered in `dossier`: a second submit of the same draft returns that dossier."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("procedure version"),
    )
    procedure_code = models.CharField(_("procedure code"), max_length=40)
    procedure_name = models.CharField(_("procedure"), max_length=600)
    step = models.CharField(max_length=12, default="applicant", verbose_name=_("step"))
    applicant = models.JSONField(default=dict, blank=True, verbose_name=_("applicant"))
    form_data = models.JSONField(default=dict, blank=True, verbose_name=_("form data"))
    delivery = models.CharField(
        max_length=8, choices=RETURN_METHOD_CHOICES, blank=True, verbose_name=_("result delivery")
    )
    delivery_address = models.CharField(
        max_length=500, blank=True, verbose_name=_("postal address")
    )
    dossier = models.OneToOneField(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dossier"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))

    class Meta:
        verbose_name = _("online draft")
        verbose_name_plural = _("online drafts")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "submitted_at"])]

    def __str__(self) -> str:
        return f"draft {self.pk} {self.procedure_code}"


class DraftFile(BaseModel):
    """A file uploaded to a draft; copied to the dossier's documents when it is submitted."""

    draft = models.ForeignKey(
        OnlineDraft, on_delete=models.CASCADE, related_name="files", verbose_name=_("draft")
    )
    checklist_position = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("checklist position")
    )
    name = models.CharField(max_length=255, verbose_name=_("name"))
    file = models.FileField(upload_to="drafts/%Y/%m/", verbose_name=_("file"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    content_type = models.CharField(max_length=64, verbose_name=_("file type"))

    class Meta:
        verbose_name = _("draft file")
        verbose_name_plural = _("draft files")
        ordering = ["draft", "checklist_position", "id"]

    def __str__(self) -> str:
        return self.name
