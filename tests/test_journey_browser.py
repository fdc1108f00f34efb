"""The citizen's whole journey in a real Chromium (issue #5): find a procedure with an
unaccented query → submit online with files (commune picked from the province's list) → pay
through the sandbox gateway, before the desk has looked at it → the desk accepts it on the desk
pages → the specialist and the leader process it there, the leader approving with the result,
which is signed → the desk returns it online → the citizen downloads the signed e-result and
verifies it → rates; and a supplement round trip. Every page visited, the citizen's and the
officers', is checked with axe-core and screenshotted (test-artifacts/journey-*.png) at 1280 px;
the phone-width sweep is in test_a11y_portal.py."""

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

    def __init__(self, page: Any, prefix: str = "journey", *, axe: bool = True) -> None:
        self.page = page
        self.prefix = prefix
        self.axe = axe  # axe-core runs as page script: not in a context without JavaScript
        self.problems: list[str] = []
        self.n = 0

    def __call__(self, name: str) -> None:
        self.n += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.prefix}-{self.n:02d}-{name}.png"), full_page=True
        )
        if self.axe:
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
    from motcua.calendar.api import calendar_seed
    from motcua.core import clock

    # The live server runs on the real clock: today's calendar too.
    calendar_seed(years=[clock.now().year, clock.now().year + 1])
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
    page.select_option("[name=commune_code]", label="Phường Mường Thanh")
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


def _officer(browser: Any, base: str, username: str, look: Look | None = None) -> Any:
    """A signed-in officer's page in its own browser context (its own session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/dang-nhap/?next=/desk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345-x")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/desk/")
    return page


def test_citizen_journey_from_search_to_rating(live_server, browser, journey, tmp_path, settings):
    from motcua.dossiers.models import Dossier, DossierDocument
    from motcua.payments.models import Payment

    base = live_server.url
    settings.MOTCUA_PUBLIC_URL = base  # the gateway's return URL is built from it
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    look = Look(page)
    officers: list[Any] = []
    try:
        _sign_in(page, base)
        my_url = _submit_online(page, base, look, tmp_path)
        d = Dossier.objects.get(applicant_user=journey["citizen"])
        assert (d.status, d.channel, d.form_data, d.commune_code) == (
            "submitted",
            "online",
            {"program_name": "Khuyến mại mùa xuân"},
            3334,
        )
        # Right after submitting, before the desk has looked at it, the citizen pays the fee.
        assert not d.code
        page.get_by_role("link", name="Thanh toán phí, lệ phí").click()
        page.wait_for_url(f"**/ho-so-cua-toi/{d.reference}/thanh-toan/")
        look("pay")
        page.click("main button[type=submit] >> nth=-1")
        page.wait_for_url("**/sandbox-gateway/pay/**")
        look("gateway")
        page.click("button[value=pay]")
        page.wait_for_url("**/thanh-toan/ket-qua/**")
        look("paid")
        assert "Thanh toán thành công" in page.locator("main").inner_text()
        assert Payment.objects.get(dossier=d).status == "paid"
        d.refresh_from_db()
        assert d.status == "submitted"

        # The desk officer finds it among the online submissions, sees it paid, accepts it.
        desk = _officer(browser, base, "desk")
        officers.append(desk)
        queue = desk.locator("section[aria-labelledby=h-queue]")
        assert "Công ty TNHH Thương mại Mường Thanh" in queue.inner_text()
        look.page = desk
        look("desk-worklist")
        queue.locator("tbody a").first.click()
        desk.wait_for_load_state()
        summary = desk.locator("main").inner_text()
        assert "Đã thanh toán trực tuyến: 100.000" in summary
        assert "Phường Mường Thanh" in summary  # the commune picked from the list
        look("desk-review")
        desk.click("#action-accept button[type=submit]")
        desk.wait_for_load_state()
        d.refresh_from_db()
        assert d.status == "received" and d.code
        assert desk.locator(".status-pill").inner_text() == "Đã tiếp nhận"
        # … and forwards it to the specialist.
        desk.goto(f"{base}/desk/ho-so/{d.code}/")
        desk.select_option("#id_forward-to_user", label="CV")
        desk.click("#action-forward button[type=submit]")
        desk.wait_for_load_state()
        assert "Đã chuyển hồ sơ." in desk.locator(".messages").inner_text()

        # The specialist forwards it to the leader from the worklist.
        cv = _officer(browser, base, "cv")
        officers.append(cv)
        cv.click(f"text={d.code}")
        cv.wait_for_url(f"**/desk/ho-so/{d.code}/")
        cv.select_option("#id_forward-to_user", label="LD")
        cv.fill("#id_forward-note", "Hồ sơ hợp lệ, đề nghị phê duyệt.")
        cv.click("#action-forward button[type=submit]")
        cv.wait_for_load_state()
        assert "Đã chuyển hồ sơ." in cv.locator(".messages").inner_text()

        # The leader approves with the result, which the system signs (PAdES, demo PKI).
        from motcua.documents.api import render_form
        from motcua.documents.data import FormKind
        from motcua.dossiers.api import form_data

        result_pdf = render_form(kind=FormKind.RECEIPT, data=form_data(dossier=d, kind="receipt"))
        ld = _officer(browser, base, "ld")
        officers.append(ld)
        ld.goto(f"{base}/desk/ho-so/{d.code}/")
        ld.set_input_files(
            "#id_approve-result",
            files=[
                {"name": "giay-xac-nhan.pdf", "mimeType": "application/pdf", "buffer": result_pdf}
            ],
        )
        look.page = ld
        look("leader-approves")
        ld.click("#action-approve button[type=submit]")
        ld.wait_for_load_state()
        assert ld.locator(".status-pill").inner_text() == "Đã có kết quả"
        assert DossierDocument.objects.filter(dossier=d, kind="result", signed=True).exists()

        # The desk returns it online: the way the citizen asked for it is already chosen.
        desk.goto(f"{base}/desk/ho-so/{d.code}/")
        assert desk.locator("#action-return_result input[value=online]").is_checked()
        desk.click("#action-return_result button[type=submit]")
        desk.wait_for_load_state()
        assert desk.locator(".status-pill").inner_text() == "Đã trả kết quả"
        look.page = desk
        look("desk-returned")
        d.refresh_from_db()
        assert (d.status, d.return_method) == ("returned", "online")
        assert d.outcome in ("early", "on_time")

        # The citizen downloads the signed e-result and verifies it on the public page.
        look.page = page
        page.goto(my_url)
        assert d.code in page.content()
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
        page.goto(my_url)
        assert "Đánh giá" not in page.locator("main").inner_text()  # rated: no second link
        assert look.problems == []
    finally:
        for officer_page in officers:
            officer_page.context.close()
        context.close()


def test_supplement_round_trip(live_server, browser, journey, tmp_path):
    """On a phone, with JavaScript turned off: the core flow (submit online, answer a
    supplement request) works with plain HTML forms."""
    from motcua.core import clock
    from motcua.dossiers.models import Dossier

    users = journey["users"]
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    # The same pages are axe-checked with JavaScript on in the test above.
    look = Look(page, "journey-supplement", axe=False)
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
