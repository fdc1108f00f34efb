"""Checks of applicant data and uploaded files. Messages are user-facing (translatable)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

# Province codes used in the 12-digit personal ID number (CCCD; Circular 07/2016/TT-BCA and
# successors): the 63 pre-2025 provinces' codes. New numbers keep these codes.
_ID_PROVINCES = {
    1,
    2,
    4,
    6,
    8,
    10,
    11,
    12,
    14,
    15,
    17,
    19,
    20,
    22,
    24,
    25,
    26,
    27,
    30,
    31,
    33,
    34,
    35,
    36,
    37,
    38,
    40,
    42,
    44,
    45,
    46,
    48,
    49,
    51,
    52,
    54,
    56,
    58,
    60,
    62,
    64,
    66,
    67,
    68,
    70,
    72,
    74,
    75,
    77,
    79,
    80,
    82,
    83,
    84,
    86,
    87,
    89,
    91,
    92,
    93,
    94,
    95,
    96,
}
_PHONE = re.compile(r"^(0|\+84)(3|5|7|8|9|2[0-9])[0-9]{7,8}$")


def id_number_problem(value: str, date_of_birth: dt.date | None = None) -> str | None:
    """Why a 12-digit personal ID number is not valid, or None.

    Structure: 3 digits province of birth registration, 1 digit century and sex (0/1: 1900s,
    2/3: 2000s, 4/5: 2100s…), 2 digits year of birth, 6 digits sequence."""
    if not re.fullmatch(r"[0-9]{12}", value or ""):
        return _("The personal ID number has exactly 12 digits.")
    if int(value[:3]) not in _ID_PROVINCES:
        return _("The first three digits (%(code)s) are not a province code.") % {"code": value[:3]}
    century = 1900 + 100 * (int(value[3]) // 2)
    year = century + int(value[4:6])
    if year > dt.date.today().year:  # noqa: DTZ011 - a year, not an instant
        return _("The ID number gives a birth year in the future.")
    if date_of_birth is not None and date_of_birth.year != year:
        return _("The ID number gives birth year %(year)s, but the date of birth says %(dob)s.") % {
            "year": year,
            "dob": date_of_birth.year,
        }
    return None


def tax_code_problem(value: str) -> str | None:
    """Why an enterprise tax code is not valid (10 digits, or 10-3 for a branch, with the
    check digit), or None. A 12-digit personal ID number is also accepted (individuals and
    household businesses use it as their tax code from 01/07/2025)."""
    value = (value or "").strip()
    if re.fullmatch(r"[0-9]{12}", value):
        return id_number_problem(value)
    match = re.fullmatch(r"([0-9]{10})(-[0-9]{3})?", value)
    if not match:
        return _("A tax code has 10 digits, or 13 as 0123456789-001 for a branch.")
    digits = [int(c) for c in match.group(1)]
    weights = [31, 29, 23, 19, 17, 13, 7, 5, 3]
    check = 10 - sum(w * d for w, d in zip(weights, digits[:9], strict=True)) % 11
    if check != digits[9]:
        return _("The tax code's check digit is wrong: check the number.")
    return None


def phone_problem(value: str) -> str | None:
    if value and not _PHONE.match(re.sub(r"[ .-]", "", value)):
        return _("Enter a Vietnamese phone number, e.g. 0912345678.")
    return None


ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def sniff_content_type(head: bytes) -> str | None:
    """The file's real type from its first bytes (never from its name), or None."""
    for content_type, signatures in ALLOWED_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


MAX_NAME_CHARS = 120
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_SAME_TYPE = {".pdf": {"pdf"}, ".jpg": {"jpg", "jpeg"}, ".png": {"png"}}
_NAME_DROP = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")


def sanitize_filename(name: str, content_type: str | None = None) -> str:
    """A file name safe to store and show: no directories (the part after the last / or \\),
    no control or reserved characters, NFC (Vietnamese letters kept), spaces collapsed, at
    most 120 characters with the extension kept, never empty nor starting with a dot. When
    the real type is known, the extension says it (a PDF is never stored as “.exe”)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _NAME_DROP.sub("", base)
    base = " ".join(base.split()).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext.lower()
    wanted = _EXTENSIONS.get(content_type or "")
    if wanted is not None and ext not in _SAME_TYPE[wanted]:
        stem, ext = base, wanted[1:]  # keep the whole name, say the real type
    stem = stem.strip(" .") or "tep"
    suffix = f".{ext}" if ext else ""
    return stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix


def scan_problem(name: str, content: bytes) -> str | None:
    """The malware scan (integrations.scanning): a message when the file must be refused
    because it is infected or could not be checked now (fail closed), else None."""
    from motcua.integrations.scanning import ScannerUnavailable, scan_upload

    try:
        threat = scan_upload(content, name=name)
    except ScannerUnavailable:
        return _(
            "The file “%(name)s” cannot be checked for viruses right now. Try again later."
        ) % {"name": name}
    if threat:
        return _("The file “%(name)s” contains malicious code and was refused.") % {"name": name}
    return None


def upload_problem(name: str, content: bytes) -> str | None:
    """Why an uploaded file is refused, or None: empty, over 10 MB, not really a PDF, JPEG or
    PNG (by its first bytes, never its name), infected or not scannable now. Every upload
    (desk, online, supplements, results) passes here."""
    if not content:
        return _("The file “%(name)s” is empty.") % {"name": name}
    if len(content) > MAX_UPLOAD_BYTES:
        return _("The file “%(name)s” is larger than 10 MB.") % {"name": name}
    if sniff_content_type(content[:16]) is None:
        return _("The file “%(name)s” is not a PDF, JPEG or PNG file.") % {"name": name}
    return scan_problem(name, content)
