"""Validation of agency electronic IDs (Decision 20/2020/QĐ-TTg Art 4; domain.md §2.3)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Level 1 "MX1X2" (M = A–Y, two digits), then dot-separated groups of 0-9/A-Z, growing
# left to right; at most 35 characters.
AGENCY_EID = re.compile(r"^[A-Y][0-9]{2}(\.[0-9A-Z]+)*$")
# Legacy QCVN 102:2016 format V1V2V3.Z1Z2.Y1Y2.MX1X2 (level 1 on the right).
LEGACY_AGENCY_CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Y][0-9]{2}$")


def validate_agency_eid(value: str) -> None:
    if len(value) > 35 or not AGENCY_EID.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid agency electronic ID: expected e.g. H11 or H11.05 "
                "(upper-case letter A–Y and two digits, then groups of digits or upper-case "
                "letters separated by dots, at most 35 characters)."
            ),
            params={"value": value},
            code="invalid_agency_eid",
        )


def validate_legacy_agency_code(value: str) -> None:
    if value and not LEGACY_AGENCY_CODE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a valid legacy agency code (e.g. 000.00.15.H38)."),
            params={"value": value},
            code="invalid_legacy_code",
        )


# Citizen contact and identity data (portal accounts). The full checks of a personal ID number
# and a tax code (province code, birth year, check digit) live in dossiers/validators.py, which
# this app may not import (accounts sits below dossiers): here the structure only.
MOBILE_PHONE = re.compile(r"^0[35789][0-9]{8}$")


def phone_normalize(value: str) -> str | None:
    """A Vietnamese mobile number as 0XXXXXXXXX (10 digits), or None when it is not one.

    Accepts spaces, dots, dashes and the +84 / 84 prefixes."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if MOBILE_PHONE.match(digits) else None


def id_number_structure_problem(value: str) -> str | None:
    """Why a personal ID number (CCCD, 12 digits) is not well formed, or None."""
    if not re.fullmatch(r"[0-9]{12}", value or ""):
        return _("The personal ID number has exactly 12 digits.")
    return None


def tax_code_structure_problem(value: str) -> str | None:
    """Why a tax code is not well formed (10 digits, 10-3 for a branch, or a 12-digit personal
    ID number), or None."""
    if not re.fullmatch(r"[0-9]{10}(-[0-9]{3})?|[0-9]{12}", value or ""):
        return _("A tax code has 10 digits, or 13 as 0123456789-001 for a branch.")
    return None
