"""Online submission and “My dossiers” pages, driven with the Django test client."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motcua.core import clock
from motcua.dossiers.tests.conftest import (  # noqa: F401
    ONLINE_APPLICANT,
    act,
    at,
    media_on_disk,
    online_world,
    world,
)

PDF = b"%PDF-1.4\n% test\n" + b"0" * 64
FORM_FIELDS = [
    {"name": "program_name", "label": "Tên chương trình", "type": "text", "required": True},
    {"name": "start_date", "label": "Ngày bắt đầu", "type": "date", "required": True},
    {"name": "agree", "label": "Tôi cam đoan", "type": "checkbox", "required": True},
]
APPLICANT = ONLINE_APPLICANT


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def site(world: dict[str, Any], media_on_disk: Any, monkeypatch: Any) -> dict[str, Any]:  # noqa: F811
    from motcua.portal import views_submit

    online_world(world, form_fields=FORM_FIELDS)
    # Account verification belongs to the accounts pages; here every citizen is verified.
    monkeypatch.setattr(views_submit, "_is_verified", lambda user: True)
    return world


def _steps(client: Any, draft_id: int) -> dict[str, str]:
    base = f"/ho-so-nhap/{draft_id}/"
    return {
        "applicant": base + "nguoi-nop/",
        "fields": base + "thong-tin/",
        "documents": base + "giay-to/",
        "delivery": base + "nhan-ket-qua/",
        "review": base + "xem-lai/",
    }


def _start(orm, client: Any) -> int:
    response = client.post("/nop-truc-tuyen/2.000004/")
    assert response.status_code == 302
    draft = orm.OnlineDraft.objects.get()
    assert response["Location"] == f"/ho-so-nhap/{draft.pk}/nguoi-nop/"
    return draft.pk


def _fill(orm, client: Any) -> tuple[int, dict[str, str]]:
    draft_id = _start(orm, client)
    urls = _steps(client, draft_id)
    assert client.post(urls["applicant"], APPLICANT).status_code == 302
    response = client.post(
        urls["fields"], {"program_name": "Xuân", "start_date": "2026-03-20", "agree": "on"}
    )
    assert response.status_code == 302
    for position in ("1", "2"):
        response = client.post(
            urls["documents"],
            {
                "upload": position,
                f"file-{position}": SimpleUploadedFile(f"tài liệu {position}.pdf", PDF),
            },
        )
        assert response.status_code == 302
    assert client.post(urls["delivery"], {"delivery": "online"}).status_code == 302
    return draft_id, urls


def test_procedure_page_offers_online_submission(client, site):
    page = client.get("/thu-tuc/2.000004/").content.decode()
    assert "/nop-truc-tuyen/2.000004/" in page
    assert "Nộp hồ sơ trực tuyến" in page or "Submit the dossier online" in page
    assert "Tên chương trình" in page


def test_anonymous_is_sent_to_sign_in(client, site):
    response = client.get("/nop-truc-tuyen/2.000004/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    assert client.get("/ho-so-cua-toi/").status_code == 302


def test_unverified_account_is_sent_to_verify(orm, client, site, monkeypatch):
    from motcua.portal import views_submit

    monkeypatch.setattr(views_submit, "_is_verified", lambda user: False)
    client.force_login(site["citizen"])
    response = client.post("/nop-truc-tuyen/2.000004/")
    assert response.status_code == 302
    assert response["Location"].startswith("/xac-minh/?next=")
    assert orm.OnlineDraft.objects.count() == 0


def test_each_step_keeps_what_was_typed_on_error(orm, client, site):
    client.force_login(site["citizen"])
    draft_id = _start(orm, client)
    urls = _steps(client, draft_id)
    bad = dict(APPLICANT, tax_code="12345", name="Công ty Điện Biên")
    response = client.post(urls["applicant"], bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="12345"' in page
    assert 'value="Công ty Điện Biên"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#f-applicant-tax_code"' in page
    response = client.post(urls["fields"], {"program_name": "", "start_date": "31/02/2026"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="31/02/2026"' in page
    assert "Ngày bắt đầu" in page and 'id="f-form-start_date-error-1"' in page
    response = client.post(urls["delivery"], {"delivery": "post", "delivery_address": ""})
    assert response.status_code == 400
    assert 'id="f-delivery_address-error"' in response.content.decode()


def test_bad_upload_is_refused_with_a_message(orm, client, site):
    client.force_login(site["citizen"])
    draft_id = _start(orm, client)
    urls = _steps(client, draft_id)
    response = client.post(
        urls["documents"],
        {"upload": "1", "file-1": SimpleUploadedFile("virus.exe", b"MZ\x90\x00 program")},
    )
    assert response.status_code == 400
    assert 'id="f-documents-1-error-1"' in response.content.decode()


def test_review_lists_problems_then_submit_creates_one_dossier(orm, client, site):
    client.force_login(site["citizen"])
    draft_id, urls = _fill(orm, client)
    page = client.get(urls["review"]).content.decode()
    assert "Công ty TNHH Thương mại Mường Thanh" in page
    assert "tài liệu 1.pdf" in page
    response = client.post(urls["review"])
    assert response.status_code == 302
    dossier = orm.Dossier.objects.get()
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.reference}/"
    assert dossier.form_data["program_name"] == "Xuân"
    # A second POST (double click, back button) creates nothing more.
    again = client.post(urls["review"])
    assert again.status_code == 302
    assert again["Location"] == f"/ho-so-cua-toi/{dossier.reference}/"
    assert orm.Dossier.objects.count() == 1


def test_review_shows_what_is_missing(orm, client, site):
    client.force_login(site["citizen"])
    draft_id = _start(orm, client)
    urls = _steps(client, draft_id)
    response = client.post(urls["review"])
    assert response.status_code == 400
    assert urls["documents"] in response.content.decode()
    assert orm.Dossier.objects.count() == 0


def test_another_citizen_gets_404_on_the_draft(orm, client, site):
    client.force_login(site["citizen"])
    draft_id = _start(orm, client)
    client.force_login(site["other"])
    assert client.get(_steps(client, draft_id)["applicant"]).status_code == 404
    assert client.post(_steps(client, draft_id)["review"]).status_code == 404


def test_my_dossiers_and_answering_a_completion_request(orm, client, site):
    client.force_login(site["citizen"])
    with clock.at(at(2026, 3, 2, 9)):
        draft_id, urls = _fill(orm, client)
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert urls["delivery"].replace("nhan-ket-qua", "xem-lai") in page  # the open draft
    with clock.at(at(2026, 3, 2, 10)):
        client.post(urls["review"])
    dossier = orm.Dossier.objects.get()
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert f"/ho-so-cua-toi/{dossier.reference}/" in page
    act(
        dossier,
        site["users"]["desk"],
        "request_completion",
        at(2026, 3, 2, 14),
        missing=["Thể lệ có chữ ký"],
    )
    url = f"/ho-so-cua-toi/{dossier.reference}/"
    page = client.get(url).content.decode()
    assert "Thể lệ có chữ ký" in page
    assert f"{url}resubmit/" in page
    response = client.post(f"{url}resubmit/", {"note": "Đã ký"})
    assert response.status_code == 400
    assert "Đã ký" in response.content.decode()
    with clock.at(at(2026, 3, 3, 9)):
        response = client.post(
            f"{url}resubmit/", {"files": SimpleUploadedFile("thể lệ.pdf", PDF), "note": "Đã ký"}
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    # Another citizen sees nothing.
    client.force_login(site["other"])
    assert client.get(url).status_code == 404
    assert client.post(f"{url}withdraw/", {"reason": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_withdraw_from_my_dossier_page(orm, client, site):
    client.force_login(site["citizen"])
    _fill(orm, client)
    client.post(_steps(client, orm.OnlineDraft.objects.get().pk)["review"])
    dossier = orm.Dossier.objects.get()
    url = f"/ho-so-cua-toi/{dossier.reference}/"
    assert client.post(f"{url}withdraw/", {"reason": ""}).status_code == 400
    assert client.post(f"{url}withdraw/", {"reason": "Không cần nữa"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"


def test_e_result_only_for_the_owner_of_an_online_result(orm, client, site, monkeypatch):
    from django.core.files.base import ContentFile

    client.force_login(site["citizen"])
    _fill(orm, client)
    client.post(_steps(client, orm.OnlineDraft.objects.get().pk)["review"])
    dossier = orm.Dossier.objects.get()
    url = f"/ho-so-cua-toi/{dossier.reference}/ket-qua.pdf"
    assert client.get(url).status_code == 404  # no result yet
    # A signed result, as paperwork stores it, for a dossier ready with online delivery.
    doc = orm.DossierDocument(
        dossier=dossier,
        kind="result",
        name="kq.pdf",
        sha256="0" * 64,
        size=len(PDF),
        content_type="application/pdf",
        signed=True,
    )
    doc.file.save("kq.pdf", ContentFile(PDF), save=False)
    doc.save()
    orm.Dossier.objects.filter(pk=dossier.pk).update(
        status="result_ready", code="H11.01.01-260302-0001"
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    page = client.get(f"/ho-so-cua-toi/{dossier.reference}/").content.decode()
    assert "/xac-thuc/H11.01.01-260302-0001/" in page
    client.force_login(site["other"])
    assert client.get(url).status_code == 404


def test_the_applicant_picks_a_commune_from_the_province_list(orm, client, site):
    client.force_login(site["citizen"])
    urls = _steps(client, _start(orm, client))
    page = client.get(urls["applicant"]).content.decode()
    assert '<select id="f-applicant-commune_code" name="commune_code"' in page
    assert '<option value="3325">Xã Mường Phăng</option>' in page
    assert 'value="70"' not in page  # Hà Nội's wards are not offered
    # A forged value is refused with a message linked to the field; what was typed is kept.
    response = client.post(urls["applicant"], dict(APPLICANT, commune_code="70"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#f-applicant-commune_code"' in page
    assert 'value="Công ty TNHH Thương mại Mường Thanh"' in page
    assert client.post(urls["applicant"], dict(APPLICANT, commune_code="3325")).status_code == 302
    page = client.get(urls["applicant"]).content.decode()
    assert '<option value="3325" selected>Xã Mường Phăng</option>' in page
