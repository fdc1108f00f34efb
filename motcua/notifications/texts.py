"""Rendering of notification texts: Django templates in the applicant's language
(Vietnamese by default), SMS folded to unaccented ASCII when the gateway needs it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
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
        body = render_to_string(f"notifications/{kind}.txt", context)
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
        rendered = render_to_string(f"notifications/{kind}.sms.txt", context)
    text = _ALL_SPACES.sub(" ", str(rendered)).strip()
    if getattr(settings, "MOTCUA_SMS_UNACCENTED", True):
        text = unaccent(text)
    return text


def render_portal(*, kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """(title, text) for the portal's notification list: the SMS wording, with accents."""
    with translation.override(language):
        subject = str(SUBJECTS[kind]) % {"code": context.get("code") or ""}
        text = render_to_string(f"notifications/{kind}.sms.txt", context)
    return subject, _ALL_SPACES.sub(" ", text).strip()
