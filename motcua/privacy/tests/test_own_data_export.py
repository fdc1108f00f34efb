"""A citizen's own data, exported on request from the portal (ADR 0036): everything linked to
their account, nothing of anyone else, audited, rate-limited."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from motcua.core import clock
from motcua.core.models import AuditEntry
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ONLINE_APPLICANT, online_world

from .conftest import PASSWORD, act, at

PDF = b"%PDF-1.4\n% test\n" + b"0" * 64
FORM_FIELDS = [{"name": "program_name", "label": "Tên chương trình", "type": "text"}]


@pytest.fixture
def online(world: dict[str, Any], media_on_disk: Any) -> dict[str, Any]:
    return online_world(world, form_fields=FORM_FIELDS)


def _submit(user: Any, applicant: dict[str, str], program: str) -> Any:
    from motcua.dossiers import api

    with clock.at(at(2026, 3, 2, 9)):
        draft = api.online_draft_start(owner=user, procedure_code="2.000004")
        api.online_draft_save_applicant(draft_id=draft.pk, owner=user, data=applicant)
        api.online_draft_save_fields(
            draft_id=draft.pk, owner=user, values={"program_name": program}
        )
        for position in (1, 2):
            api.online_draft_file_add(
                draft_id=draft.pk,
                owner=user,
                file=UploadedFile(name=f"giay-{position}.pdf", content=PDF),
                checklist_position=position,
            )
        api.online_draft_save_delivery(draft_id=draft.pk, owner=user, delivery="desk", address="")
        return api.online_draft_submit(draft_id=draft.pk, owner=user)


@pytest.fixture
def two_citizens(online: dict[str, Any]) -> dict[str, Any]:
    mine = _submit(online["citizen"], ONLINE_APPLICANT, "Khuyến mại mùa xuân")
    other_applicant = {
        **ONLINE_APPLICANT,
        "name": "Công ty Cổ phần Khác",
        "tax_code": "0301234562",
        "phone": "0987654321",
    }
    theirs = _submit(online["other"], other_applicant, "Chương trình của người khác")
    mine = act(mine, online["users"]["desk"], "accept", at(2026, 3, 2, 10))
    return {**online, "mine": mine, "theirs": theirs}


def _download(client: Any, user: Any, fmt: str = "json") -> Any:
    client.force_login(user)
    return client.post("/tai-khoan/du-lieu-cua-toi/", {"dinh_dang": fmt})


def test_the_file_holds_their_data_and_nothing_of_anyone_else(client, two_citizens):
    response = _download(client, two_citizens["citizen"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    data = json.loads(response.content)
    assert data["profile"]["username"] == "dan"
    [dossier] = data["dossiers"]
    mine = two_citizens["mine"]
    mine.refresh_from_db()
    assert dossier["code"] == mine.code and dossier["status"] == "received"
    assert dossier["applicant"]["applicant_name"] == "Công ty TNHH Thương mại Mường Thanh"
    assert dossier["applicant"]["phone"] == "0215382111"
    assert dossier["form_data"] == {"program_name": "Khuyến mại mùa xuân"}
    assert [d["name"] for d in dossier["documents"]] == ["giay-1.pdf", "giay-2.pdf"]
    assert [e["action"] for e in dossier["events"]] == ["submit", "accept"]
    assert all(
        set(e) == {"at", "action", "from_status", "to_status", "note"} for e in dossier["events"]
    )
    assert data["satisfaction_ratings"] == []
    text = response.content.decode()
    for foreign in (
        "Công ty Cổ phần Khác",
        "0301234562",
        "0987654321",
        "người khác",
        "khac",
        "DESK",
    ):
        assert foreign not in text, foreign  # another citizen's, or the officer's name
    entry = AuditEntry.objects.get(action="privacy.own_data_exported")
    assert entry.actor_id == two_citizens["citizen"].pk and entry.data["dossiers"] == 1


def test_the_zip_holds_their_files(client, two_citizens):
    response = _download(client, two_citizens["citizen"], "zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert "du-lieu-ca-nhan.json" in names
        files = [n for n in names if n.startswith("tep/")]
        assert len(files) == 2 and all(archive.read(n) == PDF for n in files)
        assert all(two_citizens["mine"].code in n for n in files)


def test_rate_limited(client, two_citizens, settings):
    settings.MOTCUA_OWN_DATA_EXPORTS = 2
    user = two_citizens["citizen"]
    assert [_download(client, user).status_code for _ in range(3)] == [200, 200, 429]
    assert AuditEntry.objects.filter(action="privacy.own_data_exported").count() == 2


def test_the_page_needs_a_signed_in_person(client, two_citizens):
    assert client.get("/tai-khoan/du-lieu-cua-toi/").status_code == 302
    client.login(username="dan", password=PASSWORD)
    page = client.get("/tai-khoan/du-lieu-cua-toi/")
    assert page.status_code == 200
    assert "Tải về (JSON)" in page.content.decode()
    assert 'href="/tai-khoan/du-lieu-cua-toi/"' in client.get("/tai-khoan/").content.decode()
