"""Public Python API of the payments app. Other apps import only this module and data.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings

from motcua.core.text import vnd_figures
from motcua.integrations.payment_gateway import PaymentGateway, SandboxGateway, gateway_get
from motcua.integrations.payment_sandbox import answer_params
from motcua.payments.data import CallbackKind, ConfirmResult
from motcua.payments.models import STATUS_LABELS
from motcua.payments.receipt import receipt_pdf
from motcua.payments.selectors import (
    DossierPaymentStatus,
    Reconciliation,
    StatusTotal,
    access_dossier_for_payer,
    fee_line_read,
    fee_options,
    fee_price,
    fee_price_from_form,
    paid_payments,
    payer_fee_annotations,
    payer_fee_state,
    payment_get_by_ref,
    payment_key,
    payment_online,
    payment_reconciliation,
    payment_status_for_dossier,
    payments_personal_data,
)
from motcua.payments.services import (
    PaymentStart,
    payment_callback_handle,
    payment_confirm_from_gateway,
    payment_expire_stale,
    payment_paid_hook_add,
    payment_paid_hook_remove,
    payment_start,
)
from motcua.payments.words import vnd_in_words

if TYPE_CHECKING:
    from motcua.payments.models import Payment


def payment_ipn(*, params: Mapping[str, str]) -> ConfirmResult:
    """Handle a gateway's server-to-server notification; never raises. The caller answers the
    gateway with `result.ipn_body()` as JSON ({"RspCode": "00"|"01"|"02"|"04"|"97"|"99", ...})."""
    return payment_callback_handle(params=params, kind=CallbackKind.IPN)


def payment_return(*, params: Mapping[str, str]) -> ConfirmResult:
    """Handle the payer's browser coming back on the signed return URL; never raises.

    Confirms the payment when the IPN has not arrived yet (same idempotent service: a payment is
    never counted twice); a forged or replayed return changes nothing."""
    return payment_callback_handle(params=params, kind=CallbackKind.RETURN)


def payment_receipt_pdf(*, dossier: Any) -> bytes | None:
    """The fee receipt PDF of the dossier's paid payment, or None when it is not paid."""
    status = payment_status_for_dossier(dossier)
    if status.paid_payment is None:
        return None
    return receipt_pdf(status.paid_payment)


def payment_sandbox_settle(*, payment: Payment, button: str = "pay") -> ConfirmResult:
    """Play the payer at the sandbox gateway: press `button` ("pay", "cancel" or "fail") for
    this initiated payment and deliver the gateway's signed IPN, exactly as the sandbox's own
    pages do. For demo data and tests only: refused unless the sandbox gateway is the one in
    use."""
    gateway = gateway_get()
    if not getattr(settings, "MOTCUA_PAYMENT_SANDBOX", False) or not isinstance(
        gateway, SandboxGateway
    ):
        raise RuntimeError("payment_sandbox_settle needs the sandbox gateway, enabled")
    request = gateway.request_params(payment, return_url="")
    return payment_ipn(params=answer_params(request, button, gateway))


__all__ = [
    "payments_personal_data",
    "STATUS_LABELS",
    "ConfirmResult",
    "DossierPaymentStatus",
    "PaymentGateway",
    "PaymentStart",
    "Reconciliation",
    "SandboxGateway",
    "StatusTotal",
    "access_dossier_for_payer",
    "payment_key",
    "fee_line_read",
    "fee_options",
    "fee_price",
    "fee_price_from_form",
    "gateway_get",
    "payment_sandbox_settle",
    "payment_confirm_from_gateway",
    "payment_expire_stale",
    "paid_payments",
    "payer_fee_annotations",
    "payer_fee_state",
    "payment_online",
    "payment_paid_hook_add",
    "payment_paid_hook_remove",
    "payment_get_by_ref",
    "payment_ipn",
    "payment_reconciliation",
    "payment_receipt_pdf",
    "payment_return",
    "payment_start",
    "payment_status_for_dossier",
    "receipt_pdf",
    "vnd_figures",
    "vnd_in_words",
]
