"""Named background jobs of the reports app (thin: call one function)."""

from __future__ import annotations

from celery import shared_task

from motcua.reports.export_jobs import export_job_run, export_jobs_clean
from motcua.reports.rollups import rollups_compact


@shared_task(name="reports.export_run")
def export_run_task(job_id: int) -> str | None:
    """Make the file of a queued export (idempotent: a finished job is left as it is)."""
    job = export_job_run(job_id=job_id)
    return job.status if job is not None else None


@shared_task(name="reports.exports_clean")
def exports_clean_task() -> dict[str, int]:
    """Periodic: delete the exports (jobs and files) older than MOTCUA_REPORT_EXPORT_KEEP_DAYS."""
    return export_jobs_clean()


@shared_task(name="reports.rollups_compact")
def rollups_compact_task() -> int:
    """Merge the month and year rollup rows the triggers appended (ADR 0028)."""
    return rollups_compact()
