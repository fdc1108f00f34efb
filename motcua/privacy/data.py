"""Shapes of the privacy app (stdlib only)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ViewReason(enum.StrEnum):
    """Why someone saw a dossier's personal data unmasked (the view log's `reason`)."""

    HANDLING = "handling"  # the officer handles the dossier (automatic)
    SUPERVISION = "supervision"  # giám sát, theo dõi việc giải quyết
    COMPLAINT = "complaint"  # giải quyết phản ánh, kiến nghị, khiếu nại, tố cáo
    INSPECTION = "inspection"  # thanh tra, kiểm tra
    AUTHORITY_REQUEST = "authority"  # yêu cầu của cơ quan có thẩm quyền
    OTHER = "other"  # with a note


#: The reasons someone who does not handle the dossier may give.
REVEAL_REASONS = (
    ViewReason.SUPERVISION,
    ViewReason.COMPLAINT,
    ViewReason.INSPECTION,
    ViewReason.AUTHORITY_REQUEST,
    ViewReason.OTHER,
)


@dataclass(frozen=True)
class ApplicantView:
    """A dossier's applicant as shown: every personal field either as stored or masked
    (`masked`). Names stay (officers need them to talk to people)."""

    kind: str
    name: str
    id_number: str
    date_of_birth: str
    tax_code: str
    representative: str
    phone: str
    email: str
    address: str
    masked: bool


@dataclass(frozen=True)
class PersonalDataAccess:
    """What one person sees of one dossier's personal data: `unmasked`, why (`reason`: the
    value logged), and whether they handle it (`handler`: no reason asked)."""

    unmasked: bool
    handler: bool
    reason: str | None
