"""Reading and writing the catalog exchange format: JSON and Excel (docs/catalog-format.md).

Reading yields raw rows plus a `locate` function that names, for any key path of a row, the
place in the file where a person finds it (JSON: procedure number and key; Excel: sheet, row
and column)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

FORMAT = "motcua.catalog/1"
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Row:
    data: dict[str, Any]
    locate: Callable[[str], str]


PROC_COLUMNS = [
    "code",
    "code_is_provisional",
    "name",
    "field",
    "level",
    "agencies",
    "amount",
    "unit",
    "time_note",
    "fees_known",
    "documents_known",
    "result_name",
    "result_kind",
    "legal_basis",
    "online_level",
    "applicant_kinds",
    "restart_on_supplement",
    "source",
    "notes",
]
DOC_COLUMNS = ["code", "name", "originals", "copies", "requirement", "condition", "template_url"]
FEE_COLUMNS = ["code", "name", "kind", "amount_vnd", "case"]
STEP_COLUMNS = ["code", "kind", "title", "role", "agency", "budget_hours"]
# Optional sheet: a workbook without it declares no online form fields.
FORM_FIELD_COLUMNS = ["code", "name", "label", "type", "required", "choices", "max_length", "help"]
#: Written on export and read when present (workbooks made before they existed lack them).
FORM_FIELD_OPTIONAL_COLUMNS = ["integer", "max"]
CHILD_SHEETS = ("documents", "fees", "steps", "form_fields")

_PATH = re.compile(r"^(?P<list>\w+)\[(?P<i>\d+)\](?:\.(?P<key>\w+))?(?:\[\d+\])?$")
_PROC_KEY = {
    "processing_time.amount": "amount",
    "processing_time.unit": "unit",
    "processing_time.note": "time_note",
    "result.name": "result_name",
    "result.kind": "result_kind",
    "processing_time": "amount",
    "result": "result_name",
}


def read(*, content: bytes, filename: str) -> list[Row]:
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("The file is larger than 20 MB."),
            code="too_large",
            field_errors={"file": [_("The file is larger than 20 MB.")]},
        )
    name = filename.lower()
    if name.endswith(".json"):
        return _read_json(content)
    if name.endswith(".xlsx"):
        return _read_excel(content)
    raise ValidationFailed(
        _("Unsupported file type: use a .json or .xlsx file."),
        code="unsupported",
        field_errors={"file": [_("Unsupported file type: use a .json or .xlsx file.")]},
    )


def _read_json(content: bytes) -> list[Row]:
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = _("The file is not valid JSON: %(error)s") % {"error": exc}
        raise ValidationFailed(msg, code="bad_json", field_errors={"file": [msg]}) from exc
    if isinstance(doc, dict):
        if doc.get("format") not in (None, FORMAT):
            msg = _("Unknown format “%(f)s” (expected %(e)s).") % {
                "f": doc.get("format"),
                "e": FORMAT,
            }
            raise ValidationFailed(msg, field_errors={"format": [msg]})
        items = doc.get("procedures")
    else:
        items = doc
    if not isinstance(items, list):
        msg = _("Expected a list of procedures under “procedures”.")
        raise ValidationFailed(msg, field_errors={"procedures": [msg]})
    rows = []
    for index, item in enumerate(items, start=1):
        code = item.get("code") if isinstance(item, dict) else None

        def locate(path: str, index: int = index, code: Any = code) -> str:
            label = _("procedure %(n)d") % {"n": index}
            if code:
                label += f" ({code})"
            return f"{label}: {path}" if path else label

        rows.append(
            Row(data=item if isinstance(item, dict) else {"__invalid__": item}, locate=locate)
        )
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    return value


def _split(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [part.strip() for part in str(value).split("\n") if part.strip()]


def _read_sheet(wb: Any, name: str, columns: list[str]) -> list[tuple[int, dict[str, Any]]]:
    if name not in wb.sheetnames:
        if name == "procedures":
            msg = _("The workbook has no sheet named “procedures”.")
            raise ValidationFailed(msg, field_errors={"file": [msg]})
        return []
    ws = wb[name]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        msg = _("Sheet “%(sheet)s” lacks the column(s): %(cols)s.") % {
            "sheet": name,
            "cols": ", ".join(missing),
        }
        raise ValidationFailed(msg, field_errors={name: [msg]})
    result = []
    for number, values in enumerate(rows, start=2):
        record = {names[i]: _cell(v) for i, v in enumerate(values) if i < len(names) and names[i]}
        if any(v is not None for v in record.values()):
            result.append((number, record))
    return result


def _read_excel(content: bytes) -> list[Row]:
    try:
        from openpyxl import load_workbook  # imported when used, not by every web worker

        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        msg = _("The file is not a readable Excel workbook (.xlsx).")
        raise ValidationFailed(msg, code="bad_xlsx", field_errors={"file": [msg]}) from exc
    procs = _read_sheet(wb, "procedures", PROC_COLUMNS)
    children: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]] = {}
    for sheet, cols in (
        ("documents", DOC_COLUMNS),
        ("fees", FEE_COLUMNS),
        ("steps", STEP_COLUMNS),
        ("form_fields", FORM_FIELD_COLUMNS),
    ):
        for number, rec in _read_sheet(wb, sheet, cols):
            children.setdefault(str(rec.get("code") or ""), {}).setdefault(sheet, []).append(
                (number, rec)
            )
    rows = []
    for number, rec in procs:
        code = str(rec.get("code") or "")
        kids = children.get(code, {})
        data: dict[str, Any] = {
            "code": rec.get("code"),
            "code_is_provisional": rec.get("code_is_provisional"),
            "name": rec.get("name"),
            "field": rec.get("field"),
            "level": rec.get("level"),
            "agencies": _split(rec.get("agencies")),
            "processing_time": {
                "amount": rec.get("amount"),
                "unit": rec.get("unit"),
                "note": rec.get("time_note"),
            },
            "fees_known": rec.get("fees_known"),
            "documents_known": rec.get("documents_known"),
            "result": {"name": rec.get("result_name"), "kind": rec.get("result_kind")}
            if rec.get("result_name") or rec.get("result_kind")
            else None,
            "legal_basis": _split(rec.get("legal_basis")),
            "online_level": rec.get("online_level"),
            "applicant_kinds": _split(rec.get("applicant_kinds")) or None,
            "restart_on_supplement": rec.get("restart_on_supplement"),
            "source": rec.get("source"),
            "notes": rec.get("notes"),
            "documents": [
                {k: v for k, v in r.items() if k != "code"} for _n, r in kids.get("documents", [])
            ],
            "fees": [{k: v for k, v in r.items() if k != "code"} for _n, r in kids.get("fees", [])],
            "steps": [
                {k: v for k, v in r.items() if k != "code"} for _n, r in kids.get("steps", [])
            ],
            "form_fields": [
                {k: v for k, v in r.items() if k != "code"} for _n, r in kids.get("form_fields", [])
            ],
        }

        def locate(path: str, number: int = number, kids: Any = kids) -> str:
            match = _PATH.match(path)
            if match and match.group("list") in CHILD_SHEETS:
                sheet = match.group("list")
                i = int(match.group("i"))
                sheet_rows = kids.get(sheet, [])
                row = sheet_rows[i - 1][0] if i - 1 < len(sheet_rows) else "?"
                column = match.group("key") or "code"
                return _("sheet %(sheet)s, row %(row)s, column %(col)s") % {
                    "sheet": sheet,
                    "row": row,
                    "col": column,
                }
            if match:  # agencies[2], legal_basis[1], applicant_kinds[1]
                path = match.group("list")
            column = _PROC_KEY.get(path, path) or "code"
            return _("sheet %(sheet)s, row %(row)s, column %(col)s") % {
                "sheet": "procedures",
                "row": number,
                "col": column,
            }

        rows.append(Row(data=data, locate=locate))
    return rows


def write_json(rows: list[dict[str, Any]]) -> bytes:
    doc = {"format": FORMAT, "procedures": rows}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def write_excel(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook  # imported when used, not by every web worker (ADR 0043)
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "procedures"
    sheets = {
        "procedures": (ws, PROC_COLUMNS),
        "documents": (wb.create_sheet("documents"), DOC_COLUMNS),
        "fees": (wb.create_sheet("fees"), FEE_COLUMNS),
        "steps": (wb.create_sheet("steps"), STEP_COLUMNS),
        "form_fields": (
            wb.create_sheet("form_fields"),
            FORM_FIELD_COLUMNS + FORM_FIELD_OPTIONAL_COLUMNS,
        ),
    }
    for sheet, cols in sheets.values():
        sheet.append(cols)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for r in rows:
        t = r["processing_time"]
        ws.append(
            [
                r["code"],
                r["code_is_provisional"],
                r["name"],
                r["field"],
                r["level"],
                "\n".join(r["agencies"]),
                t["amount"],
                t["unit"],
                t["note"],
                r["fees_known"],
                r["documents_known"],
                (r["result"] or {}).get("name"),
                (r["result"] or {}).get("kind"),
                "\n".join(r["legal_basis"]),
                r["online_level"],
                "\n".join(r["applicant_kinds"]),
                r["restart_on_supplement"],
                r["source"],
                r["notes"],
            ]
        )
        for d in r["documents"]:
            sheets["documents"][0].append([r["code"]] + [d[c] for c in DOC_COLUMNS[1:]])
        for f in r["fees"]:
            sheets["fees"][0].append([r["code"]] + [f[c] for c in FEE_COLUMNS[1:]])
        for s in r["steps"]:
            sheets["steps"][0].append([r["code"]] + [s[c] for c in STEP_COLUMNS[1:]])
        for f in r.get("form_fields") or []:
            sheets["form_fields"][0].append(
                [r["code"]]
                + [
                    "\n".join(f.get("choices") or []) if c == "choices" else f.get(c)
                    for c in FORM_FIELD_COLUMNS[1:] + FORM_FIELD_OPTIONAL_COLUMNS
                ]
            )
    for sheet, _cols in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
