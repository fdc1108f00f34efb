"""Exports of the official report (Biểu 06/VPCP/KSTT as Excel or PDF), made at once when they
are small and as a background job (`ExportJob`) when they are large (docs/adr/0031).

The rule (`export_is_large`): a PDF of more than `MOTCUA_REPORT_EXPORT_INLINE_ROWS` rows (60 by
default), or an Excel file of more than `XLSX_ROWS_FACTOR` times as many, runs as a job: the
PDF layout costs tens of milliseconds a row (a whole province by procedure, about a thousand
rows, takes a minute), the workbook about twenty times less.

A job (`export_job_create`) is written in one transaction with its audit entry; the job
`reports.export_run` is queued after commit. Running it (`export_job_run`) marks it running,
computes the report, renders the file with progress in `progress` / `total` (steps: the report,
each row, the rendering, the storing), stores the file in the private `exports` storage
(`STORAGES["exports"]`, outside MEDIA_ROOT, never served by URL) and marks it done, or failed
with a Vietnamese message. People reach their jobs through `access_export_job` only: their own,
and only while they may still see every agency the export covers (`REPORT_ROLES`).
`export_jobs_clean` (the periodic `reports.exports_clean`) deletes the jobs and files older than
`MOTCUA_REPORT_EXPORT_KEEP_DAYS` days (7 by default)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.api import agencies_monitored_by
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.core.jobs import enqueue_on_commit
from motcua.documents.api import render_html_pdf
from motcua.reports.data import REPORT_ROLES, GroupBy, ResolutionReport
from motcua.reports.models import ExportJob
from motcua.reports.selectors import agencies_with_subagencies, resolution_report

if TYPE_CHECKING:
    from motcua.accounts.models import User

logger = logging.getLogger(__name__)

#: The kind of job: the resolution report (Biểu 06).
KIND_RESOLUTION = "resolution"
#: The formats, their content types and file extensions.
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)
#: An Excel file may have this many times the PDF's rows before it runs in the background.
XLSX_ROWS_FACTOR = 20
#: The storage alias of the files (settings.STORAGES); never served by URL.
STORAGE_ALIAS = "exports"
#: Where the files go inside that storage.
FOLDER = "reports"
#: Jobs a person's list shows.
LIST_LIMIT = 50
#: Progress is written at most every this many rows (one UPDATE each).
PROGRESS_EVERY = 25


@dataclasses.dataclass(frozen=True)
class ExportFile:
    """An export made at once: its bytes, file name and content type."""

    content: bytes
    file_name: str
    content_type: str


def inline_rows_limit(fmt: str) -> int:
    """The most rows an export of this format is made at once (in the request)."""
    rows = int(settings.MOTCUA_REPORT_EXPORT_INLINE_ROWS)
    return rows * XLSX_ROWS_FACTOR if fmt == "xlsx" else rows


def export_is_large(*, fmt: str, rows: int) -> bool:
    """Whether an export of this format with this many report rows runs as a background job
    (the rule of the module's docstring)."""
    return rows > inline_rows_limit(fmt)


def export_file_name(*, fmt: str, date_from: dt.date, date_to: dt.date) -> str:
    return f"bieu-06-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"


def resolution_export_render(
    *,
    fmt: str,
    report: ResolutionReport,
    unit_name: str,
    place: str = "",
    on_progress: Callable[[str], None] | None = None,
) -> ExportFile:
    """The report as Biểu 06 in `fmt` (xlsx or pdf), its period printed as the forms do
    (`exports.period_label`), dated today. `on_progress("built")` is called once the rows are
    laid out in HTML (PDF only), before the slow rendering."""
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(_("Unknown format."), field_errors={"format": [fmt]})
    # openpyxl comes with the exports: imported by the first export, not by every web worker
    # (docs/adr/0043).
    from motcua.reports import exports

    label = exports.period_label(date_from=report.date_from, date_to=report.date_to)
    kwargs: dict[str, Any] = {
        "report": report,
        "unit_name": unit_name,
        "period_label": label,
        "place": place,
    }
    if fmt == "xlsx":
        content = exports.resolution_xlsx(**kwargs)
    else:
        html = exports.resolution_pdf_html(**kwargs)
        if on_progress is not None:
            on_progress("built")
        content = render_html_pdf(html=html)
    return ExportFile(
        content=content,
        file_name=export_file_name(fmt=fmt, date_from=report.date_from, date_to=report.date_to),
        content_type=CONTENT_TYPES[fmt],
    )


# --- jobs ------------------------------------------------------------------------------------


def export_storage() -> Storage:
    return storages[STORAGE_ALIAS]


@transaction.atomic
def export_job_create(
    *,
    user: User,
    fmt: str,
    date_from: dt.date,
    date_to: dt.date,
    agency_ids: Iterable[int],
    group_by: GroupBy | str = GroupBy.AGENCY,
    procedure_code: str | None = None,
    unit_name: str,
    place: str = "",
) -> ExportJob:
    """Queue the export of the report for these agencies (already checked by the caller: the
    ones the person may see) as a background job of `user`. Audited; the job is sent after
    commit (eagerly, in this request, in the embedded default without a broker)."""
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(_("Unknown format."), field_errors={"format": [fmt]})
    ids = sorted({int(pk) for pk in agency_ids})
    if not ids:
        raise PermissionDenied(_("Only officers and supervisors may see the reports."))
    group = GroupBy(group_by)
    job = ExportJob.objects.create(
        kind=KIND_RESOLUTION,
        params={
            "format": fmt,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "agency_ids": ids,
            "group_by": group.value,
            "procedure_code": procedure_code,
            "unit_name": unit_name,
            "place": place,
        },
        requested_by=user,
        status=ExportJob.Status.QUEUED,
        created_at=clock.now(),
        file_name=export_file_name(fmt=fmt, date_from=date_from, date_to=date_to),
    )
    audit_record(
        actor=user,
        action="report.export_requested",
        obj=job,
        data={k: job.params[k] for k in ("format", "date_from", "date_to", "group_by")},
    )
    # A PDF is rendered like the dossiers' forms: on the rendering queue (ADR 0045).
    enqueue_on_commit(
        "reports.export_run", queue="rendering" if fmt == "pdf" else None, job_id=job.pk
    )
    return job


def _update(job: ExportJob, **fields: Any) -> None:
    """Write a few fields of the job at once (outside any transaction: readers see them)."""
    for name, value in fields.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def _failure_message(exc: BaseException) -> str:
    """What the person reads when the export failed: Vietnamese, the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(exc, OSError):
            return _("The file could not be stored. Please try the export again later.")
        return _("The export failed because of an error in the system. Please try again later.")


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Run a queued job (the body of `reports.export_run`): running, the report computed, the
    file rendered with progress, stored, done; any error: failed, with a Vietnamese message,
    nothing stored. Idempotent: a job already done or failed (or deleted) is left as it is;
    one found running (a worker lost mid-way, the task delivered again) is run again."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
        return job
    stored = ""
    try:
        params = job.params
        _update(job, status=ExportJob.Status.RUNNING, progress=0, total=0, error="")
        report = resolution_report(
            date_from=dt.date.fromisoformat(params["date_from"]),
            date_to=dt.date.fromisoformat(params["date_to"]),
            agency_ids=params["agency_ids"],
            procedure_code=params.get("procedure_code"),
            group_by=GroupBy(params["group_by"]),
        )
        fmt = params["format"]
        rows = len(report.rows)
        # Steps: the report (done), the rows laid out, the file rendered, the file stored.
        _update(job, progress=1, total=rows + 3)

        def built(_stage: str) -> None:
            _update(job, progress=rows + 1)

        made = resolution_export_render(
            fmt=fmt,
            report=report,
            unit_name=params.get("unit_name", ""),
            place=params.get("place", ""),
            on_progress=built,
        )
        _update(job, progress=rows + 2)
        name = f"{FOLDER}/{job.pk}-{secrets.token_hex(8)}.{fmt}"
        stored = export_storage().save(name, ContentFile(made.content))
        _update(
            job,
            status=ExportJob.Status.DONE,
            progress=rows + 3,
            file_path=stored,
            file_name=made.file_name,
            finished_at=clock.now(),
        )
    except Exception as exc:
        logger.exception("report export %s failed", job_id)
        if stored:
            export_storage().delete(stored)
        _update(
            job,
            status=ExportJob.Status.FAILED,
            error=_failure_message(exc),
            file_path="",
            finished_at=clock.now(),
        )
    return job


# --- reads -----------------------------------------------------------------------------------


def export_jobs_for(*, user: User, limit: int = LIST_LIMIT) -> list[ExportJob]:
    """The person's latest jobs, newest first."""
    return list(ExportJob.objects.filter(requested_by=user).order_by("-created_at", "-pk")[:limit])


def export_job_may_see(*, user: User, job: ExportJob) -> bool:
    """Whether the person may still see every agency the job covers (their `REPORT_ROLES`
    scope today, with the agencies below; roles may have been taken away since)."""
    watched = agencies_monitored_by(user=user, roles=set(REPORT_ROLES))
    allowed = agencies_with_subagencies(agency_ids={a.pk for a in watched})
    return bool(allowed) and set(job.params.get("agency_ids") or [None]) <= allowed


def access_export_job(*, user: User, job_id: int) -> ExportJob:
    """The job if it is the person's (NotFound otherwise, never saying whether it exists) and
    they may still see its agencies (PermissionDenied otherwise)."""
    job = ExportJob.objects.filter(pk=job_id, requested_by=user).first()
    if job is None:
        raise NotFound(_("No such export."))
    if not export_job_may_see(user=user, job=job):
        raise PermissionDenied(_("You may no longer see the figures of this export."))
    return job


def export_job_file(*, job: ExportJob) -> Any:
    """The stored file of a finished job, opened for reading (NotFound when it is not done or
    the file is gone)."""
    if job.status != ExportJob.Status.DONE or not job.file_path:
        raise NotFound(_("This export has no file yet."))
    storage = export_storage()
    if not storage.exists(job.file_path):
        raise NotFound(_("The file of this export has been deleted."))
    return storage.open(job.file_path, "rb")


def export_jobs_running(jobs: Iterable[ExportJob]) -> bool:
    return any(j.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING) for j in jobs)


# --- cleaning --------------------------------------------------------------------------------


def export_jobs_clean(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the jobs created more than `MOTCUA_REPORT_EXPORT_KEEP_DAYS` days ago, with their
    files (a job stuck in the queue as well). Returns the jobs and files deleted."""
    cutoff = (now or clock.now()) - dt.timedelta(days=int(settings.MOTCUA_REPORT_EXPORT_KEEP_DAYS))
    storage = export_storage()
    jobs = files = 0
    old = ExportJob.objects.filter(created_at__lt=cutoff).order_by("pk")
    for pk, path in old.values_list("pk", "file_path").iterator():
        if path and storage.exists(path):
            storage.delete(path)
            files += 1
        jobs += ExportJob.objects.filter(pk=pk).delete()[0]
    return {"jobs": jobs, "files": files}
