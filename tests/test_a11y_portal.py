"""Every public portal page through the shared accessibility checker
(`../shared/tools/a11y-check`: axe-core in headless Chromium), at 1280 px and at a phone's
375 px, with screenshots in test-artifacts/a11y-<width>/. Pages behind a sign-in are checked
with the same axe-core inside the browser journeys (tests/test_journey_browser.py,
motcua/portal/tests/test_account_browser.py); a sweep below makes sure no public portal page
is forgotten."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import _require
from motcua.dossiers.tests.conftest import at, media_on_disk, receive, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOOL = Path(settings.BASE_DIR).parent / "shared" / "tools" / "a11y-check"
ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))

# Portal URL names that are not HTML pages for a visitor, or need a signed-in user or a
# signed request, with the reason (checked elsewhere or not a page).
NOT_HERE = {
    "logout": "POST only",
    "oidc_login": "redirects to the e-ID provider (404 when none is configured)",
    "oidc_callback": "the e-ID provider's redirect target",
    "account": "signed in: test_account_browser",
    "account_edit": "signed in",
    "password_change": "signed in",
    "account_verify": "signed in: test_account_browser",
    "account_verify_resend": "POST only",
    "password_reset_confirm": "needs a token from the e-mail",
    "phone_reset": "needs a code sent by SMS",
    "submit_start": "signed in: journey",
    "draft_step": "signed in: journey",
    "draft_discard": "POST only",
    "my_dossiers": "signed in: journey",
    "my_dossier": "signed in: journey",
    "my_result": "a PDF",
    "my_dossier_act": "POST only",
    "notifications": "signed in",
    "rate_dossier": "owner or tracked visitor: journey",
    "rate_thanks": "after rating: journey",
    "pay_return": "signed return from the gateway: journey",
    "pay_ipn": "server-to-server JSON",
    "pay_receipt": "a PDF",
    "verify_code": "needs a signed result registered for the code (portal tests)",
    "verify_code_en": "same view as verify_code",
    "track_code": "checked with a code below",
    "my_data": "signed in: motcua/privacy/tests (a JSON or ZIP download)",
    "two_factor_verify": "after the password step: tests/test_two_factor_browser.py (axe)",
    "pakn_detail": "needs a published answer: tests/test_pakn_browser.py (axe at 375 px)",
    "pakn_sent": "once, after sending: tests/test_pakn_browser.py",
    "pakn_attachment": "a file download",
    "qa_send": "POST only (the form is on the procedure page, checked above)",
    "survey_answer": "needs a one-use link: tests/test_surveys_browser.py (axe at 375 px)",
    "survey_thanks": "after answering: tests/test_surveys_browser.py (axe)",
}


def _portal_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and ns == "portal" and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns, "")
    return names


def _pages(d: Any) -> dict[str, str]:
    return {
        "home": "/",
        "procedure_list": "/thu-tuc/?q=khuyen+mai",
        "procedure_detail": "/thu-tuc/2.000004/",
        "agency_index": "/co-quan/",
        "field_index": "/linh-vuc/",
        "track": "/tra-cuu-ho-so/",
        "track_result": f"/tra-cuu-ho-so/{d.code}/?pin={d.lookup_pin}",
        "kiosk": "/kiosk/",
        "statistics": "/thong-ke/?ky=nam",
        "verify": "/xac-thuc/",
        "login": "/dang-nhap/",
        "signup": "/dang-ky/",
        "password_reset": "/quen-mat-khau/",
        "password_reset_done": "/quen-mat-khau/da-gui/",
        "password_reset_complete": "/dat-lai-mat-khau/xong/",
        "phone_reset_request": "/quen-mat-khau/dien-thoai/",
        "pay_dossier": f"/ho-so-cua-toi/{d.code}/thanh-toan/",
        "simplification": "/don-gian-hoa/",
        "pakn_list": "/phan-anh-kien-nghi/?q=khuyen+mai",
        "pakn_send": "/phan-anh-kien-nghi/gui/?thu-tuc=2.000004",
        "pakn_follow": "/phan-anh-kien-nghi/tra-cuu/",
    }


def test_every_public_portal_page_is_checked_or_excused():
    checked = set(_pages(type("D", (), {"code": "X", "lookup_pin": "1"})()))
    missing = _portal_names() - checked - set(NOT_HERE)
    assert missing == set(), f"portal pages neither checked nor excused: {sorted(missing)}"


@pytest.mark.parametrize("width", [1280, 375])
def test_public_pages_pass_the_shared_a11y_check(live_server, receive, width):  # noqa: F811
    if not TOOL.exists():
        _require("../shared/tools/a11y-check", f"{TOOL} not found")
    if not os.path.exists("/usr/bin/chromium"):
        _require("Chromium", "/usr/bin/chromium not installed")
    d = receive(at(2026, 3, 2, 9, 0))
    urls = [live_server.url + path for path in _pages(d).values()]
    shots = ARTIFACTS / f"a11y-{width}"
    shots.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        [str(TOOL), *urls],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=settings.BASE_DIR,
        env={**os.environ, "A11Y_WIDTH": str(width), "A11Y_SCREENSHOTS": str(shots)},
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    # Every page answered 200 and was scanned (the tool prints one line per page).
    assert report.count("HTTP 200") == len(urls), report
