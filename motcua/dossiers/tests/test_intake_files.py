"""Intake writes files last and leaves none behind when it fails (issue 17, item 10): a
checklist position the version does not have is refused before anything is written, and a
failure after the files were stored deletes them with the rolled-back rows."""

# ruff: noqa: F811 - media_on_disk is a fixture of the dossier tests
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.core import clock
from motcua.core.errors import ValidationFailed
from motcua.dossiers.api import dossier_intake
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent

from .conftest import ALL_DOCS, ORG, at, media_on_disk  # noqa: F401

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _nothing_stored(media: Path) -> None:
    assert Dossier.objects.count() == 0
    assert DossierDocument.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_failure_after_the_files_were_written_leaves_no_file(world, media_on_disk, monkeypatch):
    """The event row fails after the files were stored: the transaction rolls back, and the
    files it wrote are deleted with it."""
    from motcua.dossiers.services import transition

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(transition, "dossier_event_record", broken)
    files = [
        UploadedFile(name="don.pdf", content=PDF_BYTES, checklist_position=1),
        UploadedFile(name="the-le.pdf", content=PDF_BYTES + b"2", checklist_position=2),
    ]
    with clock.at(at(2026, 3, 2, 9, 0)), pytest.raises(RuntimeError):
        dossier_intake(
            actor=world["users"]["desk"],
            procedure_code="2.000004",
            channel="desk",
            applicant=ORG,
            decision="accept",
            checklist=ALL_DOCS,
            files=files,
        )
    _nothing_stored(media_on_disk)


def test_the_service_refuses_an_unknown_position_before_writing(world, media_on_disk):
    with clock.at(at(2026, 3, 2, 9, 0)), pytest.raises(ValidationFailed) as exc:
        dossier_intake(
            actor=world["users"]["desk"],
            procedure_code="2.000004",
            channel="desk",
            applicant=ORG,
            decision="accept",
            checklist=ALL_DOCS,
            files=[UploadedFile(name="x.pdf", content=PDF_BYTES, checklist_position=10**20)],
        )
    assert list(exc.value.field_errors) == ["documents[1]"]
    _nothing_stored(media_on_disk)
