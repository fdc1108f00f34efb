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


# --- The 766 service index (Quyết định 766/QĐ-TTg; domain.md §4; ADR 0030) ----------------


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction (makemessages); translated where it is shown."""
    return message


#: The first year an index may be asked for (and an indicator entered).
INDEX766_FIRST_YEAR = 2000


class IndicatorSource(enum.StrEnum):
    COMPUTED = "computed"  # from the system's own data (fact table, catalog)
    ENTERED = "entered"  # typed in by an admin (IndicatorEntry), with who and when
    MISSING = "missing"  # neither: 0 points, counted in the missing points


@dataclasses.dataclass(frozen=True)
class IndicatorDef:
    """One indicator of the 766 index: its code, group (1–6), English name (a msgid), the
    points it is worth, its target rate in % (None: no target, points = rate × max), whether
    the system computes it, the formula as text (a msgid) and, when domain.md has no primary
    source for a part of it, what is UNCONFIRMED (English, for the docs and the pages)."""

    code: str
    group: int
    name: str
    max_points: int
    target: int | None
    computed: bool
    formula: str
    unconfirmed: str = ""


#: The six groups: number, English name (msgid), maximum points (100 in all).
INDEX766_GROUPS: tuple[tuple[int, str, int], ...] = (
    (1, gettext_noop("Openness and transparency"), 18),
    (2, gettext_noop("Processing progress"), 20),
    (3, gettext_noop("Online public services"), 12),
    (4, gettext_noop("Online payment"), 10),
    (5, gettext_noop("Satisfaction"), 18),
    (6, gettext_noop("Digitisation of dossiers"), 22),
)

#: The indicators (domain.md §4, the DVCQG implementation as seen by third-party tools [S]).
#: Points and targets may be changed with the setting MOTCUA_INDEX766_OVERRIDES
#: ({code: {"max_points": n, "target": t or None}}) when the official annex says otherwise.
# fmt: off
INDEX766_INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "1.1", 1, gettext_noop("Procedures published on time"), 6, None, False,
        gettext_noop("Published procedures whose decision came on time / procedures published"),
    ),
    IndicatorDef(
        "1.2", 1, gettext_noop("Procedures updated and made public on time"), 4, None, False,
        gettext_noop("Procedures made public on the national database on time / procedures"),
    ),
    IndicatorDef(
        "1.3", 1, gettext_noop("Procedures published with every component"), 2, None, True,
        gettext_noop(
            "Current procedures with a name, steps, method, documents, time limit, applicants "
            "and agency / current procedures of the agency"
        ),
        "method of submission read as the catalog's online-service level",
    ),
    IndicatorDef(
        "1.4", 1, gettext_noop("Dossiers synchronised to the national portal"), 6, None, False,
        gettext_noop("Dossiers synchronised to the national portal / dossiers"),
    ),
    IndicatorDef(
        "2.1", 2, gettext_noop("Dossiers resolved early or on time"), 20, None, True,
        gettext_noop(
            "(Resolved early + on time) / (resolved + in progress overdue at the period's end)"
        ),
        "in-progress overdue dossiers counted as late, not-yet-due ones left out",
    ),
    IndicatorDef(
        "3.0", 3, gettext_noop("Full-online dossiers of procedures offered fully online"), 12,
        None, True,
        gettext_noop(
            "Dossiers received online / dossiers received, of the procedures offered fully "
            "online"
        ),
        "code 3.0 is ours (the source gives this scored indicator no number)",
    ),
    IndicatorDef(
        "3.1", 3, gettext_noop("Procedures offered as online public services"), 0, 80, True,
        gettext_noop("Current procedures offered fully or partly online / current procedures"),
        "tracked without points",
    ),
    IndicatorDef(
        "3.2", 3, gettext_noop("Online services that received online dossiers"), 0, None, True,
        gettext_noop(
            "Procedures offered online with at least one dossier received online / procedures "
            "offered online"
        ),
        "tracked without points",
    ),
    IndicatorDef(
        "3.3", 3, gettext_noop("Dossiers submitted online"), 0, 50, True,
        gettext_noop("Dossiers received online / dossiers received (online, desk, post)"),
        "tracked without points; the national sync ratio is not applied",
    ),
    IndicatorDef(
        "4.1", 4, gettext_noop("Procedures with fees offered for online payment"), 2, 80, True,
        gettext_noop("Current procedures with fees offered online / current procedures with fees"),
        "target 80 % placed on this indicator; 'offered on the national portal' read as "
        "offered online here",
    ),
    IndicatorDef(
        "4.2", 4, gettext_noop("Procedures with online payment transactions"), 2, None, True,
        gettext_noop(
            "Current procedures with fees with a fee paid online in the period / current "
            "procedures with fees"
        ),
    ),
    IndicatorDef(
        "4.3", 4, gettext_noop("Dossiers paid online"), 6, None, True,
        gettext_noop("Fees paid online / dossiers received with a fee (at most 100 %)"),
    ),
    IndicatorDef(
        "5.2", 5, gettext_noop("Feedback and petitions handled on time"), 6, None, False,
        gettext_noop(
            "Feedback answered, refused or forwarded within its deadline, or in progress within "
            "it at the period's end / feedback received in the period (from the feedback desk; "
            "entered when there is none)"
        ),
        "deadlines 2 / 5 / 15 working days seen only in a secondary source (domain.md §4)",
    ),
    IndicatorDef(
        "5.3", 5, gettext_noop("Satisfaction with the handling of feedback"), 6, None, False,
        gettext_noop(
            "Senders satisfied with the answer / senders who rated it (from the feedback desk; "
            "entered when there is none)"
        ),
    ),
    IndicatorDef(
        "5.4", 5, gettext_noop("Satisfaction with receiving and resolving procedures"), 6, 90,
        True,
        gettext_noop(
            "100 % − ((resolved late + in progress overdue) + dissatisfied ratings + dossiers "
            "with accepted feedback about their handling) / dossiers of the period (received + "
            "carried over)"
        ),
        "denominator read as the period's dossiers (Biểu 06 col 3)",
    ),
    IndicatorDef(
        "6.1", 6, gettext_noop("Dossiers with an electronic result"), 6, None, True,
        gettext_noop("Results issued as signed electronic documents / results issued"),
    ),
    IndicatorDef(
        "6.2", 6, gettext_noop("Dossiers digitised"), 4, 80, True,
        gettext_noop(
            "Dossiers received with their documents stored electronically / dossiers received"
        ),
    ),
    IndicatorDef(
        "6.3", 6, gettext_noop("Electronic certified copies from originals"), 2, None, False,
        gettext_noop("As reported by the certification system"),
    ),
    IndicatorDef(
        "6.4", 6, gettext_noop("Dossiers reusing digitised data"), 2, 80, False,
        gettext_noop("Dossiers reusing digitised data / dossiers"),
    ),
    IndicatorDef(
        "6.5", 6, gettext_noop("Digitised dossiers shared to the citizen's e-storage"), 4, None,
        False,
        gettext_noop("Digitised dossiers linked to the citizen's storage / digitised dossiers"),
    ),
    IndicatorDef(
        "6.6", 6, gettext_noop("Dossiers using the population database"), 2, None, False,
        gettext_noop("Dossiers using population data / dossiers"),
    ),
    IndicatorDef(
        "6.7", 6, gettext_noop("Procedures connected to the population database"), 2, None,
        False,
        gettext_noop("Procedures connected to the population database / procedures"),
    ),
)
# fmt: on

#: The codes an admin may enter (the system cannot compute them).
INDEX766_ENTERED_CODES: tuple[str, ...] = tuple(
    d.code for d in INDEX766_INDICATORS if not d.computed
)


@dataclasses.dataclass(frozen=True)
class IndicatorResult:
    """One indicator of an index: its definition's figures, the rate (%, 0–100, None when
    nothing was there to count or nothing entered), the points, the data behind the rate
    (numerator / denominator, None for an entered one), where it came from, who entered it
    and when, and the report buckets (or "catalog") that list what is behind it."""

    code: str
    group: int
    name: str
    max_points: float
    target: float | None
    rate: float | None
    points: float
    numerator: float | None
    denominator: float | None
    formula: str
    source: IndicatorSource
    unconfirmed: str = ""
    entered_by: str | None = None
    entered_at: dt.datetime | None = None
    note: str = ""
    drilldown: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class IndicatorGroupResult:
    number: int
    name: str
    max_points: float
    points: float
    missing_points: float


@dataclasses.dataclass(frozen=True)
class ServiceIndex:
    """The 766 index of a year (up to `date_to`) for an agency with its sub-agencies, or the
    whole province (agency_id None): every indicator, the groups and the 100-point total;
    `missing_points` are the points of indicators without data (not entered, or nothing to
    count)."""

    year: int
    date_from: dt.date
    date_to: dt.date
    agency_id: int | None
    indicators: list[IndicatorResult]
    groups: list[IndicatorGroupResult]
    total_points: float
    max_points: float
    missing_points: float
