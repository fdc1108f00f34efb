"""The verification page (issue 17 item 12): one language (the page's), one coherent verdict
per file, and no sideways scrolling on a phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.documents.api import render_form
from motcua.documents.data import FormKind
from motcua.dossiers.api import form_data
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import (  # noqa: F401
    act,
    at,
    demo_signing,
    media_on_disk,
    receive,
    world,
)

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture
def signed(world, receive, demo_signing, django_capture_on_commit_callbacks):  # noqa: F811
    """A dossier whose result was approved and signed (leader and seal), and returned."""
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    pdf = render_form(kind=FormKind.RECEIPT, data=form_data(dossier=d, kind="receipt"))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        act(
            d,
            u["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="kq.pdf", content=pdf),
        )
    d = act(d, u["desk"], "return_result", at(2026, 3, 5, 9, 0), method="online")
    return d, d.documents.get(kind="result", signed=True).file.read()


def _text(response) -> str:
    """The text of the answer (the verdict section), tags removed."""
    html = response.content.decode()
    answer = html[html.index('<section aria-labelledby="answer"') : html.index("</section>")]
    return " ".join(re.sub(r"<[^>]+>", " ", answer).split())


def _post(client, name: str, content: bytes, language: str = "vi"):
    client.cookies["django_language"] = language
    return client.post("/xac-thuc/", {"file": SimpleUploadedFile(name, content)})


def test_a_file_that_is_not_a_pdf_gets_one_verdict(client):
    text = _text(_post(client, "anh.jpg", b"\xff\xd8\xff" + b"0" * 200))
    assert "Không kiểm tra được tệp này. Tệp không phải PDF." in text
    # Nothing is said about signatures or changes of a file that has none.
    assert "sau khi ký" not in text
    assert "NOT" not in text and "The file" not in text and " / " not in text
    assert "hợp lệ" not in text


def test_a_pdf_without_signature_says_so_once(client):
    from conftest import pdf_bytes

    text = _text(_post(client, "kq.pdf", pdf_bytes("KET QUA")))
    assert "Tài liệu không có chữ ký số." in text
    assert "sau khi ký" not in text
    assert "Đây không phải kết quả đã đăng ký trong hệ thống." in text


def test_a_changed_document_is_told_in_the_pages_language_only(client, signed):
    dossier, pdf = signed
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    text = _text(_post(client, "kq.pdf", bytes(tampered)))
    assert "Văn bản KHÔNG hợp lệ." in text
    assert text.count("Tài liệu đã bị sửa đổi sau khi ký.") == 1
    assert "không bị thay đổi" not in text
    assert "The document was changed" not in text and " / " not in text
    english = _text(_post(client, "kq.pdf", bytes(tampered), language="en"))
    assert "The document is NOT valid." in english
    assert english.count("The document was changed after it was signed.") == 1
    assert "Tài liệu" not in english


def test_a_valid_result_says_valid_unchanged_and_registered(client, signed):
    dossier, pdf = signed
    text = _text(_post(client, "kq.pdf", pdf))
    assert "Các chữ ký hợp lệ." in text
    assert "Tệp không bị thay đổi sau khi ký." in text
    assert f"Đây là kết quả đã đăng ký của hồ sơ {dossier.code}." in text
    assert "not" not in text.lower().split()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_verification_page_fits_a_phone(live_server, browser, signed, width):
    from motcua.portal.tests.test_browser_catalog import _axe_serious

    dossier, pdf = signed
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/xac-thuc/{dossier.code}/")
    assert page.locator("h2#answer").inner_text() == "Các chữ ký hợp lệ."
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"scrolls sideways at {width} px: {overflow}"
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / f"verify-{width}-valid.png"), full_page=True)
    page.goto(f"{live_server.url}/xac-thuc/")
    page.set_input_files(
        "#file",
        files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\nbroken"}],
    )
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h2#answer").inner_text() == "Không kiểm tra được tệp này."
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"scrolls sideways at {width} px: {overflow}"
    assert _axe_serious(page) == []
    page.screenshot(path=str(ARTIFACTS / f"verify-{width}-damaged.png"), full_page=True)
    context.close()
