"""Reads of the payments app: what a dossier owes, who may pay it, the reconciliation report."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.text import fold
from motcua.dossiers.api import DossierStatus, dossier_find
from motcua.payments.data import (
    MAX_COPIES,
    MAX_PAGES,
    MISMATCH_OUTCOMES,
    FeeAmount,
    FeeCharge,
    FeeLine,
    FeeOptions,
    FeeUnit,
    PaymentStatus,
)
from motcua.payments.models import Payment, PaymentCallback

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

#: Statuses in which paying makes no sense any more (the dossier's life is over).
TERMINAL_STATUSES = frozenset(
    {
        DossierStatus.REFUSED.value,
        DossierStatus.RETURNED.value,
        DossierStatus.WITHDRAWN.value,
        DossierStatus.CANCELLED.value,
    }
)


def payment_online(payment: Payment) -> bool:
    """Whether a paid payment was made online: through a payment gateway, which every payment
    this app records is (a fee paid in cash at the desk is not recorded here yet)."""
    return bool(payment.gateway)


def paid_payments() -> Iterator[tuple[dt.datetime, bool, int, str, str]]:
    """Every paid payment, in id order, streamed: (paid at, online, the dossier's deciding
    agency id, procedure code, channel). One query (for the reports' rebuild of `paid`)."""
    rows = (
        Payment.objects.filter(status=PaymentStatus.PAID)
        .order_by("id")
        .values_list(
            "paid_at",
            "gateway",
            "dossier__deciding_agency_id",
            "dossier__procedure_code",
            "dossier__channel",
        )
        .iterator(chunk_size=2000)
    )
    for paid_at, gateway, agency_id, code, channel in rows:
        if paid_at is not None:  # always set on a paid payment
            yield paid_at, bool(gateway), agency_id, code, channel


#: The unit a fee's amount is for, at the start of its "depends on" text (folded: no accents,
#: punctuation as spaces): "đồng/trang" per page, "đồng/bản", "đồng/bản sao" per copy.
_UNIT = re.compile(r"^dong (trang|ban sao|ban)\b")
#: Page ranges in a per-page fee's name: "2 trang đầu", "từ trang thứ 3 (trở lên)".
_FIRST_PAGES = re.compile(r"\b(\d+) trang dau\b")
_FROM_PAGE = re.compile(r"\btu trang thu (\d+)\b")
#: A cap per copy in the "depends on" text: "tối đa không quá 200.000 đồng/bản".
_WHOLE = re.compile(r"[+-]?[0-9]+")
_CAP = re.compile(r"\btoi da (?:khong qua )?([\d.]+) dong ban\b")


def fee_line_read(
    *, position: int, name: str, kind: str, amount_vnd: int, case: str = ""
) -> FeeLine:
    """A catalog fee as a priced line: its unit, its page range and its cap per copy, read
    from the wording of the national catalog (the catalog has no fields for them): "đồng/trang"
    is per page of the original and per copy, "đồng/bản" or "đồng/bản sao" per copy,
    anything else a fixed amount. Page ranges come from the name ("2 trang đầu", "từ trang
    thứ 3 trở lên"), a cap from "tối đa (không quá) N đồng/bản"."""
    folded_case, folded_name = fold(case or ""), fold(name or "")
    unit = FeeUnit.ONCE
    first_page, last_page, cap = 1, None, None
    match = _UNIT.match(folded_case)
    if match:
        unit = FeeUnit.PAGE if match.group(1) == "trang" else FeeUnit.COPY
    if unit == FeeUnit.PAGE:
        if m := _FIRST_PAGES.search(folded_name):
            last_page = max(1, int(m.group(1)))
        elif m := _FROM_PAGE.search(folded_name):
            first_page = max(1, int(m.group(1)))
        if m := _CAP.search(folded_case):
            cap = int(m.group(1).replace(".", "")) or None
    return FeeLine(
        position=position,
        name=name,
        kind=kind,
        amount_vnd=amount_vnd,
        case=case,
        unit=unit.value,
        first_page=first_page,
        last_page=last_page,
        cap_per_copy_vnd=cap,
    )


def fee_options(*, dossier: Dossier) -> FeeOptions:
    """The fees of the dossier's procedure version, split into what can be paid online (known
    amount above zero) and the rest (free, or not in VND)."""
    version = dossier.procedure_version
    payable: list[FeeLine] = []
    other: list[FeeLine] = []
    for fee in version.fees.all().order_by("position"):
        line = fee_line_read(
            position=fee.position,
            name=fee.name,
            kind=fee.kind,
            amount_vnd=int(fee.amount_vnd or 0),
            case=fee.case,
        )
        (payable if fee.amount_vnd else other).append(line)
    if not version.fees_known:
        payable = []
    return FeeOptions(fees_known=version.fees_known, payable=tuple(payable), other=tuple(other))


def _quantity_problems(
    charge: FeeCharge, pages: int | None, copies: int | None
) -> dict[str, list[str]]:
    """What is wrong with the quantities a fee needs (missing, or out of range), per field
    ("pages", "copies"); quantities it does not need are not looked at."""
    problems: dict[str, list[str]] = {}
    if charge.needs_pages:
        if pages is None:
            problems["pages"] = [_("Enter the number of pages of the original document.")]
        elif not 1 <= pages <= MAX_PAGES:
            problems["pages"] = [
                _("The number of pages must be from 1 to %(max)s.") % {"max": MAX_PAGES}
            ]
    if charge.needs_copies:
        if copies is None:
            problems["copies"] = [_("Enter the number of copies.")]
        elif not 1 <= copies <= MAX_COPIES:
            problems["copies"] = [
                _("The number of copies must be from 1 to %(max)s.") % {"max": MAX_COPIES}
            ]
    return problems


def _chosen(options: FeeOptions, choice: int | None) -> FeeCharge:
    if options.nothing_to_pay:
        raise ValidationFailed(_("There is no fee to pay online for this dossier."))
    charge = options.charge(choice)
    if charge is None:
        raise ValidationFailed(
            _("Choose the case that applies to you."),
            field_errors={"choice": [_("Choose the case that applies to you.")]},
        )
    return charge


def fee_price(
    *, options: FeeOptions, choice: int | None, pages: int | None, copies: int | None
) -> FeeAmount:
    """The amount of the chosen fee (`choice`: its position, when there are alternatives) for
    this many pages of the original and copies, when it depends on them. ValidationFailed
    (fields "choice", "pages", "copies") when nothing can be paid, no valid choice was made or
    a quantity the fee needs is missing or out of range."""
    charge = _chosen(options, choice)
    pages = pages if charge.needs_pages else None
    copies = copies if charge.needs_copies else None
    problems = _quantity_problems(charge, pages, copies)
    if problems:
        raise ValidationFailed(_("Check the number of pages and copies."), field_errors=problems)
    return charge.amount(pages=pages, copies=copies)


def fee_price_from_form(*, options: FeeOptions, choice: str, pages: str, copies: str) -> FeeAmount:
    """`fee_price` for what was typed on the fee page: every problem at once (the choice, a
    number that is not a whole number, a missing or out-of-range quantity)."""
    errors: dict[str, list[str]] = {}

    def number(name: str, raw: str, example: str) -> int | None:
        text = "".join(unicodedata.normalize("NFKC", raw or "").split())
        if not text:
            return None
        if not _WHOLE.fullmatch(text):
            errors[name] = [
                _("Enter a whole number, for example %(example)s.") % {"example": example}
            ]
            return None
        return int(text) if len(text) <= 9 else 10**9  # out of range either way

    n_pages = number("pages", pages, "3")
    n_copies = number("copies", copies, "2")
    typed_choice = (choice or "").strip()[:9]
    position = int(typed_choice) if _WHOLE.fullmatch(typed_choice) else None
    try:
        charge = _chosen(options, position)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field_errors={**errors, **exc.field_errors}) from exc
    errors = {
        name: messages
        for name, messages in errors.items()
        if (name == "pages" and charge.needs_pages) or (name == "copies" and charge.needs_copies)
    }
    for name, messages in _quantity_problems(charge, n_pages, n_copies).items():
        errors.setdefault(name, messages)
    if errors:
        raise ValidationFailed(_("Check the number of pages and copies."), field_errors=errors)
    return fee_price(options=options, choice=position, pages=n_pages, copies=n_copies)


