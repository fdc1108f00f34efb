"""Feedback and recommendations in a real Chromium (issue 14): an anonymous citizen on a phone
(375 px, JavaScript off) sends feedback about a procedure from its page → the feedback desk
(`pakn`) receives, classifies and assigns it → the agency's specialist answers → the agency's
leader approves → the desk publishes it → the citizen finds it on /phan-anh-kien-nghi/ by an
unaccented search. Every page is screenshotted (MOTCUA_PAKN_SHOTS, default
/tmp/paknui-shots/); the same pages are checked with axe-core in a context with JavaScript
(axe runs as page script)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from motcua.accounts.data import Role
from motcua.dossiers.tests.conftest import OFFICERS, PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MOTCUA_PAKN_SHOTS", "/tmp/paknui-shots"))
TITLE = "Thời gian giải quyết đăng ký khuyến mại quá dài"
CONTENT = (
    "Tôi là Lò Văn Minh, điện thoại 0912345678. Đề nghị rút ngắn thời gian giải quyết "
    "thủ tục đăng ký hoạt động khuyến mại."
)


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{page.url} {v['id']}: {v['help']}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


class Look:
    def __init__(self) -> None:
        self.n = 0
        self.problems: list[str] = []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str, *, axe: bool = True) -> None:
        self.n += 1
        page.screenshot(path=str(SHOTS / f"{self.n:02d}-{name}.png"), full_page=True)
        if axe:
            self.problems += _axe_serious(page)


@pytest.fixture
def pakn_world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    from motcua.calendar.api import calendar_seed
    from motcua.core import clock

    world = build_world(
        agencies, django_user_model, [*OFFICERS, ("pakn", Role.FEEDBACK_OFFICER, "center")]
    )
    # The live server runs on the real clock: today's calendar too.
    calendar_seed(years=[clock.now().year, clock.now().year + 1])
    return world


def _officer(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/dang-nhap/?next=/desk/phan-anh-kien-nghi/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/desk/phan-anh-kien-nghi/")
    return page


def _act(page: Any, action: str) -> None:
    details = page.locator(f"#action-{action} details")
    if details.count() and details.get_attribute("open") is None:
        page.click(f"#action-{action} summary")
    page.click(f"#action-{action} button[type=submit] >> nth=-1")
    page.wait_for_load_state()


def test_feedback_from_a_phone_to_the_published_answer(live_server, browser, pakn_world):
    base = live_server.url
    look = Look()
    phone = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=False
    )
    citizen = phone.new_page()
    citizen.set_default_timeout(20000)
    officers: list[Any] = []
    try:
        # From the procedure's page to the form, prefilled with the procedure.
        citizen.goto(base + "/thu-tuc/2.000004/")
        # "Gửi phản ánh, kiến nghị về thủ tục này" (by its address: the text is translated)
        citizen.click("a[href='/phan-anh-kien-nghi/gui/?thu-tuc=2.000004']")
        citizen.wait_for_url("**/phan-anh-kien-nghi/gui/?thu-tuc=2.000004")
        assert citizen.input_value("#id_procedure") == "2.000004"
        assert citizen.is_checked("#id_about_1")
        look(citizen, "phone-form", axe=False)
        # Sent without a title: the message beside the field, what was typed kept.
        citizen.fill("#id_full_name", "Lò Văn Minh")
        citizen.fill("#id_phone", "0912345678")
        citizen.fill("#id_content", CONTENT)
        citizen.click("main form button[type=submit]")
        citizen.wait_for_load_state()
        assert citizen.locator("#id_title_error").count() == 1
        assert citizen.input_value("#id_full_name") == "Lò Văn Minh"
        look(citizen, "phone-form-error", axe=False)
        citizen.fill("#id_title", TITLE)
        citizen.click("main form button[type=submit]")
        citizen.wait_for_url("**/phan-anh-kien-nghi/da-gui/")
        code = citizen.inner_text("#pakn-code").strip()
        pin = citizen.inner_text("#pakn-pin").strip()
        assert code.startswith("PA-")
        look(citizen, "phone-sent", axe=False)

        # The feedback desk receives, classifies, assigns to the Department of Industry and
        # Trade and its specialist.
        desk = _officer(browser, base, "pakn")
        officers.append(desk)
        assert code in desk.locator("main table").inner_text()
        look(desk, "desk-register")
        desk.click(f"text={code}")
        desk.wait_for_url(f"**/desk/phan-anh-kien-nghi/{code}/")
        look(desk, "desk-detail")
        _act(desk, "receive")
        desk.check("#id_classify-classification_2")  # within competence
        _act(desk, "classify")
        desk.select_option("#id_assign-agency", "H11.05")
        desk.click("#action-assign button[name=show]")
        desk.wait_for_load_state()
        desk.select_option("#id_assign-to_user", label="CV")
        look(desk, "desk-assign")
        _act(desk, "assign")

        # The specialist answers.
        cv = _officer(browser, base, "cv")
        officers.append(cv)
        cv.goto(f"{base}/desk/phan-anh-kien-nghi/{code}/")
        cv.fill(
            "#id_answer-answer", "Sở Công Thương trả lời: thời hạn giải quyết là 05 ngày làm việc."
        )
        look(cv, "specialist-answer")
        _act(cv, "answer")

        # The leader approves.
        ld = _officer(browser, base, "ld")
        officers.append(ld)
        ld.goto(f"{base}/desk/phan-anh-kien-nghi/{code}/")
        look(ld, "leader-approve")
        _act(ld, "approve")

        # The desk publishes it.
        desk.goto(f"{base}/desk/phan-anh-kien-nghi/{code}/")
        desk.fill("#id_publish-redactions", "0912345678")
        _act(desk, "publish")
        page_text = desk.locator("main").inner_text()
        assert "Đã thực hiện: Công khai kết quả trả lời" in page_text
        look(desk, "desk-published")
        desk.goto(f"{base}/desk/phan-anh-kien-nghi/thong-ke/")
        assert "1" in desk.locator("#pakn-stats-agencies tfoot").inner_text()
        look(desk, "desk-statistics")
        desk.goto(f"{base}/desk/phan-anh-kien-nghi/nhap/")
        look(desk, "desk-entry")

        # The citizen follows it by code + PIN, then finds it among the published answers.
        citizen.goto(base + "/phan-anh-kien-nghi/tra-cuu/")
        citizen.fill("#ma", code)
        citizen.fill("#pin", pin)
        citizen.click("main form button[type=submit]")
        citizen.wait_for_load_state()
        assert "05 ngày làm việc" in citizen.locator("main").inner_text()
        look(citizen, "phone-follow", axe=False)
        citizen.goto(base + "/phan-anh-kien-nghi/")
        citizen.fill("#pakn-q", "thoi gian giai quyet dang ky khuyen mai")
        citizen.click("main form[role=search] button[type=submit]")
        citizen.wait_for_load_state()
        look(citizen, "phone-search", axe=False)
        citizen.click(f"a[href='/phan-anh-kien-nghi/{code}/']")
        citizen.wait_for_url(f"**/phan-anh-kien-nghi/{code}/")
        text = citizen.locator("main").inner_text()
        assert "Đề nghị rút ngắn thời gian giải quyết" in text
        assert "Lò Văn Minh" not in text
        assert "0912345678" not in text
        look(citizen, "phone-answer", axe=False)

        # The public pages, with JavaScript this time, for axe-core at 375 px.
        checked = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
        page = checked.new_page()
        for url, name in [
            ("/phan-anh-kien-nghi/gui/?thu-tuc=2.000004", "axe-form"),
            ("/phan-anh-kien-nghi/?q=khuyen+mai", "axe-list"),
            (f"/phan-anh-kien-nghi/{code}/", "axe-detail"),
            (f"/phan-anh-kien-nghi/tra-cuu/?ma={code}&pin={pin}", "axe-follow"),
            ("/thu-tuc/2.000004/", "axe-procedure"),
        ]:
            page.goto(base + url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
            look(page, name)
        page.goto(base + "/phan-anh-kien-nghi/gui/")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        look(page, "axe-form-errors")
        checked.close()
        assert look.problems == []
        assert re.fullmatch(r"PA-.+", code)
    finally:
        for officer in officers:
            officer.context.close()
        phone.close()
