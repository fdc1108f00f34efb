"""Public shapes of the dossiers app (stdlib only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ApplicantData:
    kind: str  # person | organisation
    full_name: str = ""  # person
    id_number: str = ""
    date_of_birth: dt.date | None = None
    name: str = ""  # organisation
    tax_code: str = ""
    representative: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: int | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the version's document checklist, as ticked at the desk."""

    position: int
    received: bool
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content: bytes
    checklist_position: int | None = None


@dataclass(frozen=True)
class IntakeResult:
    dossier_id: int
    code: str | None
    status: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    missing: list[str] = field(default_factory=list)


#: The figures of the official report a list of dossiers can be drawn for (reports, ADR 0027).
REPORT_BUCKETS = (
    "received_total",
    "received_online",
    "received_direct",
    "received_carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_not_due",
    "in_progress_overdue",
    "withdrawn",
    "cancelled",
    "refused",
    "waiting_supplement",
)
