"""Writes of the payments app: start a payment, confirm it from a gateway callback, expire the
stale ones. Every state change is audited (motcua.core.audit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, NotFound
from motcua.dossiers.api import dossier_lock
from motcua.integrations.payment_gateway import GatewayResult, PaymentGateway, gateway_get
from motcua.payments.data import (
    CallbackKind,
    CallbackOutcome,
    ConfirmResult,
    FeeAmount,
    PaymentStatus,
)
from motcua.payments.models import Payment, PaymentCallback, submitted_on
from motcua.payments.selectors import (
    TERMINAL_STATUSES,
    fee_options,
    fee_price,
    payment_key,
)

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

logger = logging.getLogger(__name__)

#: Called with a payment right after it became paid (its dossier loaded), inside the
#: confirming transaction: exactly once per paid payment, so once per dossier (the partial
#: unique index). For rows that must change with it (the reports' `paid` counts): write in
#: the same transaction; an exception undoes the confirmation (the gateway is answered "99"
#: and sends the IPN again).
PaidHook = Callable[[Payment], None]
_PAID_HOOKS: list[PaidHook] = []


def payment_paid_hook_add(hook: PaidHook) -> PaidHook:
    """Call `hook(payment)` each time a payment becomes paid (adding it twice adds it once)."""
    if hook not in _PAID_HOOKS:
        _PAID_HOOKS.append(hook)
    return hook


def payment_paid_hook_remove(hook: PaidHook) -> None:
    if hook in _PAID_HOOKS:
        _PAID_HOOKS.remove(hook)


#: An initiated payment is reused only if it stays payable at least this long.
REUSE_MARGIN = dt.timedelta(minutes=2)

IPN_MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}


@dataclass(frozen=True)
class PaymentStart:
    payment: Payment
    redirect_url: str
    reused: bool


def _lines_json(priced: FeeAmount) -> list[dict[str, Any]]:
    """The snapshot of the fee lines paid for: each line as the catalog had it (with its unit,
    page range and cap), the units charged and the subtotal before any cap."""
    return [
        {
            **dataclasses.asdict(c.line),
            "units": c.units,
            "line_pages": c.pages,
            "subtotal_vnd": c.subtotal_vnd,
        }
        for c in priced.lines
    ]


@transaction.atomic
def payment_start(
    *,
    dossier: Dossier,
    payer: Any | None,
    choice: int | None = None,
    pages: int | None = None,
    copies: int | None = None,
    return_url: str,
    ipn_url: str = "",
    ip_addr: str = "127.0.0.1",
    locale: str = "vn",
    gateway: PaymentGateway | None = None,
) -> PaymentStart:
    """Start paying the fee of a dossier: a Payment in status `initiated` (expires after
    MOTCUA_PAYMENT_EXPIRE_MINUTES) and the signed gateway URL to send the payer to.

    `choice` is the position of the fee when the version lists alternatives; `pages` (of the
    original) and `copies` are asked for a fee per page or per copy (and ignored for a fixed
    fee). Refuses (Conflict) a dossier already paid or whose life is over (refused, returned,
    withdrawn, stopped); refuses (ValidationFailed) when there is nothing to pay, no valid
    choice, or quantities missing or out of range. A still-valid initiated payment for the
    same fee and quantities is reused, not duplicated; one for another is cancelled. Locks the
    dossier row so two starts for one dossier are serialised."""
    locked = dossier_lock(dossier_id=dossier.pk)
    if locked is None:
        raise NotFound("No such dossier.", code="not_found")
    dossier = locked
    if dossier.status in TERMINAL_STATUSES:
        raise Conflict(_("This dossier is closed: its fee can no longer be paid online."))
    if Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).exists():
        raise Conflict(_("The fee of this dossier has already been paid."), code="already_paid")
    priced = fee_price(
        options=fee_options(dossier=dossier), choice=choice, pages=pages, copies=copies
    )
    pages, copies = priced.pages, priced.copies
    amount = priced.total_vnd
    lines = _lines_json(priced)
    gateway = gateway or gateway_get()
    now = clock.now()

    reused: Payment | None = None
    for old in Payment.objects.select_for_update().filter(
        dossier=dossier, status=PaymentStatus.INITIATED
    ):
        if old.expires_at <= now + REUSE_MARGIN:
            _close(old, PaymentStatus.EXPIRED, now=now, actor=None, reason="replaced")
        elif (
            reused is None
            and old.amount_vnd == amount
            and old.fee_lines == lines
            and (old.pages, old.copies) == (pages, copies)
        ):
            reused = old
        else:
            _close(old, PaymentStatus.CANCELLED, now=now, actor=payer, reason="another fee")
    if reused is not None:
        payment = reused
    else:
        minutes = int(getattr(settings, "MOTCUA_PAYMENT_EXPIRE_MINUTES", 15))
        payment = Payment.objects.create(
            dossier=dossier,
            order_ref=uuid.uuid4().hex[:30],
            amount_vnd=amount,
            fee_lines=lines,
            pages=pages,
            copies=copies,
            gateway=gateway.name,
            payer=payer if getattr(payer, "is_authenticated", False) else None,
            payer_name=dossier.applicant_name,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        # "MC" + local date + the row id: unique, and readable on the phone to the desk.
        payment.order_ref = f"MC{clock.now().astimezone(_vn()).strftime('%Y%m%d')}{payment.pk:06d}"
        payment.save(update_fields=["order_ref"])
        audit_record(
            actor=payer if getattr(payer, "is_authenticated", False) else None,
            action="payment.start",
            obj=payment,
            data={
                "dossier": dossier.code,
                "amount_vnd": amount,
                "pages": pages,
                "copies": copies,
                "gateway": gateway.name,
            },
        )
    url = gateway.build_payment_url(payment, return_url, ipn_url, ip_addr=ip_addr, locale=locale)
    return PaymentStart(payment=payment, redirect_url=url, reused=reused is not None)


def _vn() -> dt.tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _close(
    payment: Payment, status: PaymentStatus, *, now: dt.datetime, actor: Any, reason: str
) -> None:
    before = payment.status
    payment.status = status.value
    payment.closed_at = now
    payment.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=f"payment.{status.value}",
        obj=payment,
        data={"from": before, "reason": reason},
    )


def _log(
    *,
    kind: CallbackKind,
    result: GatewayResult,
    outcome: CallbackOutcome,
    payment: Payment | None,
    now: dt.datetime,
) -> None:
    PaymentCallback.objects.create(
        received_at=now,
        kind=kind.value,
        verified=result.signature_ok,
        gateway_success=result.success,
        outcome=outcome.value,
        order_ref=result.order_ref[:100],
        amount_vnd=result.amount_vnd,
        gateway_txn=result.gateway_txn[:40],
        payment=payment,
        payload=result.raw,
    )


def _answer(
    outcome: CallbackOutcome, rsp: str, payment: Payment | None = None, *, paid: bool = False
) -> ConfirmResult:
    return ConfirmResult(
        outcome=outcome,
        rsp_code=rsp,
        message=IPN_MESSAGES[rsp],
        payment_id=payment.pk if payment else None,
        dossier_code=payment.dossier.code if payment else None,
        paid=paid,
        dossier_key=payment_key(payment.dossier) if payment else None,
        procedure_name=payment.dossier.procedure_name if payment else "",
        submitted_on=submitted_on(payment.dossier) if payment else None,
    )


@transaction.atomic
def payment_confirm_from_gateway(
    *,
    params: Mapping[str, str],
    kind: CallbackKind = CallbackKind.IPN,
    gateway: PaymentGateway | None = None,
) -> ConfirmResult:
    """Apply one gateway callback (IPN or return URL), exactly once.

    Order of checks (the gateway's IPN contract): signature (else "97", nothing changes) →
    order exists ("01") → amount equals ("04") → status. Under a row lock on the payment:
    success moves it to `paid` once; a replay answers "02" and changes nothing; a failure moves
    `initiated` to `failed` (the dossier stays payable). A success that arrives after the
    payment expired, failed or was replaced still counts when signature and amount are right
    (the money was taken), unless the dossier is already paid by another order: then nothing is
    counted twice and the callback is logged `refund_needed` for the reconciliation report.
    Every callback is logged (PaymentCallback)."""
    gateway = gateway or gateway_get()
    result = (
        gateway.verify_ipn(params) if kind is CallbackKind.IPN else gateway.verify_return(params)
    )
    now = clock.now()

    def done(
        outcome: CallbackOutcome, rsp: str, payment: Payment | None = None, *, paid: bool = False
    ) -> ConfirmResult:
        """Log the callback with what was done, and answer it."""
        _log(kind=kind, result=result, outcome=outcome, payment=payment, now=now)
        return _answer(outcome, rsp, payment, paid=paid)

    if not result.signature_ok:
        return done(CallbackOutcome.INVALID_SIGNATURE, "97")
    payment = (
        Payment.objects.select_for_update()
        .select_related("dossier")
        .filter(order_ref=result.order_ref)
        .first()
        if result.order_ref
        else None
    )
    if payment is None:
        return done(CallbackOutcome.ORDER_NOT_FOUND, "01")
    if result.amount_vnd != payment.amount_vnd:
        return done(CallbackOutcome.INVALID_AMOUNT, "04", payment)
    if payment.status == PaymentStatus.PAID:
        return done(CallbackOutcome.ALREADY_CONFIRMED, "02", payment, paid=True)
    if not result.success:
        if payment.status != PaymentStatus.INITIATED:
            return done(CallbackOutcome.ALREADY_CONFIRMED, "02", payment)
        payment.response_code = result.response_code[:4]
        payment.gateway_payload = result.raw
        payment.save(update_fields=["response_code", "gateway_payload"])
        _close(payment, PaymentStatus.FAILED, now=now, actor=None, reason=result.response_code)
        return done(CallbackOutcome.FAILURE_RECORDED, "00", payment)
    # Success.
    other_paid = (
        Payment.objects.filter(dossier_id=payment.dossier_id, status=PaymentStatus.PAID)
        .exclude(pk=payment.pk)
        .exists()
    )
    if not other_paid:
        before = payment.status
        payment.status = PaymentStatus.PAID.value
        payment.gateway_txn = result.gateway_txn[:40]
        payment.bank_code = result.bank_code[:20]
        payment.response_code = result.response_code[:4]
        payment.paid_at = result.pay_date or now
        payment.closed_at = now
        payment.gateway_payload = result.raw
        try:
            with transaction.atomic():
                payment.save(
                    update_fields=[
                        "status",
                        "gateway_txn",
                        "bank_code",
                        "response_code",
                        "paid_at",
                        "closed_at",
                        "gateway_payload",
                    ]
                )
        except IntegrityError:
            # Another order of the same dossier became paid at the same moment.
            payment.status = before
            other_paid = True
        else:
            audit_record(
                actor=None,
                action="payment.paid",
                obj=payment,
                data={
                    "from": before,
                    "via": kind.value,
                    "gateway_txn": payment.gateway_txn,
                    "late": before != PaymentStatus.INITIATED,
                },
            )
            for hook in tuple(_PAID_HOOKS):
                hook(payment)
            return done(CallbackOutcome.CONFIRMED, "00", payment, paid=True)
    audit_record(
        actor=None,
        action="payment.refund_needed",
        obj=payment,
        data={"gateway_txn": result.gateway_txn, "amount_vnd": result.amount_vnd},
    )
    logger.warning("payment %s paid at the gateway but the dossier is already paid", payment)
    return done(CallbackOutcome.REFUND_NEEDED, "02", payment)


def payment_callback_handle(
    *, params: Mapping[str, str], kind: CallbackKind = CallbackKind.IPN
) -> ConfirmResult:
    """`payment_confirm_from_gateway`, never raising: an unexpected error is logged (and the
    callback recorded) and answered "99", as the gateway's IPN contract asks."""
    try:
        return payment_confirm_from_gateway(params=params, kind=kind)
    except Exception:
        logger.exception("payment callback failed")
        try:
            PaymentCallback.objects.create(
                received_at=clock.now(),
                kind=kind.value,
                verified=False,
                outcome=CallbackOutcome.ERROR.value,
                order_ref=str(params.get("vnp_TxnRef", ""))[:100],
                payload={k: str(v) for k, v in params.items()},
            )
        except Exception:  # pragma: no cover - the database itself is down
            logger.exception("could not record the failed payment callback")
        return _answer(CallbackOutcome.ERROR, "99")


def payment_expire_stale(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Mark initiated payments past their expiry as expired (periodic job). Returns how many.

    The dossier stays payable. A success that the gateway still reports later counts (see
    `payment_confirm_from_gateway`)."""
    now = now or clock.now()
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Payment.objects.select_for_update(skip_locked=True).filter(
                    status=PaymentStatus.INITIATED, expires_at__lt=now
                )[:batch]
            )
            for payment in rows:
                _close(payment, PaymentStatus.EXPIRED, now=now, actor=None, reason="timeout")
        done += len(rows)
        if len(rows) < batch:
            return done
