"""Online submission (issue 17, items 10, 14 and 17): numbers of the procedure's form are
quantities — a negative or fractional copy count is refused with an example that fits; a
radio left empty says "choose"; "Choose…" is not an agency; the review step shows dates as
dd/mm/yyyy, the agency that decides and the fees. Refused steps save nothing."""

# ruff: noqa: F811 - world, media_on_disk are fixtures imported from the dossier tests
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from motcua.dossiers.tests.conftest import media_on_disk, online_world, world  # noqa: F401

PDF = b"%PDF-1.4\n% test\n" + b"0" * 64
FIELDS = [
    {
        "name": "copies",
        "label": "Số bản sao",
        "type": "number",
        "required": True,
        "integer": True,
        "max": 99,
    },
    {"name": "area", "label": "Diện tích (m²)", "type": "number"},
    {
        "name": "language",
        "label": "Ngôn ngữ",
        "type": "choice",
        "choices": ["Tiếng Việt", "Tiếng nước ngoài"],
        "required": True,
    },
]
PERSON = {
    "kind": "person",
    "full_name": "Lò Văn Minh",
    "id_number": "011095001234",
    "date_of_birth": "1995-05-17",
    "phone": "0912345678",
    "address": "Tổ 5, phường Điện Biên Phủ",
}


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def site(world: dict[str, Any], media_on_disk: Any, monkeypatch: Any) -> dict[str, Any]:
    """The promotion procedure republished for people and organisations, handled by two
    departments, with a fee and the form fields above."""
    from conftest import PROMOTION
    from motcua.catalog.api import catalog_import
    from motcua.portal import views_submit

    online_world(world, form_fields=FIELDS)
    raw = copy.deepcopy(PROMOTION)
    raw.update(
        form_fields=FIELDS,
        applicant_kinds=["person", "organisation"],
        agencies=["H11.05", "H11.07"],
        fees_known=True,
        fees=[
            {"name": "Phí thẩm định", "kind": "fee", "amount_vnd": 500000},
            {
                "name": "Lệ phí cấp bản sao",
                "kind": "charge",
                "amount_vnd": None,
                "case": "2.000 đồng/trang",
            },
        ],
    )
    catalog_import(
        content=json.dumps({"procedures": [raw]}, ensure_ascii=False).encode(),
        filename="c.json",
        actor=None,
    )
    monkeypatch.setattr(views_submit, "_is_verified", lambda user: True)
    return world


def _start(orm, client: Any) -> str:
    assert client.post("/nop-truc-tuyen/2.000004/").status_code == 302
    return f"/ho-so-nhap/{orm.OnlineDraft.objects.get().pk}/"


def _draft(orm) -> Any:
    return orm.OnlineDraft.objects.get()


def _error(html: str, field_id: str) -> str:
    return html.split(f'id="{field_id}-error', 1)[1].split(">", 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "“Số bản sao” không được nhỏ hơn 0."),
        ("1,5", "“Số bản sao” phải là số nguyên, ví dụ 1."),
        ("hai", "“Số bản sao” phải là số nguyên, ví dụ 1."),
        ("1500000", "“Số bản sao” tối đa là 99."),
    ],
)
def test_a_copy_count_that_is_not_a_small_whole_number_is_refused(
    orm, client, site, typed, message
):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    response = client.post(base + "thong-tin/", {"copies": typed, "language": "Tiếng Việt"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _error(html, "f-form-copies") == message
    assert f'value="{typed}"' in html  # kept
    assert 'inputmode="numeric"' in html
    assert "1500000" not in message
    draft = _draft(orm)
    assert (draft.form_data, draft.step) == ({}, "applicant")  # nothing saved


def test_a_negative_area_and_an_empty_radio_are_refused_with_fitting_words(orm, client, site):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    response = client.post(base + "thong-tin/", {"copies": "2", "area": "-3", "language": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert _error(html, "f-form-area") == "“Diện tích (m²)” không được nhỏ hơn 0."
    assert _error(html, "f-form-language") == "Vui lòng chọn “Ngôn ngữ”."
    response = client.post(base + "thong-tin/", {"copies": "2", "area": "ba", "language": ""})
    assert _error(response.content.decode(), "f-form-area") == (
        "“Diện tích (m²)” phải là một số, ví dụ 120 hoặc 2,5."
    )
    assert _draft(orm).form_data == {}


def test_good_numbers_are_kept(orm, client, site):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    response = client.post(
        base + "thong-tin/", {"copies": "2", "area": "1.250,5", "language": "Tiếng Việt"}
    )
    assert response.status_code == 302
    assert _draft(orm).form_data == {"copies": "2", "area": "1250.5", "language": "Tiếng Việt"}


def test_choose_is_not_an_agency(orm, client, site):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    page = client.get(base + "nguoi-nop/").content.decode()
    assert '<option value="">Chọn…</option>' in page
    response = client.post(base + "nguoi-nop/", dict(PERSON, agency=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert _error(html, "f-applicant-agency") == "Vui lòng chọn cơ quan giải quyết hồ sơ của bạn."
    assert 'href="#f-applicant-agency"' in html
    assert _draft(orm).step == "applicant"
    response = client.post(base + "nguoi-nop/", dict(PERSON, agency="H11.07"))
    assert response.status_code == 302
    assert _draft(orm).applicant["agency"] == "H11.07"


def _fill(client: Any, base: str) -> None:
    assert client.post(base + "nguoi-nop/", dict(PERSON, agency="H11.07")).status_code == 302
    response = client.post(base + "thong-tin/", {"copies": "2", "language": "Tiếng Việt"})
    assert response.status_code == 302
    for position in ("1", "2"):
        response = client.post(
            base + "giay-to/",
            {
                "upload": position,
                f"file-{position}": SimpleUploadedFile(f"tep {position}.pdf", PDF),
            },
        )
        assert response.status_code == 302
    assert client.post(base + "nhan-ket-qua/", {"delivery": "desk"}).status_code == 302


def test_review_shows_dates_as_dd_mm_yyyy_the_deciding_agency_and_the_fees(orm, client, site):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    _fill(client, base)
    html = client.get(base + "xem-lai/").content.decode()
    assert "<dd>17/05/1995</dd>" in html
    assert "1995-05-17" not in html
    agency = html.split('id="r-agency"', 1)[1].split("</section>", 1)[0]
    assert "<p>Sở Xây dựng</p>" in agency
    fees = html.split('id="r-fees"', 1)[1].split("</section>", 1)[0]
    assert "<li>Phí thẩm định: 500.000 đ</li>" in fees
    assert "<li>Lệ phí cấp bản sao: 2.000 đồng/trang</li>" in fees


def test_review_of_a_procedure_with_unpublished_fees_says_so(orm, client, site):
    client.force_login(site["citizen"])
    base = _start(orm, client)
    _fill(client, base)
    version = orm.OnlineDraft.objects.get().procedure_version
    version.fees.all().delete()
    type(version).objects.filter(pk=version.pk).update(fees_known=False)
    html = client.get(base + "xem-lai/").content.decode()
    fees = html.split('id="r-fees"', 1)[1].split("</section>", 1)[0]
    assert "Phí, lệ phí của thủ tục này chưa được công bố." in fees
