"""Two-factor sign-in in a real Chromium (ADR 0034; here with the other browser tests, after the
unit tests that run their own event loop): a leader signs in, is sent to set up an
authenticator, types the key shown on the page into "the app" (pyotp), keeps the recovery
codes, then signs in again with the password and a code. No serious axe-core violation on
the two pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "dung-mat-khau-9"


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in result.response.get("violations", [])
        if v.get("impact") in ("serious", "critical")
    ]


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/dang-nhap/")
    page.fill("#id_username", "lanhdao")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_leader_sets_up_an_app_then_signs_in_with_its_code(
    live_server, browser, agencies, django_user_model, settings
):
    settings.MOTCUA_TWO_FACTOR_REQUIRED = True
    leader = django_user_model.objects.create_user(
        username="lanhdao", password=PASSWORD, full_name="Lò Văn Thắng"
    )
    role_grant(user=leader, role=Role.LEADER, agency=agencies["trade"])
    base = live_server.url

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, base)
    assert "/desk/xac-thuc-hai-lop/" in page.url
    page.goto(base + "/desk/")  # anything else leads back to the setup
    assert "/desk/xac-thuc-hai-lop/" in page.url
    assert page.locator("img.two-factor-qr").is_visible()
    assert _axe_serious(page) == []
    secret = page.locator(".two-factor-secret code").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#id_code", totp.now())
    page.locator("form button[type=submit]", has_text="Xác nhận và bật").click()
    page.wait_for_load_state()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/desk")
    context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, base)
    assert "/dang-nhap/xac-thuc-hai-lop/" in page.url
    assert _axe_serious(page) == []
    page.fill("#id_otp", "000000")
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_otp-error").is_visible()
    # The next time step: the one just used to set up is never accepted twice.
    page.fill("#id_otp", totp.at(dt.datetime.now(tz=dt.UTC), counter_offset=1))
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/desk")
    assert page.locator("h1").count() == 1
    context.close()
