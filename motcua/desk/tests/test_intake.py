"""Intake at the desk: choose the procedure, fill one form, accept / ask for completion /
refuse. Errors come back on the fields with what was typed; nothing is stored."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import PDF_BYTES, at, at_time

URL = "/desk/tiep-nhan/?thu-tuc=2.000004"
BIRTH_URL = "/desk/tiep-nhan/?thu-tuc=1.001193"
MONDAY = at(2026, 3, 2, 9, 0)


def _org(**extra):
    data = {
        "kind": "organisation",
        "name": "Công ty TNHH Thương mại Mường Thanh",
        "tax_code": "0100109106",
        "representative": "Quàng Văn Đức",
        "phone": "0215382111",
        "email": "",
        "address": "Số 1, phường Mường Thanh",
        "commune": "3334",
        "channel": "desk",
        "doc_1_received": "on",
        "doc_1_originals": "1",
        "doc_1_copies": "0",
        "doc_2_received": "on",
        "doc_2_originals": "1",
        "doc_2_copies": "0",
        "decision": "accept",
    }
    data.update(extra)
    return data


def _person(**extra):
    data = {
        "kind": "person",
        "full_name": "Lò Văn Minh",
        "id_number": "011095001234",
        "date_of_birth": "17/05/1995",
        "phone": "0912345678",
        "email": "minh@example.vn",
        "address": "Bản Phăng, xã Mường Phăng",
        "commune": "3325",
        "channel": "desk",
        "doc_1_received": "on",
        "doc_1_originals": "1",
        "doc_1_copies": "0",
        "decision": "accept",
    }
    data.update(extra)
    return data


def test_chooser_lists_published_procedures(as_user):
    response = as_user("desk").get("/desk/tiep-nhan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2.000004"' in html and 'value="1.001193"' in html
    assert "Bước 1/2: chọn thủ tục hành chính." in html


def test_search_with_one_match_goes_to_the_form(as_user):
    response = as_user("desk").get("/desk/tiep-nhan/?q=khuyen+mai")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_unknown_procedure_code_is_404(as_user):
    response = as_user("desk").get("/desk/tiep-nhan/?thu-tuc=9.999999")
    assert response.status_code == 404
    assert "9.999999" in response.content.decode()


def test_form_shows_the_versions_checklist(as_user):
    response = as_user("desk").get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)" in html
    assert 'name="doc_1_received"' in html and 'name="doc_2_copies"' in html
    assert 'name="uploads"' in html and "multiple" in html
    assert 'value="accept"' in html and 'value="request_completion"' in html
    assert 'value="refuse"' in html


def test_accept_creates_the_dossier_and_shows_the_receipt(orm, as_user, users):
    client = as_user("desk")
    upload = SimpleUploadedFile("don.pdf", PDF_BYTES, content_type="application/pdf")
    with at_time(MONDAY):
        response = client.post(URL, {**_org(), "uploads": [upload]})
    d = orm.Dossier.objects.get()
    assert (d.status, d.code) == ("received", "H11.01.01-260302-0001")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/ho-so/{d.code}/giay-tiep-nhan/"
    assert d.created_by == users["desk"]
    assert [doc.name for doc in d.documents.all()] == ["don.pdf"]
    assert [(r["position"], r["received"]) for r in d.checklist] == [(1, True), (2, True)]
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "H11.01.01-260302-0001" in html
    assert "Công ty TNHH Thương mại Mường Thanh" in html
    assert "0100109106" in html
    assert "Thể lệ chương trình khuyến mại (Mẫu số 03)" in html
    assert "9 giờ 00 phút, ngày 02/03/2026" in html  # received
    assert "9 giờ 00 phút, ngày 09/03/2026" in html  # appointment (5 working days)
    assert "5 ngày làm việc" in html
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in html
    # The print button's script is a static file (no inline script: docs/adr/0037).
    assert '<script src="/static/js/print.js">' in html and "<noscript>" in html


def test_bad_id_number_redisplays_the_form_and_creates_nothing(orm, as_user):
    client = as_user("desk")
    with at_time(MONDAY):
        response = client.post(BIRTH_URL, _person(id_number="0110950012"))
    assert response.status_code == 400
    html = response.content.decode()
    assert orm.Dossier.objects.count() == 0
    assert html.count("Số định danh cá nhân gồm đúng 12 chữ số.") == 2  # summary + field
    # The error summary links to the field, and the message sits beside it.
    assert 'href="#id_id_number"' in html
    assert 'id="id_id_number-error"' in html
    assert 'aria-invalid="true"' in html
    # What was typed is kept.
    assert 'value="Lò Văn Minh"' in html
    assert 'value="0110950012"' in html
    assert 'value="17/05/1995"' in html
    assert 'value="Bản Phăng, xã Mường Phăng"' in html


def test_bad_date_of_birth_is_a_form_error(orm, as_user):
    with at_time(MONDAY):
        response = as_user("desk").post(BIRTH_URL, _person(date_of_birth="31/02/1995"))
    assert response.status_code == 400
    assert 'href="#id_date_of_birth"' in response.content.decode()
    assert orm.Dossier.objects.count() == 0


def test_accept_without_mandatory_documents_points_to_the_checklist(orm, as_user):
    data = _org()
    del data["doc_2_received"]
    with at_time(MONDAY):
        response = as_user("desk").post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_doc_1_received"' in html
    assert "Thể lệ chương trình khuyến mại (Mẫu số 03)" in html
    assert orm.Dossier.objects.count() == 0


def test_a_file_that_is_not_pdf_jpeg_png_is_refused(orm, as_user):
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf")
    with at_time(MONDAY):
        response = as_user("desk").post(URL, {**_org(), "uploads": [upload]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_uploads"' in html and "virus.exe" in html
    assert orm.Dossier.objects.count() == 0


def test_request_completion_shows_form_02(orm, as_user):
    data = _org(decision="request_completion", missing="Giấy chứng nhận chất lượng hàng hóa")
    del data["doc_2_received"]
    client = as_user("desk")
    with at_time(MONDAY):
        response = client.post(URL, data)
    d = orm.Dossier.objects.get()
    assert (d.status, d.code) == ("completion_requested", None)
    assert response["Location"] == f"/desk/ho-so/%23{d.pk}/phieu-bo-sung/"
    with at_time(MONDAY):
        page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in html
    assert "Thể lệ chương trình khuyến mại (Mẫu số 03)" in html
    assert "Giấy chứng nhận chất lượng hàng hóa" in html
    assert "ngày 02 tháng 03 năm 2026" in html


def test_request_completion_needs_what_is_missing(orm, as_user):
    with at_time(MONDAY):
        response = as_user("desk").post(URL, _org(decision="request_completion"))
    assert response.status_code == 400
    assert 'href="#id_missing"' in response.content.decode()
    assert orm.Dossier.objects.count() == 0


def test_refuse_shows_form_03(orm, as_user):
    client = as_user("desk")
    with at_time(MONDAY):
        response = client.post(URL, _org(decision="refuse", reason="Không thuộc thẩm quyền"))
    d = orm.Dossier.objects.get()
    assert d.status == "refused"
    assert response["Location"] == f"/desk/ho-so/%23{d.pk}/phieu-tu-choi/"
    with at_time(MONDAY):
        html = client.get(response["Location"]).content.decode()
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in html
    assert "Không thuộc thẩm quyền" in html


def test_refuse_needs_a_reason(orm, as_user):
    with at_time(MONDAY):
        response = as_user("desk").post(URL, _org(decision="refuse"))
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    assert orm.Dossier.objects.count() == 0


def test_person_for_a_commune_procedure_goes_to_that_commune(orm, as_user, agencies):
    client = as_user("desk")
    with at_time(MONDAY):
        response = client.post(BIRTH_URL, _person())
    d = orm.Dossier.objects.get()
    assert response.status_code == 302
    assert d.deciding_agency == agencies["commune"]
    assert (d.applicant_name, d.id_number) == ("Lò Văn Minh", "011095001234")


def test_a_specialist_cannot_receive(orm, as_user):
    with at_time(MONDAY):
        response = as_user("cv").post(URL, _org())
    assert response.status_code == 403
    assert orm.Dossier.objects.count() == 0


def test_procedure_without_published_documents_takes_a_free_list(as_user, promotion_raw):
    import json

    from motcua.catalog.api import catalog_import

    raw = dict(
        promotion_raw,
        code="2.000099",
        name="Thủ tục chưa công bố thành phần hồ sơ",
        documents=[],
        documents_known=False,
    )
    content = json.dumps({"format": "motcua.catalog/1", "procedures": [raw]}, ensure_ascii=False)
    catalog_import(content=content.encode(), filename="x.json", actor=None)
    client = as_user("desk")
    url = "/desk/tiep-nhan/?thu-tuc=2.000099"
    page = client.get(url).content.decode()
    assert 'name="documents_text"' in page and 'name="doc_1_received"' not in page
    data = {k: v for k, v in _org().items() if not k.startswith("doc_")}
    data["documents_text"] = "Đơn đăng ký\nThể lệ chương trình"
    with at_time(MONDAY):
        response = client.post(url, data)
    assert response.status_code == 302
    with at_time(MONDAY):
        receipt = client.get(response["Location"]).content.decode()
    assert "<li>Đơn đăng ký</li>" in receipt and "<li>Thể lệ chương trình</li>" in receipt
