"""Rendering of notification texts: Django templates in the applicant's language
(Vietnamese by default), SMS folded to unaccented ASCII when the gateway needs it.

The templates are the source of the wording (translated with the rest of the site), but on
the intake path rendering them was a third of a notified intake's Python time. So each
template is compiled once per language and *shape* — which values are empty, how many items
— by rendering it with a marker in place of every value; the text of a notification is then
that compiled text with the markers replaced by the values (`_render`). Dates are formatted
in Python before (`when_values`: `<key>_text` "H:i d/m/Y", `<key>_date` "d/m/Y", the formats
the `date` filter gave), so no value goes through a filter but `length` (the shape has it).
The result is the template's own rendering; a test checks that for every kind and language
on varied values (tests: test_texts_compiled.py), and a value holding a marker's character
is rendered by the template itself."""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.template import defaultfilters
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext_lazy as _

#: What each kind of notification is about (e-mail subject). Never contains the PIN.
SUBJECTS: dict[str, Any] = {
    "submitted": _("Your dossier was submitted online"),
    "received": _("Dossier %(code)s was received"),
    "completion_requested": _("Your dossier needs to be completed"),
    "refused": _("Your dossier was not received"),
    "supplement_requested": _("Dossier %(code)s: supplements are needed"),
    "supplement_received": _("Dossier %(code)s: your supplements were received"),
    "apology": _("Dossier %(code)s: apology and new appointment"),
    "result_ready": _("Dossier %(code)s: the result is ready"),
    "rejected": _("Dossier %(code)s: the request was refused after review"),
    "returned": _("Dossier %(code)s: the result was returned"),
    "withdrawn": _("Dossier %(code)s was stopped at your request"),
    "cancelled": _("Dossier %(code)s was stopped"),
}
KINDS = frozenset(SUBJECTS)

_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t]+")
_ALL_SPACES = re.compile(r"\s+")


#: The formats of the dates in the texts: `<key>_text` and `<key>_date` (`when_values`).
WHEN_FORMATS = {"text": "H:i d/m/Y", "date": "d/m/Y"}
#: The context's date and time values (`notifications.services._context`).
WHEN_KEYS = ("at", "submitted_at", "received_at", "appointment_at", "answer_by")


class When:
    """A date of the context as the texts print it, formatted when printed (a text uses one
    or two of the ten). False when there is no date; "" when printed then (as the `date`
    filter gave for None)."""

    __slots__ = ("value", "fmt")

    def __init__(self, value: dt.datetime | dt.date | None, fmt: str) -> None:
        self.value = value
        self.fmt = fmt

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        if not self.value:
            return ""
        value = self.value
        if isinstance(value, dt.datetime):
            # What the `date` filter gives for these two formats (in the current time zone),
            # without its general format parser: a fifth of the cost.
            t = template_localtime(value)
            day = f"{t.day:02d}/{t.month:02d}/{t.year:04d}"
            if self.fmt == WHEN_FORMATS["date"]:
                return day
            if self.fmt == WHEN_FORMATS["text"]:
                return f"{t.hour:02d}:{t.minute:02d} {day}"
        return str(defaultfilters.date(template_localtime(value), self.fmt))


def when_values(context: dict[str, Any]) -> dict[str, Any]:
    """`context` with `<key>_text` and `<key>_date` for each of its dates (WHEN_KEYS)."""
    out = dict(context)
    for key in WHEN_KEYS:
        if key in context:
            for suffix, fmt in WHEN_FORMATS.items():
                out[f"{key}_{suffix}"] = When(context[key], fmt)
    return out


# --- compiled templates ------------------------------------------------------------------------

_MARK = "\x00"  # never in a value (checked: such a value is rendered by the template itself)
_COMPILED: dict[tuple[Any, ...], tuple[list[str], list[tuple[str, int]]] | None] = {}
_NOT_YET: Any = object()
_COMPILED_LOCK = threading.Lock()


def _shape(context: dict[str, Any]) -> tuple[Any, ...] | None:
    """What a template's text depends on besides the values printed: which values are empty,
    and how many items (a plural, a loop). None when some value holds the marker or is of a
    kind the compiled form does not stand for (only text, dates, numbers and lists of text)."""
    shape: list[Any] = []
    for key, value in sorted(context.items()):
        if isinstance(value, list | tuple):
            for item in value:
                if not isinstance(item, str) or _MARK in item:
                    return None
            shape.append((key, len(value)))
        elif isinstance(value, str | When):
            text_value = value if isinstance(value, str) else value.value
            if isinstance(text_value, str) and _MARK in text_value:
                return None
            shape.append((key, bool(value)))
        elif value is None or isinstance(value, bool | int | float | dt.date):
            shape.append((key, bool(value), type(value).__name__))
        else:
            return None  # anything else (a lazy translation, an object): the template renders it
    return tuple(shape)