@dataclass(frozen=True)
class DossierPaymentStatus:
    due_vnd: int  # what is still to pay (0 when paid or nothing to pay)
    paid: bool
    payments: list[Payment]
    options: FeeOptions
    paid_payment: Payment | None = None
    payable_now: bool = False  # a new payment may be started


def payment_status_for_dossier(dossier: Dossier) -> DossierPaymentStatus:
    """Due amount, whether the dossier is paid, and its payments (newest first).

    The due amount is the fee when there is one, the smallest of the alternatives when the
    payer has to choose (shown as "from"), for one page and one copy when the fee depends on
    them, 0 when paid or when there is nothing to pay."""
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id"))
    paid_payment = next((p for p in payments if p.status == PaymentStatus.PAID), None)
    options = fee_options(dossier=dossier)
    due = 0
    if paid_payment is None and not options.nothing_to_pay:
        due = min(charge.minimum_vnd for charge in options.charges)
    return DossierPaymentStatus(
        due_vnd=due,
        paid=paid_payment is not None,
        payments=payments,
        options=options,
        paid_payment=paid_payment,
        payable_now=paid_payment is None
        and not options.nothing_to_pay
        and dossier.status not in TERMINAL_STATUSES,
    )


def payer_fee_annotations() -> dict[str, Any]:
    """Expressions to annotate a query of dossiers with what `payer_fee_state` needs besides
    the dossier's status and whether its version charges a fee ("payments_paid": one of its
    payments is paid), so a page showing a dossier reads its fee state in the same
    statement (public tracking, ADR 0043)."""
    return {
        "payments_paid": Exists(
            Payment.objects.filter(dossier_id=OuterRef("pk"), status=PaymentStatus.PAID)
        )
    }


