"""Named background jobs of the privacy app (thin: call one function)."""

from __future__ import annotations

from celery import shared_task

from motcua.privacy.services import anonymise_due


@shared_task(name="privacy.anonymise_due")
def anonymise_due_task() -> dict[str, int]:
    """Periodic: anonymise the closed dossiers past their retention period (ADR 0036)."""
    report = anonymise_due()
    return {"runs": report.runs, "dossiers": report.dossiers, "files": report.files}
