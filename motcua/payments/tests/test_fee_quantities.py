"""Fees by quantity (issue 17, item 13): a fee per page asks for the pages of the original and
the copies and is computed from them (page ranges, a cap per copy); a fee per copy asks for
the copies; what is typed is checked, and nothing is started on bad input."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.urls import reverse

from motcua.core.errors import ValidationFailed
from motcua.payments.api import fee_line_read
from motcua.payments.data import FeeCharge, FeeOptions, FeeUnit
from motcua.payments.models import Payment

from .conftest import COPY_FEE, PAGE_FEE

pytestmark = pytest.mark.django_db


def _line(position, name, amount, case):
    return fee_line_read(position=position, name=name, kind="fee", amount_vnd=amount, case=case)


FIRST = _line(1, "Phí chứng thực bản sao - 2 trang đầu", 2000, "đồng/trang")
NEXT = _line(
    2,
    "Phí chứng thực bản sao - từ trang thứ 3 trở lên",
    1000,
    "đồng/trang; tối đa không quá 200.000 đồng/bản; trang tính theo bản chính",
)


@pytest.mark.parametrize(
    ("case", "unit"),
    [
        ("đồng/trang", FeeUnit.PAGE),
        ("đồng/bản sao", FeeUnit.COPY),
        ("đồng/bản", FeeUnit.COPY),
        ("đồng / bản", FeeUnit.COPY),
        ("đồng/văn bản", FeeUnit.ONCE),
        ("đồng/giấy phép (cột thứ hai: 25.000)", FeeUnit.ONCE),
        ("đồng/trường hợp", FeeUnit.ONCE),
        ("10 USD/bản", FeeUnit.ONCE),
        ("", FeeUnit.ONCE),
    ],
)
def test_the_unit_is_read_from_the_catalogs_wording(case, unit):
    assert _line(1, "Phí", 1000, case).unit == unit


def test_page_ranges_and_the_cap_are_read_from_name_and_case():
    assert (FIRST.first_page, FIRST.last_page, FIRST.cap_per_copy_vnd) == (1, 2, None)
    assert (NEXT.first_page, NEXT.last_page, NEXT.cap_per_copy_vnd) == (3, None, 200000)
    options = FeeOptions(fees_known=True, payable=(FIRST, NEXT))
    [charge] = options.charges  # the two ranges are one fee, not alternatives
    assert not options.must_choose and charge.needs_pages and charge.needs_copies


@pytest.mark.parametrize(
    ("pages", "copies", "total"),
    [
        (1, 1, 2000),
        (2, 1, 4000),
        (3, 1, 5000),
        (10, 3, 36000),  # (2 × 2,000 + 8 × 1,000) × 3
        (198, 1, 200000),  # 4,000 + 196,000: just the cap
        (199, 1, 200000),  # 201,000 → at most 200,000 per copy
        (1000, 2, 400000),
    ],
)
def test_a_fee_per_page_in_two_ranges_with_a_cap_per_copy(pages, copies, total):
    amount = FeeCharge((FIRST, NEXT)).amount(pages=pages, copies=copies)
    assert amount.total_vnd == total
    assert (amount.pages, amount.copies) == (pages, copies)


def test_the_lines_of_a_computed_fee():
    amount = FeeCharge((FIRST, NEXT)).amount(pages=3, copies=2)
    assert [(c.units, c.pages, c.subtotal_vnd) for c in amount.lines] == [
        (4, 2, 8000),
        (2, 1, 2000),
    ]
    assert amount.capped_per_copy_vnd is None
    capped = FeeCharge((FIRST, NEXT)).amount(pages=300, copies=1)
    assert capped.capped_per_copy_vnd == 200000 and capped.total_vnd == 200000
    assert sum(c.subtotal_vnd for c in capped.lines) == 302000


def test_a_fee_per_copy_and_a_fixed_one():
    per_copy = _line(2, "Phí cấp bản sao", 8000, "đồng/bản sao")
    assert FeeCharge((per_copy,)).amount(copies=3).total_vnd == 24000
    fixed = _line(1, "Lệ phí", 8000, "")
    assert FeeCharge((fixed,)).amount(pages=50, copies=9).total_vnd == 8000


# --- The service -----------------------------------------------------------------------------


def test_starting_a_fee_per_page_needs_pages_and_copies(intake, start):
    d = intake(PAGE_FEE)
    with pytest.raises(ValidationFailed) as missing:
        start(d)
    assert missing.value.field_errors == {
        "pages": ["Enter the number of pages of the original document."],
        "copies": ["Enter the number of copies."],
    }
    with pytest.raises(ValidationFailed) as out_of_range:
        start(d, pages=0, copies=101)
    assert out_of_range.value.field_errors == {
        "pages": ["The number of pages must be from 1 to 1000."],
        "copies": ["The number of copies must be from 1 to 100."],
    }
    assert Payment.objects.count() == 0


def test_a_fee_per_page_is_charged_for_its_pages_and_copies(intake, start):
    d = intake(PAGE_FEE)
    p = start(d, pages=3, copies=2).payment
    assert (p.amount_vnd, p.pages, p.copies) == (10000, 3, 2)
    assert [(line["position"], line["units"], line["subtotal_vnd"]) for line in p.fee_lines] == [
        (1, 4, 8000),
        (2, 2, 2000),
    ]
    # Other quantities: another amount, the first attempt is cancelled, not reused.
    again = start(d, pages=5, copies=1)
    assert again.reused is False and again.payment.amount_vnd == 7000
    p.refresh_from_db()
    assert p.status == "cancelled"
    # The same quantities again: reused.
    assert start(d, pages=5, copies=1).reused is True


def test_a_fee_per_copy_among_alternatives(intake, start):
    d = intake(COPY_FEE)
    with pytest.raises(ValidationFailed) as no_copies:
        start(d, choice=2)
    assert no_copies.value.field_errors == {"copies": ["Enter the number of copies."]}
    assert start(d, choice=2, copies=3).payment.amount_vnd == 24000
    fixed = start(d, choice=1, pages=7, copies=3).payment  # quantities it does not need: ignored
    assert (fixed.amount_vnd, fixed.pages, fixed.copies) == (8000, None, None)


# --- The fee page ----------------------------------------------------------------------------


@pytest.fixture
def page_fee(intake, client):
    d = intake(PAGE_FEE)
    client.get(reverse("portal:track_code", args=[d.code]), {"pin": d.lookup_pin})
    return d


def _url(d):
    return reverse("portal:pay_dossier", args=[d.code])


def test_the_page_asks_for_pages_and_copies(client, page_fee):
    html = client.get(_url(page_fee)).content.decode()
    assert '<label for="pages">Số trang của bản chính</label>' in html
    assert '<label for="copies">Số bản sao</label>' in html
    assert 'name="action" value="quote"' in html
    assert "2.000 đ/trang" not in html and "2.000 mỗi trang" in html


def test_the_fee_is_computed_before_paying(client, page_fee):
    response = client.post(_url(page_fee), {"action": "quote", "pages": "3", "copies": "2"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2.000 đồng × 2 trang × 2 bản" in html and "1.000 đồng × 1 trang × 2 bản" in html
    assert "Tổng cộng: 10.000 đồng" in html
    assert 'value="3"' in html and 'value="2"' in html  # kept for paying
    assert Payment.objects.count() == 0
    paid = client.post(_url(page_fee), {"action": "pay", "pages": "3", "copies": "2"})
    assert paid.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(paid["Location"]).query))
    assert query["vnp_Amount"] == "1000000"
    assert Payment.objects.get().amount_vnd == 10000


def test_the_cap_is_shown(client, page_fee):
    html = client.post(
        _url(page_fee), {"action": "quote", "pages": "250", "copies": "1"}
    ).content.decode()
    assert "Tối đa 200.000 đồng mỗi bản: 200.000 đồng × 1 bản." in html
    assert "Tổng cộng: 200.000 đồng" in html


@pytest.mark.parametrize(
    ("pages", "copies", "errors"),
    [
        ("", "", ["Nhập số trang của bản chính.", "Nhập số bản sao."]),
        ("ba", "-1", ["Nhập một số nguyên, ví dụ 3.", "Số bản sao phải từ 1 đến 100."]),
        ("1001", "2,5", ["Số trang phải từ 1 đến 1000.", "Nhập một số nguyên, ví dụ 2."]),
    ],
)
def test_bad_quantities_are_named_beside_their_fields(client, page_fee, pages, copies, errors):
    for action in ("quote", "pay"):
        response = client.post(_url(page_fee), {"action": action, "pages": pages, "copies": copies})
        html = response.content.decode()
        assert response.status_code == 400
        assert f'<a href="#pages">{errors[0]}</a>' in html
        assert f'<a href="#copies">{errors[1]}</a>' in html
        assert f'<p class="field-error" id="pages-error">{errors[0]}</p>' in html
        assert 'aria-describedby="pages-hint pages-error" aria-invalid="true"' in html
        assert 'aria-describedby="copies-hint copies-error" aria-invalid="true"' in html
        assert re.search(r'id="pages" name="pages" value="' + re.escape(pages) + '"', html)
    assert Payment.objects.count() == 0


def test_full_width_digits_are_numbers(client, page_fee):
    response = client.post(_url(page_fee), {"action": "quote", "pages": "３", "copies": "２"})
    assert response.status_code == 200
    assert "Tổng cộng: 10.000 đồng" in response.content.decode()


def test_a_choice_and_quantities_are_checked_at_once(client, intake):
    d = intake(COPY_FEE)
    client.get(reverse("portal:track_code", args=[d.code]), {"pin": d.lookup_pin})
    response = client.post(_url(d), {"action": "quote", "copies": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#choice-1">Hãy chọn trường hợp của bạn.</a>' in html
    assert '<a href="#copies">Nhập một số nguyên, ví dụ 2.</a>' in html
    ok = client.post(_url(d), {"action": "pay", "choice": "2", "copies": "2"})
    assert ok.status_code == 302
    assert Payment.objects.get().amount_vnd == 16000


def test_the_receipt_shows_how_a_fee_by_quantity_was_computed(intake, start, answer, tmp_path):
    from motcua.payments.api import payment_ipn, payment_receipt_pdf
    from motcua.payments.tests.test_portal_flow import _pdf_text

    d = intake(PAGE_FEE)
    p = start(d, pages=250, copies=2).payment
    assert p.amount_vnd == 400000
    assert payment_ipn(params=answer(p)).paid
    text = " ".join(_pdf_text(payment_receipt_pdf(dossier=d), tmp_path).split())
    assert "(đồng/trang) 8.000 2.000 đồng × 2 trang × 2 bản" in text
    assert "1.000 đồng × 248 trang × 2 bản" in text and " 496.000 " in text
    assert "Áp dụng mức thu tối đa 200.000 đồng/bản × 2 bản 400.000" in text
    assert "Bốn trăm nghìn đồng" in text
