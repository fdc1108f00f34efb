"""The rates of the one-stop shop month by month (issue 11): on time, online, paid online,
completion requests, refusals and satisfaction, each a ratio of the fact table's period sums
(ADR 0027) for one calendar month, None where its denominator is 0.

- on-time rate = (resolved early + on time) / resolved (`ResolutionRow.on_time_rate`);
- online rate = received online / received in the month (online + at the desk or by post;
  the carried over left out) (`ResolutionRow.online_rate`);
- online payment rate = paid online / paid (the payments recorded in the month: `paid_online`,
  `paid` of the fact table, written by the payments hook);
- completion-request rate = completion requests (supplement requests) / received in the month;
- refusal rate = refused after review / resolved;
- satisfaction = ratings "satisfied" / ratings given in the month (`rated_satisfied`, `rated`).

Every figure is read through `resolution_by_month` (each month's `resolution_report` total),
so the months add up to the official report's figures for the same days."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.reports.charts import (
    Chart,
    Series,
    bar_chart,
    fmt_days,
    fmt_number,
    fmt_percent,
    line_chart,
)
from motcua.reports.data import ResolutionRow
from motcua.reports.selectors import resolution_by_month

#: The rates a `MonthRates` carries, in the order the pages show them.
RATES = (
    "on_time_rate",
    "online_rate",
    "online_payment_rate",
    "completion_request_rate",
    "refusal_rate",
    "satisfaction_rate",
)


@dataclasses.dataclass(frozen=True)
class MonthRates:
    """One month's rates (each in 0…1, None when nothing was there to count) and the counts
    they come from."""

    month: str  # "YYYY-MM"
    date_from: dt.date
    date_to: dt.date  # the month's last day, or `until` for the last month
    received: int  # received in the month (online + at the desk or by post)
    received_online: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_overdue: int  # at the month's end
    refused: int
    supplement_requests: int
    paid: int
    paid_online: int
    rated: int
    rated_satisfied: int
    on_time_rate: float | None
    online_rate: float | None
    online_payment_rate: float | None
    completion_request_rate: float | None
    refusal_rate: float | None
    satisfaction_rate: float | None


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to four places, None when the denominator is 0."""
    return round(numerator / denominator, 4) if denominator else None


def month_rates(
    row: ResolutionRow, *, month: str, date_from: dt.date, date_to: dt.date
) -> MonthRates:
    """The rates of one period's report row."""
    received = row.received_online + row.received_direct
    resolved = row.resolved_early + row.resolved_on_time + row.resolved_late
    return MonthRates(
        month=month,
        date_from=date_from,
        date_to=date_to,
        received=received,
        received_online=row.received_online,
        resolved=resolved,
        resolved_early=row.resolved_early,
        resolved_on_time=row.resolved_on_time,
        resolved_late=row.resolved_late,
        in_progress_overdue=row.in_progress_overdue,
        refused=row.refused,
        supplement_requests=row.supplement_requests,
        paid=row.paid,
        paid_online=row.paid_online,
        rated=row.rated,
        rated_satisfied=row.rated_satisfied,
        on_time_rate=ratio(row.resolved_early + row.resolved_on_time, resolved),
        online_rate=ratio(row.received_online, received),
        online_payment_rate=ratio(row.paid_online, row.paid),
        completion_request_rate=ratio(row.supplement_requests, received),
        refusal_rate=ratio(row.refused, resolved),
        satisfaction_rate=ratio(row.rated_satisfied, row.rated),
    )


def month_spans(*, until: dt.date, months: int = 12) -> list[tuple[str, dt.date, dt.date]]:
    """The `months` calendar months ending with the one holding `until`, oldest first, as
    ("YYYY-MM", first day, last day — `until` for the last)."""
    spans = []
    first = until.replace(day=1)
    for _n in range(months):
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        last = min(nxt - dt.timedelta(days=1), until)
        spans.append((f"{first:%Y-%m}", first, last))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return spans[::-1]


def _rows_by_month(
    *, until: dt.date, months: int, agency_ids: Iterable[int] | None, procedure_code: str | None
) -> list[tuple[str, dt.date, dt.date, ResolutionRow]]:
    """One total row per month, from `resolution_by_month` (the month's key "YYYY-MM")."""
    ids = list(agency_ids) if agency_ids is not None else None
    rows = {
        row.key: row
        for row in resolution_by_month(
            until=until, months=months, agency_ids=ids, procedure_code=procedure_code
        )
    }
    return [
        (key, first, last, rows.get(key) or ResolutionRow(key=key, label=key))
        for key, first, last in month_spans(until=until, months=months)
    ]


def rate_trends(
    *,
    until: dt.date,
    months: int = 12,
    agency_ids: Iterable[int] | None = None,
    procedure_code: str | None = None,
) -> list[MonthRates]:
    """The rates of each of the `months` calendar months ending with the one holding `until`
    (that month up to `until`), oldest first. `agency_ids` as in `resolution_report` (rolled
    up to the agencies under them; None: all). The caller checks access."""
    return [
        month_rates(row, month=key, date_from=first, date_to=last)
        for key, first, last, row in _rows_by_month(
            until=until, months=months, agency_ids=agency_ids, procedure_code=procedure_code
        )
    ]


#: What each rate is called on the pages.
RATE_LABELS: dict[str, Any] = {
    "on_time_rate": _("Resolved on time or early"),
    "online_rate": _("Received online"),
    "online_payment_rate": _("Paid online"),
    "completion_request_rate": _("Asked to complete the dossier"),
    "refusal_rate": _("Refused after review"),
    "satisfaction_rate": _("Satisfied"),
}


