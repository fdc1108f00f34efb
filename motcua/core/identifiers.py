"""Vietnamese identifiers of people and organisations: the 12-digit personal ID number (CCCD),
the tax code, phone numbers; and the dossier codes people type (`dossier_code_normalize`).
One place for every app (accounts checks a citizen's profile with the same rules as dossiers
checks an applicant). Messages are user-facing (translatable)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

from motcua.core import clock

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
    if year > clock.now().year:
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


_MOBILE = re.compile(r"^0[35789][0-9]{8}$")


def phone_normalize(value: str) -> str | None:
    """A Vietnamese mobile number as 0XXXXXXXXX (10 digits), or None when it is not one (a
    contact that can receive SMS). Accepts spaces, dots, dashes and the +84 / 84 prefixes."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


# --- Dossier codes as people type them -------------------------------------------------------

#: Characters people put between the parts of a code instead of "-": spaces of every kind, the
#: underscore, and the dashes a phone or a word processor substitutes (hyphen, non-breaking
#: hyphen, figure dash, en dash, em dash, horizontal bar, minus sign).
_CODE_SEPARATORS = re.compile(r"[\s_\u2010\u2011\u2012\u2013\u2014\u2015\u2212-]+")
_CODE_CHARS = re.compile(r"[0-9A-Z.\-]+")
#: What a desk search query must look like to be read as (a part of) a dossier code: the
#: agency e-ID's start (letter A–Y, two digits), or digits with dots and dashes.
_CODE_QUERY = re.compile(r"[A-Y][0-9]{2}[0-9A-Z.\-]*|[0-9][0-9.\-]*")
DOSSIER_CODE_MAX_LENGTH = 64


def dossier_code_normalize(value: str) -> str:
    """A dossier code as printed (`H11.01.01-250702-0001`) from what a person typed, scanned or
    pasted, or "" when it cannot be a code.

    Full-width and other compatibility characters become ASCII (NFKC), invisible characters
    pasted along (zero-width space, BOM, soft hyphen) are dropped, letters are upper-cased,
    spaces, underscores and every kind of dash become one "-", and separators at either end
    are trimmed. The result is ASCII: letters, digits, "." and "-" only, at most 64 characters
    (what the code column holds); anything else gives ""."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _CODE_SEPARATORS.sub("-", text.upper()).strip("-")
    if len(text) > DOSSIER_CODE_MAX_LENGTH or not _CODE_CHARS.fullmatch(text):
        return ""
    return text


def dossier_code_query(value: str) -> str | None:
    """The normalised code when a search query looks like a dossier code or a part of one
    (`h11.01.01–250702`, `250702 0001`), else None: the query is a name or something else and
    is searched as typed."""
    code = dossier_code_normalize(value)
    return code if code and _CODE_QUERY.fullmatch(code) else None
