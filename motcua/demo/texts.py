"""The demo's words, read from `data/*.json`: the invented applicants' names, hamlets and
organisations (`applicants.json`) and what the officers write in the dossiers
(`officer_notes.json`). Lists keep their order (the demo is seeded); a name listed twice is
drawn twice as often."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


_APPLICANTS = _load("applicants.json")
FAMILY: list[str] = _APPLICANTS["family_names"]
HMONG: frozenset[str] = frozenset(_APPLICANTS["hmong_family_names"])
MALE: list[str] = _APPLICANTS["male_given_names"]
FEMALE: list[str] = _APPLICANTS["female_given_names"]
HMONG_MALE: list[str] = _APPLICANTS["hmong_male_given_names"]
HMONG_FEMALE: list[str] = _APPLICANTS["hmong_female_given_names"]
HAMLETS: list[str] = _APPLICANTS["hamlets"]
#: Organisations that apply, by deciding department (or "commune").
ORG_NAMES: dict[str, list[str]] = _APPLICANTS["organisations"]
#: ID numbers issued elsewhere start with these province codes (Lai Châu, Sơn La, Hà Nội…).
OTHER_PROVINCES: list[str] = _APPLICANTS["other_province_codes"]
PHONE_PREFIXES: list[str] = _APPLICANTS["phone_prefixes"]

_NOTES = _load("officer_notes.json")
#: What the applicant must add, by deciding department (or "commune").
SUPPLEMENT_ITEMS: dict[str, list[str]] = _NOTES["supplement_items"]
SUPPLEMENT_REASONS: list[str] = _NOTES["supplement_reasons"]
REFUSE_REASONS: list[str] = _NOTES["refuse_reasons"]
COMPLETION_MISSING: list[str] = _NOTES["completion_missing"]
WITHDRAW_REASONS: list[str] = _NOTES["withdraw_reasons"]
CANCEL_REASONS: list[str] = _NOTES["cancel_reasons"]
REJECT_REASONS: list[str] = _NOTES["reject_reasons"]
SEND_BACK_REASONS: list[str] = _NOTES["send_back_reasons"]
APOLOGY_REASONS: list[str] = _NOTES["apology_reasons"]
QUESTIONS: list[str] = _NOTES["consultation_questions"]
ANSWERS: list[str] = _NOTES["consultation_answers"]
