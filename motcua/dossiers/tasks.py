"""Named background jobs of the dossiers app (thin: load, call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.dossiers.services.sweep import deadline_sweep


@shared_task(name="dossiers.deadline_sweep")
def deadline_sweep_task() -> dict[str, int]:
    report = deadline_sweep()
    return {"near_due": report.near_due, "overdue": report.overdue, "escalated": report.escalated}
