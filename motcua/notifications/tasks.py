"""Named background jobs of the notifications app (thin: load, call one service)."""

from __future__ import annotations

import random
from typing import Any

from celery import shared_task

from motcua.core.jobs import retry_countdown
from motcua.notifications.services import (
    MAX_ATTEMPTS,
    DeliveryFailed,
    SendInProgress,
    notification_send,
    notifications_resend_stale,
)

#: Seconds before the first retry of a failed delivery, doubled each time (with jitter), at
#: most RETRY_BACKOFF_MAX (and at most half the broker's visibility timeout: core.jobs).
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 3600


def _backoff(retries: int) -> int:
    ceiling = min(RETRY_BACKOFF * 2**retries, RETRY_BACKOFF_MAX)
    return retry_countdown(random.randint(ceiling // 2, ceiling))  # noqa: S311 — jitter


@shared_task(name="notifications.send", bind=True, max_retries=MAX_ATTEMPTS - 1)
def send_task(self: Any, notification_id: int) -> str | None:
    """Send one notification by e-mail or SMS (idempotent: a sent row is never sent again; a
    row claimed by another attempt is left to it until its lease ends). A delivery error is
    retried with backoff."""
    try:
        row = notification_send(notification_id=notification_id)
    except DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    except SendInProgress as exc:
        if self.request.is_eager:
            return None  # the sweep `notifications.resend_stale` picks it up if it stays
        # Waiting for another attempt is not a failed try: not counted against max_retries.
        raise self.retry(
            exc=exc,
            countdown=retry_countdown(exc.seconds + 1),
            max_retries=self.request.retries + 1,
        ) from exc
    return row.status if row is not None else None


@shared_task(name="notifications.resend_stale")
def resend_stale_task() -> int:
    """Enqueue again the notifications left pending (a lost job), or claimed by an attempt
    that died."""
    return notifications_resend_stale()
