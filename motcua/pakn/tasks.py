"""Named background jobs of the pakn app (thin: load, call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.pakn.services import deadline_sweep


@shared_task(name="pakn.deadline_sweep")
def deadline_sweep_task() -> dict[str, int]:
    """Reminders for the feedback due soon or overdue (idempotent)."""
    report = deadline_sweep()
    return {"due_soon": report.due_soon, "overdue": report.overdue, "escalated": report.escalated}
