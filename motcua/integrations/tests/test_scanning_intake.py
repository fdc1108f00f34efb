"""The dossier upload checks call the scanner: an infected attachment is refused with a clear
message and nothing is stored; a scanner that is down refuses too (fail closed).

The dossier apps sit above integrations in the import layers (pyproject.toml), so this test
reaches them through importlib and the app registry instead of import statements."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from motcua.core import clock
from motcua.core.errors import ValidationFailed
from motcua.integrations.tests.samples import EICAR, pdf

WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday


def _module(name: str) -> Any:
    return importlib.import_module(name)


@pytest.fixture
def intake(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    _module("motcua.calendar.api").calendar_seed(years=[2026])
    desk = django_user_model.objects.create_user(
        username="desk", password="pw-12345-x", full_name="DESK"
    )
    role = _module("motcua.accounts.data").Role.DESK_OFFICER
    _module("motcua.accounts.api").role_grant(user=desk, role=role, agency=agencies["center"])
    data = _module("motcua.dossiers.data")
    org = data.ApplicantData(
        kind="organisation",
        name="Công ty TNHH Thương mại Mường Thanh",
        tax_code="0100109106",
        representative="Quàng Văn Đức",
        phone="0215382111",
        address="Số 1, phường Mường Thanh",
    )
    return {"desk": desk, "org": org, "data": data, "api": _module("motcua.dossiers.api")}


def _infected_pdf() -> bytes:
    return pdf(b"% " + EICAR)  # passes the PDF check by its first bytes; only a scan finds it


def _submit_online(intake: dict[str, Any], content: bytes, name: str = "the-le.pdf") -> Any:
    files = [intake["data"].UploadedFile(name=name, content=content, checklist_position=2)]
    with clock.at(WHEN):
        return intake["api"].dossier_submit_online(
            applicant_user=None, procedure_code="2.000004", applicant=intake["org"], files=files
        )


def _intake_at_desk(intake: dict[str, Any], content: bytes, name: str = "the-le.pdf") -> Any:
    data = intake["data"]
    with clock.at(WHEN):
        return intake["api"].dossier_intake(
            actor=intake["desk"],
            procedure_code="2.000004",
            channel="desk",
            applicant=intake["org"],
            decision="accept",
            checklist=[
                data.ChecklistItem(position=1, received=True, originals=1),
                data.ChecklistItem(position=2, received=True, originals=1),
            ],
            files=[data.UploadedFile(name=name, content=content, checklist_position=2)],
        )


def _stored() -> tuple[int, int]:
    dossier = apps.get_model("dossiers", "Dossier")
    document = apps.get_model("dossiers", "DossierDocument")
    return dossier.objects.count(), document.objects.count()


def _messages(error: ValidationFailed) -> list[str]:
    return [m for messages in error.field_errors.values() for m in messages]


@pytest.mark.parametrize("submit", [_submit_online, _intake_at_desk], ids=["online", "desk"])
def test_infected_attachment_is_refused_and_nothing_stored(
    intake: dict[str, Any], clamd_unix: Any, submit: Any
) -> None:
    with pytest.raises(ValidationFailed) as info:
        submit(intake, _infected_pdf())
    messages = _messages(info.value)
    assert any("the-le.pdf" in m for m in messages), messages
    assert _stored() == (0, 0)
    # The same submission with a clean file goes through: the scan, not another check, refused.
    submit(intake, pdf())
    assert _stored() == (1, 1)


def test_scanner_down_refuses_uploads(intake: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    with pytest.raises(ValidationFailed) as info:
        _submit_online(intake, pdf())
    assert any("the-le.pdf" in m for m in _messages(info.value))
    assert _stored() == (0, 0)


def test_without_a_scanner_the_infected_pdf_is_stored(
    intake: dict[str, Any], settings: Any
) -> None:
    """The demo setting ("none") scans nothing: why production must set "clamd"."""
    settings.MOTCUA_MALWARE_SCANNER = "none"
    _submit_online(intake, _infected_pdf())
    assert _stored() == (1, 1)
