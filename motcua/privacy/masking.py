"""The one masking of personal data in lists and masked pages (ADR 0036). Pure functions.

mask_id_number("011095001234") == "••••••••1234"
mask_phone("0912345678")       == "•••••••678"
mask_address("Tổ 5, phường Điện Biên Phủ, tỉnh Điện Biên") == "•••, phường Điện Biên Phủ, tỉnh Điện Biên"
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from motcua.core.text import fold
from motcua.privacy.data import ApplicantView

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

DOT = "•"
#: Digits left visible at the end of an ID number or tax code, and of a phone number.
ID_VISIBLE = 4
PHONE_VISIBLE = 3
#: The words an administrative part of an address starts with (folded: no accents). The
#: commune and the province stay visible, the house, street, hamlet or group are masked.
ADMIN_UNIT_WORDS = (
    "phuong",
    "xa",
    "dac khu",
    "thi tran",
    "thi xa",
    "quan",
    "huyen",
    "tinh",
    "thanh pho",
    "tp",
)
_ADMIN = re.compile(r"^(?:" + "|".join(re.escape(w) for w in ADMIN_UNIT_WORDS) + r")\b\.?")


def _keep_tail(value: str, visible: int) -> str:
    value = value.strip()
    if not value:
        return ""
    if len(value) <= visible:
        return DOT * len(value)
    return DOT * (len(value) - visible) + value[-visible:]


def mask_id_number(value: str) -> str:
    """An ID number (CCCD, 12 digits) or a tax code: only the last 4 characters visible."""
    return _keep_tail(value, ID_VISIBLE)


def mask_phone(value: str) -> str:
    """A phone number: only the last 3 digits visible."""
    return _keep_tail(value, PHONE_VISIBLE)


def mask_email(value: str) -> str:
    """An e-mail: the first character of the name and the domain visible."""
    value = value.strip()
    if not value:
        return ""
    name, at, domain = value.partition("@")
    if not at:
        return DOT * 3
    return f"{name[:1]}{DOT * 3}@{domain}"


def mask_address(value: str) -> str:
    """An address: its trailing administrative parts (commune, province…) visible, the rest
    (house number, street, hamlet) masked; all masked when it names no such part."""
    value = value.strip()
    if not value:
        return ""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    kept: list[str] = []
    for part in reversed(parts):
        if not _ADMIN.match(fold(part).strip()):
            break
        kept.insert(0, part)
    if len(kept) == len(parts):  # only administrative parts: the first of them is masked
        kept = kept[1:]
    return ", ".join([DOT * 3, *kept])


def mask_date_of_birth(value: dt.date | None) -> str:
    """A date of birth: the year only."""
    return f"{DOT * 2}/{DOT * 2}/{value.year}" if value is not None else ""


def applicant_view(dossier: Dossier, *, masked: bool) -> ApplicantView:
    """The dossier's applicant, masked or not. An organisation's name, tax code and address
    are not personal data and stay; its representative's name stays too, its phone and
    e-mail are masked."""
    person = dossier.applicant_kind != "organisation"
    dob = dossier.date_of_birth
    if not masked:
        return ApplicantView(
            kind=dossier.applicant_kind,
            name=dossier.applicant_name,
            id_number=dossier.id_number,
            date_of_birth=dob.strftime("%d/%m/%Y") if dob else "",
            tax_code=dossier.tax_code,
            representative=dossier.representative,
            phone=dossier.phone,
            email=dossier.email,
            address=dossier.address,
            masked=False,
        )
    return ApplicantView(
        kind=dossier.applicant_kind,
        name=dossier.applicant_name,
        id_number=mask_id_number(dossier.id_number),
        date_of_birth=mask_date_of_birth(dob),
        tax_code=mask_id_number(dossier.tax_code) if person else dossier.tax_code,
        representative=dossier.representative,
        phone=mask_phone(dossier.phone),
        email=mask_email(dossier.email),
        address=mask_address(dossier.address) if person else dossier.address,
        masked=True,
    )
