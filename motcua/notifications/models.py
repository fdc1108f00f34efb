"""Messages to applicants about their dossiers (one row per dossier event and channel), and
messages to a person without a dossier (feedback, survey invitations: one row per idempotency
key and channel, written by `services.message_send`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CHANNEL_EMAIL = "email"
CHANNEL_SMS = "sms"
CHANNEL_PORTAL = "portal"
CHANNEL_CHOICES = [
    (CHANNEL_EMAIL, _("E-mail")),
    (CHANNEL_SMS, _("SMS")),
    (CHANNEL_PORTAL, _("Portal")),
]

STATUS_PENDING = "pending"
#: Claimed by one attempt, which is calling the gateway (ADR 0045): `claim_token` says which.
STATUS_SENDING = "sending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_CHOICES = [
    (STATUS_PENDING, _("Waiting to be sent")),
    (STATUS_SENDING, _("Being sent")),
    (STATUS_SENT, _("Sent")),
    (STATUS_FAILED, pgettext_lazy("notification", "Failed")),
]


class Notification(models.Model):
    """Thông báo: what one event told the applicant on one channel (e-mail, SMS, or the
    portal's list). Unique per (event, channel): an event never produces two messages on the
    same channel, however often the event is announced or the job retried.

    A message without a dossier (feedback, survey invitation) has no dossier and no event but
    an idempotency `key` ("pakn:<code>:<event id>", "survey:<invitation id>"), unique per
    (key, channel), and, for the portal channel, the `user` whose list shows it."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
    )
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("event"),
        null=True,
        blank=True,
    )
    key = models.CharField(_("idempotency key"), max_length=120, blank=True, default="")
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
        null=True,
        blank=True,
    )
    link = models.CharField(_("link"), max_length=500, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=32)
    channel = models.CharField(_("sent by"), max_length=8, choices=CHANNEL_CHOICES)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(max_length=8, default="vi", verbose_name=_("language"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=8, choices=STATUS_CHOICES, default=STATUS_PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The attempt that claimed the row (status "sending") and when: a claim older than the
    # send lease belongs to an attempt that died (services.notification_send).
    claim_token = models.CharField(
        _("claimed by"), max_length=32, blank=True, default="", db_default=""
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notification_once"),
            models.UniqueConstraint(
                fields=["key", "channel"], condition=~Q(key=""), name="notification_key_once"
            ),
            # A dossier message has its dossier and event; any other one has its key.
            models.CheckConstraint(
                condition=Q(dossier__isnull=False, event__isnull=False) | ~Q(key=""),
                name="notification_has_source",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[CHANNEL_EMAIL, CHANNEL_SMS, CHANNEL_PORTAL]),
                name="notification_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[STATUS_PENDING, STATUS_SENDING, STATUS_SENT, STATUS_FAILED]
                ),
                name="notification_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["dossier", "channel", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["user", "channel", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} → {self.recipient or '-'}"
