"""Simplification plans in a real Chromium (issue 15): a catalog editor builds a plan of two
items on the desk and submits it, a province admin approves it, and the Excel export opens
with openpyxl with the same totals as the page. Screenshots in
test-artifacts/simplification-*.png."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from motcua.simplification.tests.conftest import CODES, people, procedures  # noqa: F401
from tests.test_journey_browser import _axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))


def _sign_in(browser: Any, base: str, username: str, next_url: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{base}/dang-nhap/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345-x")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{next_url}")
    return page


def _number(text: str) -> int:
    return int(text.strip().replace(".", ""))


def test_editor_builds_admin_approves_export_matches(live_server, browser, procedures, people):  # noqa: F811
    for who in ("editor", "admin"):
        people[who].two_factor_exempt = True
        people[who].save(update_fields=["two_factor_exempt"])
    base = live_server.url
    page = _sign_in(browser, base, "bientap", "/desk/don-gian-hoa/")
    page.get_by_role("link", name="Xây dựng phương án").click()
    page.wait_for_url("**/desk/don-gian-hoa/moi/")
    page.fill("#id_name", "Phương án đơn giản hóa thử nghiệm")
    page.fill("#id_items-0-procedure", CODES[0])
    page.select_option("#id_items-0-change", "shorten_time")
    page.fill("#id_items-0-processing_working_days", "9")
    page.fill("#id_items-1-procedure", CODES[1])
    page.select_option("#id_items-1-change", "abolish")
    page.fill("#id_items-1-dossiers_per_year", "25")
    page.get_by_role("button", name="Lưu và tính chi phí").click()
    page.wait_for_url("**/desk/don-gian-hoa/*/")
    plan_url = page.url
    assert page.locator("#plan-state").inner_text() == "Dự thảo"
    page.get_by_role("button", name="Trình phê duyệt").click()
    page.wait_for_load_state()
    assert page.locator("#plan-state").inner_text() != "Dự thảo"
    page.context.close()

    page = _sign_in(browser, base, "quantri", plan_url.removeprefix(base))
    page.fill("#decision", "Quyết định số 15/QĐ-UBND")
    page.get_by_role("button", name="Phê duyệt").click()
    page.wait_for_load_state()
    assert page.locator("#plan-state").inner_text() == "Đã phê duyệt"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simplification-plan.png"), full_page=True)
    problems = _axe_serious(page)
    shown = {
        key: page.locator(f"#plan-total [data-total={key}]").inner_text()
        for key in ("before", "after", "saving", "percent")
    }
    # 10 dossiers × 3.200.000 (32.000.000 → 28.800.000) + 25 × 3.200.000 abolished.
    assert _number(shown["before"]) == 32_000_000 + 80_000_000
    assert _number(shown["after"]) == 28_800_000
    with page.expect_download() as download:
        page.locator("#plan-export").click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    total = next(r for r in rows if r[2] == "Tổng cộng")
    assert total[5] == _number(shown["before"])
    assert total[6] == _number(shown["after"])
    assert total[7] == _number(shown["saving"])
    assert f"{total[8]:.2f}".replace(".", ",") + " %" == shown["percent"]
    sentence = page.locator("#plan-totals-line").inner_text()
    assert sentence.startswith("Chi phí tuân thủ trước: 112.000.000 đồng/năm")
    assert any(r[0] == sentence for r in rows)
    page.context.close()

    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(base + "/don-gian-hoa/")
    assert "Phương án đơn giản hóa thử nghiệm" in public.locator("main").inner_text()
    problems += _axe_serious(public)
    public.context.close()
    assert problems == []
