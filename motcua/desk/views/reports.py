"""The official report on receiving and resolving dossiers (Biểu 06/VPCP/KSTT,
../shared/domain.md §3) for the agencies a person watches, and the dossiers behind each of its
figures. Figures from `reports.api.resolution_report`; lists from `resolution_dossiers`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from motcua.accounts.api import agencies_monitored_by
from motcua.reports.api import (
    REPORT_BUCKETS,
    REPORT_ROLES,
    ResolutionRow,
    export_is_large,
    resolution_dossiers,
    resolution_report,
)

from .. import presenters
from ..forms.reports import PERIODS, ReportForm, ReportQuery
from ..permissions import reporters
from .common import CappedPaginator, officer, page_links, render_desk

if TYPE_CHECKING:
    from motcua.accounts.models import Agency
    from motcua.dossiers.models import Dossier


@dataclasses.dataclass(frozen=True)
class Column:
    name: str  # a ResolutionRow attribute
    number: str  # the column's number in Biểu 06 ("" for the extra columns)
    label: Any
    kind: str = "count"  # count | days | rate


def _c(name: str, number: str, label: Any, kind: str = "count") -> Column:
    return Column(name, number, label, kind)


#: The report's column groups, in the order of Biểu 06 (cols 3–13), then the extra columns.
GROUPS: list[tuple[Any, list[Column]]] = [
    (
        pgettext_lazy("report", "Received for resolution"),
        [
            _c("received_total", "3", pgettext_lazy("report", "Total")),
            _c("received_online", "4", pgettext_lazy("report", "Online")),
            _c("received_direct", "5", pgettext_lazy("report", "At the desk or by post")),
            _c("received_carried_over", "6", pgettext_lazy("report", "From the previous period")),
        ],
    ),
    (
        pgettext_lazy("report", "Resolved"),
        [
            _c("resolved_total", "7", pgettext_lazy("report", "Total")),
            _c("resolved_early", "8", pgettext_lazy("report", "Before the deadline")),
            _c("resolved_on_time", "9", pgettext_lazy("report", "On time")),
            _c("resolved_late", "10", pgettext_lazy("report", "Late")),
        ],
    ),
    (
        pgettext_lazy("report", "In progress"),
        [
            _c("in_progress_total", "11", pgettext_lazy("report", "Total")),
            _c("in_progress_not_due", "12", pgettext_lazy("report", "Not yet due")),
            _c("in_progress_overdue", "13", pgettext_lazy("report", "Overdue")),
        ],
    ),
    (
        pgettext_lazy("report", "Of which"),
        [
            _c("withdrawn", "", pgettext_lazy("report", "Withdrawn")),
            _c("cancelled", "", pgettext_lazy("report", "Stopped")),
            _c("refused", "", pgettext_lazy("report", "Refused after review")),
            _c("waiting_supplement", "", pgettext_lazy("report", "Waiting for supplements")),
        ],
    ),
    (
        pgettext_lazy("report", "Processing time (working days)"),
        [
            _c("avg_processing_working_days", "", pgettext_lazy("report", "Average"), "days"),
            _c("regulated_working_days", "", pgettext_lazy("report", "Regulated"), "days"),
        ],
    ),
    (
        pgettext_lazy("report", "Rates"),
        [
            _c("on_time_rate", "", pgettext_lazy("report", "On time or early"), "rate"),
            _c("online_rate", "", pgettext_lazy("report", "Online"), "rate"),
        ],
    ),
]
COLUMNS = [c for _label, cols in GROUPS for c in cols]
BUCKET_LABELS: dict[str, Any] = {
    "received_total": gettext_lazy("Received for resolution (total)"),
    "received_online": gettext_lazy("Received online in the period"),
    "received_direct": gettext_lazy("Received at the desk or by post in the period"),
    "received_carried_over": gettext_lazy("Carried over from the previous period"),
    "resolved_total": gettext_lazy("Resolved (total)"),
    "resolved_early": gettext_lazy("Resolved before the deadline"),
    "resolved_on_time": gettext_lazy("Resolved on time"),
    "resolved_late": gettext_lazy("Resolved late"),
    "in_progress_total": gettext_lazy("In progress at the end of the period (total)"),
    "in_progress_not_due": gettext_lazy("In progress, not yet due"),
    "in_progress_overdue": gettext_lazy("In progress, overdue"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "cancelled": gettext_lazy("Stopped"),
    "refused": gettext_lazy("Refused after review"),
    "waiting_supplement": gettext_lazy("Waiting for supplements"),
}
GROUP_HEADINGS: dict[str, Any] = {
    "agency": gettext_lazy("Deciding agency"),
    "field": gettext_lazy("Field"),
    "procedure": gettext_lazy("Procedure"),
    "level": gettext_lazy("Level"),
}
PAGE_SIZE = 50


def _scope(request: HttpRequest) -> list[Agency]:
    """The agencies whose figures the person may see: the deadlines page's rule
    (`agencies_monitored_by`: where they hold a reporting role, the agencies below, and
    those their desks receive for); the report rolls each up to its sub-agencies."""
    return agencies_monitored_by(user=officer(request), roles=set(REPORT_ROLES))


def _agency_ids(agencies: list[Agency], chosen: str) -> set[int]:
    return {a.pk for a in agencies if not chosen or a.code == chosen}


def _link(query: ReportQuery, bucket: str, key: str | None) -> str:
    params = {
        "bucket": bucket,
        "from": query.date_from.isoformat(),
        "to": query.date_to.isoformat(),
    }
    if query.agency:
        params["agency"] = query.agency
    if key is not None:
        params["group_by"] = query.group_by
        params["key"] = key
    return reverse("desk:report_dossiers") + "?" + urlencode(params)


def _cells(row: ResolutionRow, query: ReportQuery, key: str | None) -> list[dict[str, Any]]:
    cells = []
    for col in COLUMNS:
        value = getattr(row, col.name)
        url = None
        if col.kind == "count" and value and col.name in REPORT_BUCKETS:
            url = _link(query, col.name, key)
        if col.kind == "rate" and value is not None:
            value = 100 * value
        cells.append({"column": col, "value": value, "url": url})
    return cells


@reporters
def report(request: HttpRequest) -> HttpResponse:
    """The official report for a period, an agency (or all the person's) and a grouping."""
    agencies = _scope(request)
    form = ReportForm(request.GET, agencies=agencies, today=timezone.localdate())
    context: dict[str, Any] = {
        "form": form,
        "groups": GROUPS,
        "periods": PERIODS,
        "width": len(COLUMNS) + 2,
    }
    if not form.is_valid():
        return render_desk(request, "desk/reports.html", context, status=400)
    query = form.query()
    result = resolution_report(
        date_from=query.date_from,
        date_to=query.date_to,
        agency_ids=_agency_ids(agencies, query.agency),
        group_by=query.group_by,
    )
    chosen = next((a for a in agencies if a.code == query.agency), None)
    context.update(
        {
            "query": query,
            "report": result,
            "agency_name": chosen.name if chosen else "",
            "group_heading": GROUP_HEADINGS[query.group_by],
            "rows": [{"row": r, "cells": _cells(r, query, r.key)} for r in result.rows],
            "total": {"row": result.total, "cells": _cells(result.total, query, None)},
            # Which export buttons start a background job (reports/export_jobs.py).
            "export_background": {
                fmt: export_is_large(fmt=fmt, rows=len(result.rows)) for fmt in ("xlsx", "pdf")
            },
        }
    )
    return render_desk(request, "desk/reports.html", context)


def _dossier_rows(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    return [
        {
            "dossier": d,
            "url": reverse("desk:dossier", args=[presenters.dossier_ref(d)]),
            "status": presenters.status_label(d.status),
        }
        for d in dossiers
    ]


@reporters
def report_dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one figure of the report (the same parameters, the figure's
    `bucket`, and the row's `group_by` and `key`), a page at a time. An agency outside the
    person's: 403; a row of an agency they may not see lists nothing."""
    agencies = _scope(request)
    form = ReportForm(request.GET, agencies=agencies, today=timezone.localdate())
    bucket = request.GET.get("bucket", "")
    valid = form.is_valid()
    if "agency" in form.errors:
        raise PermissionDenied
    context: dict[str, Any] = {"form": form, "bucket_label": BUCKET_LABELS.get(bucket, "")}
    if bucket not in BUCKET_LABELS:
        context["problem"] = _("Choose a figure of the report.")
    if not valid or "problem" in context:
        return render_desk(request, "desk/reports_dossiers.html", context, status=400)
    query = form.query()
    key = request.GET.get("key") if "group_by" in request.GET else None
    dossiers = resolution_dossiers(
        bucket=bucket,
        date_from=query.date_from,
        date_to=query.date_to,
        agency_ids=_agency_ids(agencies, query.agency),
        group_by=query.group_by if key is not None else None,
        key=key,
        viewer=officer(request),
    ).select_related("deciding_agency")
    page = CappedPaginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    back = {"from": query.date_from.isoformat(), "to": query.date_to.isoformat()}
    if query.agency:
        back["agency"] = query.agency
    if key is not None:
        back["group_by"] = query.group_by
    chosen = next((a for a in agencies if a.code == query.agency), None)
    context.update(
        {
            "query": query,
            "key": key,
            "group_heading": GROUP_HEADINGS[query.group_by] if key is not None else "",
            "agency_name": chosen.name if chosen else "",
            "page": page,
            "links": page_links(request, "page", page),
            "rows": _dossier_rows(list(page.object_list)),
            "back_url": reverse("desk:report") + "?" + urlencode(back),
        }
    )
    return render_desk(request, "desk/reports_dossiers.html", context)
