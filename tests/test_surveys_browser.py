# ruff: noqa: F811
"""A survey link answered in a real Chromium on a phone (375 px) with JavaScript off: the
plain HTML form, the thanks page, the used link's message; axe (which needs JavaScript)
checks the same form in a second context. Screenshots in /tmp/surveys-shots/ (or
$MOTCUA_SURVEY_SHOTS)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from motcua.qa.tests.conftest import people as qa_people  # noqa: F401
from motcua.surveys.tests.conftest import people, returned  # noqa: F401
from tests.test_journey_browser import _axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MOTCUA_SURVEY_SHOTS", "/tmp/surveys-shots"))


def test_answer_a_survey_link_on_a_phone_without_javascript(
    live_server, browser, people, agencies, returned, settings
):  # noqa: F811
    settings.MOTCUA_RATING_MIN_COUNT = 1  # one answer shown (the minimum is tested apart)
    from motcua.surveys.api import (
        campaign_create,
        campaign_results,
        campaign_sample,
        campaign_send,
        invitations_reissue,
    )

    admin = people["admin"]
    for day in (2, 3):
        returned(agencies["trade"], dt.date(2026, 3, day))
    campaign = campaign_create(
        actor=admin,
        title="Khảo sát quý I/2026",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        agency_ids=[agencies["trade"].pk],
        sample_size=5,
        seed=7,
    )
    campaign_sample(actor=admin, campaign=campaign)
    campaign_send(actor=admin, campaign=campaign)
    (_a, first), (_b, second) = invitations_reissue(actor=admin, campaign=campaign)
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)

    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/khao-sat/{first}/")
    assert page.locator("h1").inner_text() == "Khảo sát sự hài lòng"
    # Send with one answer missing: the message beside it, the other answers kept.
    groups = page.locator("form.rating-form fieldset")
    assert groups.count() == 15
    for i in range(1, groups.count()):
        groups.nth(i).locator("input[type=radio]").nth(3).check()  # 4 – Hài lòng / Đồng ý…
    page.get_by_role("button", name="Gửi câu trả lời").click()
    page.wait_for_load_state()
    assert "hãy trả lời tất cả các câu hỏi" in page.locator("#error-summary").inner_text()
    assert page.locator("input[type=radio]:checked").count() == 14
    page.screenshot(path=str(SHOTS / "survey-form-error.png"), full_page=True)
    groups.nth(0).locator("input[type=radio]").nth(4).check()
    page.screenshot(path=str(SHOTS / "survey-form.png"), full_page=False)
    page.get_by_role("button", name="Gửi câu trả lời").click()
    page.wait_for_url("**/khao-sat/cam-on/")
    assert "Cảm ơn" in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "survey-thanks.png"), full_page=True)
    page.goto(f"{base}/khao-sat/{first}/")
    assert "đã được sử dụng" in page.locator("#survey-used").inner_text()
    page.screenshot(path=str(SHOTS / "survey-used.png"), full_page=True)
    context.close()

    (result,) = campaign_results(campaign=campaign)
    assert result.responses == 1
    assert result.result.index == 1.0  # every satisfaction answer is 4

    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    problems = []
    for path in (f"/khao-sat/{second}/", "/khao-sat/cam-on/", f"/khao-sat/{first}/"):
        page.goto(f"{base}{path}")
        problems += _axe_serious(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert problems == []
    assert width <= 375  # nothing wider than the phone

    # The province admin reads the results on the desk.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    detail = f"/desk/khao-sat/{campaign.pk}/"
    page.goto(f"{base}/dang-nhap/?next={detail}")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", "pw-12345-x")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{detail}")
    row = page.locator("#survey-results tbody tr[data-agency='H11.05']")
    assert row.locator("[data-cell=rate]").inner_text() == "50,0 %"
    assert row.locator("[data-cell=index]").inner_text() == "100,0 %"
    assert "CHƯA XÁC NHẬN" in page.locator("#weights-note").inner_text()
    page.screenshot(path=str(SHOTS / "desk-survey-results.png"), full_page=True)
    desk_problems = _axe_serious(page)
    page.goto(f"{base}/desk/khao-sat/moi/")
    page.screenshot(path=str(SHOTS / "desk-survey-new.png"), full_page=True)
    desk_problems += _axe_serious(page)
    context.close()
    assert desk_problems == []


def test_ask_a_question_on_the_procedure_page_without_javascript(live_server, browser, qa_people):
    from motcua.qa.api import faq_save

    faq_save(
        actor=None,
        procedure_code="2.000004",
        question="Có mất phí không?",
        answer="Không mất phí.",
    )
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/thu-tuc/2.000004/")
    assert "Có mất phí không?" in page.locator("#qa-faqs").inner_text()
    page.fill("#qa-text", "<b>Nộp</b> ở đâu?")
    page.get_by_role("button", name="Gửi câu hỏi").click()
    page.wait_for_load_state()
    assert "Nhập họ và tên." in page.locator(".qa-block").inner_text()
    assert page.locator("#qa-text").input_value() == "<b>Nộp</b> ở đâu?"
    page.locator("#hoi-dap-form").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "qa-form-error.png"), full_page=False)
    page.fill("#qa-asker-name", "Lò Thị Hoa")
    page.fill("#qa-asker-phone", "0912345678")
    page.get_by_role("button", name="Gửi câu hỏi").click()
    page.wait_for_load_state()
    assert "Đã gửi câu hỏi" in page.locator(".messages").inner_text()
    page.screenshot(path=str(SHOTS / "qa-sent.png"), full_page=False)
    context.close()

    # The Sở Công Thương officer answers and publishes it on the desk.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/dang-nhap/?next=/desk/hoi-dap/")
    page.fill("#id_username", "canbo")
    page.fill("#id_password", "pw-12345-x")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/desk/hoi-dap/")
    problems = _axe_serious(page)
    page.get_by_role("link", name="<b>Nộp</b> ở đâu?").click()
    page.wait_for_url("**/desk/hoi-dap/cau-hoi/*/")
    page.fill("#id_answer", "Tại Trung tâm Phục vụ hành chính công tỉnh.")
    page.check("#id_publish")
    page.get_by_role("button", name="Lưu câu trả lời").click()
    page.wait_for_load_state()
    assert page.locator("#question-state").inner_text() == "Đã công bố"
    page.screenshot(path=str(SHOTS / "desk-qa-question.png"), full_page=True)
    problems += _axe_serious(page)
    context.close()

    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/thu-tuc/2.000004/")
    answered = page.locator("#qa-answered").inner_text()
    assert "Tại Trung tâm Phục vụ hành chính công tỉnh." in answered
    assert "<b>Nộp</b> ở đâu?" in answered  # as text
    assert "Lò Thị Hoa" not in page.content() and "0912345678" not in page.content()
    page.locator("#hoi-dap").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "qa-published.png"), full_page=False)
    problems += _axe_serious(page)
    context.close()
    assert problems == []
