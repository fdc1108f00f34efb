"""Issue 17 item 5: the receipt (form 01, its PDF and the desk's printable HTML) prints the
tracking PIN, both carry the QR code of the tracking page, and every absolute link is built
from MOTCUA_PUBLIC_URL."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import unicodedata
import urllib.parse

import pytest

from motcua.documents.api import qr_svg
from motcua.dossiers.api import dossier_form_pdf, tracking_url

from .conftest import MONDAY

PUBLIC = "https://dichvucong.dienbien.example"


@pytest.fixture
def public(settings):
    settings.MOTCUA_PUBLIC_URL = PUBLIC + "/"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        from conftest import _require

        _require(name, f"{name} not installed (poppler-utils / zbar-tools)")
    assert path is not None
    return path


def test_tracking_url_comes_from_the_public_url(public, dossier):
    assert tracking_url(dossier) == (
        f"{PUBLIC}/tra-cuu-ho-so/H11.01.01-260302-0001/?pin={dossier.lookup_pin}"
    )


def test_receipt_pdf_prints_the_pin_and_its_qr_opens_tracking(public, dossier, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    doc = dossier_form_pdf(dossier=dossier, kind="receipt")
    assert doc.name == "giay-tiep-nhan-H11.01.01-260302-0001.pdf"
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(doc.file.read())
    text = subprocess.run(
        [_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(unicodedata.normalize("NFC", text).split())
    assert f"Mã PIN tra cứu: {dossier.lookup_pin}" in text
    assert f"{PUBLIC}/tra-cuu-ho-so/" in text
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    decoded = subprocess.run(
        [
            _tool("zbarimg"),
            "--raw",
            "-q",
            "-Sdisable",
            "-Sqrcode.enable",
            str(next(tmp_path.glob("p*.png"))),
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert decoded == tracking_url(dossier)


def test_printable_receipt_shows_the_pin_and_the_qr(public, as_user, dossier):
    html = as_user("desk").get(f"/desk/ho-so/{dossier.code}/giay-tiep-nhan/").content.decode()
    plain = re.sub(r"<[^>]+>", " ", html)
    plain = " ".join(plain.split())
    assert f"Mã PIN tra cứu: {dossier.lookup_pin}" in plain
    assert f"{PUBLIC}/tra-cuu-ho-so/" in plain
    match = re.search(r'<img[^>]*class="paper-qr"[^>]*src="([^"]+)"', html)
    assert match is not None
    src = match.group(1).replace("&amp;", "&")
    assert src.startswith("data:image/svg+xml")
    payload = src.split(",", 1)[1]
    svg = (
        base64.b64decode(payload).decode()
        if ";base64" in src.split(",", 1)[0]
        else urllib.parse.unquote(payload)
    )
    assert svg == qr_svg(tracking_url(dossier))


def test_receipt_pin_is_for_the_receipt_only(as_user, receive):
    """The PIN is printed for the applicant; the HTML receipt is a desk page (officers only)."""
    d = receive(MONDAY)
    assert as_user("citizen").get(f"/desk/ho-so/{d.code}/giay-tiep-nhan/").status_code == 403