def payer_fee_state(*, status: str, paid: bool, charges_fee: bool) -> str:
    """ "paid" (its receipt can be downloaded), "due" (a fee can be paid online now) or "": what
    `payment_status_for_dossier` says (paid; payable_now), from a dossier's status, whether
    a payment is paid (`payer_fee_annotations`) and whether its procedure version charges a
    fee that can be paid online."""
    if paid:
        return "paid"
    return "due" if charges_fee and status not in TERMINAL_STATUSES else ""


def payment_key(dossier: Dossier) -> str:
    """What the portal's payment pages use to name a dossier: its code, or, before the desk
    accepts an online submission and gives it a code, its reference (a UUID)."""
    return dossier.code or str(dossier.reference)


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except (ValueError, AttributeError):
        return None


def access_dossier_for_payer(*, key: str, user: Any, unlocked_codes: Iterable[str] = ()) -> Dossier:
    """The dossier named by `key` (its code, or its reference), if this person may pay for it:
    its applicant signed in, or someone who proved the code + PIN in this session
    (`unlocked_codes`). A dossier without a code yet (an online submission the desk has not
    accepted) can only be reached by its signed-in applicant, by its reference. NotFound
    otherwise (never says whether the dossier exists)."""
    reference = _as_uuid(key)
    dossier = dossier_find(reference=reference) if reference else dossier_find(code=key)
    if dossier is None:
        raise NotFound("No dossier")
    owner = (
        getattr(user, "is_authenticated", False)
        and dossier.applicant_user_id is not None
        and dossier.applicant_user_id == user.pk
    )
    if owner or (dossier.code and dossier.code in set(unlocked_codes)):
        return dossier
    raise NotFound("No dossier")


def payment_get_by_ref(*, order_ref: str) -> Payment | None:
    return Payment.objects.select_related("dossier").filter(order_ref=order_ref).first()


# --- reconciliation -------------------------------------------------------------------------


@dataclass
class StatusTotal:
    count: int = 0
    amount_vnd: int = 0


@dataclass
class DayRow:
    day: dt.date
    by_status: dict[str, StatusTotal] = field(default_factory=dict)


