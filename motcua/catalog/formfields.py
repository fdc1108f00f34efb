"""Values typed into the procedure-specific fields of an online form, checked against the
fields a procedure version declares (`ProcedureVersion.form_fields`, docs/catalog-format.md).

Pure functions: no ORM. Messages are user-facing (translatable) and name what to type."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.data import FormFieldType
from motcua.core.text import nfc

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
TRUE_WORDS = frozenset({"on", "true", "1", "yes", "có"})


def _clean_text(value: Any, *, multiline: bool) -> str:
    text = nfc("" if value is None else str(value))
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    return text.replace("\r\n", "\n").strip()


def parse_number(text: str) -> Decimal | None:
    """A number as Vietnamese people type it: 1500000, 1.500.000 (dots group thousands),
    2,5 or 2.5 (decimal part). None when it is not a number."""
    raw = text.replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _GROUPED.match(raw):
        raw = raw.replace(".", "")
    else:
        raw = raw.replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(text: str) -> dt.date | None:
    """A date as 2026-03-20 (what a date input sends) or 20/03/2026."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no instant
        except ValueError:
            continue
    return None


def _number_problem(number: Decimal | None, field: Mapping[str, Any], label: str) -> str | None:
    """Why a typed number is refused: not a number (or not whole when the field counts
    things), below zero (a form's numbers are quantities: areas, counts, amounts), or above
    the field's `max`."""
    whole = bool(field.get("integer"))
    if number is None or (whole and number != number.to_integral_value()):
        if whole:
            return _("“%(label)s” must be a whole number, e.g. 1.") % {"label": label}
        return _("“%(label)s” must be a number, e.g. 120 or 2,5.") % {"label": label}
    if number < 0:
        return _("“%(label)s” cannot be less than 0.") % {"label": label}
    maximum = field.get("max")
    if maximum is not None and number > Decimal(str(maximum)):
        return _("“%(label)s” is at most %(max)s.") % {"label": label, "max": maximum}
    return None


def form_data_clean(
    *, fields: Sequence[Mapping[str, Any]], values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The values kept for each declared field, and every problem as `form.<name>`.

    Text is NFC, without control characters, trimmed; dates are ISO strings; numbers are
    decimal strings; a checkbox is true or false. Keys not declared are dropped. On errors the
    cleaned values still hold what was typed, so a form can show it again."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in fields:
        name = str(field.get("name") or "")
        if not name:
            continue
        kind = field.get("type") or FormFieldType.TEXT
        label = field.get("label") or name
        required = bool(field.get("required"))
        raw = values.get(name)
        key = f"form.{name}"

        def add(message: str, key: str = key) -> None:
            errors.setdefault(key, []).append(message)

        if kind == FormFieldType.CHECKBOX:
            checked = raw is True or (isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS)
            cleaned[name] = checked
            if required and not checked:
                add(_("Tick “%(label)s” to continue.") % {"label": label})
            continue
        text = _clean_text(raw, multiline=kind == FormFieldType.TEXTAREA)
        cleaned[name] = text
        if not text:
            if required and kind == FormFieldType.CHOICE:
                add(_("Choose “%(label)s”.") % {"label": label})
            elif required:
                add(_("Enter “%(label)s”.") % {"label": label})
            continue
        if kind in (FormFieldType.TEXT, FormFieldType.TEXTAREA):
            limit = field.get("max_length")
            if limit and len(text) > int(limit):
                add(
                    _("“%(label)s” has at most %(n)d characters (you typed %(m)d).")
                    % {"label": label, "n": int(limit), "m": len(text)}
                )
        elif kind == FormFieldType.NUMBER:
            problem = _number_problem(parse_number(text), field, label)
            if problem:
                add(problem)
            else:
                number = parse_number(text)
                assert number is not None
                cleaned[name] = f"{number.normalize():f}"
        elif kind == FormFieldType.DATE:
            day = parse_date(text)
            if day is None:
                add(_("“%(label)s” must be a date, e.g. 20/03/2026.") % {"label": label})
            else:
                cleaned[name] = day.isoformat()
        elif kind == FormFieldType.CHOICE:
            choices = [str(c) for c in field.get("choices") or []]
            if text not in choices:
                add(_("Choose one of the options of “%(label)s”.") % {"label": label})
    return cleaned, errors


def form_data_display(
    *, fields: Sequence[Mapping[str, Any]], values: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(label, value as people read it) for each declared field, in the declared order;
    values of fields no longer declared come last under their key."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for field in fields:
        name = str(field.get("name") or "")
        seen.add(name)
        value = values.get(name)
        kind = field.get("type")
        if kind == FormFieldType.CHECKBOX:
            text = _("Yes") if value else _("No")
        elif kind == FormFieldType.DATE and value:
            day = parse_date(str(value))
            text = day.strftime("%d/%m/%Y") if day else str(value)
        else:
            text = "" if value is None else str(value)
        rows.append((str(field.get("label") or name), text))
    for name, value in values.items():
        if name not in seen:
            rows.append((name, str(value)))
    return rows
