"""The public statistics page (/thong-ke/, ADR 0032): the province's figures on receiving and
resolving dossiers, and each agency's, for this month, this quarter or this year — the
headline numbers of Biểu 06/VPCP/KSTT, the 12-month trends, charts drawn on the server and a
table of agencies. No sign-in, no personal data (only counts per agency), no JavaScript. The
figures are computed once per period, agency and day and kept in the cache a few minutes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_get_by_code
from motcua.core.access import public
from motcua.reports.api import (
    MonthRates,
    ResolutionRow,
    fmt_days,
    fmt_number,
    fmt_percent,
    headline,
    outcome_chart,
    rate_trends,
    ratio,
    resolution_report,
    times_sentence,
    trend_chart,
)

#: How long the computed figures are kept (seconds): the page is read far more than the
#: figures change, and a few minutes late is fine for a public summary.
CACHE_SECONDS = 300
#: The query parameter and its values: the period tabs.
PERIOD_PARAM, AGENCY_PARAM = "ky", "co-quan"
PERIODS = {
    "thang": gettext_lazy("This month"),
    "quy": gettext_lazy("This quarter"),
    "nam": gettext_lazy("This year"),
}
DEFAULT_PERIOD = "thang"
#: The agencies drawn in the bar chart (the most resolved); the table lists them all.
CHART_AGENCIES = 10


def period_days(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of this month, quarter or year, and today."""
    if period == "nam":
        return today.replace(month=1, day=1), today
    if period == "quy":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    return today.replace(day=1), today


@dataclasses.dataclass(frozen=True)
class Figures:
    """What the page shows, computed from the fact table (kept in the cache)."""

    date_from: dt.date
    date_to: dt.date
    total: ResolutionRow
    agencies: list[ResolutionRow]
    trends: list[MonthRates]


def figures(*, period: str, agency_id: int | None, agency_code: str, today: dt.date) -> Figures:
    """The figures of a period for the province or one agency (with those under it), from
    the cache when they were computed in the last few minutes."""
    # By language too: the month labels of the trends are translated when computed.
    key = f"portal:stats:v1:{get_language()}:{today.isoformat()}:{period}:{agency_code}"
    found = cache.get(key)
    if isinstance(found, Figures):
        return found
    start, end = period_days(period, today)
    ids = [agency_id] if agency_id is not None else None
    report = resolution_report(date_from=start, date_to=end, agency_ids=ids)
    result = Figures(
        date_from=start,
        date_to=end,
        total=report.total,
        agencies=report.rows,
        trends=rate_trends(until=today, agency_ids=ids),
    )
    cache.set(key, result, CACHE_SECONDS)
    return result


def _link(period: str, agency_code: str) -> str:
    params = {PERIOD_PARAM: period}
    if agency_code:
        params[AGENCY_PARAM] = agency_code
    return reverse("portal:statistics") + "?" + urlencode(params)


def _agency_rows(rows: list[ResolutionRow], period: str) -> list[dict[str, Any]]:
    return [
        {
            "row": r,
            "url": _link(period, r.key),
            "cells": [
                fmt_number(r.received_total),
                fmt_number(r.resolved_total),
                fmt_number(r.resolved_early),
                fmt_number(r.resolved_on_time),
                fmt_number(r.resolved_late),
                fmt_number(r.in_progress_total),
                fmt_number(r.in_progress_overdue),
                fmt_percent(r.on_time_rate),
                fmt_percent(r.online_rate),
                fmt_days(r.avg_processing_working_days_without_pauses),
                fmt_days(r.regulated_working_days),
                fmt_percent(ratio(r.rated_satisfied, r.rated)),
            ],
        }
        for r in rows
    ]


@public
def statistics(request: HttpRequest) -> HttpResponse:
    """The public statistics page: ?ky=thang|quy|nam (this month by default) and ?co-quan=
    an agency's code (the province when absent). An unknown agency: 404."""
    period = request.GET.get(PERIOD_PARAM, DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    code = request.GET.get(AGENCY_PARAM, "").strip()[:40]
    agency = agency_get_by_code(code=code) if code else None
    if code and agency is None:
        raise Http404(_("No such agency."))
    today = timezone.localdate()
    data = figures(
        period=period,
        agency_id=agency.pk if agency is not None else None,
        agency_code=code,
        today=today,
    )
    by_agency = sorted(data.agencies, key=lambda r: (-r.resolved_total, r.label))
    charts = [
        outcome_chart(
            by_agency[:CHART_AGENCIES],
            chart_id="stats-agencies",
            title=_("Dossiers resolved in the period, by agency"),
            category_heading=_("Agency"),
        ),
        trend_chart(
            data.trends,
            rates=["on_time_rate"],
            chart_id="stats-on-time",
            title=_("Resolved on time or early, last 12 months"),
        ),
        trend_chart(
            data.trends,
            rates=["online_rate", "satisfaction_rate"],
            chart_id="stats-online",
            title=_("Received online and satisfied, last 12 months"),
        ),
    ]
    total = data.total
    context = {
        "period": period,
        "period_label": PERIODS[period],
        "tabs": [
            {"label": label, "url": _link(key, code), "current": key == period}
            for key, label in PERIODS.items()
        ],
        "agency": agency,
        "province_url": _link(period, ""),
        "date_from": data.date_from,
        "date_to": data.date_to,
        "figures": headline(total),
        "times": times_sentence(
            total.avg_processing_working_days_without_pauses, total.regulated_working_days
        ),
        "charts": charts,
        "rows": _agency_rows(by_agency, period),
        "cached_minutes": CACHE_SECONDS // 60,
    }
    return render(request, "portal/statistics.html", context)
