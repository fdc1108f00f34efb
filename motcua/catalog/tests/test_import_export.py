import io
import json

import pytest
from openpyxl import load_workbook

from motcua.catalog.api import catalog_export, catalog_import, procedure_get_current
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import ValidationFailed


def _json(*procs):
    return json.dumps(
        {"format": "motcua.catalog/1", "procedures": list(procs)}, ensure_ascii=False
    ).encode()


def test_import_creates_and_publishes(agencies, promotion_raw, birth_raw):
    report = catalog_import(content=_json(promotion_raw, birth_raw), filename="a.json", actor=None)
    assert sorted(report.created) == ["1.001193", "2.000004"]
    assert procedure_get_current(code="2.000004").number == 1


def test_importing_the_same_file_twice_changes_nothing(agencies, promotion_raw):
    catalog_import(content=_json(promotion_raw), filename="a.json", actor=None)
    report = catalog_import(content=_json(promotion_raw), filename="a.json", actor=None)
    assert report.unchanged == ["2.000004"]
    assert ProcedureVersion.objects.count() == 1


def test_a_changed_procedure_gets_a_new_version(agencies, promotion_raw):
    catalog_import(content=_json(promotion_raw), filename="a.json", actor=None)
    promotion_raw["documents"].append(
        {"name": "Mẫu bằng chứng trúng thưởng", "originals": 1, "copies": 0}
    )
    report = catalog_import(content=_json(promotion_raw), filename="a.json", actor=None)
    assert report.updated == ["2.000004"]
    current = procedure_get_current(code="2.000004")
    assert current.number == 2 and current.documents.count() == 3


def test_one_bad_row_imports_nothing_and_names_row_and_column(agencies, promotion_raw, birth_raw):
    birth_raw["processing_time"] = {"amount": "2", "unit": "fortnights"}
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(content=_json(promotion_raw, birth_raw), filename="a.json", actor=None)
    assert "Nothing was imported" in exc.value.message
    assert "procedure 2 (1.001193): processing_time.unit" in exc.value.field_errors
    assert Procedure.objects.count() == 0


def test_duplicate_codes_are_refused(agencies, promotion_raw):
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(content=_json(promotion_raw, promotion_raw), filename="a.json", actor=None)
    assert exc.value.field_errors["procedure 2 (2.000004): code"][0].startswith(
        "The code 2.000004 appears twice"
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"{not json", "a.json", "The file is not valid JSON"),
        (b"hello", "a.csv", "Unsupported file type"),
        (b"PK\x03\x04broken", "a.xlsx", "not a readable Excel workbook"),
        (b'{"format": "other/9", "procedures": []}', "a.json", "Unknown format"),
        (b'{"procedures": []}', "a.json", "contains no procedure"),
    ],
)
def test_unreadable_files_are_refused_clearly(agencies, content, filename, message):
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(content=content, filename=filename, actor=None)
    assert message in exc.value.message + " ".join(
        m for ms in exc.value.field_errors.values() for m in ms
    )


def test_json_export_round_trips(catalog):
    exported = catalog_export(fmt="json")
    doc = json.loads(exported)
    assert doc["format"] == "motcua.catalog/1"
    assert [p["code"] for p in doc["procedures"]] == ["1.001193", "2.000004"]
    report = catalog_import(content=exported, filename="x.json", actor=None)
    assert sorted(report.unchanged) == ["1.001193", "2.000004"]


def test_excel_export_round_trips(catalog):
    exported = catalog_export(fmt="xlsx")
    wb = load_workbook(io.BytesIO(exported))
    assert wb.sheetnames == ["procedures", "documents", "fees", "steps", "form_fields"]
    assert wb["steps"].max_row == 1 + 8
    report = catalog_import(content=exported, filename="x.xlsx", actor=None)
    assert sorted(report.unchanged) == ["1.001193", "2.000004"]


def test_excel_errors_name_sheet_row_and_column(catalog):
    wb = load_workbook(io.BytesIO(catalog_export(fmt="xlsx")))
    steps = wb["steps"]
    steps["F3"] = "abc"  # the second step row of the first procedure: budget_hours
    procs = wb["procedures"]
    procs["H2"] = "weeks"  # unit of the first procedure
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(content=buffer.getvalue(), filename="x.xlsx", actor=None)
    errors = exc.value.field_errors
    assert "sheet steps, row 3, column budget_hours" in errors
    assert "sheet procedures, row 2, column unit" in errors
    assert ProcedureVersion.objects.filter(status="draft").count() == 0


def test_errors_are_in_vietnamese_by_default(agencies, promotion_raw):
    from django.utils import translation

    promotion_raw["steps"][1]["budget_hours"] = "20"
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        catalog_import(content=_json(promotion_raw), filename="a.json", actor=None)
    assert exc.value.message == "Không nhập dữ liệu: phát hiện 1 lỗi. Chưa có gì được nhập."
    assert exc.value.field_errors == {
        "thủ tục thứ 1 (2.000004): steps": [
            "Tổng thời gian các bước là 32 giờ làm việc, nhưng thời hạn quy định là 40 giờ "
            "làm việc."
        ]
    }
