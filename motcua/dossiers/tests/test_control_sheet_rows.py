"""Form 06 (process control sheet), issue 17 item 15: the first row is the applicant handing
the dossier to the desk, the last row the desk handing the result to the applicant, and the
return's label is the dossier's outcome (DESIGN §6), not the return step's own deadline."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest

from conftest import pdf_bytes
from motcua.documents import data as forms
from motcua.documents.api import render_form
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services.paperwork import form_data

from .conftest import PERSON, act, at

RESULT = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))


def _returned_five_days_early(world, receive, **return_payload):
    """Received Mon 02/03 09:00 (appointment Mon 09/03 09:00), processed and returned the same
    Monday: five working days early."""
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 9, 30), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 2, 10, 0), to_user=u["ld"].pk)
    act(d, u["ld"], "approve", at(2026, 3, 2, 10, 30), result=RESULT)
    payload = return_payload or {
        "method": "desk",
        "receiver_name": "Quàng Văn Đức",
        "receiver_id_number": "011080000123",
    }
    return act(d, u["desk"], "return_result", at(2026, 3, 2, 11, 0), **payload)


def test_first_row_is_the_applicant_handing_over_to_the_desk(world, receive):
    d = _returned_five_days_early(world, receive)
    sheet = form_data(dossier=d, kind="control_sheet")
    assert isinstance(sheet, forms.ControlSheetData)
    first = sheet.rows[0]
    center = world["agencies"]["center"].name
    assert (first.from_agency, first.from_person) == (
        "Công ty TNHH Thương mại Mường Thanh",
        "Quàng Văn Đức",
    )
    assert (first.to_agency, first.to_person) == (center, "DESK")
    assert first.timeliness is None


def test_last_row_is_the_result_handed_to_the_applicant_with_the_dossiers_outcome(world, receive):
    d = _returned_five_days_early(world, receive)
    assert (d.outcome, d.appointment_at) == ("early", at(2026, 3, 9, 9, 0))
    sheet = form_data(dossier=d, kind="control_sheet")
    last = sheet.rows[-1]
    center = world["agencies"]["center"].name
    assert (last.from_agency, last.from_person) == (center, "DESK")
    assert (last.to_agency, last.to_person) == (
        "Công ty TNHH Thương mại Mường Thanh",
        "Quàng Văn Đức 011080000123",
    )
    # Returned five working days before the appointment: early, as the dossier's outcome.
    assert last.timeliness is forms.Timeliness.EARLY
    event = DossierEvent.objects.get(dossier=d, action="return_result")
    assert event.deadline_status == "early"
    assert [r.timeliness.value if r.timeliness else "" for r in sheet.rows] == [
        "",  # accept
        "on_time",  # intake step: done the day it was due
        "early",  # review: due Thu 05/03, done Mon
        "on_time",  # approval: due the same Monday
        "early",  # the return: the dossier's outcome
    ]


def test_posted_result_goes_to_the_applicant_by_post(world, receive):
    d = _returned_five_days_early(world, receive, method="post")
    last = form_data(dossier=d, kind="control_sheet").rows[-1]
    assert last.to_agency == (
        "Công ty TNHH Thương mại Mường Thanh (qua dịch vụ bưu chính công ích)"
    )
    assert last.to_person == "Quàng Văn Đức"


def test_a_person_hands_over_and_receives_in_their_own_name(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0), applicant=PERSON)
    act(d, u["desk"], "forward", at(2026, 3, 2, 9, 30), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 2, 10, 0), to_user=u["ld"].pk)
    act(d, u["ld"], "approve", at(2026, 3, 2, 10, 30), result=RESULT)
    act(d, u["desk"], "return_result", at(2026, 3, 3, 9, 0), method="online")
    rows = form_data(dossier=d, kind="control_sheet").rows
    assert (rows[0].from_agency, rows[0].from_person) == ("Lò Văn Minh", "Lò Văn Minh")
    assert (rows[-1].to_agency, rows[-1].to_person) == (
        "Lò Văn Minh (trực tuyến)",
        "Lò Văn Minh",
    )


@pytest.mark.django_db(transaction=True)
def test_rendered_sheet_reads_applicant_to_desk_and_desk_to_applicant(world, receive, tmp_path):
    d = _returned_five_days_early(world, receive)
    d = Dossier.objects.get(pk=d.pk)
    pdf = render_form(
        kind=forms.FormKind.CONTROL_SHEET, data=form_data(dossier=d, kind="control_sheet")
    )
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(unicodedata.normalize("NFC", text).split())
    assert "1. Giao: Công ty TNHH Thương mại Mường Thanh" in text
    assert "2. Nhận: Công ty TNHH Thương mại Mường Thanh" in text
    assert "Đúng hạn" in text and text.rindex("Trước hạn") > text.rindex("Đúng hạn")
