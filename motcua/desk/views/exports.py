"""Exports of the official report (Biểu 06/VPCP/KSTT as Excel or PDF) from the desk.

The report page's buttons post here (`report_export`): a small export is the response itself,
a large one (`reports.api.export_is_large`) becomes a background job and the person is sent to
their exports (`/desk/bao-cao/tai-ve/`), which lists their jobs with a progress bar, refreshes
itself while one runs, and links each finished file (`export_download`, their own jobs only,
while they may still see its agencies)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from motcua.core.errors import NotFound, PermissionDenied
from motcua.reports.api import (
    EXPORT_CONTENT_TYPES,
    access_export_job,
    export_is_large,
    export_job_create,
    export_job_file,
    export_jobs_for,
    export_jobs_running,
    resolution_export_render,
    resolution_report,
)

from ..forms.reports import FROM, TO, ReportForm
from ..permissions import reporters
from .common import officer, render_desk
from .reports import _agency_ids, _scope

FORMATS = tuple(EXPORT_CONTENT_TYPES)
#: Seconds between two reloads of the exports page while a job runs.
REFRESH_SECONDS = 3


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _report_url(data: Any) -> str:
    keep = {k: data.get(k, "") for k in (FROM, TO, "agency", "group_by") if data.get(k)}
    return reverse("desk:report") + ("?" + urlencode(keep) if keep else "")


@require_POST
@reporters
def report_export(request: HttpRequest) -> HttpResponse:
    """The report of the page's filters (posted again as hidden fields) as Excel or PDF:
    the file itself when small, else a background job and a redirect to the exports page.
    Bad filters or format: back to the report page, which shows the problem."""
    agencies = _scope(request)
    form = ReportForm(request.POST, agencies=agencies, today=timezone.localdate())
    fmt = request.POST.get("format", "")
    if fmt not in FORMATS or not form.is_valid():
        return redirect(_report_url(request.POST))
    query = form.query()
    ids = _agency_ids(agencies, query.agency)
    chosen = next((a for a in agencies if a.code == query.agency), None)
    if chosen is not None:
        unit_name = chosen.name
    else:
        top = {a.pk for a in agencies}
        unit_name = "; ".join(a.name for a in agencies if a.parent_id not in top)
    place = settings.MOTCUA_PROVINCE_NAME
    report = resolution_report(
        date_from=query.date_from, date_to=query.date_to, agency_ids=ids, group_by=query.group_by
    )
    if export_is_large(fmt=fmt, rows=len(report.rows)):
        job = export_job_create(
            user=officer(request),
            fmt=fmt,
            date_from=query.date_from,
            date_to=query.date_to,
            agency_ids=ids,
            group_by=query.group_by,
            unit_name=unit_name,
            place=place,
        )
        return redirect(reverse("desk:exports") + f"?moi={job.pk}#export-{job.pk}")
    made = resolution_export_render(fmt=fmt, report=report, unit_name=unit_name, place=place)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    return response


@require_GET
@reporters
def exports(request: HttpRequest) -> HttpResponse:
    """The person's exports, newest first: status, a progress bar, the file when done, the
    error when failed. Reloads itself every few seconds while one is queued or running."""
    jobs = export_jobs_for(user=officer(request))
    new = request.GET.get("moi", "")
    rows = [
        {
            "job": job,
            "format": str(job.params.get("format", "")).upper(),
            "date_from": _day(job.params.get("date_from")),
            "date_to": _day(job.params.get("date_to")),
            "new": str(job.pk) == new,
            "url": reverse("desk:export_download", args=[job.pk]),
        }
        for job in jobs
    ]
    running = export_jobs_running(jobs)
    context = {
        "rows": rows,
        "running": running,
        "refresh": REFRESH_SECONDS if running else None,
    }
    return render_desk(request, "desk/exports.html", context)


@require_GET
@reporters
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    """The file of one of the person's finished exports (404 for anyone else's; 403 once
    they may no longer see its agencies)."""
    try:
        job = access_export_job(user=officer(request), job_id=job_id)
        handle = export_job_file(job=job)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise Forbidden(exc.message) from exc
    content_type = EXPORT_CONTENT_TYPES.get(str(job.params.get("format", "")))
    response = FileResponse(
        handle, as_attachment=True, filename=job.file_name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]
