"""Issue 17 item 3 at the desk: a result whose signature failed is shown on the dossier page
(to its leader and whoever sees the dossier) and in the leaders' notices; the return form
answers with the reason instead of returning it unsigned."""

from __future__ import annotations

import re
import socket

import pytest

from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import demo_signing, media_on_disk  # noqa: F401

from .conftest import PDF, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unsigned(world, receive, demo_signing, settings, django_capture_on_commit_callbacks):  # noqa: F811
    """Approved with the time-stamping authority down: the result is not signed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.USE_TSA = True
    settings.MOTCUA_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    settings.MOTCUA_TSA_TIMEOUT = 1.0
    from django.utils import translation

    from .conftest import act

    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):
        act(d, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    d.refresh_from_db()
    return d


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_dossier_page_shows_the_failed_signature(as_user, unsigned):
    for who in ("ld", "desk"):
        html = as_user(who).get(f"/desk/ho-so/{unsigned.code}/").content.decode()
        banner = html.split('id="signing-problem"', 1)[1].split("</div>", 1)[0]
        text = _plain(banner)
        assert "Kết quả chưa được ký số" in text, who
        assert "Không kết nối được máy chủ cấp dấu thời gian" in text, who


def test_the_leaders_notices_list_it(as_user, unsigned):
    html = as_user("ld").get("/desk/thong-bao/").content.decode()
    text = _plain(html)
    assert "Chưa ký số được kết quả" in text
    assert f"Hồ sơ {unsigned.code}: chưa ký số được kết quả" in text


def test_the_return_form_tells_why_it_is_refused(as_user, unsigned):
    response = as_user("desk").post(
        f"/desk/ho-so/{unsigned.code}/thao-tac/return_result/",
        {"return_result-method": "online"},
    )
    assert response.status_code == 409
    text = _plain(response.content.decode())
    assert "Kết quả chưa được ký số nên chưa thể trả cho người nộp." in text
    unsigned.refresh_from_db()
    assert unsigned.status == "result_ready"


def test_no_banner_when_the_result_is_signed(as_user, world, receive, demo_signing):  # noqa: F811
    from .conftest import act

    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    act(
        d,
        u["ld"],
        "approve",
        at(2026, 3, 4, 9, 0),
        result=UploadedFile(name="kq.pdf", content=PDF.content),
    )
    html = as_user("ld").get(f"/desk/ho-so/{d.code}/").content.decode()
    assert 'id="signing-problem"' not in html


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_pages_in_a_browser(live_server, browser, unsigned, width):
    """The dossier page with the failed signature, the leader's notices and the printable
    receipt (PIN and QR code): axe-clean, no sideways scrolling, looked at (screenshots)."""
    import os
    from pathlib import Path

    from .test_browser_desk import _axe_serious, _sign_in

    artifacts = Path(os.environ.get("MOTCUA_TEST_ARTIFACTS", "test-artifacts"))
    artifacts.mkdir(exist_ok=True)
    pages = {
        "dossier": f"/desk/ho-so/{unsigned.code}/",
        "notices": "/desk/thong-bao/",
        "receipt": f"/desk/ho-so/{unsigned.code}/giay-tiep-nhan/",
    }
    page = _sign_in(browser, live_server.url, "ld", pages["dossier"], width=width)
    for name, url in pages.items():
        page.goto(live_server.url + url)
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{url} scrolls sideways at {width} px"
        assert _axe_serious(page) == [], (url, width)
        page.screenshot(path=str(artifacts / f"issue17-{name}-{width}.png"), full_page=True)
    assert page.locator("img.paper-qr").count() == 1
    page.context.close()
