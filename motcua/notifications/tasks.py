"""Named background jobs of the notifications app (thin: load, call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.notifications.services import (
    DeliveryFailed,
    notification_send,
    notifications_resend_stale,
)


@shared_task(
    name="notifications.send",
    autoretry_for=(DeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_task(notification_id: int) -> str | None:
    """Send one notification by e-mail or SMS (idempotent: a sent row is never sent again)."""
    row = notification_send(notification_id=notification_id)
    return row.status if row is not None else None


@shared_task(name="notifications.resend_stale")
def resend_stale_task() -> int:
    """Enqueue again the notifications left pending (a lost job)."""
    return notifications_resend_stale()
