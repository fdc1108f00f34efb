"""The forms of a real dossier rendered after commit, and the result signed at approval."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from motcua.documents.api import (
    render_form,
    trust_roots_from_settings,
    verify_pdf,
)
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services.paperwork import form_data, tracking_url

from .conftest import act, at

pytestmark = pytest.mark.django_db(transaction=True)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        from conftest import _require

        _require(name, f"{name} not installed (poppler-utils / zbar-tools)")
    assert path is not None
    return path


def _text(pdf: bytes, tmp_path) -> str:
    source = tmp_path / "f.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def test_receipt_is_rendered_after_commit_with_the_dossiers_data(
    world, receive, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.dienbien.example"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        d = receive(at(2026, 3, 2, 9, 0))
    receipt = DossierDocument.objects.get(dossier=d, kind="receipt")
    pdf = receipt.file.read()
    text = _text(pdf, tmp_path)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "H11.01.01-260302-0001" in text
    assert "Công ty TNHH Thương mại Mường Thanh" in text
    assert "09 giờ 00 phút, ngày 09 tháng 3 năm 2026" in text  # the appointment
    # The QR code opens the tracking page with the lookup PIN.
    png = tmp_path / "r"
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
            str(tmp_path / "f.pdf"),
            str(png),
        ],
        check=True,
    )
    page = next(tmp_path.glob("r*.png"))
    decoded = subprocess.run(
        [_tool("zbarimg"), "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert decoded == tracking_url(d)
    assert decoded == (
        f"https://dichvucong.dienbien.example/tra-cuu-ho-so/"
        f"H11.01.01-260302-0001/?pin={d.lookup_pin}"
    )
    # Rendering again stores nothing new.
    from motcua.dossiers.services.paperwork import dossier_form_render

    assert dossier_form_render(dossier_id=d.pk, kind="receipt").pk == receipt.pk


def test_approval_signs_the_result_with_leader_and_seal(
    world, receive, demo_signing, django_capture_on_commit_callbacks
):
    u = world["users"]
    trade = world["agencies"]["trade"]
    d = receive(at(2026, 3, 2, 9, 0))
    # A real PDF as the result: render any form.
    result_pdf = render_form(
        kind=__import__("motcua.documents.data", fromlist=["FormKind"]).FormKind.RECEIPT,
        data=form_data(dossier=d, kind="receipt"),
    )
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        act(
            d,
            u["ld"],
            "approve",
            at(2026, 3, 4, 9, 0),
            result=UploadedFile(name="giay-xac-nhan.pdf", content=result_pdf),
        )
    results = list(DossierDocument.objects.filter(dossier=d, kind="result").order_by("id"))
    assert [r.signed for r in results] == [False, True]
    assert results[1].supersedes == results[0]
    signed = results[1].file.read()
    report = verify_pdf(pdf=signed, trust_roots=trust_roots_from_settings())
    assert report.valid, report.problem
    assert [s.signer_name for s in report.signatures] == ["LD", trade.name]
    assert all(s.agency == trade.name for s in report.signatures)
    tampered = bytearray(signed)
    index = len(signed) // 3
    tampered[index] ^= 0x01
    assert verify_pdf(pdf=bytes(tampered), trust_roots=trust_roots_from_settings()).valid is False
