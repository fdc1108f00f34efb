"""Named background jobs of the dossiers app (thin: load, call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.dossiers.services.paperwork import dossier_form_render, dossier_result_sign
from motcua.dossiers.services.sweep import deadline_sweep


@shared_task(name="dossiers.deadline_sweep")
def deadline_sweep_task() -> dict[str, int]:
    report = deadline_sweep()
    return {
        "near_due": report.near_due,
        "overdue": report.overdue,
        "escalated": report.escalated,
        "apology_due": report.apology_due,
    }


@shared_task(
    name="dossiers.render_form", autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def render_form_task(dossier_id: int, kind: str) -> str:
    """Render and store one of the dossier's forms (idempotent)."""
    return dossier_form_render(dossier_id=dossier_id, kind=kind).sha256


@shared_task(
    name="dossiers.sign_result", autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def sign_result_task(dossier_id: int, signer_id: int | None) -> str | None:
    """Sign the dossier's result with the approving leader's key and the agency seal."""
    doc = dossier_result_sign(dossier_id=dossier_id, signer_id=signer_id)
    return doc.sha256 if doc else None
