"""The payment pages and the gateway name the dossier by its procedure and code, or by the day
it was submitted before it has a code, never by its internal reference or row id (issue 17,
item 13)."""

from __future__ import annotations

import re
import urllib.parse
from types import SimpleNamespace

import pytest
from django.urls import reverse

from motcua.dossiers.tests.conftest import at
from motcua.payments.models import order_info_text
from motcua.payments.tests.test_pay_before_acceptance import submitted  # noqa: F401
from motcua.payments.tests.test_portal_flow import _press

pytestmark = pytest.mark.django_db


def _visible_text(html: str) -> str:
    """The page without its tags and attributes (links may carry the reference)."""
    return re.sub(r"<[^>]*>", " ", html)


def test_before_it_has_a_code_the_dossier_is_named_by_its_day(client, world, submitted):  # noqa: F811
    client.force_login(world["citizen"])
    pay_url = reverse("portal:pay_dossier", args=[str(submitted.reference)])
    gateway_url = client.post(pay_url, {"action": "pay"})["Location"]
    bank, return_url = _press(client, gateway_url, "pay")
    described = (
        "Thanh toan phi, le phi: Cap giay phep thu nghiem co thu phi, ho so nop ngay 02/07/2025"
    )
    assert described in bank.content.decode()
    assert f"#{submitted.pk}" not in bank.content.decode()
    landing = client.get(return_url).content.decode()
    assert (
        "Đã thanh toán phí, lệ phí: Cấp giấy phép thử nghiệm có thu phí, hồ sơ nộp ngày "
        "02/07/2025." in landing
    )
    assert str(submitted.reference) not in _visible_text(landing)
    page = client.get(pay_url).content.decode()
    assert "<dt>Ngày nộp</dt><dd>02/07/2025</dd>" in page


def test_with_a_code_the_dossier_is_named_by_procedure_and_code(client, dossier):
    client.get(reverse("portal:track_code", args=[dossier.code]), {"pin": dossier.lookup_pin})
    start = client.post(reverse("portal:pay_dossier", args=[dossier.code]), {"action": "pay"})
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))
    assert query["vnp_OrderInfo"] == (
        f"Thanh toan phi, le phi: Cap giay phep thu nghiem co thu phi, ho so {dossier.code}"
    )
    _bank, return_url = _press(client, start["Location"], "cancel")
    landing = client.get(return_url).content.decode()
    assert f"Hồ sơ: Cấp giấy phép thử nghiệm có thu phí, hồ sơ {dossier.code}" in landing


def test_the_gateways_text_is_short_plain_ascii():
    dossier = SimpleNamespace(
        code="",
        procedure_name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với "
        "đất “đặc biệt” — trường hợp " * 5,
        submitted_at=at(2026, 3, 2, 23, 30),
        received_at=None,
        created_at=None,
    )
    text = order_info_text(dossier)
    assert len(text) <= 255 and text.isascii()
    assert text.startswith("Thanh toan phi, le phi: Dang ky bien dong quyen su dung dat, quyen")
    assert text.endswith("..., ho so nop ngay 02/03/2026")
    assert "“" not in text and "—" not in text
