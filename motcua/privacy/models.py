"""The privacy app's tables: the log of unmasked views, and the anonymisation's runs and
markers (ADR 0036). No dossier column: the marker is a row here keyed by the dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.privacy.data import ViewReason

REASON_CHOICES = [
    (ViewReason.HANDLING.value, _("Handling the dossier")),
    (ViewReason.SUPERVISION.value, _("Supervision")),
    (ViewReason.COMPLAINT.value, _("Handling a complaint or petition")),
    (ViewReason.INSPECTION.value, _("Inspection")),
    (ViewReason.AUTHORITY_REQUEST.value, _("Request of a competent authority")),
    (ViewReason.OTHER.value, _("Other (explained)")),
]
CHANNEL_CHOICES = [("desk", _("Desk")), ("api", _("REST API"))]


class PersonalDataView(models.Model):
    """One unmasked view of a dossier's personal data: who, when, which dossier, why.

    Written by one INSERT with no lock: both references are plain columns without a database
    foreign key (PostgreSQL would otherwise take a share lock on the dossier row, which every
    transition locks), and rows are never updated. Read per dossier and per person."""

    at = models.DateTimeField(_("time"))
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("dossier"),
    )
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("officer"),
    )
    user_label = models.CharField(_("officer name"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=REASON_CHOICES)
    note = models.CharField(_("explanation"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=CHANNEL_CHOICES)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "at"], name="pdview_dossier_at"),
            models.Index(fields=["user", "at"], name="pdview_user_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in ViewReason]), name="pdview_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} {self.dossier_code} {self.at:%Y-%m-%d %H:%M}"


class AnonymisationRun(models.Model):
    """One batch of the anonymisation job (one transaction, one audit entry)."""

    at = models.DateTimeField(_("time"))
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"))
    closed_before = models.DateTimeField(_("closed before"))
    dossiers = models.PositiveIntegerField(_("dossiers"), default=0)
    files = models.PositiveIntegerField(_("files deleted"), default=0)

    class Meta:
        verbose_name = _("anonymisation run")
        verbose_name_plural = _("anonymisation runs")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} ({self.dossiers})"


class AnonymisedDossier(models.Model):
    """The marker of an anonymised dossier (the dossiers table gets no column for it)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("dossier"),
    )
    at = models.DateTimeField(_("anonymised at"))
    run = models.ForeignKey(
        AnonymisationRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("run")
    )

    class Meta:
        verbose_name = _("anonymised dossier")
        verbose_name_plural = _("anonymised dossiers")

    def __str__(self) -> str:
        return str(self.dossier_id)
