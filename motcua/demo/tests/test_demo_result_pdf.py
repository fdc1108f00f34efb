"""The demo's result document (issue 17 item 17): Vietnamese with its diacritics, rendered by
the documents app, and dated the day it is signed — the demo signs it at its approval."""

from __future__ import annotations

import subprocess
import unicodedata
from zoneinfo import ZoneInfo

import pytest

from motcua.core import clock, jobs
from motcua.demo.runner import result_pdf
from motcua.documents.api import trust_roots_from_settings, verify_pdf
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


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "kq.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout).split())


def test_demo_result_is_vietnamese_and_signed_the_day_it_is_dated(
    orm,
    world,  # noqa: F811
    receive,  # noqa: F811
    demo_signing,  # noqa: F811
    tmp_path,
    settings,
):
    from motcua.demo.loader import _demo_signatures

    settings.MOTCUA_PROVINCE_NAME = "Điện Biên"
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    d = orm.Dossier.objects.select_related("deciding_agency__parent").get(pk=d.pk)
    approved = at(2026, 3, 4, 16, 40)
    content = result_pdf(d, "LD", approved)
    text = _text(content, tmp_path)
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Điện Biên, ngày 04 tháng 3 năm 2026" in text
    assert f"Mã hồ sơ: {d.code}" in text
    assert "SỞ CÔNG THƯƠNG" in text and "THỦ TRƯỞNG CƠ QUAN" in text
    with jobs.suppressed():  # as the demo loads: no job signs it at the approval
        act(d, u["ld"], "approve", approved, result=UploadedFile(name="kq.pdf", content=content))
    with clock.at(at(2026, 3, 9, 8, 0)):  # the demo is loaded days later
        lines = _demo_signatures()
    assert lines[0].endswith("1 results signed")
    signed = orm.DossierDocument.objects.get(dossier=d, kind="result", signed=True)
    pdf = signed.file.read()
    report = verify_pdf(pdf=pdf, trust_roots=trust_roots_from_settings())
    assert report.valid, report.problem
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    assert {s.signed_at.astimezone(vn).date() for s in report.signatures} == {approved.date()}
    assert "Thời gian: 04/03/2026 16:42" in _text(pdf, tmp_path)
