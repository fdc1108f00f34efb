"""Numbers of a procedure's online form are quantities (issue 17, items 10 and 17): never
below 0, whole numbers when the field says `integer` (a copy count), at most `max`; the
messages give an example that fits (never "1500000" for a copy count) and a required choice
left empty says "choose". `integer` and `max` round-trip through JSON and Excel."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from motcua.catalog.api import (
    catalog_export,
    catalog_import,
    form_data_clean,
    procedure_get_current,
)
from motcua.catalog.specs import procedure_spec_parse

COPIES = {
    "name": "copies",
    "label": "Số bản sao",
    "type": "number",
    "required": True,
    "integer": True,
    "max": 99,
}
AREA = {"name": "area", "label": "Diện tích", "type": "number"}
LANGUAGE = {
    "name": "language",
    "label": "Ngôn ngữ",
    "type": "choice",
    "choices": ["Tiếng Việt", "Tiếng nước ngoài"],
    "required": True,
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _errors(values: dict[str, Any]) -> dict[str, list[str]]:
    return form_data_clean(fields=[COPIES, AREA, LANGUAGE], values=values)[1]


@pytest.mark.parametrize(
    ("copies", "message"),
    [
        ("-1", "“Số bản sao” cannot be less than 0."),
        ("1,5", "“Số bản sao” must be a whole number, e.g. 1."),
        ("hai", "“Số bản sao” must be a whole number, e.g. 1."),
        ("100", "“Số bản sao” is at most 99."),
        ("1.500.000", "“Số bản sao” is at most 99."),
    ],
)
def test_a_copy_count_is_a_small_whole_number(copies, message):
    assert _errors({"copies": copies, "language": "Tiếng Việt"}) == {"form.copies": [message]}


def test_other_numbers_are_never_negative_and_the_example_fits():
    assert _errors({"copies": "2", "area": "-0,5", "language": "Tiếng Việt"}) == {
        "form.area": ["“Diện tích” cannot be less than 0."]
    }
    assert _errors({"copies": "2", "area": "rộng", "language": "Tiếng Việt"}) == {
        "form.area": ["“Diện tích” must be a number, e.g. 120 or 2,5."]
    }
    cleaned, errors = form_data_clean(
        fields=[COPIES, AREA, LANGUAGE],
        values={"copies": "99", "area": "0", "language": "Tiếng Việt"},
    )
    assert errors == {}
    assert (cleaned["copies"], cleaned["area"]) == ("99", "0")


def test_a_required_choice_left_empty_says_choose():
    assert _errors({"copies": "1", "language": ""}) == {"form.language": ["Choose “Ngôn ngữ”."]}
    assert _errors({"language": "Tiếng Việt"}) == {"form.copies": ["Enter “Số bản sao”."]}


def test_the_vietnamese_words():
    with translation.override("vi"):
        errors = _errors({"copies": "-3", "language": ""})
    assert errors == {
        "form.copies": ["“Số bản sao” không được nhỏ hơn 0."],
        "form.language": ["Vui lòng chọn “Ngôn ngữ”."],
    }


def test_integer_and_max_belong_to_number_fields_only(birth_raw):
    fields = [
        COPIES,
        {"name": "x", "label": "X", "type": "text", "integer": True},
        {"name": "y", "label": "Y", "type": "number", "max": 0},
        {"name": "z", "label": "Z", "type": "number", "integer": "có"},
    ]
    spec, errors = procedure_spec_parse(
        dict(birth_raw, form_fields=fields), agency_codes={"*communes"}
    )
    assert errors == {
        "form_fields[2].integer": ["Only a number field has “integer” and “max”."],
        "form_fields[3].max": ["At least 1."],
    }
    good, errors = procedure_spec_parse(
        dict(birth_raw, form_fields=[COPIES, AREA]), agency_codes={"*communes"}
    )
    assert errors == {}
    assert [(f.integer, f.max) for f in good.form_fields] == [(True, 99), (False, None)]
    assert good.form_fields[0].as_raw()["max"] == 99
    assert "integer" not in good.form_fields[1].as_raw()  # only when set


def test_integer_and_max_round_trip_through_json_and_excel(agencies, birth_raw):
    birth_raw["form_fields"] = [COPIES, AREA, LANGUAGE]
    doc = {"format": "motcua.catalog/1", "procedures": [birth_raw]}
    catalog_import(content=json.dumps(doc).encode(), filename="c.json", actor=None)
    version = procedure_get_current(code="1.001193")
    assert (version.form_fields[0]["integer"], version.form_fields[0]["max"]) == (True, 99)
    xlsx = catalog_export(fmt="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx))["form_fields"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["integer", "max"]
    assert [c.value for c in sheet[2]][-2:] == [True, 99]
    report = catalog_import(content=xlsx, filename="c.xlsx", actor=None)
    assert report.unchanged == ["1.001193"]
    report = catalog_import(content=catalog_export(fmt="json"), filename="c.json", actor=None)
    assert report.unchanged == ["1.001193"]


def test_the_demo_copy_count_is_a_whole_number_up_to_99():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "demo" / "procedures.json"
    procedures = json.loads(path.read_text(encoding="utf-8"))["procedures"]
    copies = next(
        f
        for p in procedures
        if p["code"] == "2.000815"
        for f in p["form_fields"]
        if f["name"] == "copies"
    )
    assert (copies["integer"], copies["max"]) == (True, 99)
