"""Named background jobs of the accounts app (thin: load, call one service)."""

from __future__ import annotations

from celery import shared_task

from motcua.accounts.services.verification import verification_code_deliver
from motcua.integrations.sms import SmsError


@shared_task(
    name="accounts.send_verification_code",
    autoretry_for=(OSError, SmsError),
    retry_backoff=True,
    max_retries=3,
)
def send_verification_code_task(verification_id: int, sealed: str) -> bool:
    """Send one verification code by email or SMS (skipped once used, replaced or expired).
    `sealed` is the code encrypted with a key derived from SECRET_KEY."""
    return verification_code_deliver(verification_id=verification_id, sealed=sealed)
