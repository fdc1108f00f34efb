"""Processing time against the regulated time (/desk/bao-cao/thoi-gian/), per procedure,
agency, field or level: the average and median real processing time in working days, with
and without the time the dossier waited for the applicant, printed as provinces print it
("1,34 ngày làm việc so với quy định 3 ngày"), sortable by how far over the regulated time.
Figures from `reports.api.resolution_report`; who sees what is the report page's rule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.reports.api import ResolutionRow, fmt_days, resolution_report, times_sentence

from ..forms.reports import PERIODS, ReportForm
from ..permissions import reporters
from .common import render_desk
from .reports import GROUP_HEADINGS, _agency_ids, _scope

#: The orders the table can be read in (?sort=…).
SORTS = {
    "over": _("Most over the regulated time first"),
    "avg": _("Longest average time first"),
    "count": _("Most dossiers first"),
    "name": _("By name"),
}
DEFAULT_SORT = "over"


def over_regulated(row: ResolutionRow) -> float | None:
    """Working days by which the average time (the applicant's time left out) exceeds the
    regulated time; negative when under it; None without a result."""
    avg, regulated = row.avg_processing_working_days_without_pauses, row.regulated_working_days
    if avg is None or regulated is None:
        return None
    return round(avg - regulated, 2)


def _sorted(rows: list[ResolutionRow], sort: str) -> list[ResolutionRow]:
    def none_last(value: float | None) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, -value)

    if sort == "name":
        return sorted(rows, key=lambda r: r.label)
    if sort == "count":
        return sorted(rows, key=lambda r: (-r.timed, r.label))
    if sort == "avg":
        return sorted(
            rows,
            key=lambda r: (none_last(r.avg_processing_working_days_without_pauses), r.label),
        )
    return sorted(rows, key=lambda r: (none_last(over_regulated(r)), r.label))


def _line(row: ResolutionRow) -> dict[str, Any]:
    over = over_regulated(row)
    return {
        "row": row,
        "timed": row.timed,
        "avg": fmt_days(row.avg_processing_working_days_without_pauses),
        "avg_paused": fmt_days(row.avg_processing_working_days),
        "median": fmt_days(row.median_processing_working_days_without_pauses),
        "median_paused": fmt_days(row.median_processing_working_days),
        "regulated": fmt_days(row.regulated_working_days),
        "over": ("+" if over is not None and over > 0 else "") + fmt_days(over),
        "is_over": over is not None and over > 0,
        "sentence": times_sentence(
            row.avg_processing_working_days_without_pauses, row.regulated_working_days
        ),
        "sentence_paused": times_sentence(
            row.avg_processing_working_days, row.regulated_working_days
        ),
    }


@reporters
def processing_times(request: HttpRequest) -> HttpResponse:
    """The processing times of a period for an agency (or all the person's), by the chosen
    grouping (procedure by default), in the chosen order."""
    agencies = _scope(request)
    data = request.GET.copy()
    if not data.get("group_by"):
        data["group_by"] = "procedure"
    form = ReportForm(data, agencies=agencies, today=timezone.localdate())
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    context: dict[str, Any] = {
        "form": form,
        "periods": PERIODS,
        "sorts": list(SORTS.items()),
        "sort": sort,
    }
    if not form.is_valid():
        return render_desk(request, "desk/report_times.html", context, status=400)
    query = form.query()
    result = resolution_report(
        date_from=query.date_from,
        date_to=query.date_to,
        agency_ids=_agency_ids(agencies, query.agency),
        group_by=query.group_by,
    )
    timed = [r for r in result.rows if r.timed]
    chosen = next((a for a in agencies if a.code == query.agency), None)
    context.update(
        {
            "query": query,
            "agency_name": chosen.name if chosen else "",
            "group_heading": GROUP_HEADINGS[query.group_by],
            "rows": [_line(r) for r in _sorted(timed, sort)],
            "untimed": len(result.rows) - len(timed),
            "total": _line(result.total),
        }
    )
    return render_desk(request, "desk/report_times.html", context)
