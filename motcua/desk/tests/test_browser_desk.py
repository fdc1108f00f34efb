"""The desk in a real Chromium: the desk officer receives a dossier and prints the receipt,
forwards it to the specialist, who forwards it to the leader, who approves it with a signed
PDF; the desk returns the result. axe-core finds no serious or critical violation on the
worklist, the intake form and the dossier page. Screenshots: test-artifacts/desk-*.png."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

from motcua.calendar.api import calendar_seed
from motcua.core import clock

from .conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))
PASSWORD = "pw-12345-x"


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[n.get('target') for n in v.get('nodes', [])][:3]}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"), full_page=True)


def _sign_in(browser: Any, base: str, username: str, next_url: str, width: int = 1280) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/dang-nhap/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return page


@pytest.fixture
def desk_world(world: Any) -> Any:
    """The world on today's calendar too (the live server runs on the real clock)."""
    year = clock.now().year
    calendar_seed(years=[year, year + 1])
    return world


def test_a_dossier_from_intake_to_returned_result(orm, live_server, browser, desk_world):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url

    # 1. The desk officer receives the dossier.
    desk = _sign_in(browser, base, "desk", "/desk/tiep-nhan/")
    assert desk.locator("h1").inner_text() == "Tiếp nhận hồ sơ"
    desk.select_option("#procedure-select", "2.000004")
    desk.click("form.choose-procedure button[type=submit]")
    desk.wait_for_url("**/desk/tiep-nhan/?thu-tuc=2.000004")
    assert _axe_serious(desk) == []
    desk.check("#id_kind_1")  # an organisation
    assert desk.locator(".fields-person").is_hidden()  # CSS only, no JavaScript
    desk.fill("#id_name", "Công ty TNHH Thương mại Mường Thanh")
    desk.fill("#id_tax_code", "0100109106")
    desk.fill("#id_representative", "Quàng Văn Đức")
    desk.fill("#id_phone", "0215382111")
    desk.fill("#id_address", "Số 1, phường Mường Thanh")
    desk.select_option("#id_commune", "3334")
    desk.check("#id_doc_1_received")
    desk.check("#id_doc_2_received")
    desk.set_input_files(
        "#id_uploads",
        files=[{"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    _shot(desk, "01-intake")
    desk.click("button[value=accept]")
    desk.wait_for_url("**/giay-tiep-nhan/")
    dossier = orm.Dossier.objects.get()
    assert desk.locator("#paper-title").inner_text() == "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    assert dossier.code in desk.locator(".paper-code").inner_text()
    assert desk.locator("#print-button").is_visible()  # shown by the small script
    _shot(desk, "02-receipt")

    # 2. … and forwards it to the specialist.
    desk.click("text=Mở hồ sơ")
    desk.wait_for_url(f"**/desk/ho-so/{dossier.code}/")
    assert _axe_serious(desk) == []
    desk.select_option("#id_forward-to_user", label="CV")
    desk.click("#action-forward button[type=submit]")
    desk.wait_for_load_state()
    assert "Đã chuyển hồ sơ." in desk.locator(".messages").inner_text()
    _shot(desk, "03-forwarded")

    # 3. The specialist finds it in the worklist and forwards it to the leader.
    cv = _sign_in(browser, base, "cv", "/desk/")
    row = cv.locator("table.worklist tbody tr").first
    assert dossier.code in row.inner_text()
    assert re.search(r"còn .* làm việc", row.inner_text())
    assert _axe_serious(cv) == []
    _shot(cv, "04-worklist")
    cv.click(f"text={dossier.code}")
    cv.wait_for_url(f"**/desk/ho-so/{dossier.code}/")
    cv.select_option("#id_forward-to_user", label="LD")
    cv.fill("#id_forward-note", "Hồ sơ hợp lệ, đề nghị phê duyệt.")
    cv.click("#action-forward button[type=submit]")
    cv.wait_for_load_state()
    assert "Đã chuyển hồ sơ." in cv.locator(".messages").inner_text()

    # 4. The leader approves with the signed PDF.
    ld = _sign_in(browser, base, "ld", f"/desk/ho-so/{dossier.code}/")
    ld.set_input_files(
        "#id_approve-result",
        files=[
            {"name": "van-ban-xac-nhan.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        ],
    )
    _shot(ld, "05-approve")
    ld.click("#action-approve button[type=submit]")
    ld.wait_for_load_state()
    assert ld.locator(".status-pill").inner_text() == "Đã có kết quả"

    # 5. The desk returns the result.
    desk.goto(f"{base}/desk/ho-so/{dossier.code}/")
    assert desk.locator("#id_return_result-method_0").is_checked()
    desk.fill("#id_return_result-receiver_name", "Quàng Văn Đức")
    desk.fill("#id_return_result-receiver_id_number", "011080000123")
    desk.click("#action-return_result button[type=submit]")
    desk.wait_for_load_state()
    assert desk.locator(".status-pill").inner_text() == "Đã trả kết quả"
    assert "van-ban-xac-nhan.pdf" in desk.locator("#h-documents + div").inner_text()
    assert _axe_serious(desk) == []
    _shot(desk, "06-returned")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.returned_to) == ("returned", "Quàng Văn Đức 011080000123")


def test_an_error_keeps_the_form_and_is_announced(live_server, browser, desk_world):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _sign_in(browser, live_server.url, "desk", "/desk/tiep-nhan/?thu-tuc=1.001193")
    page.fill("#id_full_name", "Lò Văn Minh")
    page.fill("#id_id_number", "0110950012")
    page.fill("#id_address", "Bản Phăng")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in summary.inner_text()
    assert page.input_value("#id_full_name") == "Lò Văn Minh"
    page.click(".error-summary a[href='#id_id_number']")
    assert page.evaluate("document.activeElement.id") == "id_id_number"
    assert _axe_serious(page) == []
    _shot(page, "07-intake-error")


def test_desk_pages_at_phone_width(live_server, browser, desk_world, receive):
    ARTIFACTS.mkdir(exist_ok=True)
    d = receive(clock.now())
    receive(clock.now() - dt.timedelta(days=30))  # overdue: the deadlines page has a row
    page = _sign_in(browser, live_server.url, "desk", "/desk/", width=375)
    pages = {
        "worklist": "/desk/",
        "dossier": f"/desk/ho-so/{d.code}/",
        "intake": "/desk/tiep-nhan/?thu-tuc=2.000004",
        "receipt": f"/desk/ho-so/{d.code}/giay-tiep-nhan/",
        "search": "/desk/tra-cuu/?q=H11",
        "deadlines": "/desk/han-xu-ly/",
        "notices": "/desk/thong-bao/",
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways at 375 px ({width} px)"
        assert _axe_serious(page) == [], url
        _shot(page, f"08-phone-{name}")
