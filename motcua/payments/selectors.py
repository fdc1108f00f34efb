"""Reads of the payments app: what a dossier owes, who may pay it, the reconciliation report."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from motcua.core.errors import NotFound
from motcua.dossiers.api import Dossier, DossierStatus
from motcua.payments.data import (
    MISMATCH_OUTCOMES,
    FeeLine,
    FeeOptions,
    PaymentStatus,
)
from motcua.payments.models import Payment, PaymentCallback

#: Statuses in which paying makes no sense any more (the dossier's life is over).
TERMINAL_STATUSES = frozenset(
    {
        DossierStatus.REFUSED.value,
        DossierStatus.RETURNED.value,
        DossierStatus.WITHDRAWN.value,
        DossierStatus.CANCELLED.value,
    }
)


def fee_options(*, dossier: Dossier) -> FeeOptions:
    """The fees of the dossier's procedure version, split into what can be paid online (known
    amount above zero) and the rest (free, or not in VND)."""
    version = dossier.procedure_version
    payable: list[FeeLine] = []
    other: list[FeeLine] = []
    for fee in version.fees.all().order_by("position"):
        line = FeeLine(
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

    The due amount is the fee when there is one line, the smallest of the alternatives when the
    payer has to choose (shown as "from"), 0 when paid or when there is nothing to pay."""
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id"))
    paid_payment = next((p for p in payments if p.status == PaymentStatus.PAID), None)
    options = fee_options(dossier=dossier)
    due = 0
    if paid_payment is None and not options.nothing_to_pay:
        due = min(line.amount_vnd for line in options.payable)
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
    qs = Dossier.objects.select_related("procedure_version", "receiving_agency")
    reference = _as_uuid(key)
    dossier = (qs.filter(reference=reference) if reference else qs.filter(code=key)).first()
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
