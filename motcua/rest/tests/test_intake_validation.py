"""Validation gaps of intake (issue 17, item 10): a file's checklist position is checked
against the procedure version before anything is written; counts of originals and copies are
0–99 and their errors name the document; a failure after a file was written leaves no file
behind. On every refusal: no dossier row, no document row, no file in storage."""

# ruff: noqa: F811 - media_on_disk is a fixture imported from the dossier tests
from __future__ import annotations

from pathlib import Path

import pytest

from motcua.dossiers.tests.conftest import at, media_on_disk  # noqa: F401

from .conftest import PDF_B64, intake_body

BASE = "/api/v1/dossiers"


def _stored(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _nothing_stored(orm, media: Path) -> None:
    assert orm.Dossier.objects.count() == 0
    assert orm.DossierDocument.objects.count() == 0
    assert orm.DossierEvent.objects.count() == 0
    assert _stored(media) == []


@pytest.mark.parametrize("position", [10**20, 3, 2**31])
def test_a_file_for_a_position_the_version_does_not_have_is_a_400(
    orm, world, api, media_on_disk, position
):
    body = intake_body(files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": position}])
    response = api("desk").post(BASE, body, when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "files.0": [
            f"The file “don.pdf” is for document number {position}, which the procedure's "
            "checklist does not have."
        ]
    }
    _nothing_stored(orm, media_on_disk)


def test_a_file_for_a_position_of_the_version_is_stored_with_it(world, api, media_on_disk):
    body = intake_body(files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": 2}])
    response = api("desk").post(BASE, body, when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 201
    assert [d["checklist_position"] for d in response.json()["documents"]] == [2]
    assert len(_stored(media_on_disk)) == 1


def test_counts_of_originals_and_copies_are_0_to_99_and_name_the_document(
    orm, world, api, media_on_disk
):
    body = intake_body(
        documents=[
            {"position": 1, "received": True, "originals": 100},
            {"position": 2, "received": True, "originals": 1, "copies": 1500000},
        ],
        files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": 1}],
    )
    response = api("desk").post(BASE, body, when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "documents.1.originals": [
            "“Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)”: the number of originals "
            "is a whole number from 0 to 99."
        ],
        "documents.2.copies": [
            "“Thể lệ chương trình khuyến mại (Mẫu số 03)”: the number of copies is a whole "
            "number from 0 to 99."
        ],
    }
    _nothing_stored(orm, media_on_disk)


def test_every_problem_of_an_intake_comes_at_once(orm, world, api, media_on_disk):
    body = intake_body(
        applicant={
            "kind": "person",
            "full_name": "Lò Văn Minh",
            "id_number": "12345",
            "phone": "12",
            "email": "khong-phai-email",
            "address": "Tổ 5",
        },
        documents=[{"position": 1, "received": True, "originals": 1, "copies": 120}],
        files=[{"name": "don.pdf", "content_base64": PDF_B64, "position": 9}],
    )
    response = api("desk").post(BASE, body, when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [
        "applicant.email",
        "applicant.id_number",
        "applicant.phone",
        "documents",  # the mandatory document 2 is missing for an acceptance
        "documents.1.copies",
        "files.0",
    ]
    _nothing_stored(orm, media_on_disk)
