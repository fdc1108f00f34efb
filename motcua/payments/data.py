"""Public shapes of the payments app (stdlib only)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any


class PaymentStatus(enum.StrEnum):
    INITIATED = "initiated"  # sent to the gateway, not answered yet
    PAID = "paid"  # the gateway confirmed the money (at most one per dossier)
    FAILED = "failed"  # the gateway said the payment failed or the payer cancelled there
    EXPIRED = "expired"  # nobody answered before expires_at
    CANCELLED = "cancelled"  # replaced by a new attempt (another fee case chosen)


class CallbackKind(enum.StrEnum):
    RETURN = "return"  # the payer's browser coming back (signed return URL)
    IPN = "ipn"  # the gateway's server-to-server notification


class CallbackOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # initiated (or expired/failed/cancelled) → paid
    ALREADY_CONFIRMED = "already_confirmed"  # replay: nothing changed
    FAILURE_RECORDED = "failure_recorded"  # initiated → failed
    INVALID_SIGNATURE = "invalid_signature"
    ORDER_NOT_FOUND = "order_not_found"
    INVALID_AMOUNT = "invalid_amount"
    # The gateway took the money for an order whose dossier is already paid by another order:
    # nothing is counted twice; the agency must refund it (shown in the reconciliation report).
    REFUND_NEEDED = "refund_needed"
    ERROR = "error"


#: Outcomes of callbacks that carry a valid signature and a "success" from the gateway but were
#: not counted here: money was (probably) taken, and an officer must look.
MISMATCH_OUTCOMES = frozenset(
    {
        CallbackOutcome.ORDER_NOT_FOUND,
        CallbackOutcome.INVALID_AMOUNT,
        CallbackOutcome.REFUND_NEEDED,
        CallbackOutcome.ERROR,
    }
)


@dataclass(frozen=True)
class FeeLine:
    """One fee of the procedure version, as it stood when the payment was made."""

    position: int
    name: str
    kind: str  # fee | charge
    amount_vnd: int
    case: str = ""


@dataclass(frozen=True)
class FeeOptions:
    """What a payer can pay for a dossier.

    `payable` holds the fee lines with a known amount above zero. With one line it is the fee;
    with several, they are alternative cases and the payer picks one (`must_choose`)."""

    fees_known: bool
    payable: tuple[FeeLine, ...]
    other: tuple[FeeLine, ...] = ()  # free, or an amount not in VND / not published

    @property
    def nothing_to_pay(self) -> bool:
        return not self.payable

    @property
    def must_choose(self) -> bool:
        return len(self.payable) > 1


@dataclass(frozen=True)
class GatewayResult:
    """What a gateway said in a return URL or an IPN, after checking its signature."""

    signature_ok: bool
    order_ref: str = ""
    amount_vnd: int | None = None  # already divided by 100
    success: bool = False
    response_code: str = ""
    transaction_status: str = ""
    gateway_txn: str = ""
    bank_code: str = ""
    pay_date: dt.datetime | None = None
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfirmResult:
    """The outcome of one callback, and the answer owed to the gateway's IPN."""

    outcome: CallbackOutcome
    rsp_code: str
    message: str
    payment_id: int | None = None
    dossier_code: str | None = None
    paid: bool = False
    #: What the portal's payment pages use for the dossier (code, or reference before it has one).
    dossier_key: str | None = None

    def ipn_body(self) -> dict[str, Any]:
        return {"RspCode": self.rsp_code, "Message": self.message}
