"""The demo's tracks: each published procedure as handled by one deciding agency through one
desk (a department's through the province's desk; a commune procedure in each demo commune),
with its steps, and the share of the demo each department gets."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from motcua.catalog.api import procedure_search
from motcua.demo.accounts import DEMO_COMMUNES, PROVINCE_DESK

# Departments whose procedures get dossiers, and their share of the demo.
DEPARTMENT_WEIGHTS = {"H11.05": 0.30, "H11.06.01": 0.17, "H11.02": 0.07, "H11.10": 0.12}
COMMUNE_WEIGHT = 0.34


@dataclass(frozen=True)
class StepInfo:
    position: int
    kind: str
    role: str
    agency: str  # resolved agency code
    budget: Decimal  # working hours


@dataclass(frozen=True)
class Track:
    """One procedure as handled by one deciding agency through one desk."""

    code: str
    name: str
    dept: str  # department code, or "commune"
    deciding: str
    receiving: str
    commune: int | None
    amount: Decimal | None
    unit: str
    online: bool
    kinds: list[str]
    documents: list[tuple[int, bool]]  # (position, mandatory)
    restart: bool
    steps: list[StepInfo]  # main steps, intake first, return last

    @property
    def middle(self) -> list[StepInfo]:
        return self.steps[1:-1]


def tracks_load() -> list[Track]:
    """The tracks of the published procedures that go from intake to return: a department's
    procedures through the province's desk, a commune procedure in each demo commune."""
    versions = procedure_search().prefetch_related("documents", "steps__agency", "agencies")
    tracks = []
    for v in versions:
        agencies = [a.code for a in v.agencies.all()]
        docs = [(d.position, d.requirement == "mandatory") for d in v.documents.all()]
        common: dict[str, Any] = {
            "code": v.procedure.code,
            "name": v.name,
            "amount": v.processing_amount,
            "unit": v.processing_unit,
            "online": v.online_level in ("full", "partial"),
            "kinds": list(v.applicant_kinds or ["person", "organisation"]),
            "documents": docs,
            "restart": v.restart_on_supplement,
        }
        raw = [
            (s.position, s.kind, s.role, s.agency.code if s.agency else None, s.budget_hours)
            for s in v.steps.all()
        ]
        if [r[1] for r in raw][:1] != ["intake"] or [r[1] for r in raw][-1:] != ["return"]:
            continue
        if v.level == "province" and len(agencies) == 1 and agencies[0] in DEPARTMENT_WEIGHTS:
            dept = agencies[0]
            places: list[tuple[str, str, int | None]] = [(dept, PROVINCE_DESK, None)]
        elif v.level in ("commune", "province_commune"):
            dept = "commune"
            places = [(c.code, c.centre, c.admin_code) for c in DEMO_COMMUNES if c.code in agencies]
        else:
            continue
        for deciding, receiving, commune in places:
            steps = [
                StepInfo(p, k, r, a or (receiving if k in ("intake", "return") else deciding), b)
                for p, k, r, a, b in raw
            ]
            tracks.append(
                Track(
                    dept=dept,
                    deciding=deciding,
                    receiving=receiving,
                    commune=commune,
                    steps=steps,
                    **common,
                )
            )
    return tracks
