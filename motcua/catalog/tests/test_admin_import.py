import json

import pytest

from motcua.catalog.models import Procedure


@pytest.fixture
def admin_client(client, django_user_model, agencies):
    user = django_user_model.objects.create_superuser(username="quantri", password="pw-12345-x")
    client.force_login(user)
    return client


def _upload(raw_list):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = json.dumps(
        {"format": "motcua.catalog/1", "procedures": raw_list}, ensure_ascii=False
    ).encode()
    return SimpleUploadedFile("catalog.json", content, content_type="application/json")


def test_import_page_lists_every_error_and_imports_nothing(admin_client, promotion_raw):
    promotion_raw["processing_time"]["unit"] = "weeks"
    response = admin_client.post(
        "/admin/catalog/procedureversion/import/", {"file": _upload([promotion_raw])}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "thủ tục thứ 1 (2.000004): processing_time.unit" in html
    assert "“weeks” không thuộc các giá trị" in html
    assert Procedure.objects.count() == 0


def test_import_page_imports(admin_client, promotion_raw):
    response = admin_client.post(
        "/admin/catalog/procedureversion/import/", {"file": _upload([promotion_raw])}
    )
    assert response.status_code == 200
    assert "Đã nhập: 1 mới, 0 cập nhật, 0 không đổi." in response.content.decode()
    assert Procedure.objects.get().code == "2.000004"


def test_export_download(admin_client, catalog):
    response = admin_client.get("/admin/catalog/procedureversion/export/json/")
    assert response.status_code == 200
    assert [p["code"] for p in json.loads(response.content)["procedures"]] == [
        "1.001193",
        "2.000004",
    ]


def test_import_needs_staff(client, django_user_model, db):
    user = django_user_model.objects.create_user(username="congdan", password="pw-12345-x")
    client.force_login(user)
    response = client.get("/admin/catalog/procedureversion/import/")
    assert response.status_code == 302
