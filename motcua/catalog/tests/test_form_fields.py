"""Procedure-specific online form fields: declared on the version, validated by specs.py on
import and publishing, exported and imported (JSON and Excel), values checked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from motcua.catalog.api import (
    catalog_export,
    catalog_import,
    form_data_clean,
    procedure_get_current,
)
from motcua.catalog.specs import procedure_spec_parse
from motcua.core.errors import ValidationFailed

FIELDS = [
    {"name": "child_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text", "required": True},
    {"name": "child_dob", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    {
        "name": "sex",
        "label": "Giới tính",
        "type": "choice",
        "choices": ["Nam", "Nữ"],
        "required": True,
    },
    {"name": "note", "label": "Ghi chú", "type": "textarea", "max_length": 300},
    {"name": "weight", "label": "Cân nặng (gram)", "type": "number"},
    {"name": "sworn", "label": "Tôi cam đoan", "type": "checkbox", "required": True},
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _parse(raw: dict[str, Any], fields: Any) -> tuple[Any, dict[str, list[str]]]:
    raw = dict(raw, form_fields=fields)
    return procedure_spec_parse(raw, agency_codes={"*communes"})


def test_fields_are_parsed_with_defaults(birth_raw):
    spec, errors = _parse(birth_raw, FIELDS)
    assert errors == {}
    assert [f.name for f in spec.form_fields] == [f["name"] for f in FIELDS]
    assert spec.form_fields[0].max_length == 255  # text default
    assert spec.form_fields[3].max_length == 300
    assert spec.form_fields[2].choices == ("Nam", "Nữ")
    assert spec.form_fields[1].max_length is None


def test_every_mistake_is_named(birth_raw):
    bad = [
        {"name": "Child Name", "label": "x"},
        {"name": "a", "label": "", "type": "colour"},
        {"name": "a", "label": "dup"},
        {"name": "c", "label": "one choice", "type": "choice", "choices": ["Có"]},
        {"name": "d", "label": "choices on text", "choices": ["x", "y"]},
        {"name": "e", "label": "length on a date", "type": "date", "max_length": 10},
        "not an object",
    ]
    _spec, errors = _parse(birth_raw, bad)
    assert set(errors) == {
        "form_fields[1].name",
        "form_fields[2].label",
        "form_fields[2].type",
        "form_fields[3].name",
        "form_fields[4].choices",
        "form_fields[5].choices",
        "form_fields[6].max_length",
        "form_fields[7]",
    }
    assert errors["form_fields[3].name"] == ["The field name “a” is used twice."]


def test_json_and_excel_round_trip(agencies, birth_raw):
    birth_raw["form_fields"] = FIELDS
    doc = {"format": "motcua.catalog/1", "procedures": [birth_raw]}
    catalog_import(content=json.dumps(doc).encode(), filename="c.json", actor=None)
    version = procedure_get_current(code="1.001193")
    assert [f["name"] for f in version.form_fields] == [f["name"] for f in FIELDS]
    exported = json.loads(catalog_export(fmt="json"))
    assert exported["procedures"][0]["form_fields"] == version.form_fields
    # Importing the export again changes nothing (JSON and Excel).
    report = catalog_import(content=catalog_export(fmt="json"), filename="c.json", actor=None)
    assert report.unchanged == ["1.001193"]
    report = catalog_import(content=catalog_export(fmt="xlsx"), filename="c.xlsx", actor=None)
    assert report.unchanged == ["1.001193"]


def test_import_refuses_bad_fields_and_names_the_place(agencies, birth_raw):
    birth_raw["form_fields"] = [{"name": "x", "label": "X", "type": "choice"}]
    doc = {"procedures": [birth_raw]}
    with pytest.raises(ValidationFailed) as exc:
        catalog_import(content=json.dumps(doc).encode(), filename="c.json", actor=None)
    assert list(exc.value.field_errors) == ["procedure 1 (1.001193): form_fields[1].choices"]


def test_values_are_cleaned_and_each_problem_named():
    cleaned, errors = form_data_clean(
        fields=FIELDS,
        values={
            "child_name": " Lò  Thị\x00 Mai ",
            "child_dob": "2026-03-01",
            "sex": "Nữ",
            "note": "x" * 301,
            "weight": "3.200",
            "sworn": "on",
            "unknown": "dropped",
        },
    )
    assert errors == {"form.note": ["“Ghi chú” has at most 300 characters (you typed 301)."]}
    assert cleaned["child_name"] == "Lò Thị Mai"
    assert cleaned["child_dob"] == "2026-03-01"
    assert cleaned["weight"] == "3200"
    assert cleaned["sworn"] is True
    assert "unknown" not in cleaned
    _cleaned, errors = form_data_clean(
        fields=FIELDS, values={"child_dob": "30/02/2026", "sex": "Khác", "weight": "nặng"}
    )
    assert set(errors) == {
        "form.child_name",
        "form.child_dob",
        "form.sex",
        "form.weight",
        "form.sworn",
    }


def test_demo_catalog_declares_valid_online_forms():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "demo" / "procedures.json"
    procedures = json.loads(path.read_text(encoding="utf-8"))["procedures"]
    agencies = {a for p in procedures for a in p["agencies"]} | {
        s["agency"] for p in procedures for s in p["steps"] if s["agency"]
    }
    with_fields = [p for p in procedures if p.get("form_fields")]
    assert len(with_fields) >= 4
    for p in with_fields:
        assert p["online_level"] in ("full", "partial"), p["code"]
        spec, errors = procedure_spec_parse(p, agency_codes=agencies)
        assert errors == {}, p["code"]
        assert spec.form_fields
    online = [p for p in procedures if p["online_level"] in ("full", "partial")]
    assert len(online) >= 10
    birth = next(p for p in procedures if p["code"] == "1.001193")
    assert birth["online_level"] == "full"
    assert [f["name"] for f in birth["form_fields"]][:2] == [
        "child_full_name",
        "child_date_of_birth",
    ]