@dataclass
class Reconciliation:
    start: dt.date
    end: dt.date
    days: list[DayRow]
    totals: dict[str, StatusTotal]
    by_gateway: dict[str, dict[str, StatusTotal]]
    payments: list[Payment]
    mismatches: list[PaymentCallback]

    @property
    def paid_total(self) -> StatusTotal:
        return self.totals.get(PaymentStatus.PAID.value, StatusTotal())


def _tz() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = _tz()
    return (
        dt.datetime.combine(start, dt.time.min, tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
    )


def payments_in_period(
    *, agency_ids: Iterable[int], start: dt.date, end: dt.date
) -> QuerySet[Payment]:
    """Payments started in [start, end] (local days) for dossiers received by the agencies."""
    lo, hi = _bounds(start, end)
    return Payment.objects.filter(
        dossier__receiving_agency_id__in=list(agency_ids), created_at__gte=lo, created_at__lt=hi
    )


def payment_reconciliation(
    *, agency_ids: Iterable[int], start: dt.date, end: dt.date, include_unmatched: bool = False
) -> Reconciliation:
    """Payments per day and status, per gateway, every payment, and the mismatches: callbacks
    with a valid signature where the gateway reported success but nothing was counted here
    (unknown order, wrong amount, or a second payment of a paid dossier).

    `include_unmatched` adds mismatches whose order is unknown (no agency to filter them by)."""
    ids = list(agency_ids)
    qs = payments_in_period(agency_ids=ids, start=start, end=end)
    totals: dict[str, StatusTotal] = {s.value: StatusTotal() for s in PaymentStatus}
    by_day: dict[dt.date, DayRow] = {}
    per_day = (
        qs.annotate(day=TruncDate("created_at", tzinfo=_tz()))
        .values("day", "status")
        .annotate(n=Count("id"), amount=Sum("amount_vnd"))
        .order_by("day", "status")
    )
    for row in per_day:
        day_row = by_day.setdefault(row["day"], DayRow(day=row["day"]))
        total = StatusTotal(count=row["n"], amount_vnd=int(row["amount"] or 0))
        day_row.by_status[row["status"]] = total
        totals[row["status"]].count += total.count
        totals[row["status"]].amount_vnd += total.amount_vnd
    by_gateway: dict[str, dict[str, StatusTotal]] = defaultdict(dict)
    for row in qs.values("gateway", "status").annotate(n=Count("id"), amount=Sum("amount_vnd")):
        by_gateway[row["gateway"]][row["status"]] = StatusTotal(
            count=row["n"], amount_vnd=int(row["amount"] or 0)
        )
    payments = list(
        qs.select_related("dossier").order_by("created_at", "id")  # oldest first, like a ledger
    )
    lo, hi = _bounds(start, end)
    mismatch_qs = PaymentCallback.objects.filter(
        verified=True,
        gateway_success=True,
        outcome__in=[o.value for o in MISMATCH_OUTCOMES],
        received_at__gte=lo,
        received_at__lt=hi,
    ).select_related("payment__dossier")
    mismatches = [
        cb
        for cb in mismatch_qs.order_by("received_at", "id")
        if (cb.payment is not None and cb.payment.dossier.receiving_agency_id in ids)
        or (cb.payment is None and include_unmatched)
    ]
    return Reconciliation(
        start=start,
        end=end,
        days=[by_day[d] for d in sorted(by_day)],
        totals=totals,
        by_gateway=dict(by_gateway),
        payments=payments,
        mismatches=mismatches,
    )


def payments_personal_data(*, dossier_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The payments of these dossiers as JSON-ready data, for their applicant's own-data
    export (ADR 0036): amount, fees, status, times, the payer's name; not the gateway's raw
    data. One query."""
    rows = Payment.objects.filter(dossier_id__in=list(dossier_ids)).order_by("id")
    return [
        {
            "dossier_id": p.dossier_id,
            "order_ref": p.order_ref,
            "amount_vnd": p.amount_vnd,
            "fee_lines": p.fee_lines,
            "status": p.status,
            "payer_name": p.payer_name,
            "bank_code": p.bank_code,
            "created_at": p.created_at.isoformat(),
            "paid_at": p.paid_at.isoformat() if p.paid_at else None,
        }
        for p in rows
    ]
