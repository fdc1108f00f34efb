"""Validation of catalog input: one validator for JSON, Excel, forms and publishing.

`procedure_spec_parse` turns a raw mapping (the JSON exchange format, docs/catalog-format.md)
into a `ProcedureSpec`, collecting every problem instead of stopping at the first. One parser
per section of the format (`_identity`, `_agencies`, `_processing_time`, `_fees`, `_documents`,
`_result`, …, `_form_fields`), run in the order of `SECTIONS`; the small readers at the top
(`_text`, `_decimal`, `_int`, `_choice`, `_list`, `_bool`) check one value each."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.data import (
    ALL_COMMUNES,
    FORM_FIELD_NAME_MAX,
    FORM_FIELDS_MAX,
    FORM_TEXT_DEFAULT_MAX,
    FORM_TEXT_LIMIT,
    FORM_TEXTAREA_DEFAULT_MAX,
    STEP_ROLES,
    ApplicantKind,
    DocumentSpec,
    FeeKind,
    FeeSpec,
    FormFieldSpec,
    FormFieldType,
    Level,
    OnlineLevel,
    ProcedureSpec,
    ProcessingUnit,
    Requirement,
    ResultKind,
    StepKind,
    StepSpec,
    required_budget_hours,
)
from motcua.core.text import nfc

FORM_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
NATIONAL_CODE = re.compile(r"^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)*$")
PROVISIONAL_CODE = re.compile(r"^[A-Z]{2}\.[0-9]{6}$")

Locate = Callable[[str], str]


def _default_locate(path: str) -> str:
    return path


class _Collector:
    def __init__(self, locate: Locate) -> None:
        self.locate = locate
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(self.locate(path), []).append(message)


def _text(
    raw: Mapping[str, Any],
    key: str,
    c: _Collector,
    *,
    path: str,
    required: bool,
    max_length: int | None = None,
) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        c.add(path, _("Expected text."))
        return ""
    text = nfc(str(value)).strip()
    if required and not text:
        c.add(path, _("This field is required."))
    if max_length and len(text) > max_length:
        c.add(path, _("At most %(n)d characters.") % {"n": max_length})
    return text


def _decimal(value: Any, c: _Collector, *, path: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        c.add(path, _("Expected a number."))
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        c.add(path, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if not number.is_finite():
        c.add(path, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if number <= 0:
        c.add(path, _("Must be greater than zero."))
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        c.add(path, _("At most two decimal places."))
    return number


def _int(value: Any, c: _Collector, *, path: str, allow_null: bool = False) -> int | None:
    if value is None or value == "":
        if not allow_null:
            c.add(path, _("This field is required."))
        return None
    if isinstance(value, bool):
        c.add(path, _("Expected a whole number."))
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        c.add(path, _("“%(value)s” is not a whole number.") % {"value": value})
        return None
    if number != number.to_integral_value() or number < 0:
        c.add(path, _("Expected a whole number, zero or more."))
        return None
    return int(number)


def _choice(
    value: Any, allowed: Collection[str], c: _Collector, *, path: str, allow_null: bool = False
) -> str | None:
    if value is None or value == "":
        if not allow_null:
            c.add(path, _("This field is required."))
        return None
    if value not in allowed:
        c.add(
            path,
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(sorted(allowed))},
        )
        return None
    return str(value)


def _list(raw: Mapping[str, Any], key: str, c: _Collector, *, path: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        c.add(path, _("Expected a list."))
        return []
    return value


def _bool(value: Any, c: _Collector, *, path: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "có", "x"}:
        return True
    if text in {"false", "0", "no", "không"}:
        return False
    c.add(path, _("Expected true or false."))
    return default


@dataclass
class _Procedure:
    """One procedure being parsed: its raw mapping, where the errors go, the agencies that
    exist, and the `ProcedureSpec` fields read so far (a section may read an earlier one's)."""

    raw: Mapping[str, Any]
    c: _Collector
    agency_codes: Collection[str]
    spec: dict[str, Any] = field(default_factory=dict)


#: A section's parser: checks its keys of the raw mapping and returns its `ProcedureSpec`
#: fields (with placeholders where a value is wrong: the errors are in the collector).
Section = Callable[[_Procedure], dict[str, Any]]


def _objects(items: list[Any], key: str, c: _Collector) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The items of the list `key` that are objects, with their path (`fees[2]`); the others
    are reported."""
    for i, item in enumerate(items, start=1):
        path = f"{key}[{i}]"
        if not isinstance(item, Mapping):
            c.add(path, _("Expected an object."))
            continue
        yield path, item


def _identity(p: _Procedure) -> dict[str, Any]:
    """code, code_is_provisional, name, field, level."""
    raw, c = p.raw, p.c
    code = _text(raw, "code", c, path="code", required=True, max_length=40)
    provisional = _bool(
        raw.get("code_is_provisional"), c, path="code_is_provisional", default=False
    )
    if code:
        pattern = PROVISIONAL_CODE if provisional else NATIONAL_CODE
        if not pattern.match(code):
            c.add(
                "code",
                _(
                    "“%(code)s” is not a valid procedure code (expected e.g. 1.004082, "
                    "or XX.000001 for a provisional code)."
                )
                % {"code": code}
                if not provisional
                else _("“%(code)s” is not a valid provisional code (expected e.g. DB.000001).")
                % {"code": code},
            )
    name = _text(raw, "name", c, path="name", required=True, max_length=600)
    field_name = _text(raw, "field", c, path="field", required=True, max_length=255)
    level = _choice(raw.get("level"), [v.value for v in Level], c, path="level")
    return {
        "code": code,
        "code_is_provisional": provisional,
        "name": name,
        "field": field_name,
        "level": level or "",
    }


def _agencies(p: _Procedure) -> dict[str, Any]:
    """agencies: the implementing agencies' e-IDs (or the placeholder for every commune)."""
    c = p.c
    agencies: list[str] = []
    agencies_raw = _list(p.raw, "agencies", c, path="agencies")
    for i, value in enumerate(agencies_raw, start=1):
        if value != ALL_COMMUNES and value not in p.agency_codes:
            c.add(f"agencies[{i}]", _("Unknown agency “%(code)s”.") % {"code": value})
        else:
            agencies.append(str(value))
    if not agencies_raw and c.locate("agencies") not in c.errors:
        c.add("agencies", _("At least one implementing agency is required."))
    return {"agencies": tuple(agencies)}


def _processing_time(p: _Procedure) -> dict[str, Any]:
    """processing_time: amount, unit, note."""
    c = p.c
    time_raw = p.raw.get("processing_time")
    if not isinstance(time_raw, Mapping):
        c.add("processing_time", _("The processing time is required."))
        time_raw = {}
    unit = _choice(
        time_raw.get("unit"), [u.value for u in ProcessingUnit], c, path="processing_time.unit"
    )
    amount = _decimal(time_raw.get("amount"), c, path="processing_time.amount")
    if (
        unit
        and unit != ProcessingUnit.SAME_DAY
        and amount is None
        and c.locate("processing_time.amount") not in c.errors
    ):
        c.add("processing_time.amount", _("The processing time is required for this unit."))
    if unit == ProcessingUnit.SAME_DAY:
        amount = None
    note = _text(time_raw, "note", c, path="processing_time.note", required=False)
    return {"amount": amount, "unit": unit or "", "processing_note": note}


def _fees(p: _Procedure) -> dict[str, Any]:
    """fees_known, fees."""
    c = p.c
    fees_known = _bool(p.raw.get("fees_known"), c, path="fees_known", default=True)
    fees: list[FeeSpec] = []
    for path, fee in _objects(_list(p.raw, "fees", c, path="fees"), "fees", c):
        fee_name = _text(fee, "name", c, path=f"{path}.name", required=True, max_length=600)
        kind = _choice(fee.get("kind"), [k.value for k in FeeKind], c, path=f"{path}.kind")
        amount_vnd = _int(fee.get("amount_vnd"), c, path=f"{path}.amount_vnd", allow_null=True)
        case = _text(fee, "case", c, path=f"{path}.case", required=False)
        if amount_vnd is None and not case and fee.get("amount_vnd") in (None, ""):
            c.add(f"{path}.case", _("Say what the amount depends on when it is not fixed."))
        fees.append(FeeSpec(name=fee_name, kind=kind or "", amount_vnd=amount_vnd, case=case))
    if fees and not fees_known:
        c.add("fees_known", _("Fees are listed, so they are known."))
    return {"fees_known": fees_known, "fees": tuple(fees)}


def _documents(p: _Procedure) -> dict[str, Any]:
    """documents_known, documents."""
    c = p.c
    documents_known = _bool(p.raw.get("documents_known"), c, path="documents_known", default=True)
    documents: list[DocumentSpec] = []
    items = _list(p.raw, "documents", c, path="documents")
    for path, doc in _objects(items, "documents", c):
        requirement = _choice(
            doc.get("requirement") or Requirement.MANDATORY.value,
            [r.value for r in Requirement],
            c,
            path=f"{path}.requirement",
        )
        documents.append(
            DocumentSpec(
                name=_text(doc, "name", c, path=f"{path}.name", required=True),
                originals=_int(doc.get("originals", 1), c, path=f"{path}.originals") or 0,
                copies=_int(doc.get("copies", 0), c, path=f"{path}.copies") or 0,
                requirement=requirement or Requirement.MANDATORY.value,
                condition=_text(doc, "condition", c, path=f"{path}.condition", required=False),
                template_url=_text(
                    doc,
                    "template_url",
                    c,
                    path=f"{path}.template_url",
                    required=False,
                    max_length=500,
                ),
            )
        )
    if documents_known and not documents and c.locate("documents") not in c.errors:
        c.add(
            "documents",
            _(
                "At least one required document must be listed (or mark the "
                "documents as not published)."
            ),
        )
    if documents and not documents_known:
        c.add("documents_known", _("Documents are listed, so they are known."))
    return {"documents_known": documents_known, "documents": tuple(documents)}


def _result(p: _Procedure) -> dict[str, Any]:
    """result: its name and kind (optional)."""
    c = p.c
    result_name, result_kind = "", ""
    result = p.raw.get("result")
    if result is not None:
        if not isinstance(result, Mapping):
            c.add("result", _("Expected an object."))
        else:
            result_name = _text(
                result, "name", c, path="result.name", required=True, max_length=600
            )
            result_kind = (
                _choice(result.get("kind"), [k.value for k in ResultKind], c, path="result.kind")
                or ""
            )
    return {"result_name": result_name, "result_kind": result_kind}


def _legal_basis(p: _Procedure) -> dict[str, Any]:
    """legal_basis: a list of texts."""
    c = p.c
    items = _list(p.raw, "legal_basis", c, path="legal_basis")
    return {
        "legal_basis": tuple(
            _text({"v": item}, "v", c, path=f"legal_basis[{i}]", required=True)
            for i, item in enumerate(items, start=1)
        )
    }


def _online_level(p: _Procedure) -> dict[str, Any]:
    """online_level (optional)."""
    online_level = _choice(
        p.raw.get("online_level"),
        [o.value for o in OnlineLevel],
        p.c,
        path="online_level",
        allow_null=True,
    )
    return {"online_level": online_level}


def _applicant_kinds(p: _Procedure) -> dict[str, Any]:
    """applicant_kinds: who may apply (both kinds when the key is missing)."""
    c = p.c
    if p.raw.get("applicant_kinds") is None:
        return {"applicant_kinds": (ApplicantKind.PERSON.value, ApplicantKind.ORGANISATION.value)}
    applicant_kinds: list[str] = []
    for i, kind in enumerate(_list(p.raw, "applicant_kinds", c, path="applicant_kinds"), 1):
        value = _choice(kind, [k.value for k in ApplicantKind], c, path=f"applicant_kinds[{i}]")
        if value:
            applicant_kinds.append(value)
    if not applicant_kinds and c.locate("applicant_kinds") not in c.errors:
        c.add("applicant_kinds", _("Say who may apply."))
    return {"applicant_kinds": tuple(applicant_kinds)}


def _restart_on_supplement(p: _Procedure) -> dict[str, Any]:
    """restart_on_supplement (default true)."""
    restart = _bool(
        p.raw.get("restart_on_supplement"), p.c, path="restart_on_supplement", default=True
    )
    return {"restart_on_supplement": restart}


def _steps(p: _Procedure) -> dict[str, Any]:
    """steps: the internal process; their budgets add up to the processing time (read by
    `_processing_time` before)."""
    c = p.c
    steps: list[StepSpec] = []
    for path, step in _objects(_list(p.raw, "steps", c, path="steps"), "steps", c):
        agency = step.get("agency") or None
        if agency is not None and agency not in p.agency_codes:
            c.add(f"{path}.agency", _("Unknown agency “%(code)s”.") % {"code": agency})
        budget = _decimal(step.get("budget_hours"), c, path=f"{path}.budget_hours")
        if budget is None and c.locate(f"{path}.budget_hours") not in c.errors:
            c.add(f"{path}.budget_hours", _("This field is required."))
        steps.append(
            StepSpec(
                kind=_choice(step.get("kind"), [k.value for k in StepKind], c, path=f"{path}.kind")
                or "",
                title=_text(step, "title", c, path=f"{path}.title", required=True, max_length=255),
                role=_choice(step.get("role"), STEP_ROLES, c, path=f"{path}.role") or "",
                agency=str(agency) if agency else None,
                budget_hours=budget or Decimal(0),
            )
        )
    if not steps and c.locate("steps") not in c.errors:
        c.add("steps", _("The internal process needs at least one step."))
    required = required_budget_hours(p.spec["amount"], p.spec["unit"])
    total = sum((s.budget_hours for s in steps), Decimal(0))
    if steps and required is not None and total != required:
        c.add(
            "steps",
            _(
                "The step budgets add up to %(total)s working hours, but the regulated "
                "time is %(required)s working hours."
            )
            % {"total": _fmt(total), "required": _fmt(required)},
        )
    return {"steps": tuple(steps)}


def _form_fields(p: _Procedure) -> dict[str, Any]:
    """form_fields: the procedure-specific fields of the online form: names unique, types
    known, choices only (and always) for a choice field, a length limit only for text."""
    c = p.c
    items = _list(p.raw, "form_fields", c, path="form_fields")
    if len(items) > FORM_FIELDS_MAX:
        c.add("form_fields", _("At most %(n)d fields.") % {"n": FORM_FIELDS_MAX})
    seen: set[str] = set()
    result: list[FormFieldSpec] = []
    for path, item in _objects(items, "form_fields", c):
        spec = _form_field(item, c, path=path, seen=seen)
        seen.add(spec.name)
        result.append(spec)
    return {"form_fields": tuple(result)}


def _form_field(
    item: Mapping[str, Any], c: _Collector, *, path: str, seen: Collection[str]
) -> FormFieldSpec:
    """One field of the online form (`seen`: the names of the fields before it)."""
    p = path
    name = _text(item, "name", c, path=f"{p}.name", required=True)
    if name and (len(name) > FORM_FIELD_NAME_MAX or not FORM_FIELD_NAME.match(name)):
        c.add(
            f"{p}.name",
            _(
                "A field name has lowercase Latin letters, digits and “_”, starts with a "
                "letter and has at most %(n)d characters."
            )
            % {"n": FORM_FIELD_NAME_MAX},
        )
    elif name in seen:
        c.add(f"{p}.name", _("The field name “%(name)s” is used twice.") % {"name": name})
    label = _text(item, "label", c, path=f"{p}.label", required=True, max_length=200)
    types = [t.value for t in FormFieldType]
    kind = _choice(item.get("type") or FormFieldType.TEXT.value, types, c, path=f"{p}.type")
    required = _bool(item.get("required"), c, path=f"{p}.required", default=False)
    choices = _form_field_choices(item, kind, c, path=p)
    max_length = _form_field_max_length(item, kind, c, path=p)
    help_text = _text(item, "help", c, path=f"{p}.help", required=False, max_length=500)
    integer = _bool(item.get("integer"), c, path=f"{p}.integer", default=False)
    maximum: int | None = None
    if item.get("max") not in (None, ""):
        maximum = _int(item.get("max"), c, path=f"{p}.max")
        if maximum is not None and maximum < 1:
            c.add(f"{p}.max", _("At least 1."))
    if (integer or maximum is not None) and kind and kind != FormFieldType.NUMBER:
        key = f"{p}.integer" if integer else f"{p}.max"
        c.add(key, _("Only a number field has “integer” and “max”."))
    return FormFieldSpec(
        name=name,
        label=label,
        type=kind or FormFieldType.TEXT.value,
        required=required,
        choices=tuple(choices),
        max_length=max_length,
        help=help_text,
        integer=integer,
        max=maximum,
    )


def _form_field_choices(
    item: Mapping[str, Any], kind: str | None, c: _Collector, *, path: str
) -> list[str]:
    """A form field's choices: a list (or, from Excel, one a line); two at least for a choice
    field, none for the others."""
    p = path
    choices_raw = item.get("choices")
    if isinstance(choices_raw, str):  # Excel: one choice a line
        choices_raw = [x for x in choices_raw.split("\n") if x.strip()]
    choices: list[str] = []
    if choices_raw not in (None, "", []):
        if not isinstance(choices_raw, list):
            c.add(f"{p}.choices", _("Expected a list."))
        else:
            for j, choice in enumerate(choices_raw, start=1):
                text = _text({"v": choice}, "v", c, path=f"{p}.choices[{j}]", required=True)
                if text in choices:
                    c.add(f"{p}.choices[{j}]", _("This choice is listed twice."))
                elif text:
                    choices.append(text)
    if (
        (kind == FormFieldType.CHOICE and not choices and c.locate(f"{p}.choices") not in c.errors)
        or kind == FormFieldType.CHOICE
        and len(choices) == 1
    ):
        c.add(f"{p}.choices", _("A choice field needs at least two choices."))
    elif kind and kind != FormFieldType.CHOICE and choices:
        c.add(f"{p}.choices", _("Only a choice field has choices."))
    return choices


def _form_field_max_length(
    item: Mapping[str, Any], kind: str | None, c: _Collector, *, path: str
) -> int | None:
    """A text field's length limit: the one given (text and textarea only), else the type's
    default; None for the other types."""
    p = path
    if item.get("max_length") not in (None, ""):
        max_length = _int(item.get("max_length"), c, path=f"{p}.max_length")
        if kind not in (FormFieldType.TEXT, FormFieldType.TEXTAREA):
            c.add(f"{p}.max_length", _("Only text fields have a length limit."))
        elif max_length is not None and not 1 <= max_length <= FORM_TEXT_LIMIT:
            c.add(
                f"{p}.max_length",
                _("Between 1 and %(n)d characters.") % {"n": FORM_TEXT_LIMIT},
            )
        return max_length
    if kind == FormFieldType.TEXT:
        return FORM_TEXT_DEFAULT_MAX
    if kind == FormFieldType.TEXTAREA:
        return FORM_TEXTAREA_DEFAULT_MAX
    return None


#: The sections of a procedure, in the order they are checked (the order of the errors).
#: A section may read the fields of the sections before it (`_steps` reads the time).
SECTIONS: dict[str, Section] = {
    "identity": _identity,
    "agencies": _agencies,
    "processing_time": _processing_time,
    "fees": _fees,
    "documents": _documents,
    "result": _result,
    "legal_basis": _legal_basis,
    "online_level": _online_level,
    "applicant_kinds": _applicant_kinds,
    "restart_on_supplement": _restart_on_supplement,
    "steps": _steps,
    "form_fields": _form_fields,
}


def procedure_spec_parse(
    raw: Mapping[str, Any],
    *,
    agency_codes: Collection[str],
    locate: Locate = _default_locate,
) -> tuple[ProcedureSpec | None, dict[str, list[str]]]:
    """Validate one procedure. Returns the spec, or None and every error by location."""
    c = _Collector(locate)
    if not isinstance(raw, Mapping):
        c.add("", _("Expected an object."))
        return None, c.errors
    procedure = _Procedure(raw=raw, c=c, agency_codes=agency_codes)
    for parse in SECTIONS.values():
        procedure.spec.update(parse(procedure))
    if c.errors:
        return None, c.errors
    # The editors' internal notes are read last, once the procedure is known to be valid.
    return ProcedureSpec(
        **procedure.spec,
        source=_text(raw, "source", c, path="source", required=False),
        notes=_text(raw, "notes", c, path="notes", required=False),
    ), {}


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text
