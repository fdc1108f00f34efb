"""Named background jobs of the dossiers app (thin: load, call one service)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from motcua.core.jobs import retry_countdown
from motcua.dossiers.services.paperwork import (
    ResultNotSigned,
    dossier_form_render,
    dossier_result_sign,
    results_sign_again,
)
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
    """Render and store one of the dossier's forms (idempotent: the rendering is
    deterministic, the same content is stored once; ADR 0045)."""
    return dossier_form_render(dossier_id=dossier_id, kind=kind).sha256


#: Retries of a failed signature on a Celery worker (1, 2, 4 … minutes, at most an hour
#: apart: about a day in all); after them, and in the embedded default (eager jobs, no
#: worker to retry later), the periodic job dossiers.sign_pending tries again.
SIGN_RETRIES = 30
SIGN_RETRY_MAX_SECONDS = 3600


def sign_retry_delay(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 60 s doubled each time, at most an hour."""
    return int(min(60 * 2 ** min(retries, 16), SIGN_RETRY_MAX_SECONDS))


@shared_task(name="dossiers.sign_result", bind=True, max_retries=SIGN_RETRIES)
def sign_result_task(self: Any, dossier_id: int, signer_id: int | None) -> str | None:
    """Sign the dossier's result with the approving leader's key and the agency seal. A
    failure (already recorded and told to the leaders) is retried with backoff on a worker;
    run eagerly it is left to the periodic dossiers.sign_pending (no request waits on it)."""
    try:
        doc = dossier_result_sign(dossier_id=dossier_id, signer_id=signer_id)
    except (ResultNotSigned, OSError) as exc:
        if self.request.is_eager:
            return None
        # At most half the broker's visibility timeout (core.jobs.retry_countdown).
        countdown = retry_countdown(sign_retry_delay(self.request.retries))
        raise self.retry(exc=exc, countdown=countdown) from exc
    return doc.sha256 if doc else None


@shared_task(name="dossiers.sign_pending")
def sign_pending_task() -> dict[str, int]:
    """Periodic: sign again the results whose signature failed (key store or time-stamping
    authority down); each failure was told to the leaders once."""
    return results_sign_again()
