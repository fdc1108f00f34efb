"""A payer on a 375 px phone, without signing in: PIN, fee, sandbox gateway, success page."""

from __future__ import annotations

import pytest

from motcua.payments.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pay_with_code_and_pin_on_a_phone(live_server, browser, intake, settings):
    settings.MOTCUA_PUBLIC_URL = live_server.url  # the gateway's return URL is built from it
    d = intake()
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/ho-so-cua-toi/{d.code}/thanh-toan/")
        page.fill("#pin", d.lookup_pin)
        page.press("#pin", "Enter")
        page.wait_for_selector("text=100.000")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.click("button[type=submit] >> nth=-1")
        page.wait_for_url("**/sandbox-gateway/pay/**")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.click("button[value=pay]")
        page.wait_for_url("**/thanh-toan/ket-qua/**")
        assert page.locator("h1").count() == 1
        assert Payment.objects.get(dossier=d).status == "paid"
        assert (
            page.locator(f"a[href='/ho-so-cua-toi/{d.code}/thanh-toan/bien-lai.pdf']").count() == 1
        )
    finally:
        context.close()
