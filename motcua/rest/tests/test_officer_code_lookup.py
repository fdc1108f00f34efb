"""Every officer lookup of a dossier by code reads the code as people type it (issue 17, item 6):
the normalisation is done once, in `dossiers.api.access_dossier_for_officer`, so the documents
list and download, the desk pages and the other API operations all find the dossier."""

from __future__ import annotations

import pytest

from motcua.core import jobs
from motcua.core.errors import NotFound
from motcua.dossiers.api import access_dossier_for_officer

from .conftest import at

pytestmark = pytest.mark.django_db

CODE = "H11.01.01-260302-0001"


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def dossier(world, receive, media):
    with jobs.suppressed():
        d = receive(at(2026, 3, 2, 9, 0))
    assert d.code == CODE
    return d


def test_the_documents_of_a_dossier_by_its_code_in_lower_case(orm, api, dossier, settings):
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"
    response = api("desk").get(f"/api/v1/dossiers/{CODE.lower()}/documents")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    docs = {doc.kind: doc.pk for doc in orm.DossierDocument.objects.filter(dossier=dossier)}
    # Listed under the code as printed, whatever was typed.
    assert [(i["kind"], i["url"]) for i in items] == [
        (kind, f"https://dichvucong.example.vn/api/v1/dossiers/{CODE}/documents/{docs[kind]}/file")
        for kind in ("receipt", "control_sheet")
    ]
    download = api("desk").get(f"/api/v1/dossiers/{CODE.lower()}/documents/{docs['receipt']}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_unknown_or_unseen_code_in_lower_case_is_still_404(api, dossier):
    assert api("desk").get("/api/v1/dossiers/h11.01.01-260302-0009/documents").status_code == 404
    # An officer of an agency with no part in the dossier does not see it in any spelling.
    assert api("cv_build").get(f"/api/v1/dossiers/{CODE.lower()}/documents").status_code == (404)


def test_the_access_function_normalises_the_code_once_for_every_caller(world, dossier):
    desk = world["users"]["desk"]
    for typed in (
        CODE.lower(),
        f" {CODE} ",
        "h11.01.01\u2013260302\u20130001",
        "H11.01.01 260302 0001",
    ):
        assert access_dossier_for_officer(user=desk, code=typed).pk == dossier.pk
    assert access_dossier_for_officer(user=desk, code=f"#{dossier.pk}").pk == dossier.pk
    for unknown in ("", "h11.01.01-260302-0002", "Hô", "#x"):
        with pytest.raises(NotFound):
            access_dossier_for_officer(user=desk, code=unknown)


def test_a_desk_page_by_the_code_in_lower_case(client, world, dossier):
    client.force_login(world["users"]["desk"])
    response = client.get(f"/desk/ho-so/{CODE.lower()}/")
    assert response.status_code == 200
    assert CODE in response.content.decode()
