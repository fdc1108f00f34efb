"""Public shapes of the catalog app (stdlib only)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

HOURS_PER_WORKING_DAY = Decimal(8)


class ProcessingUnit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    DAYS = "days"
    SAME_DAY = "same_day"


class Level(enum.StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    PROVINCE_COMMUNE = "province_commune"


class OnlineLevel(enum.StrEnum):
    FULL = "full"  # toàn trình
    PARTIAL = "partial"  # một phần
    NONE = "none"


class StepKind(enum.StrEnum):
    INTAKE = "intake"
    REVIEW = "review"
    CONSULT = "consult"
    TRANSFER = "transfer"
    APPROVE = "approve"
    RETURN = "return"


class FeeKind(enum.StrEnum):
    FEE = "fee"  # phí
    CHARGE = "charge"  # lệ phí


class Requirement(enum.StrEnum):
    MANDATORY = "mandatory"
    CONDITIONAL = "conditional"


class ResultKind(enum.StrEnum):
    LICENCE = "licence"
    CERTIFICATE = "certificate"
    DECISION = "decision"
    DOCUMENT = "document"
    CONFIRMATION = "confirmation"
    OTHER = "other"


class ApplicantKind(enum.StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


STEP_ROLES = ("desk_officer", "specialist", "leader")
ALL_COMMUNES = "*communes"


def required_budget_hours(amount: Decimal | None, unit: str) -> Decimal | None:
    """What the step budgets of a procedure must add up to, in working hours.

    working_days and days: amount × 8; working_hours: amount; same_day: one working day."""
    if unit == ProcessingUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    if amount is None:
        return None
    if unit == ProcessingUnit.WORKING_HOURS:
        return amount
    return amount * HOURS_PER_WORKING_DAY


@dataclass(frozen=True)
class DocumentSpec:
    name: str
    originals: int = 1
    copies: int = 0
    requirement: str = Requirement.MANDATORY
    condition: str = ""
    template_url: str = ""


@dataclass(frozen=True)
class FeeSpec:
    name: str
    kind: str
    amount_vnd: int | None
    case: str = ""


@dataclass(frozen=True)
class StepSpec:
    kind: str
    title: str
    role: str
    agency: str | None
    budget_hours: Decimal


class FormFieldType(enum.StrEnum):
    """The kinds of procedure-specific fields an online form may ask (docs/catalog-format.md)."""

    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"
    CHECKBOX = "checkbox"


FORM_FIELD_NAME_MAX = 40
FORM_FIELDS_MAX = 40
FORM_TEXT_DEFAULT_MAX = 255
FORM_TEXTAREA_DEFAULT_MAX = 2000
FORM_TEXT_LIMIT = 5000


@dataclass(frozen=True)
class FormFieldSpec:
    """One procedure-specific field of the online form (e.g. the child's name at a birth
    registration). `name` is the key of the value in the dossier's form_data."""

    name: str
    label: str
    type: str = FormFieldType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    help: str = ""
    integer: bool = False  # number fields: whole numbers only (a count of copies, floors)
    max: int | None = None  # number fields: the largest value accepted

    def as_raw(self) -> dict[str, object]:
        raw: dict[str, object] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "choices": list(self.choices),
            "max_length": self.max_length,
            "help": self.help,
        }
        # Only number fields have these, and only when set.
        if self.integer:
            raw["integer"] = True
        if self.max is not None:
            raw["max"] = self.max
        return raw


@dataclass(frozen=True)
class ProcedureSpec:
    """A validated procedure as read from an import file or a form."""

    code: str
    name: str
    field: str
    level: str
    agencies: tuple[str, ...]
    amount: Decimal | None
    unit: str
    processing_note: str = ""
    code_is_provisional: bool = False
    fees_known: bool = True
    documents_known: bool = True
    fees: tuple[FeeSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    result_name: str = ""
    result_kind: str = ""
    legal_basis: tuple[str, ...] = ()
    online_level: str | None = None
    applicant_kinds: tuple[str, ...] = (ApplicantKind.PERSON, ApplicantKind.ORGANISATION)
    restart_on_supplement: bool = True
    steps: tuple[StepSpec, ...] = ()
    form_fields: tuple[FormFieldSpec, ...] = ()
    source: str = ""
    notes: str = ""
