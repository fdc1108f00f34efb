"""The desk's intake round trip in a real Chromium (issue 17, item 11): a bad ID number and a
bad phone with a scan attached come back together, each beside its field, the scan still
attached; once corrected, one submit gives the receipt with the scan. axe-core finds no
serious or critical violation on the page with errors, at 1280 and 375 px.
Screenshots: test-artifacts/desk-intake-round-trip-*.png."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from motcua.calendar.api import calendar_seed
from motcua.core import clock

from .conftest import PDF_BYTES
from .test_browser_desk import _axe_serious, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture
def desk_world(world: Any) -> Any:
    year = clock.now().year
    calendar_seed(years=[year, year + 1])
    return world


def _fill_person(page: Any, *, id_number: str, phone: str) -> None:
    page.fill("#id_full_name", "Lò Văn Minh")
    page.fill("#id_id_number", id_number)
    page.fill("#id_date_of_birth", "17/05/1995")
    page.fill("#id_phone", phone)
    page.fill("#id_address", "Bản Phăng, xã Mường Phăng")
    page.select_option("#id_commune", "3325")


@pytest.mark.parametrize("width", [1280, 375])
def test_all_errors_at_once_the_scan_kept_then_the_receipt(
    orm, live_server, browser, desk_world, width
):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _sign_in(browser, live_server.url, "desk", "/desk/tiep-nhan/?thu-tuc=1.001193", width)
    _fill_person(page, id_number="12345", phone="12")
    page.check("#id_doc_1_received")
    page.set_input_files(
        "#id_uploads",
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.click("button[value=accept]")
    page.wait_for_load_state()

    summary = page.locator(".error-summary").inner_text()
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in summary
    assert "Hãy nhập số điện thoại Việt Nam, ví dụ 0912345678." in summary  # the same pass
    assert page.locator("#id_id_number-error").is_visible()
    assert page.locator("#id_phone-error").is_visible()
    assert page.locator("#held-files .held-name").all_inner_texts() == ["to-khai.pdf"]
    assert page.input_value("#id_full_name") == "Lò Văn Minh"  # what was typed is kept
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width, f"the page scrolls sideways ({width_now} px)"
    assert _axe_serious(page) == []
    page.screenshot(
        path=str(ARTIFACTS / f"desk-intake-round-trip-{width}-errors.png"), full_page=True
    )
    assert orm.Dossier.objects.count() == 0

    page.fill("#id_id_number", "011095001234")
    page.fill("#id_phone", "0912345678")
    page.click("button[value=accept]")  # the scan is not chosen again
    page.wait_for_url("**/giay-tiep-nhan/")
    dossier = orm.Dossier.objects.get()
    assert dossier.code in page.locator(".paper-code").inner_text()
    assert [d.name for d in dossier.documents.filter(kind="attachment")] == ["to-khai.pdf"]
    page.screenshot(
        path=str(ARTIFACTS / f"desk-intake-round-trip-{width}-receipt.png"), full_page=True
    )
