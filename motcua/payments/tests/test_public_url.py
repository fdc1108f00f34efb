"""Absolute URLs of the payment path come from MOTCUA_PUBLIC_URL (issue 17, item 5), never from
the Host header of the request: the return URL sent to the gateway, the sandbox gateway's
redirect back and its IPN over HTTP, and the demo's payments."""

from __future__ import annotations

import io
import json
import urllib.parse

import pytest
from django.urls import reverse

from motcua.payments.models import Payment

pytestmark = pytest.mark.django_db

PUBLIC = "https://dichvucong.example.vn"


@pytest.fixture
def owner(orm, dossier, django_user_model):
    user = django_user_model.objects.create_user(username="citizen", password="pw-12345-x")
    orm.Dossier.objects.filter(pk=dossier.pk).update(applicant_user=user)
    return user


@pytest.fixture
def public(settings):
    settings.MOTCUA_PUBLIC_URL = PUBLIC + "/"  # a trailing slash is dropped
    return PUBLIC


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_the_return_url_and_the_gateways_redirect_back_use_the_public_address(
    client, dossier, owner, public, settings
):
    settings.ALLOWED_HOSTS = ["testserver", "10.0.0.5"]
    client.force_login(owner)
    response = client.post(
        reverse("portal:pay_dossier", args=[dossier.code]),
        {"action": "pay"},
        HTTP_HOST="10.0.0.5:8000",  # an inner address: must not leak into the links
    )
    assert response.status_code == 302
    gateway_url = response["Location"]
    assert gateway_url.startswith("/sandbox-gateway/pay/?")
    fields = _query(gateway_url)
    assert fields["vnp_ReturnUrl"] == "https://dichvucong.example.vn/thanh-toan/ket-qua/"
    back = client.post(reverse("sandbox_gateway:pay"), {**fields, "button": "pay"})
    assert back.status_code == 302
    location = urllib.parse.urlsplit(back["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "dichvucong.example.vn",
        "/thanh-toan/ket-qua/",
    )
    assert _query(back["Location"])["vnp_TxnRef"] == Payment.objects.get().order_ref


def test_the_sandbox_sends_its_ipn_to_the_public_address(
    dossier, start, answer, public, settings, monkeypatch
):
    from motcua.integrations import payment_sandbox as sandbox

    opened: list[str] = []

    def fake_urlopen(url, timeout):
        opened.append(url)
        return io.BytesIO(json.dumps({"RspCode": "00", "Message": "Confirm Success"}).encode())

    monkeypatch.setattr(sandbox.urllib.request, "urlopen", fake_urlopen)
    settings.MOTCUA_PAYMENT_SANDBOX_IPN = "http"
    payment = start(dossier).payment
    params = answer(payment)
    assert sandbox.deliver_ipn(params) == {"RspCode": "00", "Message": "Confirm Success"}
    (url,) = opened
    assert url == (
        "https://dichvucong.example.vn/thanh-toan/ipn/?" + urllib.parse.urlencode(params)
    )
