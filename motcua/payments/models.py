"""Payments of fees (phí, lệ phí) for dossiers, and the log of every gateway callback."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.payments.data import CallbackKind, CallbackOutcome, PaymentStatus

STATUS_LABELS = {
    PaymentStatus.INITIATED: _("Waiting for the gateway"),
    PaymentStatus.PAID: _("Paid"),
    PaymentStatus.FAILED: _("Failed"),
    PaymentStatus.EXPIRED: _("Expired"),
    PaymentStatus.CANCELLED: _("Cancelled"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in PaymentStatus]
KIND_CHOICES = [(CallbackKind.RETURN.value, _("Return")), (CallbackKind.IPN.value, "IPN")]
OUTCOME_CHOICES = [(o.value, o.value) for o in CallbackOutcome]


class Payment(models.Model):
    """One attempt to pay the fee of a dossier online (one order sent to a gateway).

    A dossier is paid when one of its payments is paid; the partial unique index
    `payment_one_paid_per_dossier` makes a second paid payment impossible."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="+", verbose_name=_("dossier")
    )
    order_ref = models.CharField(_("order reference"), max_length=34, unique=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    fee_lines = models.JSONField(_("fees"), default=list)
    # What a fee per page or per copy was computed from (None for a fixed fee).
    pages = models.PositiveIntegerField(_("pages of the original"), null=True, blank=True)
    copies = models.PositiveIntegerField(_("copies"), null=True, blank=True)
    gateway = models.CharField(_("gateway"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=STATUS_CHOICES, default=PaymentStatus.INITIATED.value
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("payer account"),
    )
    payer_name = models.CharField(_("payer"), max_length=255, blank=True)
    gateway_txn = models.CharField(_("gateway transaction no."), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    response_code = models.CharField(
        max_length=4, blank=True, verbose_name=_("gateway response code")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    # The verified callback parameters that changed the status (the full log is PaymentCallback).
    gateway_payload = models.JSONField(default=dict, blank=True, verbose_name=_("gateway data"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status=PaymentStatus.PAID.value),
                name="payment_one_paid_per_dossier",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PaymentStatus]),
                name="payment_status_valid",
            ),
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["dossier", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return self.order_ref

    @property
    def order_info(self) -> str:
        """vnp_OrderInfo: what the gateway shows the payer, in Vietnamese without diacritics
        (the gateway takes plain ASCII, at most 255 characters): the procedure and the dossier
        code, or the day the dossier was submitted before it has a code."""
        return order_info_text(self.dossier)


def submitted_on(dossier: Any) -> dt.date | None:
    """The local day the dossier was submitted (online) or received (at the desk): how the
    pages name a dossier that has no code yet ("hồ sơ nộp ngày dd/mm/yyyy")."""
    when = dossier.submitted_at or dossier.received_at or dossier.created_at
    return when.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date() if when else None


def order_info_text(dossier: Any) -> str:
    """ "Thanh toan phi, le phi: <procedure>, ho so <code>" (or "ho so nop ngay dd/mm/yyyy")."""
    if dossier.code:
        which = f"ho so {dossier.code}"
    else:
        day = submitted_on(dossier)
        which = f"ho so nop ngay {day:%d/%m/%Y}" if day else "ho so"
    head = "Thanh toan phi, le phi: "
    room = 255 - len(head) - len(which) - 2
    procedure = ascii_text(dossier.procedure_name or "")
    if len(procedure) > room:
        procedure = procedure[: room - 3].rsplit(" ", 1)[0].rstrip(" ,.;:-") + "..."
    return f"{head}{procedure}, {which}" if procedure else f"{head}{which}"


#: Characters a gateway's order text keeps (VNPay: no diacritics, no special characters).
_ORDER_TEXT_DROP = re.compile(r"[^A-Za-z0-9 .,:;()/#-]+")


def ascii_text(value: str) -> str:
    """Vietnamese text without diacritics (Đ → D), keeping letters, digits, spaces and plain
    punctuation; runs of spaces collapsed."""
    text = unicodedata.normalize("NFD", value).replace("\u0111", "d").replace("\u0110", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = _ORDER_TEXT_DROP.sub(" ", text)
    return " ".join(text.split())


class PaymentCallback(models.Model):
    """Every return URL and IPN received, verified or not, with what was done (audit)."""

    received_at = models.DateTimeField(db_index=True, verbose_name=_("received at"))
    kind = models.CharField(max_length=8, choices=KIND_CHOICES, verbose_name=_("kind"))
    verified = models.BooleanField(_("signature valid"))
    gateway_success = models.BooleanField(default=False, verbose_name=_("gateway reports success"))
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, verbose_name=_("result"))
    order_ref = models.CharField(
        max_length=100, blank=True, db_index=True, verbose_name=_("order reference")
    )
    amount_vnd = models.BigIntegerField(null=True, blank=True, verbose_name=_("amount (VND)"))
    gateway_txn = models.CharField(
        max_length=40, blank=True, verbose_name=_("gateway transaction no.")
    )
    payment = models.ForeignKey(
        Payment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
        verbose_name=_("payment"),
    )
    payload = models.JSONField(default=dict, verbose_name=_("data received"))

    class Meta:
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["verified", "gateway_success", "outcome"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_ref} {self.outcome}"
