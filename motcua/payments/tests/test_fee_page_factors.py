"""The fee page shows the applicant's name and the fee receipt: the last 4 digits of the phone,
which open tracking, do not open it; the PIN printed on the receipt does (issue 17, item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.tests.conftest import ORG
from motcua.payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def test_the_phone_digits_track_the_dossier_but_do_not_open_the_fee_page(client, dossier):
    assert ORG.phone.endswith("2111")
    tracked = client.get(reverse("portal:track_code", args=[dossier.code]), {"pin": "2111"})
    assert tracked.status_code == 200
    pay_url = reverse("portal:pay_dossier", args=[dossier.code])
    page = client.get(pay_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="action" value="unlock"' in html  # the PIN is asked for
    assert ORG.name not in html and "100.000" not in html
    assert client.get(reverse("portal:pay_receipt", args=[dossier.code])).status_code == 404
    assert client.post(pay_url, {"action": "pay"}).status_code == 200  # still the PIN page
    assert Payment.objects.count() == 0
    # The PIN opens it.
    assert client.post(pay_url, {"action": "unlock", "pin": dossier.lookup_pin}).status_code == 302
    html = client.get(pay_url).content.decode()
    assert ORG.name in html and "100.000" in html


def test_the_pin_on_the_tracking_page_opens_the_fee_page(client, dossier):
    client.get(reverse("portal:track_code", args=[dossier.code]), {"pin": dossier.lookup_pin})
    html = client.get(reverse("portal:pay_dossier", args=[dossier.code])).content.decode()
    assert ORG.name in html and "100.000" in html


def test_full_width_pin_digits_are_read_as_digits(client, dossier):
    full_width = "".join(chr(0xFF10 + int(c)) for c in dossier.lookup_pin)
    pay_url = reverse("portal:pay_dossier", args=[dossier.code])
    assert client.post(pay_url, {"action": "unlock", "pin": full_width}).status_code == 302
    assert (
        client.get(reverse("portal:track_code", args=[dossier.code]), {"pin": "１２ｘ"}).status_code
        == 404
    )


def test_the_receipt_url_takes_the_code_as_typed(client, dossier, start, answer):
    from motcua.payments.api import payment_ipn

    assert payment_ipn(params=answer(start(dossier).payment)).paid
    client.get(reverse("portal:track_code", args=[dossier.code]), {"pin": dossier.lookup_pin})
    receipt = client.get(reverse("portal:pay_receipt", args=[dossier.code.lower()]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
