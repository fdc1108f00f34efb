"""Payments of fees (phí, lệ phí) for dossiers, and the log of every gateway callback."""

from __future__ import annotations

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
    gateway = models.CharField(_("gateway"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=STATUS_CHOICES, default=PaymentStatus.INITIATED.value
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payer_name = models.CharField(_("payer"), max_length=255, blank=True)
    gateway_txn = models.CharField(_("gateway transaction no."), max_length=40, blank=True)
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(null=True, blank=True)
    # The verified callback parameters that changed the status (the full log is PaymentCallback).
    gateway_payload = models.JSONField(default=dict, blank=True)

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
        """vnp_OrderInfo: plain ASCII-safe text the gateway shows the payer."""
        code = self.dossier.code or f"#{self.dossier_id}"
        return f"Thanh toan phi, le phi ho so {code}"


class PaymentCallback(models.Model):
    """Every return URL and IPN received, verified or not, with what was done (audit)."""

    received_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    verified = models.BooleanField(_("signature valid"))
    gateway_success = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES)
    order_ref = models.CharField(max_length=100, blank=True, db_index=True)
    amount_vnd = models.BigIntegerField(null=True, blank=True)
    gateway_txn = models.CharField(max_length=40, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["verified", "gateway_success", "outcome"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_ref} {self.outcome}"
