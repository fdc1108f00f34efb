"""The shapes the reports app returns (ADR 0027)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from motcua.accounts.data import OFFICER_ROLES, Role
from motcua.dossiers.data import REPORT_BUCKETS

#: Who may see the report (desk pages, API, exports): every officer role and the supervisor,
#: each for the agencies they watch (`accounts.api.agencies_monitored_by`) and those below;
#: a supervisor or province admin at the province sees all of it. One rule for every door.
REPORT_ROLES: frozenset[Role] = frozenset(OFFICER_ROLES | {Role.SUPERVISOR})


class GroupBy(enum.StrEnum):
    AGENCY = "agency"  # the deciding agency
    FIELD = "field"  # lĩnh vực of the procedure (its current version)
    PROCEDURE = "procedure"  # the procedure code
    LEVEL = "level"  # the deciding agency's kind (department, commune, …)


#: The service figures (766 index groups 4–6 and the rates), period sums of the fact table's
#: columns of the same names (models.DailyFlow), carried in every ResolutionRow.
SERVICE_COUNTS = (
    "fee_due",
    "paid",
    "paid_online",
    "e_results",
    "digitised",
    "rated",
    "rated_satisfied",
)

#: The counts of a row, in the order of Biểu 06 (cols 3–13) and then the extra columns.
COUNTS = (
    *REPORT_BUCKETS,
    "supplement_requests",
    "timed",
    "elapsed_seconds",
    "paused_seconds",
    "regulated_seconds",
)


@dataclasses.dataclass
class ResolutionRow:
    """One row of the official report (Biểu 06/VPCP/KSTT) for a period.

    received_total = received_online + received_direct + received_carried_over (col 3);
    resolved_total = resolved_early + resolved_on_time + resolved_late (col 7);
    in_progress_total = in_progress_not_due + in_progress_overdue (col 11);
    received_total = resolved_total + in_progress_total. The extra columns are "of which":
    `withdrawn`, `cancelled` (counted in resolved on time) and `refused` (after review,
    counted in resolved by its outcome) are among the resolved, `waiting_supplement` among
    the in progress not yet due (domain.md §3). Times are in working days of the province
    calendar, over the dossiers with a result (`timed`: approved or refused); the medians are
    lower medians to half a working day."""

    key: str
    label: str
    received_total: int = 0
    received_online: int = 0
    received_direct: int = 0
    received_carried_over: int = 0
    resolved_total: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_total: int = 0
    in_progress_not_due: int = 0
    in_progress_overdue: int = 0
    withdrawn: int = 0
    cancelled: int = 0
    refused: int = 0
    waiting_supplement: int = 0
    supplement_requests: int = 0
    timed: int = 0
    elapsed_seconds: int = 0
    paused_seconds: int = 0
    regulated_seconds: int = 0
    fee_due: int = 0
    paid: int = 0
    paid_online: int = 0
    e_results: int = 0
    digitised: int = 0
    rated: int = 0
    rated_satisfied: int = 0
    avg_processing_working_days: float | None = None
    avg_processing_working_days_without_pauses: float | None = None
    median_processing_working_days: float | None = None
    median_processing_working_days_without_pauses: float | None = None
    regulated_working_days: float | None = None
    on_time_rate: float | None = None
    online_rate: float | None = None


@dataclasses.dataclass
class ResolutionReport:
    date_from: dt.date
    date_to: dt.date
    group_by: GroupBy
    rows: list[ResolutionRow]
    total: ResolutionRow


def duration_bucket(seconds: int, *, working_day_seconds: int) -> int:
    """A processing time's histogram bucket (`DailyFlow.duration`): 1 + the working time
    rounded to the nearest half working day, counted in half days."""
    half = max(working_day_seconds // 2, 1)
    return min(1 + (2 * seconds + half) // (2 * half), 32000)


def bucket_working_days(bucket: int) -> float:
    """The working days a histogram bucket stands for (to half a day; the sign, which says
    with or without the paused time, left aside)."""
    return (abs(bucket) - 1) / 2
