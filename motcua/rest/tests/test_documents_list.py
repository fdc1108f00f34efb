"""GET /api/v1/dossiers/{code}/documents lists every form the dossier has, rendering the ones
never rendered (issue 17 item 4: the demo loads dossiers without rendering their forms), under
Vietnamese ASCII file names (item 17) and absolute URLs from MOTCUA_PUBLIC_URL (item 5)."""

from __future__ import annotations

import pytest

from motcua.core import jobs

from .conftest import act, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_forms_never_rendered_are_listed_and_rendered_on_demand(
    orm, world, receive, api, media, settings
):
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.dienbien.example/"
    with jobs.suppressed():  # as the demo loads: no form rendered
        d = receive(at(2026, 3, 2, 9, 0))
    assert orm.DossierDocument.objects.filter(dossier=d).count() == 0
    response = api("desk").get(f"/api/v1/dossiers/{d.code}/documents")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["name"], i["signed"]) for i in items] == [
        ("receipt", "giay-tiep-nhan-H11.01.01-260302-0001.pdf", False),
        ("control_sheet", "phieu-kiem-soat-H11.01.01-260302-0001.pdf", False),
    ]
    docs = {doc.kind: doc for doc in orm.DossierDocument.objects.filter(dossier=d)}
    assert [i["url"] for i in items] == [
        f"https://dichvucong.dienbien.example/api/v1/dossiers/{d.code}/documents/"
        f"{docs[kind].pk}/file"
        for kind in ("receipt", "control_sheet")
    ]
    # Listing again renders nothing new (same content, same rows).
    again = api("desk").get(f"/api/v1/dossiers/{d.code}/documents").json()["items"]
    assert [i["id"] for i in again] == [i["id"] for i in items]
    assert orm.DossierDocument.objects.filter(dossier=d).count() == 2
    download = api("desk").get(f"/api/v1/dossiers/{d.code}/documents/{docs['receipt'].pk}/file")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert (
        'filename="giay-tiep-nhan-H11.01.01-260302-0001.pdf"' in (download["Content-Disposition"])
    )


def test_every_form_of_a_withdrawn_dossier_is_listed(world, receive, api, media):
    u = world["users"]
    with jobs.suppressed():
        d = receive(at(2026, 3, 2, 9, 0))
        act(d, u["desk"], "withdraw", at(2026, 3, 3, 9, 0), reason="Người nộp xin rút hồ sơ")
    items = api("desk").get(f"/api/v1/dossiers/{d.code}/documents").json()["items"]
    assert sorted((i["kind"], i["name"]) for i in items) == [
        ("control_sheet", "phieu-kiem-soat-H11.01.01-260302-0001.pdf"),
        ("receipt", "giay-tiep-nhan-H11.01.01-260302-0001.pdf"),
        ("stop_notice", "thong-bao-dung-giai-quyet-H11.01.01-260302-0001.pdf"),
    ]


def test_a_dossier_refused_at_intake_lists_its_refusal(world, receive, api, media):
    with jobs.suppressed():
        d = receive(at(2026, 3, 2, 9, 0), decision="refuse", checklist=[], note="Không đủ")
    items = api("desk").get(f"/api/v1/dossiers/%23{d.pk}/documents").json()["items"]
    assert [(i["kind"], i["name"]) for i in items] == [
        ("refusal", f"phieu-tu-choi-ho-so-{d.pk}.pdf"),
    ]
