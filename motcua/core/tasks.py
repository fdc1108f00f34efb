"""Named background jobs of core (thin: call one function)."""

from __future__ import annotations

from celery import shared_task

from motcua.core.anchor import anchors_make


@shared_task(name="core.audit_anchor")
def audit_anchor_task() -> list[str]:
    """Periodic: fix each finished day of the audit chains (and time-stamp it when a TSA is
    configured; ADR 0035)."""
    return [f"{a.day}: {a.digest}" for a in anchors_make()]
