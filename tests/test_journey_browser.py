"""The citizen's whole journey in a real Chromium (issue #5): find a procedure with an
unaccented query → submit online with files → the desk accepts → pay through the sandbox
gateway → processing → signed e-result → the citizen downloads it and verifies it → rates;
and a supplement round trip. Every portal page visited is checked with axe-core and
screenshotted (test-artifacts/journey-*.png) at 1280 px; the phone-width sweep is in
test_a11y_portal.py.

The desk's decisions in the middle are taken through the same domain services the desk pages
call (the desk UI has its own browser test: motcua/desk/tests/test_browser_desk.py)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import PROMOTION
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    act,
    at,
    demo_signing,
    media_on_disk,
    world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n% scan\n%%EOF\n"


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{page.url} {v['id']}: {v['help']}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


class Look:
    """Screenshot and axe-check each page the citizen lands on."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.n = 0

    def __call__(self, name: str) -> None:
        self.n += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(
            path=str(ARTIFACTS / f"journey-{self.n:02d}-{name}.png"), full_page=True
        )
        self.problems += _axe_serious(self.page)


@pytest.fixture
def journey(world, demo_signing, monkeypatch, django_user_model):  # noqa: F811
    from motcua.catalog.api import catalog_import
    from motcua.portal import views_submit

    raw = copy.deepcopy(PROMOTION)
    raw["fees_known"] = True
    raw["fees"] = [{"name": "Phí thẩm định hồ sơ", "kind": "fee", "amount_vnd": 100000, "case": ""}]
    raw["form_fields"] = [
        {"name": "program_name", "label": "Tên chương trình", "type": "text", "required": True}
    ]
    catalog_import(
        content=json.dumps({"procedures": [raw]}, ensure_ascii=False).encode(),
        filename="journey.json",
        actor=None,
    )
    world["citizen"] = django_user_model.objects.create_user(
        username="dan", password="pw-12345-x", full_name="Quàng Văn Đức"
    )
    # Verification of the account has its own tests (accounts); here the citizen is verified.
    monkeypatch.setattr(views_submit, "_is_verified", lambda user: True)
    return world


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", "dan")
    page.fill("#id_password", "pw-12345-x")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _submit_online(page: Any, base: str, look: Look, tmp_path: Path) -> str:
    """From the home page to a submitted dossier; returns the URL of its page."""
    page.goto(base + "/")
    page.fill("#q", "dang ky hoat dong khuyen mai")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/thu-tuc/?q=*")
    look("search")
    page.click(".procedure-list li h2 a >> nth=0")
    page.wait_for_url("**/thu-tuc/2.000004/")
    look("procedure")
    page.click("text=Nộp hồ sơ trực tuyến")
    page.wait_for_load_state()
    if "/nop-truc-tuyen/" in page.url:  # the start page explains the steps
        look("start")
        page.click("main button[type=submit]")
        page.wait_for_url("**/nguoi-nop/")
    look("applicant")
    if page.locator("#kind-organisation").count():
        page.check("#kind-organisation")
    page.fill("[name=name]", "Công ty TNHH Thương mại Mường Thanh")
    page.fill("[name=tax_code]", "0100109106")
    page.fill("[name=representative]", "Quàng Văn Đức")
    page.fill("[name=phone]", "0215382111")
    page.fill("[name=address]", "Số 1, phường Mường Thanh")
    page.click("text=Lưu và tiếp tục")
    page.wait_for_url("**/thong-tin/")
    look("fields")
    page.fill("[name=program_name]", "Khuyến mại mùa xuân")
    page.click("text=Lưu và tiếp tục")
    page.wait_for_url("**/giay-to/")
    for position in (1, 2):
        f = tmp_path / f"giay-to-{position}.pdf"
        f.write_bytes(PDF)
        page.set_input_files(f"[name=file-{position}]", str(f))
        with page.expect_navigation():
            page.click(f"button[name=upload][value='{position}']")
        assert f"giay-to-{position}.pdf" in page.content(), page.url
    look("documents")
    with page.expect_navigation():
        page.click("text=Tiếp tục")
    assert "/nhan-ket-qua/" in page.url, page.url
    look("delivery")
    page.check("#delivery-online")
    page.click("text=Lưu và tiếp tục")
    page.wait_for_url(lambda u: "/xem-lai/" in u)
    look("review")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(lambda u: "/ho-so-cua-toi/" in u)
    look("submitted")
    return page.url.split("#")[0]


