"""Paying the fee of an online submission before the desk accepts it (issue #5's journey:
submit → pay → the desk accepts). Until then the dossier has no code: the pay pages name it by
its reference (UUID), and only its signed-in applicant reaches them."""

from __future__ import annotations

import urllib.parse

import pytest
from django.conf import settings
from django.urls import reverse

from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ORG, act, at
from motcua.payments.api import access_dossier_for_payer, payment_key
from motcua.payments.models import Payment
from motcua.payments.tests.conftest import ONE_FEE
from motcua.payments.tests.test_portal_flow import _pdf_text, _press

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% scan\n" + b"0" * 64


@pytest.fixture
def submitted(world, fee_catalog, media_on_disk, django_user_model):
    from motcua.core import clock
    from motcua.dossiers.api import dossier_submit_online

    citizen = _verified_citizen(django_user_model)
    with clock.at(at(2025, 7, 2, 9)):
        dossier = dossier_submit_online(
            applicant_user=citizen,
            procedure_code=ONE_FEE,
            applicant=ORG,
            files=[UploadedFile(name="don.pdf", content=PDF)],
        )
    assert dossier.status == "submitted" and not dossier.code
    world["citizen"] = citizen
    return dossier


@pytest.fixture
def en_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _verified_citizen(django_user_model):
    """A citizen whose e-mail address was verified (verification has its own tests)."""
    from motcua.accounts.models import CitizenProfile
    from motcua.core import clock

    user = django_user_model.objects.create_user(
        username="dan", password="pw-12345-x", email="dan@example.vn"
    )
    CitizenProfile.objects.create(user=user, email_verified_at=clock.now())
    return user


def test_the_key_is_the_reference_until_the_desk_gives_a_code(submitted, world):
    assert payment_key(submitted) == str(submitted.reference)
    found = access_dossier_for_payer(key=str(submitted.reference), user=world["citizen"])
    assert found.pk == submitted.pk
    accepted = act(submitted, world["users"]["desk"], "accept", at(2025, 7, 2, 10))
    assert payment_key(accepted) == accepted.code
    # The reference still works after acceptance (links sent earlier keep working).
    again = access_dossier_for_payer(key=str(submitted.reference), user=world["citizen"])
    assert again.pk == submitted.pk


def test_only_the_signed_in_applicant_reaches_a_dossier_by_its_reference(
    en_client, submitted, django_user_model
):
    from motcua.core.errors import NotFound

    url = reverse("portal:pay_dossier", args=[str(submitted.reference)])
    anonymous = en_client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:login") + "?next=")
    # A code-and-PIN proof does not open a dossier that has no code (there is nothing to prove).
    with pytest.raises(NotFound):
        access_dossier_for_payer(key=str(submitted.reference), user=None, unlocked_codes=[""])
    stranger = django_user_model.objects.create_user(username="x", password="pw-12345-x")
    en_client.force_login(stranger)
    assert en_client.get(url).status_code == 404
    assert en_client.post(url, {"action": "pay"}).status_code == 404
    assert Payment.objects.count() == 0


def test_the_applicant_pays_right_after_submitting(en_client, submitted, world, tmp_path):
    citizen = world["citizen"]
    en_client.force_login(citizen)
    mine = en_client.get(reverse("portal:my_dossier", args=[submitted.reference])).content.decode()
    assert 'id="h-fee"' in mine  # the fee is due: a button, not a link among others
    pay_url = reverse("portal:pay_dossier", args=[str(submitted.reference)])
    assert pay_url in mine
    page = en_client.get(pay_url).content.decode()
    assert "Not given yet" in page and "100.000" in page
    start = en_client.post(pay_url, {"action": "pay"})
    assert start.status_code == 302, start.content[:300]
    gateway_url = start["Location"]
    _bank, return_url = _press(en_client, gateway_url, "pay")
    payment = Payment.objects.get(dossier=submitted)
    assert payment.status == "paid"
    # No code yet: the gateway names the dossier by its procedure and the day it was submitted.
    assert payment.order_info == (
        "Thanh toan phi, le phi: Cap giay phep thu nghiem co thu phi, ho so nop ngay 02/07/2025"
    )
    landing = en_client.get(return_url).content.decode()
    assert "Payment successful" in landing
    receipt_url = reverse("portal:pay_receipt", args=[str(submitted.reference)])
    assert receipt_url in landing
    receipt = en_client.get(receipt_url)
    assert receipt.status_code == 200
    text = _pdf_text(receipt.content, tmp_path)
    assert "chưa cấp" in text and str(submitted.reference) in text
    assert "Một trăm nghìn đồng" in text
    # Paid: the dossier page no longer asks for it, and links to the receipt instead.
    mine = en_client.get(reverse("portal:my_dossier", args=[submitted.reference])).content.decode()
    assert 'id="h-fee"' not in mine and "The fee you paid and its receipt" in mine

    # The desk sees the payment when it checks the dossier, then accepts it.
    desk = world["users"]["desk"]
    en_client.force_login(desk)
    desk_page = en_client.get(reverse("desk:dossier", args=[f"#{submitted.pk}"])).content.decode()
    assert "Paid online: 100.000 VND" in desk_page and payment.order_ref in desk_page
    accepted = act(submitted, desk, "accept", at(2025, 7, 2, 10))
    assert accepted.code
    # After acceptance the receipt carries the code and the tracking QR; both keys work.
    en_client.force_login(citizen)
    for key in (accepted.code, str(submitted.reference)):
        again = en_client.get(reverse("portal:pay_receipt", args=[key]))
        assert again.status_code == 200
        text = _pdf_text(again.content, tmp_path)
        assert accepted.code in text and "chưa cấp" not in text
    assert Payment.objects.filter(dossier=submitted).count() == 1
    assert en_client.post(pay_url, {"action": "pay"}).status_code == 409  # never twice


def test_the_return_page_links_back_by_reference(en_client, submitted, world):
    en_client.force_login(world["citizen"])
    pay_url = reverse("portal:pay_dossier", args=[str(submitted.reference)])
    gateway_url = en_client.post(pay_url, {"action": "pay"})["Location"]
    _bank, return_url = _press(en_client, gateway_url, "cancel")
    landing = en_client.get(return_url).content.decode()
    assert "Pay again" in landing and pay_url in landing
    assert (
        urllib.parse.quote(str(submitted.reference)) in landing
        or str(submitted.reference) in landing
    )
    assert Payment.objects.get(dossier=submitted).status == "failed"


def test_no_fee_section_when_nothing_is_due(en_client, world, media_on_disk, django_user_model):
    """A procedure without a fee: no fee section, no pay link; no rating link before a result."""
    from motcua.core import clock
    from motcua.dossiers.api import dossier_submit_online

    citizen = _verified_citizen(django_user_model)
    with clock.at(at(2025, 7, 2, 9)):
        d = dossier_submit_online(
            applicant_user=citizen,
            procedure_code="2.000004",
            applicant=ORG,
            files=[UploadedFile(name="don.pdf", content=PDF)],
        )
    en_client.force_login(citizen)
    page = en_client.get(reverse("portal:my_dossier", args=[d.reference])).content.decode()
    assert 'id="h-fee"' not in page
    assert "/thanh-toan/" not in page
    assert "/danh-gia/" not in page
