"""The public catalog in a real Chromium: search without accents, open a procedure, switch
language, and axe-core finds no serious or critical accessibility violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


def test_citizen_finds_a_procedure(live_server, page, catalog):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Thủ tục hành chính"
    # The stylesheet is served and applied (the header has the brand colour).
    header_bg = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert header_bg == "rgb(164, 22, 26)"
    assert _axe_serious(page) == []
    page.fill("#q", "dang ky khuyen mai")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/thu-tuc/?q=*")
    results = page.locator(".procedure-list li h2 a")
    assert results.count() == 1
    assert results.first.inner_text().startswith("Đăng ký hoạt động khuyến mại")
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "catalog-search.png"), full_page=True)
    results.first.click()
    page.wait_for_url("**/thu-tuc/2.000004/")
    assert "5 ngày làm việc" in page.locator(".summary").inner_text()
    assert page.locator("#docs-heading + table tbody tr").count() == 2
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / "catalog-detail.png"), full_page=True)
    # Switch to English with the language form (works without JavaScript).
    page.select_option("#lang-select", "en")
    page.click(".lang-form button")
    page.wait_for_load_state()
    assert "Documents to submit" in page.content()


def test_catalog_pages_at_phone_width(live_server, browser, catalog):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    for url in ["/", "/thu-tuc/", "/thu-tuc/1.001193/", "/co-quan/", "/linh-vuc/", "/dang-nhap/"]:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways at 375 px ({width} px)"
        assert _axe_serious(page) == [], url
        name = url.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    context.close()
