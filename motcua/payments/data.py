"""Public shapes of the payments app (stdlib only)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
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


class FeeUnit(enum.StrEnum):
    """What a fee line's amount is for, read from the catalog's wording (`fee_options`)."""

    ONCE = "once"  # the dossier: a fixed amount
    PAGE = "page"  # one page of the original, for each copy ("đồng/trang")
    COPY = "copy"  # one copy ("đồng/bản", "đồng/bản sao")


#: Limits of what a payer may type for a fee by quantity.
MAX_PAGES = 1000
MAX_COPIES = 100


@dataclass(frozen=True)
class FeeLine:
    """One fee of the procedure version, as it stood when the payment was made."""

    position: int
    name: str
    kind: str  # fee | charge
    amount_vnd: int  # per unit
    case: str = ""
    unit: str = FeeUnit.ONCE.value
    #: PAGE: the pages this line prices ("2 trang đầu": 1–2; "từ trang thứ 3": 3–None).
    first_page: int = 1
    last_page: int | None = None
    #: PAGE: at most this much per copy, all the page lines together ("tối đa 200.000 đồng/bản").
    cap_per_copy_vnd: int | None = None

    @property
    def is_page_tier(self) -> bool:
        return self.unit == FeeUnit.PAGE and (self.first_page > 1 or self.last_page is not None)


@dataclass(frozen=True)
class ChargedLine:
    """A fee line with the units it is charged for (pages × copies, copies, or 1)."""

    line: FeeLine
    units: int
    pages: int | None  # PAGE: the pages of this line's range, per copy
    subtotal_vnd: int


@dataclass(frozen=True)
class FeeAmount:
    """What one fee comes to for the quantities given."""

    lines: tuple[ChargedLine, ...]
    total_vnd: int
    #: PAGE: the cap per copy applied (the lines' subtotals add up to more than the total).
    capped_per_copy_vnd: int | None = None
    pages: int | None = None  # the quantities used (None: the fee does not depend on them)
    copies: int | None = None

    @property
    def position(self) -> int:
        return self.lines[0].line.position


@dataclass(frozen=True)
class FeeCharge:
    """One fee the payer can pay: a fixed amount, a fee per copy, or a fee per page (all the
    page ranges of one fee together: "2 trang đầu" + "từ trang thứ 3", with a cap per copy)."""

    lines: tuple[FeeLine, ...]

    @property
    def position(self) -> int:
        """What the payer's choice names it by: its first line's position."""
        return self.lines[0].position

    @property
    def unit(self) -> FeeUnit:
        units = {line.unit for line in self.lines}
        if FeeUnit.PAGE in units:
            return FeeUnit.PAGE
        return FeeUnit.COPY if FeeUnit.COPY in units else FeeUnit.ONCE

    @property
    def needs_pages(self) -> bool:
        return self.unit == FeeUnit.PAGE

    @property
    def needs_copies(self) -> bool:
        return self.unit != FeeUnit.ONCE

    @property
    def cap_per_copy_vnd(self) -> int | None:
        caps = [line.cap_per_copy_vnd for line in self.lines if line.cap_per_copy_vnd]
        return min(caps) if caps else None

    def amount(self, *, pages: int | None = None, copies: int | None = None) -> FeeAmount:
        """The amount for this many pages (of the original) and copies; quantities the fee
        does not need are ignored. The caller has checked them (≥ 1)."""
        n_copies = int(copies or 1) if self.needs_copies else 1
        n_pages = int(pages or 1) if self.needs_pages else 0
        charged: list[ChargedLine] = []
        per_copy = 0
        for line in self.lines:
            if line.unit == FeeUnit.PAGE:
                last = n_pages if line.last_page is None else min(n_pages, line.last_page)
                in_range = max(0, last - line.first_page + 1)
                per_copy += line.amount_vnd * in_range
                units, line_pages = in_range * n_copies, in_range
            elif line.unit == FeeUnit.COPY:
                per_copy += line.amount_vnd
                units, line_pages = n_copies, None
            else:
                units, line_pages = 1, None
            charged.append(ChargedLine(line, units, line_pages, line.amount_vnd * units))
        cap = self.cap_per_copy_vnd if self.needs_pages else None
        capped = cap is not None and per_copy > cap
        once = sum(c.subtotal_vnd for c in charged if c.line.unit == FeeUnit.ONCE)
        total = once + (min(per_copy, cap) if capped and cap else per_copy) * n_copies
        if not self.needs_copies:
            total = once
        return FeeAmount(
            tuple(charged),
            total,
            cap if capped else None,
            pages=n_pages if self.needs_pages else None,
            copies=n_copies if self.needs_copies else None,
        )

    @property
    def minimum_vnd(self) -> int:
        """The amount for one page and one copy (what "from" shows before they are known)."""
        return self.amount(pages=1, copies=1).total_vnd


@dataclass(frozen=True)
class FeeOptions:
    """What a payer can pay for a dossier.

    `payable` holds the fee lines with a known amount above zero; `charges` groups them into
    the fees the payer can pay: the page ranges of one fee per page are one charge, every
    other line is one. With one charge it is the fee; with several, they are alternative cases
    and the payer picks one (`must_choose`)."""

    fees_known: bool
    payable: tuple[FeeLine, ...]
    other: tuple[FeeLine, ...] = ()  # free, or an amount not in VND / not published

    @property
    def charges(self) -> tuple[FeeCharge, ...]:
        tiers = tuple(line for line in self.payable if line.is_page_tier)
        out: list[FeeCharge] = []
        for line in self.payable:
            if line.is_page_tier:
                if line is tiers[0]:
                    out.append(FeeCharge(tiers))
            else:
                out.append(FeeCharge((line,)))
        return tuple(out)

    def charge(self, position: int | None) -> FeeCharge | None:
        """The charge the payer chose by its position (the only one when there is no choice)."""
        charges = self.charges
        if len(charges) == 1:
            return charges[0]
        return next((c for c in charges if c.position == position), None)

    @property
    def nothing_to_pay(self) -> bool:
        return not self.payable

    @property
    def must_choose(self) -> bool:
        return len(self.charges) > 1

    @property
    def needs_quantities(self) -> bool:
        return any(c.needs_copies for c in self.charges)


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
    #: How the pages name the dossier to the payer: its procedure and code, or the local day it
    #: was submitted before it has a code.
    procedure_name: str = ""
    submitted_on: dt.date | None = None

    def ipn_body(self) -> dict[str, Any]:
        return {"RspCode": self.rsp_code, "Message": self.message}
