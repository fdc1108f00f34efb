"""Validation of catalog input: one validator for JSON, Excel, forms and publishing.

`procedure_spec_parse` turns a raw mapping (the JSON exchange format, docs/catalog-format.md)
into a `ProcedureSpec`, collecting every problem instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
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

    agencies: list[str] = []
    agencies_raw = _list(raw, "agencies", c, path="agencies")
    for i, value in enumerate(agencies_raw, start=1):
        if value != ALL_COMMUNES and value not in agency_codes:
            c.add(f"agencies[{i}]", _("Unknown agency “%(code)s”.") % {"code": value})
        else:
            agencies.append(str(value))
    if not agencies_raw and c.locate("agencies") not in c.errors:
        c.add("agencies", _("At least one implementing agency is required."))

    time_raw = raw.get("processing_time")
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
        and locate("processing_time.amount") not in c.errors
    ):
        c.add("processing_time.amount", _("The processing time is required for this unit."))
    if unit == ProcessingUnit.SAME_DAY:
        amount = None
    note = _text(time_raw, "note", c, path="processing_time.note", required=False)

    fees_known = _bool(raw.get("fees_known"), c, path="fees_known", default=True)
    fees: list[FeeSpec] = []
    for i, fee in enumerate(_list(raw, "fees", c, path="fees"), start=1):
        p = f"fees[{i}]"
        if not isinstance(fee, Mapping):
            c.add(p, _("Expected an object."))
            continue
        fee_name = _text(fee, "name", c, path=f"{p}.name", required=True, max_length=600)
        kind = _choice(fee.get("kind"), [k.value for k in FeeKind], c, path=f"{p}.kind")
        amount_vnd = _int(fee.get("amount_vnd"), c, path=f"{p}.amount_vnd", allow_null=True)
        case = _text(fee, "case", c, path=f"{p}.case", required=False)
        if amount_vnd is None and not case and fee.get("amount_vnd") in (None, ""):
            c.add(f"{p}.case", _("Say what the amount depends on when it is not fixed."))
        fees.append(FeeSpec(name=fee_name, kind=kind or "", amount_vnd=amount_vnd, case=case))
    if fees and not fees_known:
        c.add("fees_known", _("Fees are listed, so they are known."))

    documents_known = _bool(raw.get("documents_known"), c, path="documents_known", default=True)
    documents: list[DocumentSpec] = []
    for i, doc in enumerate(_list(raw, "documents", c, path="documents"), start=1):
        p = f"documents[{i}]"
        if not isinstance(doc, Mapping):
            c.add(p, _("Expected an object."))
            continue
        requirement = _choice(
            doc.get("requirement") or Requirement.MANDATORY.value,
            [r.value for r in Requirement],
            c,
            path=f"{p}.requirement",
        )
        documents.append(
            DocumentSpec(
                name=_text(doc, "name", c, path=f"{p}.name", required=True),
                originals=_int(doc.get("originals", 1), c, path=f"{p}.originals") or 0,
                copies=_int(doc.get("copies", 0), c, path=f"{p}.copies") or 0,
                requirement=requirement or Requirement.MANDATORY.value,
                condition=_text(doc, "condition", c, path=f"{p}.condition", required=False),
                template_url=_text(
                    doc, "template_url", c, path=f"{p}.template_url", required=False, max_length=500
                ),
            )
        )
    if documents_known and not documents and locate("documents") not in c.errors:
        c.add(
            "documents",
            _(
                "At least one required document must be listed (or mark the "
                "documents as not published)."
            ),
        )
    if documents and not documents_known:
        c.add("documents_known", _("Documents are listed, so they are known."))

    result_name, result_kind = "", ""
    result = raw.get("result")
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

    legal_basis = tuple(
        _text({"v": item}, "v", c, path=f"legal_basis[{i}]", required=True)
        for i, item in enumerate(_list(raw, "legal_basis", c, path="legal_basis"), start=1)
    )
    online_level = _choice(
        raw.get("online_level"),
        [o.value for o in OnlineLevel],
        c,
        path="online_level",
        allow_null=True,
    )
    kinds_raw = raw.get("applicant_kinds")
    applicant_kinds: list[str] = []
    if kinds_raw is None:
        applicant_kinds = [ApplicantKind.PERSON.value, ApplicantKind.ORGANISATION.value]
    else:
        for i, kind in enumerate(_list(raw, "applicant_kinds", c, path="applicant_kinds"), 1):
            value = _choice(kind, [k.value for k in ApplicantKind], c, path=f"applicant_kinds[{i}]")
            if value:
                applicant_kinds.append(value)
        if not applicant_kinds and locate("applicant_kinds") not in c.errors:
            c.add("applicant_kinds", _("Say who may apply."))
    restart = _bool(raw.get("restart_on_supplement"), c, path="restart_on_supplement", default=True)

    steps: list[StepSpec] = []
    for i, step in enumerate(_list(raw, "steps", c, path="steps"), start=1):
        p = f"steps[{i}]"
        if not isinstance(step, Mapping):
            c.add(p, _("Expected an object."))
            continue
        agency = step.get("agency") or None
        if agency is not None and agency not in agency_codes:
            c.add(f"{p}.agency", _("Unknown agency “%(code)s”.") % {"code": agency})
        budget = _decimal(step.get("budget_hours"), c, path=f"{p}.budget_hours")
        if budget is None and locate(f"{p}.budget_hours") not in c.errors:
            c.add(f"{p}.budget_hours", _("This field is required."))
        steps.append(
            StepSpec(
                kind=_choice(step.get("kind"), [k.value for k in StepKind], c, path=f"{p}.kind")
                or "",
                title=_text(step, "title", c, path=f"{p}.title", required=True, max_length=255),
                role=_choice(step.get("role"), STEP_ROLES, c, path=f"{p}.role") or "",
                agency=str(agency) if agency else None,
                budget_hours=budget or Decimal(0),
            )
        )
    if not steps and locate("steps") not in c.errors:
        c.add("steps", _("The internal process needs at least one step."))
    required = required_budget_hours(amount, unit or "")
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

    form_fields = _form_fields(raw, c)

    if c.errors:
        return None, c.errors
    return ProcedureSpec(
        code=code,
        code_is_provisional=provisional,
        name=name,
        field=field_name,
        level=level or "",
        agencies=tuple(agencies),
        amount=amount,
        unit=unit or "",
        processing_note=note,
        fees_known=fees_known,
        fees=tuple(fees),
        documents_known=documents_known,
        documents=tuple(documents),
        result_name=result_name,
        result_kind=result_kind,
        legal_basis=legal_basis,
        online_level=online_level,
        applicant_kinds=tuple(applicant_kinds),
        restart_on_supplement=restart,
        steps=tuple(steps),
        form_fields=tuple(form_fields),
        source=_text(raw, "source", c, path="source", required=False),
        notes=_text(raw, "notes", c, path="notes", required=False),
    ), {}


def _form_fields(raw: Mapping[str, Any], c: _Collector) -> list[FormFieldSpec]:
    """The procedure-specific fields of the online form: names unique, types known, choices
    only (and always) for a choice field, a length limit only for text."""
    result: list[FormFieldSpec] = []
    items = _list(raw, "form_fields", c, path="form_fields")
    if len(items) > FORM_FIELDS_MAX:
        c.add("form_fields", _("At most %(n)d fields.") % {"n": FORM_FIELDS_MAX})
    seen: set[str] = set()
    types = [t.value for t in FormFieldType]
    for i, item in enumerate(items, start=1):
        p = f"form_fields[{i}]"
        if not isinstance(item, Mapping):
            c.add(p, _("Expected an object."))
            continue
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
        seen.add(name)
        label = _text(item, "label", c, path=f"{p}.label", required=True, max_length=200)
        kind = _choice(item.get("type") or FormFieldType.TEXT.value, types, c, path=f"{p}.type")
        required = _bool(item.get("required"), c, path=f"{p}.required", default=False)
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
            (
                kind == FormFieldType.CHOICE
                and not choices
                and c.locate(f"{p}.choices") not in c.errors
            )
            or kind == FormFieldType.CHOICE
            and len(choices) == 1
        ):
            c.add(f"{p}.choices", _("A choice field needs at least two choices."))
        elif kind and kind != FormFieldType.CHOICE and choices:
            c.add(f"{p}.choices", _("Only a choice field has choices."))
        max_length: int | None = None
        if item.get("max_length") not in (None, ""):
            max_length = _int(item.get("max_length"), c, path=f"{p}.max_length")
            if kind not in (FormFieldType.TEXT, FormFieldType.TEXTAREA):
                c.add(f"{p}.max_length", _("Only text fields have a length limit."))
            elif max_length is not None and not 1 <= max_length <= FORM_TEXT_LIMIT:
                c.add(
                    f"{p}.max_length",
                    _("Between 1 and %(n)d characters.") % {"n": FORM_TEXT_LIMIT},
                )
        elif kind == FormFieldType.TEXT:
            max_length = FORM_TEXT_DEFAULT_MAX
        elif kind == FormFieldType.TEXTAREA:
            max_length = FORM_TEXTAREA_DEFAULT_MAX
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
        result.append(
            FormFieldSpec(
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
        )
    return result


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text