@dataclasses.dataclass(frozen=True)
class Headline:
    """One of the figures a statistics page leads with (Biểu 06's headline numbers)."""

    name: str
    label: Any
    value: str  # formatted in the active language
    note: str = ""
    bad: bool = False  # draws the eye (overdue, late)


def headline(row: ResolutionRow) -> list[Headline]:
    """The headline figures of a report row: received, resolved (early, on time, late), in
    progress, overdue, the on-time and online rates, the average processing time against the
    regulated time, and satisfaction — formatted for the active language."""
    received_in = row.received_online + row.received_direct
    resolved = row.resolved_early + row.resolved_on_time + row.resolved_late
    satisfaction = ratio(row.rated_satisfied, row.rated)
    return [
        Headline(
            "received_total",
            _("Received for resolution"),
            fmt_number(row.received_total),
            _("%(new)s in the period, %(old)s carried over")
            % {"new": fmt_number(received_in), "old": fmt_number(row.received_carried_over)},
        ),
        Headline("resolved_total", _("Resolved"), fmt_number(resolved)),
        Headline(
            "resolved_early", _("Resolved before the deadline"), fmt_number(row.resolved_early)
        ),
        Headline("resolved_on_time", _("Resolved on time"), fmt_number(row.resolved_on_time)),
        Headline(
            "resolved_late",
            _("Resolved late"),
            fmt_number(row.resolved_late),
            bad=row.resolved_late > 0,
        ),
        Headline("in_progress_total", _("In progress"), fmt_number(row.in_progress_total)),
        Headline(
            "in_progress_overdue",
            _("In progress, overdue"),
            fmt_number(row.in_progress_overdue),
            bad=row.in_progress_overdue > 0,
        ),
        Headline("on_time_rate", _("Resolved on time or early"), fmt_percent(row.on_time_rate)),
        Headline("online_rate", _("Received online"), fmt_percent(row.online_rate)),
        Headline(
            "processing_time",
            _("Average processing time"),
            fmt_days(row.avg_processing_working_days_without_pauses),
            times_sentence(
                row.avg_processing_working_days_without_pauses, row.regulated_working_days
            ),
        ),
        Headline(
            "satisfaction_rate",
            _("Satisfied"),
            fmt_percent(satisfaction),
            _("of %(count)s ratings") % {"count": fmt_number(row.rated)},
        ),
    ]


def times_sentence(actual: float | None, regulated: float | None) -> str:
    """ "1,34 ngày làm việc so với quy định 3 ngày" — as provinces print it."""
    if actual is None:
        return str(_("No dossier with a result yet"))
    if regulated is None:
        return str(_("%(actual)s working days") % {"actual": fmt_days(actual)})
    return str(
        _("%(actual)s working days against the regulated %(regulated)s days")
        % {"actual": fmt_days(actual), "regulated": fmt_days(regulated)}
    )


def month_label(month: str) -> str:
    """ "2026-03" → "03/2026"."""
    year, mon = month.split("-")
    return f"{mon}/{year}"


def trend_chart(
    trends: Sequence[MonthRates], *, rates: Sequence[str], chart_id: str, title: str
) -> Chart:
    """A line chart of some rates over the months."""
    months = [month_label(t.month) for t in trends]
    return line_chart(
        chart_id=chart_id,
        title=title,
        description=str(
            _(
                "Per month from %(first)s to %(last)s, in percent; the table below gives the figures."
            )
            % {"first": months[0] if months else "", "last": months[-1] if months else ""}
        ),
        category_heading=str(_("Month")),
        categories=months,
        axis_labels=[str(int(t.month[5:])) for t in trends],
        axis_notes=[
            t.month[:4] if i == 0 or t.month.endswith("-01") else "" for i, t in enumerate(trends)
        ],
        series=[Series(str(RATE_LABELS[r]), [getattr(t, r) for t in trends]) for r in rates],
    )


def outcome_series(rows: Sequence[ResolutionRow | MonthRates]) -> list[Series]:
    """Resolved early, on time and late, for a bar chart."""
    return [
        Series(str(_("Before the deadline")), [r.resolved_early for r in rows]),
        Series(str(_("On time")), [r.resolved_on_time for r in rows]),
        Series(str(_("Late")), [r.resolved_late for r in rows]),
    ]


def outcome_chart(
    rows: Sequence[ResolutionRow], *, chart_id: str, title: str, category_heading: str
) -> Chart:
    """A stacked bar per row (an agency, a procedure): resolved early, on time and late."""
    return bar_chart(
        chart_id=chart_id,
        title=title,
        description=str(
            _(
                "Dossiers resolved in the period, one bar per row, split into before the "
                "deadline, on time and late; the table below gives the figures."
            )
        ),
        category_heading=category_heading,
        categories=[r.label or "—" for r in rows],
        series=outcome_series(rows),
    )


def month_outcome_chart(trends: Sequence[MonthRates], *, chart_id: str, title: str) -> Chart:
    """A stacked bar per month: resolved early, on time and late."""
    return bar_chart(
        chart_id=chart_id,
        title=title,
        description=str(
            _(
                "Dossiers resolved each month, split into before the deadline, on time and "
                "late; the table below gives the figures."
            )
        ),
        category_heading=str(_("Month")),
        categories=[month_label(t.month) for t in trends],
        series=outcome_series(trends),
    )
