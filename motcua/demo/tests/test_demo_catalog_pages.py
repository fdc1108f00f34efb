"""The demo catalog reads as one province's (issue 17, item 16): the public pages and the public
API show no other province's name, no source URL, no "unknown field", and the home page lists
every field; catalog editors still see the source note in the admin."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from vietnam_provinces import Province

from motcua.demo.loader import CATALOG_FILE, DIEN_BIEN

OTHER_PROVINCES = sorted(
    p.name.removeprefix("Thành phố ") for p in Province.iter_all() if p.code.value != DIEN_BIEN
)
NAMES_ANOTHER_PROVINCE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(n) for n in OTHER_PROVINCES) + r")(?!\w)"
)


def _foreign(text: str) -> list[str]:
    """What in `text` belongs to another province or to the catalog's sources."""
    found = [m.group(1) for m in NAMES_ANOTHER_PROVINCE.finditer(text)]
    found += re.findall(r"https?://\S{0,40}", text)
    found += [w for w in ("github", "bản crawl", "Chưa xác định") if w in text]
    return found


@pytest.fixture
def demo_catalog(db: Any) -> list[str]:
    """Điện Biên's agencies and the demo catalog, loaded as `make run` loads them; the codes."""
    from motcua.accounts.api import province_import
    from motcua.catalog.api import catalog_import

    province_import(province_code=DIEN_BIEN, eid="H11")
    catalog_import(content=CATALOG_FILE.read_bytes(), filename=CATALOG_FILE.name, actor=None)
    raw = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    return [p["code"] for p in raw["procedures"]]


def test_the_province_list_is_the_33_others():
    assert len(OTHER_PROVINCES) == 33
    assert {"Đắk Lắk", "Gia Lai", "Lâm Đồng", "Đồng Nai", "Hà Nội", "Huế"} <= set(OTHER_PROVINCES)
    assert _foreign("Thủ tục thuế") == []  # "Huế" only as a word
    assert _foreign("Lệ phí - Gia Lai, xem https://x.vn") == ["Gia Lai", "https://x.vn"]


def test_public_pages_and_api_show_only_this_province(client, demo_catalog):
    assert len(demo_catalog) == 53
    pages = ["/", "/thu-tuc/", "/thu-tuc/?trang=2", "/thu-tuc/?trang=3", "/linh-vuc/", "/co-quan/"]
    for url in pages + [f"/thu-tuc/{code}/" for code in demo_catalog]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _foreign(response.content.decode()) == [], url
    for code in demo_catalog:
        response = client.get(f"/api/v1/procedures/{code}")
        assert response.status_code == 200, code
        body = response.json()
        assert "source" not in body, code
        assert _foreign(json.dumps(body, ensure_ascii=False)) == [], code
    listing = client.get("/api/v1/procedures", {"limit": 200}).json()
    assert listing["count"] == 53
    assert _foreign(json.dumps(listing, ensure_ascii=False)) == []


def test_the_building_permit_lists_no_other_province_fee(client, demo_catalog):
    body = client.get("/api/v1/procedures/1.013225").json()
    assert body["fees_known"] is False and body["fees"] == []
    html = client.get("/thu-tuc/1.013225/").content.decode()
    assert "Phí, lệ phí của thủ tục này chưa được công bố. Vui lòng hỏi Bộ phận Một cửa." in html


def test_business_registration_has_its_field(client, demo_catalog):
    for code in ("DB.000004", "DB.000005"):
        body = client.get(f"/api/v1/procedures/{code}").json()
        assert body["field"] == "Thành lập và hoạt động doanh nghiệp", code


def test_home_lists_every_field_that_has_procedures(client, demo_catalog):
    from motcua.catalog.api import field_list_with_counts

    fields = list(field_list_with_counts())
    assert len(fields) == 23
    assert sum(f.procedure_count for f in fields) == 53
    html = client.get("/").content.decode()
    listed = re.findall(
        r'href="/thu-tuc/\?linh-vuc=([^"]+)">([^<]+) <span class="count">\((\d+)\)', html
    )
    assert listed == [(f.code, f.name, str(f.procedure_count)) for f in fields]
    assert "23 lĩnh vực" in html


def test_fields_are_listed_in_the_order_of_the_procedure_list(client, demo_catalog):
    """Accent-insensitive, like the procedures (ADR 0006): not by code point, where every
    name starting with Đ came after Z."""
    html = client.get("/linh-vuc/").content.decode()
    names = re.findall(r'href="/thu-tuc/\?linh-vuc=[^"]+">([^<]+)</a>', html)
    assert names[:3] == ["Báo chí, xuất bản", "Bảo trợ xã hội", "Chứng thực"]
    assert [n for n in names if n[0] in "DĐ"] == [
        "Dân số, Bà mẹ - Trẻ em",
        "Đất đai",
        "Đấu thầu",
        "Di sản văn hóa",
        "Điện lực",
        "Dược phẩm",
    ]


def test_editors_see_the_source_note_in_the_admin(client, demo_catalog, django_user_model):
    from motcua.catalog.api import procedure_get_current
    from motcua.demo.loader import _admin_group

    version = procedure_get_current(code="1.013225")
    assert version is not None
    assert version.source.startswith("https://thuvienphapluat.vn/van-ban/")
    assert "github" not in version.source and "bản crawl" not in version.source
    assert "Đắk Lắk" in version.notes  # the left-out fees, for the editors
    editor = django_user_model.objects.create_user(username="editor", is_staff=True)
    editor.groups.add(_admin_group())
    client.force_login(editor)
    html = client.get(f"/admin/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert "https://thuvienphapluat.vn/van-ban/Bo-may-hanh-chinh/Quyet-dinh-2806" in html
    assert "Ghi chú nội bộ cho người biên tập danh mục" in html
    # The published version shows what an editor knows, in Vietnamese: not the search index.
    assert "Search text" not in html and "Sort key" not in html and "Created at" not in html
    assert "(Đã công bố)" in html  # the version's name, not "(published)"
    assert "Cá nhân, Tổ chức, doanh nghiệp" in html and '["person"' not in html
    assert "Procedure:" not in html and "Published by:" not in html
    listing = client.get("/admin/catalog/procedure/").content.decode()
    assert "Thời điểm tạo" in listing and "Created at" not in listing
