"""Phản ánh, kiến nghị (feedback and recommendations, Decree 20/2008; ADR 0040): the feedback,
its files, its chained events, the register and code counters, the desk's reminders."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.models import BaseModel, ChainedEntry
from motcua.pakn.data import (
    ABOUT_LABELS,
    CHANNEL_LABELS,
    CLASSIFICATION_LABELS,
    STATUS_LABELS,
)

TITLE_MAX = 300
CONTENT_MAX = 10_000
ANSWER_MAX = 20_000


def _choices(labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in labels.items()]


class Feedback(BaseModel):
    """One feedback or recommendation: who sent it (kept for the officers only), what about,
    where it stands, its deadlines (working days on the province calendar from its arrival),
    the answer and what was published of it (with the personal data replaced by "***")."""

    code = models.CharField(pgettext_lazy("feedback", "code"), max_length=64, unique=True)
    pin = models.CharField(_("lookup PIN"), max_length=12)
    about = models.CharField(_("about"), max_length=16, choices=_choices(ABOUT_LABELS))
    channel = models.CharField(
        pgettext_lazy("feedback", "channel"), max_length=8, choices=_choices(CHANNEL_LABELS)
    )
    status = models.CharField(
        _("status"), max_length=16, choices=_choices(STATUS_LABELS), db_index=True
    )
    classification = models.CharField(
        _("classification"), max_length=24, blank=True, choices=_choices(CLASSIFICATION_LABELS)
    )
    title = models.CharField(pgettext_lazy("feedback", "title"), max_length=TITLE_MAX)
    content = models.TextField(_("content"))

    sender_name = models.CharField(_("sender's name"), max_length=200)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    sender_email = models.CharField(_("sender's e-mail"), max_length=254, blank=True)
    sender_address = models.CharField(_("sender's address"), max_length=300, blank=True)
    sender_id_number = models.CharField(_("sender's ID number"), max_length=20, blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sender's account"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    procedure_code = models.CharField(_("procedure code"), max_length=40, blank=True)
    procedure_name = models.CharField(_("procedure"), max_length=600, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True, db_index=True)
    dossier_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier's agency"),
    )

    receiving_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving agency"),
    )
    handling_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling agency"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    forwarded_to = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )

    register_no = models.CharField(_("register number"), max_length=20, blank=True)

    submitted_at = models.DateTimeField(_("arrived at"))
    received_at = models.DateTimeField(_("logged at"), null=True, blank=True)
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    more_requested_at = models.DateTimeField(_("more asked at"), null=True, blank=True)
    sender_replied_at = models.DateTimeField(_("sender replied at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    refuse_due_at = models.DateTimeField(_("refuse by"))
    forward_due_at = models.DateTimeField(_("forward by"))
    handle_due_at = models.DateTimeField(_("handle by"))
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)
    #: The current step's due instant (None while paused or closed): the lists and the sweep.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)

    more_request = models.TextField(_("what was asked of the sender"), blank=True)
    sender_reply = models.TextField(_("sender's reply"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    redactions = models.JSONField(_("hidden strings"), default=list, blank=True)
    publish_attachments = models.BooleanField(_("files published"), default=False)
    published_title = models.CharField(_("published title"), max_length=TITLE_MAX, blank=True)
    published_question = models.TextField(_("published question"), blank=True)
    published_answer = models.TextField(_("published answer"), blank=True)
    #: Folded (accent- and case-insensitive) words of the published texts (`core.text.fold`).
    search_text = models.TextField(_("search text"), blank=True)

    satisfied = models.BooleanField(_("sender satisfied"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    #: SHA-256 of the sender's contact, title and content: a double submit finds the first.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, db_index=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="feedback_idempotency_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[str(s) for s in STATUS_LABELS]),
                name="feedback_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["handling_agency", "status"]),
            models.Index(fields=["submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:60]}"


class FeedbackAttachment(models.Model):
    """A file sent with the feedback (or with the sender's reply), checked like the portal's
    uploads (type by its first bytes, size, malware scan)."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("feedback")
    )
    file = models.FileField(upload_to="pakn/%Y/%m/", verbose_name=_("file"))
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    with_reply = models.BooleanField(_("sent with the reply"), default=False)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("feedback file")
        verbose_name_plural = _("feedback files")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name


class FeedbackEvent(ChainedEntry):
    """One step of a feedback (its timeline), hash-chained (ADR 0035) in the stream
    "pakn/<shard of the code>"; written only by `services.events.event_record`."""

    CHAIN_FIELDS: ClassVar[tuple[str, ...]] = (
        "feedback",
        "at",
        "actor",
        "actor_label",
        "action",
        "from_status",
        "to_status",
        "note",
        "data",
    )

    feedback = models.ForeignKey(
        Feedback, on_delete=models.PROTECT, related_name="events", verbose_name=_("feedback")
    )
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "seq"], condition=~Q(stream=""), name="feedbackevent_stream_seq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class FeedbackCounter(models.Model):
    """The last number given in a series: "code:<agency e-ID>:<YYMMDD>" (feedback codes, gap-free
    per day) or "register:<year>" (the register, sổ tiếp nhận). Incremented by one upsert in the
    caller's transaction: a rolled-back submission gives its number back."""

    series = models.CharField(_("series"), max_length=80, unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("feedback counter")
        verbose_name_plural = _("feedback counters")

    def __str__(self) -> str:
        return f"{self.series} {self.last}"


class FeedbackNotice(models.Model):
    """A reminder on the desk (due soon, overdue, escalated to the leaders) for one person about
    one step of one feedback: at most one per person, feedback, step and kind."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="notices", verbose_name=_("feedback")
    )
    step = models.CharField(_("step"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16)  # due_soon | overdue | escalated
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback reminder")
        verbose_name_plural = _("feedback reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "feedback", "step", "kind"], name="feedbacknotice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.feedback_id} → {self.user_id}"
