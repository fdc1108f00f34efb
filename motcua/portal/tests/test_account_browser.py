"""Account pages in a real Chromium at phone width: no sideways scrolling, no serious axe-core
violation, and a sign-up with errors then success without JavaScript."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


def test_sign_up_at_phone_width(live_server, browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    for url in ["/dang-ky/", "/dang-nhap/", "/quen-mat-khau/", "/quen-mat-khau/dien-thoai/"]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert page.locator("h1").count() == 1, url
    context.close()
    # axe needs JavaScript: check the same pages with it on.
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    for url in ["/dang-ky/", "/dang-nhap/", "/quen-mat-khau/", "/quen-mat-khau/dien-thoai/"]:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways at 375 px ({width} px)"
        assert _axe_serious(page) == [], url
    # a sign-up with a wrong ID number: the error is beside the field, the input is kept
    page.goto(live_server.url + "/dang-ky/")
    page.fill("#id_contact", "0912345678")
    page.fill("#id_password", "mat-khau-rat-dai-2026")
    page.fill("#id_password2", "mat-khau-rat-dai-2026")
    page.fill("#id_full_name", "Lò Văn Pằng")
    page.fill("#id_id_number", "12345")
    page.click("form.account-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#id_id_number-error").is_visible()
    assert page.input_value("#id_full_name") == "Lò Văn Pằng"
    assert page.get_attribute("#id_id_number", "aria-invalid") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert _axe_serious(page) == []
    page.fill("#id_id_number", "011090001234")
    page.fill("#id_password", "mat-khau-rat-dai-2026")
    page.fill("#id_password2", "mat-khau-rat-dai-2026")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/xac-minh/")
    assert page.locator("#id_code").is_visible()
    assert _axe_serious(page) == []
    context.close()
