"""The header on a phone (issue 17, item 18): the menu and the language form fold into a
<details> menu that opens without JavaScript, from the keyboard too, so the page's content
starts near the top; on a wide screen the menu is shown as before. axe-core finds no serious
or critical violation either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from motcua.dossiers.tests.conftest import PASSWORD, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


def _header_height(page) -> float:
    """The header's height in CSS pixels (read by Playwright, also with JavaScript off)."""
    box = page.locator(".site-header").bounding_box()
    assert box is not None
    return float(box["height"])


@pytest.mark.parametrize("javascript", [True, False])
def test_the_menu_folds_on_a_phone_and_opens(live_server, browser, catalog, javascript):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(live_server.url + "/thu-tuc/")
    assert _header_height(page) < 120
    track = page.get_by_role("link", name="Tra cứu hồ sơ", exact=True)
    assert track.count() == 0  # folded away (the wide menu is not displayed either)
    summary = page.locator(".header-menu > summary")
    assert summary.is_visible() and summary.inner_text().strip() == "Danh mục"
    if javascript:  # axe-core runs as JavaScript in the page
        assert _axe_serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "header-375-closed.png"))
    # From the keyboard: Tab from the skip link reaches the menu's button; Enter opens it.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the home link (brand)
    page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    assert page.locator(".header-menu").get_attribute("open") is not None
    assert track.is_visible()
    assert page.locator("#lang-select-menu").is_visible()
    assert _header_height(page) < 120  # the panel opens over the page, the header stays small
    if javascript:
        assert _axe_serious(page) == []
        page.screenshot(path=str(ARTIFACTS / "header-375-open.png"))
    track.click()
    page.wait_for_url("**/tra-cuu-ho-so/")
    assert page.locator("h1").inner_text() == "Tra cứu hồ sơ"
    # Closed again on the next page; a click on the button opens it too.
    page.locator(".header-menu > summary").click()
    assert page.get_by_role("link", name="Theo lĩnh vực", exact=True).is_visible()
    context.close()


def test_the_menu_is_shown_on_a_wide_screen(live_server, page, catalog):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/")
    assert page.locator(".header-menu").is_hidden()
    assert page.get_by_role("link", name="Tra cứu hồ sơ", exact=True).count() == 1
    assert page.locator("#lang-select").is_visible()
    assert _header_height(page) < 140
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "header-1280.png"))


def test_a_signed_in_officer_finds_sign_out_in_the_menu(live_server, browser, world):  # noqa: F811
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/dang-nhap/")
    page.fill("input[name=username]", "desk")
    page.fill("input[type=password]", PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.wait_for_load_state()
    page.goto(live_server.url + "/thu-tuc/")
    assert _header_height(page) < 120
    page.locator(".header-menu > summary").click()
    sign_out = page.get_by_role("button", name="Đăng xuất (desk)")
    assert sign_out.is_visible()
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "header-375-officer-open.png"))
    sign_out.click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/thu-tuc/")
    page.locator(".header-menu > summary").click()
    assert page.get_by_role("link", name="Đăng nhập", exact=True).is_visible()
    context.close()