def test_citizen_journey_from_search_to_rating(live_server, browser, journey, tmp_path):
    from motcua.dossiers.api import Dossier, DossierDocument
    from motcua.dossiers.data import UploadedFile
    from motcua.payments.api import Payment

    users = journey["users"]
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    look = Look(page)
    try:
        _sign_in(page, base)
        my_url = _submit_online(page, base, look, tmp_path)
        d = Dossier.objects.get(applicant_user=journey["citizen"])
        assert (d.status, d.channel, d.form_data) == (
            "submitted",
            "online",
            {"program_name": "Khuyến mại mùa xuân"},
        )
        # The desk accepts it (the clock starts; the dossier gets its code).
        from motcua.core import clock

        now = clock.now()
        d = act(d, users["desk"], "accept", now)
        assert d.status == "received" and d.code
        # The citizen sees the outcome and pays the fee through the sandbox gateway.
        page.goto(my_url)
        assert d.code in page.content()
        look("accepted")
        page.click("text=Thanh toán lệ phí")
        page.wait_for_load_state()
        look("pay")
        page.click("main button[type=submit] >> nth=-1")
        page.wait_for_url("**/sandbox-gateway/pay/**")
        look("gateway")
        page.click("button[value=pay]")
        page.wait_for_url("**/thanh-toan/ket-qua/**")
        look("paid")
        assert Payment.objects.get(dossier=d).status == "paid"
        # Processing: specialist, leader approves with the result; the result is signed.
        from motcua.documents.api import render_form
        from motcua.documents.data import FormKind
        from motcua.dossiers.api import form_data

        result_pdf = render_form(kind=FormKind.RECEIPT, data=form_data(dossier=d, kind="receipt"))
        act(d, users["desk"], "forward", now, to_user=users["cv"].pk)
        act(d, users["cv"], "forward", now, to_user=users["ld"].pk)
        act(
            d,
            users["ld"],
            "approve",
            now,
            result=UploadedFile(name="giay-xac-nhan.pdf", content=result_pdf),
        )
        d.refresh_from_db()
        assert d.status == "result_ready"
        assert DossierDocument.objects.filter(dossier=d, kind="result", signed=True).exists()
        act(d, users["desk"], "return_result", now, method="online")
        d.refresh_from_db()
        assert d.status == "returned" and d.outcome == "early"
        # The citizen downloads the signed e-result and verifies it on the public page.
        page.goto(my_url)
        look("returned")
        href = page.get_attribute("a[download]", "href")
        pdf = page.request.get(base + href).body()
        assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf
        saved = tmp_path / "ket-qua.pdf"
        saved.write_bytes(pdf)
        page.goto(base + "/xac-thuc/")
        page.set_input_files("#file", str(saved))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        look("verified")
        text = page.locator("main").inner_text()
        assert "hợp lệ" in text.lower() and "không hợp lệ" not in text.lower()
        # … and rates the handling, once.
        page.goto(my_url)
        page.click("text=Đánh giá")
        page.wait_for_url("**/danh-gia/**")
        look("rate")
        for group in page.locator("fieldset").all():
            radios = group.locator("input[type=radio]")
            if radios.count():
                radios.nth(radios.count() - 1).check()
        page.click("text=Gửi đánh giá")
        page.wait_for_load_state()
        look("rated")
        from motcua.feedback.models import RatingReceipt

        assert RatingReceipt.objects.filter(dossier=d).count() == 1
        assert look.problems == []
    finally:
        context.close()


def test_supplement_round_trip(live_server, browser, journey, tmp_path):
    from motcua.core import clock
    from motcua.dossiers.api import Dossier

    users = journey["users"]
    base = live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    look = Look(page)
    try:
        _sign_in(page, base)
        my_url = _submit_online(page, base, look, tmp_path)
        d = Dossier.objects.get(applicant_user=journey["citizen"])
        now = clock.now()
        act(d, users["desk"], "accept", now)
        act(d, users["desk"], "forward", now, to_user=users["cv"].pk)
        act(
            d,
            users["cv"],
            "request_supplement",
            now,
            items=["Bản sao giấy phép kinh doanh"],
            reason="Thiếu bản sao giấy phép",
        )
        d.refresh_from_db()
        assert d.status == "supplement_requested"
        page.goto(my_url)
        assert "Bản sao giấy phép kinh doanh" in page.content()
        look("supplement-asked")
        f = tmp_path / "bo-sung.pdf"
        f.write_bytes(PDF)
        page.set_input_files("#answer-files", str(f))
        with page.expect_navigation():
            page.get_by_role("button", name="Gửi", exact=True).click()
        look("supplement-sent")
        d.refresh_from_db()
        assert d.status == "processing"
        assert d.documents.filter(kind="supplement").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert look.problems == []
    finally:
        context.close()
