"""tools/build_demo_catalog.py keeps the demo catalog one province's (issue 17, item 16): other
provinces' fees, acts and remarks go to the editors' notes, crawl notes leave the source, every
procedure has a real field; its self-check refuses public text naming another province."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _load_builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_demo_catalog", ROOT / "tools" / "build_demo_catalog.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


b = _load_builder()
DEMO = json.loads((ROOT / "motcua" / "catalog" / "demo" / "procedures.json").read_text("utf-8"))


def test_other_province_is_a_whole_name():
    assert b.other_province("Lệ phí - Gia Lai (cũ)") == "Gia Lai"
    assert b.other_province("NQ 09/2025/NQ-HĐND Đắk Lắk") == "Đắk Lắk"
    assert b.other_province("Thừa Thiên Huế (nay là thành phố Huế)") == "Huế"
    assert b.other_province("chưa bao gồm thuế GTGT") is None
    assert b.other_province("UBND tỉnh Điện Biên; Phường Điện Biên Phủ") is None


def test_fees_of_other_provinces_go_to_the_notes():
    known, fees, notes = b.map_fees(
        [
            {"name": "Lệ phí cấp GPXD - Gia Lai", "amount_vnd": 70000, "note": "đồng/giấy phép"},
            {"name": "Phí thẩm định", "amount_vnd": 150000, "note": ""},
        ]
    )
    assert known is True
    assert fees == [{"name": "Phí thẩm định", "kind": "fee", "amount_vnd": 150000, "case": ""}]
    assert notes == [
        "Phí, lệ phí của tỉnh khác trong nguồn, không đưa vào danh mục: "
        "Lệ phí cấp GPXD - Gia Lai: 70.000 đồng (đồng/giấy phép)."
    ]


def test_only_other_provinces_fees_means_the_fee_is_not_known():
    known, fees, notes = b.map_fees(
        [{"name": "Lệ phí - Lâm Đồng", "amount_vnd": 0, "note": "NQ 51/2025/NQ-HĐND Lâm Đồng"}]
    )
    assert (known, fees) == (False, [])
    assert notes[-1] == "Mức phí, lệ phí của Điện Biên: nguồn không nêu."
    assert b.map_fees(None) == (False, [], [])
    assert b.map_fees([]) == (True, [], [])


def test_processing_note_and_legal_basis_lose_other_provinces_text():
    note, notes = b.local_processing_note(
        "05 ngày làm việc kể từ ngày nhận hồ sơ hợp lệ (Đồng Nai đề xuất giảm còn 03 ngày làm việc)"
    )
    assert note == "05 ngày làm việc kể từ ngày nhận hồ sơ hợp lệ"
    assert notes == [
        "Ghi chú thời hạn của tỉnh nguồn, không đưa vào danh mục: "
        "(Đồng Nai đề xuất giảm còn 03 ngày làm việc)."
    ]
    kept, notes = b.local_legal_basis(
        ["Luật Đất đai 2024", "Quyết định 138/2025/QĐ-UBND Đồng Tháp"]
    )
    assert kept == ["Luật Đất đai 2024"]
    assert notes == [
        "Văn bản của tỉnh khác trong nguồn, không phải căn cứ tại Điện Biên: "
        "Quyết định 138/2025/QĐ-UBND Đồng Tháp."
    ]


def test_a_procedure_without_field_gets_the_curated_one_or_is_left_out():
    assert b.map_field(
        {"id": 12, "name": "Đăng ký thành lập doanh nghiệp tư nhân", "field": None}
    ) == ("Thành lập và hoạt động doanh nghiệp", "")
    assert b.map_field({"id": 99, "name": "Thủ tục X", "field": None}) == (
        None,
        "the source gives no field (lĩnh vực) and none is curated",
    )
    with pytest.raises(SystemExit):  # the curated record changed in the source
        b.map_field({"id": 12, "name": "Thủ tục khác", "field": None})


def test_the_self_check_refuses_public_text_of_another_province():
    procedure = copy.deepcopy(next(p for p in DEMO["procedures"] if p["code"] == "1.013225"))
    assert b.check([procedure]) == []
    procedure["fees"] = [
        {"name": "Lệ phí - Đắk Lắk", "kind": "charge", "amount_vnd": 75000, "case": ""}
    ]
    procedure["fees_known"] = True
    procedure["source"] += " (bản crawl: github.com/x/y: a.md)"
    assert b.check([procedure]) == [
        "1.013225: public text names Đắk Lắk: Lệ phí - Đắk Lắk",
        "1.013225: crawl note in the source",
    ]


def test_the_committed_demo_catalog_passes_the_self_check():
    assert b.check(DEMO["procedures"]) == []
    assert {p["field"] for p in DEMO["procedures"]} >= {"Thành lập và hoạt động doanh nghiệp"}
    assert not any(p["field"].startswith("Chưa xác định") for p in DEMO["procedures"])


@pytest.mark.skipif(not b.DEFAULT_SOURCE.exists(), reason="the collected source is not here")
def test_the_committed_demo_catalog_is_the_build_of_the_source():
    assert b.main(["--check"]) == 0
