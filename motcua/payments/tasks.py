"""Named background jobs of the payments app (thin: call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.payments.services import payment_expire_stale


@shared_task(name="payments.expire_stale")
def expire_stale_task() -> dict[str, int]:
    """Initiated payments past their expiry become expired (the dossier stays payable)."""
    return {"expired": payment_expire_stale()}
