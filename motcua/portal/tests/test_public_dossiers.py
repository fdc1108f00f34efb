"""Tracking by code + PIN, the kiosk, and public verification (page and API)."""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def signed(world, receive, demo_signing, django_capture_on_commit_callbacks):  # noqa: F811
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    pdf = render_form(kind=FormKind.RECEIPT, data=form_data(dossier=d, kind="receipt"))  # noqa
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
    signed_doc = d.documents.get(kind="result", signed=True)
    return d, signed_doc.file.read()


def test_tracking_needs_the_pin_and_shows_nothing_personal(client, signed):
    dossier, _pdf = signed
    wrong = client.get(f"/tra-cuu-ho-so/{dossier.code}/", {"pin": "000000"})
    assert wrong.status_code == 404
    page = client.get(f"/tra-cuu-ho-so/{dossier.code}/", {"pin": dossier.lookup_pin})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đã trả kết quả" in html
    assert "Hồ sơ được Bộ phận Một cửa tiếp nhận" in html
    assert dossier.applicant_name not in html and dossier.tax_code not in html


def test_tracking_is_rate_limited(client, signed):
    dossier, _pdf = signed
    # Per address: 20 lookups in ten minutes, whatever the codes.
    codes = [
        client.get("/tra-cuu-ho-so/", {"ma": f"H11.01.01-260302-{i:04d}", "pin": "000000"})
        for i in range(2, 27)
    ]
    assert [r.status_code for r in codes] == [404] * 20 + [429] * 5
    # Per address and code: a few wrong tries, then that address is refused for the code.
    other = "192.0.2.44"
    guesses = [
        client.get(f"/tra-cuu-ho-so/{dossier.code}/", {"pin": f"{i:06d}"}, REMOTE_ADDR=other)
        for i in range(7)
        if f"{i:06d}" != dossier.lookup_pin
    ]
    assert [r.status_code for r in guesses[:6]] == [404] * 5 + [429]


def test_kiosk_shows_status_in_large_type(client, signed):
    dossier, _pdf = signed
    html = client.get("/kiosk/", {"ma": dossier.code}).content.decode()
    assert "kiosk-status" in html and "Đã trả kết quả" in html
    assert dossier.applicant_name not in html
    assert client.get("/kiosk/", {"ma": "nope"}).status_code == 404


def test_verification_page_and_api(client, signed):
    dossier, pdf = signed
    page = client.post("/xac-thuc/", {"file": SimpleUploadedFile("kq.pdf", pdf)})
    html = page.content.decode()
    assert "Các chữ ký hợp lệ." in html
    assert f"kết quả đã đăng ký của hồ sơ {dossier.code}" in html
    api = client.post("/api/v1/verify", {"file": SimpleUploadedFile("kq.pdf", pdf)})
    body = api.json()
    assert (body["valid"], body["modified_after_signing"], body["registered_for"]) == (
        True,
        False,
        dossier.code,
    )
    assert body["signatures"][0]["signer"] == "LD"
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    bad = client.post("/api/v1/verify", {"file": SimpleUploadedFile("x.pdf", bytes(tampered))})
    assert bad.json()["valid"] is False
    assert bad.json()["registered_for"] is None
    junk = client.post("/api/v1/verify", {"file": SimpleUploadedFile("x.pdf", b"hello")})
    assert junk.status_code == 200 and junk.json()["valid"] is False
    registered = client.get(f"/verify/{dossier.code}/")
    assert registered.status_code == 200 and "Các chữ ký hợp lệ." in registered.content.decode()


def test_documents_api_lists_and_downloads(client, signed):
    dossier, pdf = signed
    import json

    token = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "desk", "password": "pw-12345-x"}),
        content_type="application/json",
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    items = client.get(f"/api/v1/dossiers/{dossier.code}/documents", headers=auth).json()["items"]
    kinds = [(i["kind"], i["signed"]) for i in items]
    assert ("result", False) in kinds and ("result", True) in kinds
    signed_item = next(i for i in items if i["signed"])
    download = client.get(signed_item["url"].replace("http://testserver", ""), headers=auth)
    assert b"".join(download.streaming_content) == pdf
    outsider = client.get(f"/api/v1/dossiers/{dossier.code}/documents")
    assert outsider.status_code == 401
