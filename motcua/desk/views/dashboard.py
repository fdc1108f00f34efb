"""The supervisor's dashboard (/desk/bao-cao/tong-quan/): for the agencies a person watches
(the report page's rule: the province supervisor sees all, an agency's leaders and admins
their agency and those below), the headline figures of a period, the rates of the last 12
months drawn and tabled, and where things go worst — the agencies and procedures with the
most overdue dossiers and the lowest on-time rates — each linking to the dossiers behind it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.reports.api import (
    ResolutionRow,
    fmt_number,
    fmt_percent,
    headline,
    month_outcome_chart,
    outcome_chart,
    rate_trends,
    resolution_report,
    times_sentence,
    trend_chart,
)

from ..forms.reports import PERIODS, ReportForm, ReportQuery
from ..permissions import reporters
from .common import render_desk
from .reports import _agency_ids, _link, _scope

#: How many of the worst agencies and procedures are listed.
WORST = 5
#: The fewest dossiers resolved for an on-time rate to count among the lowest.
MIN_RESOLVED = 5
#: The fields of the report form the dashboard uses (its rows are fixed).
FIELDS = ("period", "from", "to", "agency")


def _most_overdue(rows: list[ResolutionRow], query: ReportQuery) -> list[dict[str, Any]]:
    worst = sorted(
        (r for r in rows if r.in_progress_overdue > 0),
        key=lambda r: (-r.in_progress_overdue, r.label),
    )[:WORST]
    return [
        {
            "row": r,
            "value": fmt_number(r.in_progress_overdue),
            "note": _("of %(count)s in progress") % {"count": fmt_number(r.in_progress_total)},
            "url": _link(query, "in_progress_overdue", r.key),
        }
        for r in worst
    ]


def _lowest_on_time(rows: list[ResolutionRow], query: ReportQuery) -> list[dict[str, Any]]:
    counted = [r for r in rows if r.resolved_total >= MIN_RESOLVED and r.on_time_rate is not None]
    worst = sorted(counted, key=lambda r: (r.on_time_rate or 0.0, -r.resolved_total, r.label))
    return [
        {
            "row": r,
            "value": fmt_percent(r.on_time_rate),
            "note": _("%(late)s late of %(count)s resolved")
            % {"late": fmt_number(r.resolved_late), "count": fmt_number(r.resolved_total)},
            "url": _link(query, "resolved_late", r.key),
        }
        for r in worst[:WORST]
        if (r.on_time_rate or 0.0) < 1
    ]


@reporters
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of a period (this month by default) for an agency or all the person's."""
    agencies = _scope(request)
    data = request.GET.copy()
    data.pop("group_by", None)
    form = ReportForm(data, agencies=agencies, today=timezone.localdate())
    fields = [form[name] for name in FIELDS]
    context: dict[str, Any] = {"form": form, "fields": fields, "periods": PERIODS}
    if not form.is_valid():
        return render_desk(request, "desk/report_dashboard.html", context, status=400)
    query = form.query()
    ids = _agency_ids(agencies, query.agency)
    by_agency = resolution_report(
        date_from=query.date_from, date_to=query.date_to, agency_ids=ids, group_by="agency"
    )
    by_procedure = resolution_report(
        date_from=query.date_from, date_to=query.date_to, agency_ids=ids, group_by="procedure"
    )
    trends = rate_trends(until=query.date_to, agency_ids=ids)
    procedures = dataclasses.replace(query, group_by="procedure")
    agencies_query = dataclasses.replace(query, group_by="agency")
    total = by_agency.total
    chosen = next((a for a in agencies if a.code == query.agency), None)
    context.update(
        {
            "query": query,
            "agency_name": chosen.name if chosen else "",
            "figures": headline(total),
            "times": times_sentence(
                total.avg_processing_working_days_without_pauses, total.regulated_working_days
            ),
            "charts": [
                month_outcome_chart(
                    trends, chart_id="dash-months", title=_("Dossiers resolved each month")
                ),
                trend_chart(
                    trends,
                    rates=["on_time_rate"],
                    chart_id="dash-on-time",
                    title=_("Resolved on time or early, last 12 months"),
                ),
                trend_chart(
                    trends,
                    rates=["online_rate", "online_payment_rate"],
                    chart_id="dash-online",
                    title=_("Received online and paid online, last 12 months"),
                ),
                trend_chart(
                    trends,
                    rates=["completion_request_rate", "refusal_rate"],
                    chart_id="dash-requests",
                    title=_("Completion requests and refusals, last 12 months"),
                ),
                trend_chart(
                    trends,
                    rates=["satisfaction_rate"],
                    chart_id="dash-satisfaction",
                    title=_("Satisfied, last 12 months"),
                ),
                outcome_chart(
                    sorted(by_agency.rows, key=lambda r: (-r.resolved_total, r.label))[:10],
                    chart_id="dash-agencies",
                    title=_("Dossiers resolved in the period, by agency"),
                    category_heading=_("Agency"),
                ),
            ],
            "worst": [
                {
                    "id": "overdue-agencies",
                    "title": _("Agencies with the most overdue dossiers"),
                    "items": _most_overdue(by_agency.rows, agencies_query),
                },
                {
                    "id": "overdue-procedures",
                    "title": _("Procedures with the most overdue dossiers"),
                    "items": _most_overdue(by_procedure.rows, procedures),
                },
                {
                    "id": "late-agencies",
                    "title": _("Agencies with the lowest on-time rate"),
                    "items": _lowest_on_time(by_agency.rows, agencies_query),
                },
                {
                    "id": "late-procedures",
                    "title": _("Procedures with the lowest on-time rate"),
                    "items": _lowest_on_time(by_procedure.rows, procedures),
                },
            ],
            "min_resolved": MIN_RESOLVED,
        }
    )
    return render_desk(request, "desk/report_dashboard.html", context)