def _compile(
    template_name: str, context: dict[str, Any]
) -> tuple[list[str], list[tuple[str, int]]] | None:
    """The template rendered with a marker for each non-empty value: the literal pieces, and
    between them which value goes there ((key, -1) for a scalar, (key, i) for item i). None
    when the text depends on a value that is not text (a date printed without `when_values`,
    a number): rendered twice with those values changed, the two texts differ."""
    slots: list[tuple[str, int]] = []
    marked: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, list | tuple):
            marked[key] = [_marker(slots, key, i) for i in range(len(value))]
        elif isinstance(value, str | When) and value:
            marked[key] = _marker(slots, key, -1)
        else:
            marked[key] = value  # empty, or not printed as text (a date's truth, a number)
            other[key] = _changed(value)
    text = render_to_string(template_name, marked)
    changed = any(other[k] is not marked[k] for k in other)
    if changed and render_to_string(template_name, {**marked, **other}) != text:
        return None
    pieces = text.split(_MARK)
    # Split on the marker: odd pieces are slot numbers.
    literal = pieces[0::2]
    order = [slots[int(n)] for n in pieces[1::2]]
    return literal, order


def _changed(value: Any) -> Any:
    """Another value of the same kind and truth (the compile check above)."""
    if isinstance(value, dt.datetime | dt.date):
        return value + dt.timedelta(days=1, hours=1, minutes=1)
    if isinstance(value, int) and not isinstance(value, bool) and value:
        return value + 1
    return value


def _marker(slots: list[tuple[str, int]], key: str, index: int) -> str:
    slots.append((key, index))
    return f"{_MARK}{len(slots) - 1}{_MARK}"


def _render(template_name: str, context: dict[str, Any]) -> str:
    """`render_to_string(template_name, context)`, from the compiled template (see the
    module's docstring); in the active language."""
    shape = _shape(context)
    if shape is None or not all(isinstance(k, str) for k in context):
        return render_to_string(template_name, context)
    key = (template_name, translation.get_language(), shape)
    compiled = _COMPILED.get(key, _NOT_YET)
    if compiled is _NOT_YET:
        compiled = _compile(template_name, context)
        with _COMPILED_LOCK:
            if len(_COMPILED) > 4096:  # shapes are few; never grow without bound
                _COMPILED.clear()
            _COMPILED[key] = compiled
    if compiled is None:
        return render_to_string(template_name, context)
    literal, order = compiled
    out = [literal[0]]
    for (name, index), piece in zip(order, literal[1:], strict=True):
        value = context[name]
        out.append(str(value if index < 0 else value[index]))
        out.append(piece)
    return "".join(out)


def _forget_compiled(**kwargs: Any) -> None:
    _COMPILED.clear()


setting_changed.connect(_forget_compiled, dispatch_uid="notifications.texts.compiled")


def unaccent(value: str) -> str:
    """Vietnamese without diacritics, case kept (đ → d, Đ → D): what 160-character SMS
    gateways accept.

    >>> unaccent("Hồ sơ ĐÃ được tiếp nhận")
    'Ho so DA duoc tiep nhan'
    """
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", text)


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


def render_email(*, kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of an e-mail in the given language."""
    with translation.override(language):
        subject = str(SUBJECTS[kind]) % {"code": context.get("code") or ""}
        body = _render(f"notifications/{kind}.txt", context)
    return subject, _tidy(body)


#: One SMS segment of unaccented (GSM 7-bit) text.
SMS_MAX_CHARS = 160


def render_sms(*, kind: str, context: dict[str, Any], language: str) -> str:
    """One short SMS in the given language; unaccented unless MOTCUA_SMS_UNACCENTED is off.
    When the dossier's tracking link makes it longer than one SMS (a long public address),
    the link to the tracking page without the code is used instead (`tracking_page`)."""
    text = _sms_text(kind, context, language)
    shorter = context.get("tracking_page")
    if len(text) > SMS_MAX_CHARS and shorter and context.get("tracking_url"):
        text = _sms_text(kind, {**context, "tracking_url": shorter}, language)
    return text


def _sms_text(kind: str, context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        rendered = _render(f"notifications/{kind}.sms.txt", context)
    text = _ALL_SPACES.sub(" ", str(rendered)).strip()
    if getattr(settings, "MOTCUA_SMS_UNACCENTED", True):
        text = unaccent(text)
    return text


def render_portal(*, kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """(title, text) for the portal's notification list: the SMS wording, with accents."""
    with translation.override(language):
        subject = str(SUBJECTS[kind]) % {"code": context.get("code") or ""}
        text = _render(f"notifications/{kind}.sms.txt", context)
    return subject, _ALL_SPACES.sub(" ", text).strip()
