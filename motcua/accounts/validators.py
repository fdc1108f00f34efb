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
