"""Public shapes of the simplification app (stdlib only): compliance cost (chi phí tuân thủ)
and simplification plans (phương án đơn giản hóa), domain.md §6, ADR 0039."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

#: The hours of a working day used when no dated income setting says otherwise (domain.md §6:
#: "1 ngày làm việc = 8 giờ"; the setting `IncomeRate.hours_per_day` overrides it).
DEFAULT_HOURS_PER_DAY = Decimal(8)


class Change(enum.StrEnum):
    """What one item of a plan changes in a procedure."""

    ABOLISH = "abolish"  # bãi bỏ thủ tục
    DROP_DOCUMENTS = "drop_documents"  # bỏ / gộp thành phần hồ sơ
    SHORTEN_TIME = "shorten_time"  # rút ngắn thời hạn giải quyết
    MOVE_ONLINE = "move_online"  # chuyển sang dịch vụ công trực tuyến toàn trình
    CUT_FEE = "cut_fee"  # giảm phí, lệ phí


class PlanState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    APPLIED = "applied"


class VolumeSource(enum.StrEnum):
    """Where the number of dossiers a year comes from."""

    STATISTICS = "statistics"  # received in the last 12 months (reports' fact tables)
    ENTERED = "entered"  # entered by hand (the procedure's cost inputs, or the plan item)


class ComponentKind(enum.StrEnum):
    DOCUMENT = "document"  # obtaining and preparing one document of the dossier
    VISIT = "visit"  # time at the desk (submitting, receiving the result)
    TRAVEL = "travel"  # travelling to and from the desk
    PROCESSING = "processing"  # waiting for the regulated processing time
    FEE = "fee"  # phí, lệ phí
    OUT_OF_POCKET = "out_of_pocket"  # copies, notarisation, hired services


#: Follow-up checkpoints of an applied plan, in months after it was applied.
FOLLOW_UP_MONTHS = (3, 6, 12)


@dataclass(frozen=True)
class DocumentFacts:
    position: int
    name: str
    hours: Decimal
    out_of_pocket_vnd: int = 0
    estimated: bool = False


@dataclass(frozen=True)
class CostFacts:
    """What a dossier of one procedure costs its applicant, before the income rate: the
    inputs of the method (domain.md §6), from the procedure version and its cost inputs."""

    code: str
    name: str
    documents: tuple[DocumentFacts, ...]
    processing_working_days: Decimal
    visits: int
    hours_per_visit: Decimal
    travel_hours_per_visit: Decimal
    fees_vnd: int
    out_of_pocket_vnd: int
    online_level: str = ""
    fees_unknown: bool = False
    visits_estimated: bool = False
    out_of_pocket_estimated: bool = False
    abolished: bool = False


@dataclass(frozen=True)
class Rate:
    """The income per working hour in force on a date (a dated setting)."""

    hourly_income_vnd: int
    hours_per_day: Decimal
    valid_from: str  # ISO date
    source: str = ""


@dataclass(frozen=True)
class CostComponent:
    kind: str
    label: str
    hours: Decimal | None  # None: a money component
    amount_vnd: int  # per dossier, whole đồng
    formula: str
    estimated: bool = False
    position: int | None = None  # documents: the document's position in the version

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "hours": float(self.hours) if self.hours is not None else None,
            "amount_vnd": self.amount_vnd,
            "formula": self.formula,
            "estimated": self.estimated,
        }


@dataclass(frozen=True)
class ComplianceCost:
    """The compliance cost of one procedure: per dossier (the sum of its components) and per
    year (per dossier × dossiers a year), in whole đồng."""

    code: str
    name: str
    components: tuple[CostComponent, ...]
    per_dossier: int
    per_dossier_formula: str
    hourly_income: int
    hours_per_day: Decimal
    rate_valid_from: str
    dossiers_per_year: int | None
    volume_source: str | None
    per_year: int | None
    per_year_formula: str
    processing_working_days: Decimal
    estimated: bool = False
    volume_note: str = ""


@dataclass
class Figures:
    """Before / after / saving of one item or of a plan, per year, in whole đồng. The per
    cent is exact (Decimal); it is rounded to two places only when shown (`percent_display`)."""

    before: int = 0
    after: int = 0

    @property
    def saving(self) -> int:
        return self.before - self.after

    @property
    def percent(self) -> Decimal | None:
        if self.before <= 0:
            return None
        return Decimal(self.saving) * 100 / Decimal(self.before)

    def add(self, other: Figures) -> None:
        self.before += other.before
        self.after += other.after


def percent_rounded(value: Decimal | None) -> Decimal | None:
    """A per cent to two places, half up (for display and the export only)."""
    if value is None:
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(value: Decimal) -> int:
    """Whole đồng, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class FollowUp:
    """Planned against actual at a checkpoint after the plan was applied."""

    months: int
    due: str  # ISO date of the checkpoint
    reached: bool
    procedure: str
    planned_days: Decimal | None
    actual_days: float | None
    planned_per_year: int
    actual_per_year: int | None
    received: int | None
    resolved: int | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ItemInput:
    """One item of a plan as asked (API body, desk form)."""

    procedure: str
    change: str
    processing_working_days: Decimal | None = None
    documents: tuple[int, ...] = ()
    fee_vnd: int | None = None
    dossiers_per_year: int | None = None
