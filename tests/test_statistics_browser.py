"""The public statistics page (/thong-ke/) and the supervisor's dashboard
(/desk/bao-cao/tong-quan/) and processing-time page in a real Chromium at 1280 px and at a
phone's 375 px: axe-core finds nothing serious, nothing is wider than the screen, the charts
are drawn (SVG images with a name) and their tables are there; and the public page works
with JavaScript off. Screenshots in test-artifacts/statistics-*.png. Data: the reports app's
hand-built history (Sở Công Thương, March 2026); the public page is seen from 31 March."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.dossiers.tests.conftest import receive, world  # noqa: F401
from motcua.reports.tests.test_hand_built import history  # noqa: F401
from tests.test_journey_browser import _axe_serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))
MARCH = "?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def stats_world(history: Any, monkeypatch: pytest.MonkeyPatch, django_user_model: Any) -> Any:  # noqa: F811
    from django.core.cache import cache

    from motcua.portal import views_stats

    monkeypatch.setattr(views_stats.timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 31))
    cache.clear()
    gs = django_user_model.objects.create(
        username="gs", password=make_password("pw-12345-x"), full_name="Giám Sát"
    )
    role_grant(user=gs, role=Role.SUPERVISOR, agency=history["agencies"]["root"])
    return history


def _check(page: Any, name: str, width: int) -> list[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"statistics-{name}-{width}.png"), full_page=True)
    problems = _axe_serious(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{page.url}: {wide} px wide at {width} px")
    images = page.locator("svg[role=img]")
    if images.count() == 0:
        problems.append(f"{page.url}: no chart")
    for i in range(images.count()):
        label = page.evaluate(
            "(svg) => svg.getAttribute('aria-labelledby').split(' ')"
            ".map(id => document.getElementById(id).textContent).join(' ')",
            images.nth(i).element_handle(),
        )
        if not label.strip():
            problems.append(f"{page.url}: a chart without a name")
    if page.locator("table.chart-table").count() != images.count():
        problems.append(f"{page.url}: a chart without its table")
    return problems


@pytest.mark.parametrize("width", [1280, 375])
def test_public_statistics_page(live_server, browser, stats_world, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/thong-ke/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thống kê hồ sơ"
    problems = _check(page, "public-month", width)
    # The tabs are links: the quarter.
    page.get_by_role("link", name="Quý này").click()
    page.wait_for_url("**/thong-ke/?ky=quy")
    assert page.locator("a[aria-current=page]", has_text="Quý này").count() == 1
    # An agency from the table.
    page.get_by_role("link", name="Sở Công Thương").first.click()
    page.wait_for_url("**co-quan=H11.05")
    assert "Sở Công Thương" in page.get_by_role("heading", level=1).inner_text()
    problems += _check(page, "public-agency", width)
    context.close()
    assert problems == []


def test_public_page_without_javascript(live_server, browser, stats_world):
    context = browser.new_context(
        viewport={"width": 375, "height": 900}, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_server.url + "/thong-ke/?ky=nam")
    assert page.locator("svg[role=img]").count() == 3
    assert page.locator("ul.figures li").count() >= 10
    page.get_by_role("link", name="Tháng này").click()
    page.wait_for_url("**/thong-ke/?ky=thang")
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_supervisor_dashboard_and_times(live_server, browser, stats_world, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/dang-nhap/?next=/desk/")
    page.fill("#id_username", "gs")
    page.fill("#id_password", "pw-12345-x")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/desk/**")
    page.goto(live_server.url + "/desk/bao-cao/tong-quan/" + MARCH)
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan thống kê"
    problems = _check(page, "dashboard", width)
    assert page.locator("svg[role=img]").count() == 6
    # A worst list opens the dossiers behind it.
    page.locator("#h-overdue-agencies + ol a").first.click()
    page.wait_for_url("**/desk/bao-cao/ho-so/**")
    assert "bucket=in_progress_overdue" in page.url
    page.goto(live_server.url + "/desk/bao-cao/thoi-gian/" + MARCH)
    assert "ngày làm việc so với quy định" in page.locator("main").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"statistics-times-{width}.png"), full_page=True)
    problems += _axe_serious(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        problems.append(f"{page.url}: {wide} px wide at {width} px")
    context.close()
    assert problems == []
