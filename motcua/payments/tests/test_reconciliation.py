"""The desk's reconciliation report: numbers per status, gateway, mismatches, Excel export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from motcua.core import clock
from motcua.payments.api import payment_expire_stale, payment_ipn, payment_reconciliation

from .conftest import CHOICE_FEE

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(intake, start, answer):
    """Four dossiers: paid 100.000; paid 1.200.000 (+ a late second payment: refund);
    failed 100.000; still waiting 400.000."""
    paid = intake()
    p1 = start(paid).payment
    payment_ipn(params=answer(p1, txn="1001"))
    choice = intake(CHOICE_FEE)
    old = start(choice, choice=1).payment
    payment_expire_stale(now=clock.now() + dt.timedelta(minutes=16))
    p2 = start(choice, choice=1).payment
    payment_ipn(params=answer(p2, txn="1002"))
    payment_ipn(params=answer(old, txn="1003"))  # refund needed
    failed = intake()
    p3 = start(failed).payment
    payment_ipn(params=answer(p3, code="51"))
    waiting = intake(CHOICE_FEE)
    p4 = start(waiting, choice=2).payment
    return {"paid": [p1, p2], "failed": p3, "waiting": p4, "refund": old}


def test_reconciliation_numbers(world, ledger):
    today = timezone.localdate()
    report = payment_reconciliation(
        agency_ids=[world["agencies"]["center"].pk], start=today, end=today
    )
    t = report.totals
    assert (t["paid"].count, t["paid"].amount_vnd) == (2, 1300000)
    assert (t["failed"].count, t["failed"].amount_vnd) == (1, 100000)
    assert (t["initiated"].count, t["initiated"].amount_vnd) == (1, 400000)
    assert (t["expired"].count, t["expired"].amount_vnd) == (1, 1200000)
    assert [d.day for d in report.days] == [today]
    assert report.by_gateway["sandbox"]["paid"].amount_vnd == 1300000
    assert [(m.order_ref, m.outcome, m.gateway_txn) for m in report.mismatches] == [
        (ledger["refund"].order_ref, "refund_needed", "1003")
    ]
    assert sorted(p.gateway_txn for p in report.payments if p.status == "paid") == ["1001", "1002"]
    other = payment_reconciliation(
        agency_ids=[world["agencies"]["trade"].pk], start=today, end=today
    )
    assert other.payments == [] and other.mismatches == []


def test_desk_page_and_excel(client, world, ledger):
    from openpyxl import load_workbook

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["users"]["desk"])
    url = reverse("desk:payments_report")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1.300.000" in html
    assert ledger["refund"].order_ref in html
    assert "Second payment of a paid dossier: refund it" in html
    today = timezone.localdate()
    xlsx = client.get(url, {"tu": today.isoformat(), "den": today.isoformat(), "xuat": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content))
    summary, by_gateway, tx, mismatches = wb.worksheets
    total_row = [c.value for c in summary[summary.max_row]]
    # Columns: day, then (count, amount) per status: initiated, paid, failed, expired, cancelled.
    assert total_row[1:] == [1, 400000, 2, 1300000, 1, 100000, 1, 1200000, 0, 0]
    assert tx.max_row == 1 + 5
    assert sorted(r[6] for r in tx.iter_rows(min_row=2, values_only=True) if r[6]) == [
        "1001",
        "1002",
    ]
    assert [r[1] for r in mismatches.iter_rows(min_row=2, values_only=True)] == [
        ledger["refund"].order_ref
    ]


def test_report_needs_a_desk_role_and_checks_the_period(client, world, django_user_model):
    url = reverse("desk:payments_report")
    client.force_login(world["users"]["cv"])  # a specialist
    assert client.get(url).status_code == 403
    citizen = django_user_model.objects.create_user(username="c", password="pw-12345-x")
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(world["users"]["ld"])
    bad = client.get(url, {"tu": "2025-07-31", "den": "2025-07-01"})
    assert bad.status_code == 400
    assert 'aria-describedby="f-den-error"' in bad.content.decode()
    assert client.get(url, {"tu": "hôm qua"}).status_code == 400
