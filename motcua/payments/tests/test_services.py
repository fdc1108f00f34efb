"""Starting and confirming payments: amount and order checked, idempotent, failures leave the
dossier payable, forged or replayed callbacks change nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction

from conftest import run_at_once
from motcua.core import clock
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.models import AuditEntry
from motcua.payments.api import (
    payment_expire_stale,
    payment_ipn,
    payment_return,
    payment_start,
    payment_status_for_dossier,
)
from motcua.payments.data import CallbackOutcome, PaymentStatus
from motcua.payments.models import Payment, PaymentCallback

from .conftest import CHOICE_FEE

pytestmark = pytest.mark.django_db


def _snapshot(dossier):
    return sorted(
        Payment.objects.filter(dossier=dossier).values_list("order_ref", "status", "gateway_txn")
    )


def test_start_creates_an_initiated_payment_with_the_fee_snapshot(dossier, start):
    began = clock.now()
    result = start(dossier)
    p = result.payment
    assert p.status == "initiated"
    assert p.amount_vnd == 100000
    assert re.fullmatch(r"MC\d{8}\d{6}", p.order_ref)
    assert p.fee_lines == [
        {
            "position": 1,
            "name": "Phí thẩm định hồ sơ",
            "kind": "fee",
            "amount_vnd": 100000,
            "case": "đồng/hồ sơ",
            "unit": "once",
            "first_page": 1,
            "last_page": None,
            "cap_per_copy_vnd": None,
            "units": 1,
            "line_pages": None,
            "subtotal_vnd": 100000,
        }
    ]
    assert (p.pages, p.copies) == (None, None)
    assert dt.timedelta(minutes=14) < p.expires_at - began <= dt.timedelta(minutes=15, seconds=5)
    assert "vnp_Amount=10000000" in result.redirect_url
    assert f"vnp_TxnRef={p.order_ref}" in result.redirect_url
    assert AuditEntry.objects.filter(action="payment.start", object_id=str(p.pk)).count() == 1


def test_start_reuses_a_still_valid_attempt(dossier, start):
    first = start(dossier)
    second = start(dossier)
    assert second.reused is True
    assert second.payment.pk == first.payment.pk
    assert second.redirect_url == first.redirect_url
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_alternatives_need_a_choice_and_another_choice_cancels_the_old_attempt(intake, start):
    d = intake(CHOICE_FEE)
    with pytest.raises(ValidationFailed) as err:
        start(d)
    assert "choice" in err.value.field_errors
    assert Payment.objects.filter(dossier=d).count() == 0
    with pytest.raises(ValidationFailed):
        start(d, choice=3)  # the USD line cannot be paid online
    first = start(d, choice=1).payment
    assert first.amount_vnd == 1200000
    second = start(d, choice=2).payment
    assert second.amount_vnd == 400000
    first.refresh_from_db()
    assert first.status == "cancelled"
    status = payment_status_for_dossier(d)
    assert (status.due_vnd, status.paid, status.payable_now) == (400000, False, True)


def test_nothing_to_pay_and_closed_dossiers_are_refused(receive, intake, start):
    from .conftest import at

    free = receive(at(2025, 7, 2, 9))  # fees not published
    with pytest.raises(ValidationFailed):
        start(free)
    refused = intake(decision="refuse", note="Không đúng thẩm quyền")
    with pytest.raises(Conflict):
        start(refused)
    assert Payment.objects.count() == 0


def test_ipn_success_marks_paid_and_a_replay_changes_nothing(dossier, start, answer):
    p = start(dossier).payment
    params = answer(p)
    first = payment_ipn(params=params)
    assert first.ipn_body() == {"RspCode": "00", "Message": "Confirm Success"}
    p.refresh_from_db()
    assert (p.status, p.gateway_txn, p.bank_code) == ("paid", "14123456", "NCB")
    before = _snapshot(dossier)
    audits = AuditEntry.objects.count()
    replay = payment_ipn(params=params)
    assert replay.ipn_body() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert _snapshot(dossier) == before
    assert AuditEntry.objects.count() == audits
    status = payment_status_for_dossier(dossier)
    assert (status.paid, status.due_vnd, status.payable_now) == (True, 0, False)
    with pytest.raises(Conflict):
        start(dossier)


def test_forged_signature_changes_nothing(dossier, start, answer):
    p = start(dossier).payment
    forged = {**answer(p), "vnp_TransactionNo": "99999999"}  # altered after signing
    result = payment_ipn(params=forged)
    assert result.rsp_code == "97"
    p.refresh_from_db()
    assert p.status == "initiated"
    cb = PaymentCallback.objects.get()
    assert (cb.verified, cb.outcome) == (False, "invalid_signature")
    wrong_key = answer(p) | {}
    wrong_key["vnp_SecureHash"] = "0" * 128
    assert payment_return(params=wrong_key).rsp_code == "97"
    p.refresh_from_db()
    assert p.status == "initiated"


def test_wrong_amount_and_unknown_order(dossier, start, answer):
    p = start(dossier).payment
    assert payment_ipn(params=answer(p, amount=1000)).rsp_code == "04"
    p.refresh_from_db()
    assert p.status == "initiated"
    ghost = Payment(order_ref="MC20990101999999", amount_vnd=100000, dossier=dossier)
    assert payment_ipn(params=answer(ghost)).rsp_code == "01"
    assert not Payment.objects.filter(order_ref="MC20990101999999").exists()


def test_failure_leaves_the_dossier_unpaid_and_payable_again(dossier, start, answer):
    p = start(dossier).payment
    result = payment_ipn(params=answer(p, code="51"))
    assert (result.rsp_code, result.outcome) == ("00", CallbackOutcome.FAILURE_RECORDED)
    p.refresh_from_db()
    assert p.status == "failed"
    status = payment_status_for_dossier(dossier)
    assert (status.paid, status.payable_now, status.due_vnd) == (False, True, 100000)
    again = start(dossier)
    assert again.reused is False
    assert again.payment.pk != p.pk
    # A replay of the failure, or the return page after it, changes nothing.
    assert payment_return(params=answer(p, code="51")).rsp_code == "02"
    p.refresh_from_db()
    assert p.status == "failed"


def test_timeout_expires_and_a_late_success_still_counts_once(dossier, start, answer):
    p = start(dossier).payment
    assert payment_expire_stale(now=clock.now() + dt.timedelta(minutes=16)) == 1
    p.refresh_from_db()
    assert p.status == "expired"
    assert payment_status_for_dossier(dossier).payable_now is True
    # The bank did take the money just before the timeout: it counts (documented choice).
    assert payment_ipn(params=answer(p)).rsp_code == "00"
    p.refresh_from_db()
    assert p.status == "paid"
    assert AuditEntry.objects.get(action="payment.paid").data["late"] is True


def test_return_then_ipn_confirms_once(dossier, start, answer):
    p = start(dossier).payment
    params = answer(p)
    assert payment_return(params=params).paid is True
    ipn = payment_ipn(params=params)
    assert ipn.rsp_code == "02"
    assert ipn.paid is True
    assert Payment.objects.filter(dossier=dossier, status="paid").count() == 1
    assert AuditEntry.objects.filter(action="payment.paid").count() == 1
    outcomes = sorted(PaymentCallback.objects.values_list("kind", "outcome"))
    assert outcomes == [("ipn", "already_confirmed"), ("return", "confirmed")]


def test_a_second_paid_order_for_a_paid_dossier_is_not_counted(dossier, start, answer):
    old = start(dossier).payment
    payment_expire_stale(now=clock.now() + dt.timedelta(minutes=16))
    new = start(dossier).payment
    assert payment_ipn(params=answer(new, txn="111")).rsp_code == "00"
    late = payment_ipn(params=answer(old, txn="222"))
    assert (late.rsp_code, late.outcome) == ("02", CallbackOutcome.REFUND_NEEDED)
    old.refresh_from_db()
    assert old.status == "expired"
    assert Payment.objects.filter(dossier=dossier, status="paid").count() == 1


def test_the_database_refuses_two_paid_payments_for_one_dossier(dossier):
    now = clock.now()
    common = {
        "dossier": dossier,
        "amount_vnd": 1,
        "gateway": "sandbox",
        "created_at": now,
        "expires_at": now,
    }
    Payment.objects.create(order_ref="A", status="paid", **common)
    Payment.objects.create(order_ref="B", status="failed", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order_ref="C", status="paid", **common)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_count_once(postgres_only, intake, answer):
    d = intake()
    p = payment_start(dossier=d, payer=None, return_url="http://x/").payment
    params = answer(p)
    results = run_at_once(lambda: payment_ipn(params=params).rsp_code, times=4)
    assert sorted(results) == ["00", "02", "02", "02"]
    assert Payment.objects.filter(dossier=d, status=PaymentStatus.PAID).count() == 1
    assert AuditEntry.objects.filter(action="payment.paid").count() == 1
