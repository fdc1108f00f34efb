"""Writes of the notifications app: rows for a dossier event, sending one notification, the
sweep of stale ones, marking the portal list read (ADR 0012)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from motcua.core import clock, fastinsert, jobs
from motcua.core.faultpoints import faultpoint
from motcua.core.jobs import enqueue_on_commit
from motcua.core.links import public_url
from motcua.dossiers.api import supplement_answer_due
from motcua.integrations.sms import SmsError, send_sms
from motcua.notifications import texts
from motcua.notifications.models import (
    CHANNEL_EMAIL,
    CHANNEL_PORTAL,
    CHANNEL_SMS,
    STATUS_FAILED,
    STATUS_PENDING,
    STATUS_SENDING,
    STATUS_SENT,
    Notification,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier, DossierEvent

logger = logging.getLogger(__name__)

#: Celery retries of `notifications.send` (with exponential backoff) before a row is failed.
MAX_ATTEMPTS = 6  # the first try + 5 retries
#: A pending row older than this is sent again by `notifications.resend_stale`.
STALE_AFTER = dt.timedelta(minutes=15)


class DeliveryFailed(Exception):
    """The e-mail server or SMS gateway refused or could not be reached: retry later."""


def notification_kind(*, action: str, from_status: str, to_status: str) -> str | None:
    """Which notification a dossier event produces, or None when it does not concern the
    applicant (internal handovers: take, forward, send back, consult, transfer, an approval
    that only moves the dossier on)."""
    if action in ("submit", "resubmit"):
        return "submitted"
    if action == "accept":
        return "received"
    if action in ("complete", "approve"):
        return "result_ready" if to_status == "result_ready" else None
    return {
        "request_completion": "completion_requested",
        "refuse": "refused",
        "request_supplement": "supplement_requested",
        "receive_supplement": "supplement_received",
        "apologize": "apology",
        "reject": "rejected",
        "return_result": "returned",
        "withdraw": "withdrawn",
        "cancel": "cancelled",
    }.get(action)


def _bulk_loading() -> bool:
    """Inside `core.jobs.suppressed()` (bulk loads such as the demo data): history being
    loaded, nobody to tell."""
    return bool(jobs._suppressed.get())


# A dossier code as the desks make them (letters, digits, dots, hyphens): the same in a URL.
_PLAIN_CODE = re.compile(r"[A-Za-z0-9.-]+")
_PLACEHOLDER = "0CODE0"
_PATHS: dict[tuple[Any, ...], tuple[str, str]] = {}


def _tracking_paths() -> tuple[str, str]:
    """The tracking page's path, and the path of a dossier's tracking page with a placeholder
    for its code: reversed once per URL configuration (reversing cost a tenth of a
    notified intake's Python time)."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    paths = _PATHS.get(key)
    if paths is None:
        try:
            paths = (
                reverse("portal:track"),
                reverse("portal:track_code", args=[_PLACEHOLDER]),
            )
        except NoReverseMatch:  # pragma: no cover - portal not installed
            paths = ("/tra-cuu-ho-so/", f"/tra-cuu-ho-so/{_PLACEHOLDER}/")
        _PATHS[key] = paths
    return paths


def _tracking_url(dossier: Dossier) -> str:
    """The public tracking page of the dossier, without the PIN."""
    if not dossier.code:
        return ""
    if _PLAIN_CODE.fullmatch(dossier.code):
        path = _tracking_paths()[1].replace(_PLACEHOLDER, dossier.code)
    else:
        try:
            path = reverse("portal:track_code", args=[dossier.code])
        except NoReverseMatch:  # pragma: no cover - portal not installed
            path = f"/tra-cuu-ho-so/{dossier.code}/"
    return public_url(path)


def _tracking_page() -> str:
    """The public tracking page (code and PIN typed there): the shorter link."""
    return public_url(_tracking_paths()[0])


def _parse(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _context(event: DossierEvent, dossier: Dossier, kind: str) -> dict[str, Any]:
    data = event.data or {}
    items = data.get("items") or data.get("missing") or []
    return texts.when_values(
        {
            "kind": kind,
            "code": dossier.code or "",
            "procedure_name": dossier.procedure_name,
            "applicant_name": dossier.applicant_name,
            "agency_name": dossier.receiving_agency.name,
            "deciding_agency_name": dossier.deciding_agency.name,
            "at": event.at,
            "submitted_at": dossier.submitted_at,
            "received_at": dossier.received_at,
            "appointment_at": _parse(data.get("new_appointment_at"))
            or _parse(data.get("appointment_at"))
            or dossier.appointment_at,
            "pin": dossier.lookup_pin if kind == "received" else "",
            # By when to answer a supplement request (dossiers.api.supplement_answer_due).
            "answer_by": supplement_answer_due(dossier=dossier, requested_at=event.at)
            if kind == "supplement_requested"
            else None,
            "items": [str(i) for i in items],
            "reason": event.note,
            "return_method": data.get("method", ""),
            "tracking_url": _tracking_url(dossier),
            "tracking_page": _tracking_page(),
            "portal_url": public_url("/"),
            "province": str(getattr(settings, "MOTCUA_PROVINCE_NAME", "")),
        }
    )


def _language(dossier: Dossier) -> str:
    """Vietnamese unless configured otherwise (MOTCUA_NOTIFICATION_LANGUAGE)."""
    return str(getattr(settings, "MOTCUA_NOTIFICATION_LANGUAGE", "vi") or "vi")


@dataclass(frozen=True)
class _Draft:
    channel: str
    recipient: str
    subject: str
    body: str


def _drafts(event: DossierEvent, dossier: Dossier, kind: str) -> list[_Draft]:
    language = _language(dossier)
    context = _context(event, dossier, kind)
    drafts = []
    email = (dossier.email or "").strip()
    if email:
        subject, body = texts.render_email(kind=kind, context=context, language=language)
        drafts.append(_Draft(CHANNEL_EMAIL, email, subject, body))
    phone = (dossier.phone or "").strip()
    if phone:
        text = texts.render_sms(kind=kind, context=context, language=language)
        drafts.append(_Draft(CHANNEL_SMS, phone, "", text))
    if dossier.applicant_user_id is not None:
        title, text = texts.render_portal(kind=kind, context=context, language=language)
        drafts.append(_Draft(CHANNEL_PORTAL, "", title, text))
    return drafts


def notifications_for_event(*, event: DossierEvent) -> list[Notification]:
    """Create the notifications an event calls for (e-mail and SMS to the dossier's contact
    details, an entry in the portal list for an applicant with an account), inside the
    caller's transaction, and send them after commit. Idempotent: announcing the same event
    again creates and sends nothing more (unique event + channel)."""
    if _bulk_loading():
        return []
    kind = notification_kind(
        action=event.action, from_status=event.from_status, to_status=event.to_status
    )
    if kind is None:
        return []
    dossier = event.dossier
    now = clock.now()
    language = _language(dossier)
    rows = [
        fastinsert.new(
            Notification,
            event=event,
            channel=draft.channel,
            dossier=dossier,
            kind=kind,
            recipient=draft.recipient,
            language=language,
            subject=draft.subject,
            body=draft.body,
            created_at=now,
            # The portal list is delivered by being written.
            status=STATUS_SENT if draft.channel == CHANNEL_PORTAL else STATUS_PENDING,
            sent_at=now if draft.channel == CHANNEL_PORTAL else None,
        )
        for draft in _drafts(event, dossier, kind)
    ]
    if not rows:
        return []
    # All its rows in one INSERT … ON CONFLICT DO NOTHING: a channel already announced for
    # this event (or being announced by another transaction) is skipped, with no savepoint
    # around it (two round trips fewer on the intake path: ADR 0043).
    created = fastinsert.insert_skipping_conflicts(rows, tell_by="channel")
    for row in created:
        if row.channel != CHANNEL_PORTAL:
            enqueue_on_commit("notifications.send", notification_id=row.pk)
    return created


def _create_unless_there(row: Notification) -> bool:
    """Write `row` unless its event (or its key) already has a notification on its channel."""
    row.pk = None
    same = (
        Notification.objects.filter(key=row.key, channel=row.channel)
        if row.key
        else Notification.objects.filter(event=row.event, channel=row.channel)
    )
    try:
        with transaction.atomic():
            if same.exists():
                return False
            row.save(force_insert=True)
    except IntegrityError:  # lost a race with another announcement of the same event
        return False
    return True


def _sms_for_message(*, subject: str, link: str, sms: str) -> str:
    """One SMS segment: the caller's SMS text, else the subject and the link; unaccented
    unless MOTCUA_SMS_UNACCENTED is off; the words cut (never the link) to fit."""
    text = texts._ALL_SPACES.sub(" ", sms or subject).strip()
    if getattr(settings, "MOTCUA_SMS_UNACCENTED", True):
        text = texts.unaccent(text)
    tail = f" {link}" if link and not sms else ""
    room = texts.SMS_MAX_CHARS - len(tail)
    if len(text) > room:
        text = text[: max(room - 3, 0)].rstrip() + "..."
    return text + tail


def message_send(
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    email: str = "",
    phone: str = "",
    user_id: int | None = None,
    language: str = "vi",
    link: str = "",
    sms: str = "",
) -> list[int]:
    """Send a message to a person, not about a dossier (feedback, survey invitations): one
    Notification per channel available (e-mail to `email`, SMS to `phone`, the portal list
    of `user_id`), written in the caller's transaction and sent after commit by the job
    `notifications.send` (same retries and stale re-sending as dossier notifications).

    `key` is the idempotency key ("pakn:<code>:<event id>", "survey:<invitation id>"): a key
    already used on a channel creates nothing more on that channel. The texts are the
    caller's, already in `language`; the e-mail body gets `link` appended, the SMS is
    `sms` when given, else the subject and `link`, folded to one 160-character segment, the
    portal entry is the subject and body with the link beside them. Returns the ids of the
    rows created by this call (empty when everything was sent before, or during a bulk load
    inside `core.jobs.suppressed()`)."""
    key = (key or "").strip()
    if not key:
        raise ValueError("message_send needs an idempotency key")
    if len(key) > 120:
        raise ValueError("message_send: the key is longer than 120 characters")
    if _bulk_loading():
        return []
    now = clock.now()
    link = (link or "").strip()[:500]
    if link and not link.startswith(("https://", "http://", "/")):
        raise ValueError("message_send: the link must be an http(s) address or a path")
    subject = " ".join((subject or "").split())[:255]
    body = (body or "").strip()
    common = {
        "key": key,
        "kind": kind[:32],
        "language": language or "vi",
        "created_at": now,
        "link": link,
    }
    rows: list[Notification] = []
    email = (email or "").strip()
    if email:
        text = f"{body}\n\n{link}\n" if link else f"{body}\n"
        rows.append(
            Notification(
                channel=CHANNEL_EMAIL, recipient=email, subject=subject, body=text, **common
            )
        )
    phone = (phone or "").strip()
    if phone:
        rows.append(
            Notification(
                channel=CHANNEL_SMS,
                recipient=phone,
                subject="",
                body=_sms_for_message(subject=subject, link=link, sms=sms),
                **common,
            )
        )
    if user_id is not None:
        rows.append(
            Notification(
                channel=CHANNEL_PORTAL,
                user_id=user_id,
                subject=subject,
                body=body,
                status=STATUS_SENT,
                sent_at=now,
                **common,
            )
        )
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:  # sent before (or at the same time): row by row
        created = [row for row in rows if _create_unless_there(row)]
    for row in created:
        if row.channel != CHANNEL_PORTAL:
            enqueue_on_commit("notifications.send", notification_id=row.pk)
    return [row.pk for row in created]


def notification_idempotency_key(row: Notification) -> str:
    """The key the gateway gets with every attempt to deliver `row` (the SMS gateway's
    idempotency key, the e-mail's Message-ID): the same for every attempt, different for
    every row (and every installation: the row's creation instant is part of it), so a
    gateway that remembers keys drops a message delivered again after a crash."""
    stamp = int(row.created_at.timestamp() * 1000) if row.created_at else 0
    return f"motcua-n{row.pk}-{stamp:x}"


def _message_id(row: Notification) -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "motcua.local"
    return f"<{notification_idempotency_key(row)}@{domain}>"


def _deliver(row: Notification) -> None:
    key = notification_idempotency_key(row)
    if row.channel == CHANNEL_EMAIL:
        message = EmailMessage(
            subject=row.subject,
            body=row.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.recipient],
            headers={"X-Motcua-Notification": str(row.pk), "Message-ID": _message_id(row)},
        )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"e-mail: {exc}") from exc
    elif row.channel == CHANNEL_SMS:
        try:
            send_sms(phone=row.recipient, text=row.body, idempotency_key=key)
        except SmsError as exc:
            raise DeliveryFailed(f"SMS: {exc}") from exc


class SendInProgress(Exception):
    """Another attempt holds the notification (status "sending", its lease not over): the job
    tries again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"being sent by another attempt; again in {seconds:.0f} s")
        self.seconds = seconds


def send_lease() -> dt.timedelta:
    """How long an attempt holds a claimed notification: longer than the slowest e-mail or
    SMS call (MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS, default 120). A row still "sending"
    after it was claimed by an attempt that died."""
    return dt.timedelta(
        seconds=float(getattr(settings, "MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS", 120))
    )


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one notification (the job `notifications.send`); nothing when it is already sent
    or failed for good. Safe to run any number of times, at the same time too (ADR 0045):

    1. claim: the row becomes "sending" with a new attempt token, committed before the
       gateway is called (no transaction is held during the call);
    2. deliver, with the row's idempotency key (`notification_idempotency_key`);
    3. mark it sent, if the claim is still this attempt's.

    A row found "sending" is being sent by another attempt: SendInProgress until its lease
    ends; after that its attempt died (its worker was killed), maybe after the gateway
    accepted the message, and it is delivered again with the same key. On a delivery error
    the row goes back to pending (failed after MAX_ATTEMPTS) and DeliveryFailed is raised for
    the job to retry."""
    token = uuid.uuid4().hex
    now = clock.now()
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None or row.status in (STATUS_SENT, STATUS_FAILED):
            return row
        if row.status == STATUS_SENDING and row.claimed_at is not None:
            left = (row.claimed_at + send_lease() - now).total_seconds()
            if left > 0:
                raise SendInProgress(left)
            logger.warning(
                "notification %s: the attempt that claimed it at %s died; sending again with "
                "the same key",
                row.pk,
                row.claimed_at,
            )
        row.status = STATUS_SENDING
        row.claim_token = token
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["status", "claim_token", "claimed_at", "attempts"])
    faultpoint("notifications.before_send")
    try:
        _deliver(row)
    except DeliveryFailed as exc:
        status = STATUS_FAILED if row.attempts >= MAX_ATTEMPTS else STATUS_PENDING
        Notification.objects.filter(pk=row.pk, claim_token=token).update(
            status=status, claim_token="", last_error=str(exc)[:2000]
        )
        logger.warning("notification %s not sent (attempt %s): %s", row.pk, row.attempts, exc)
        raise
    faultpoint("notifications.after_send")
    # Per channel too: the faults drill kills an SMS here (its gateway drops a repeated
    # idempotency key); an e-mail killed here is sent again (SMTP has no such key, ADR 0045).
    faultpoint(f"notifications.after_send.{row.channel}")
    sent_at = clock.now()
    marked = Notification.objects.filter(
        pk=row.pk, claim_token=token, status=STATUS_SENDING
    ).update(status=STATUS_SENT, sent_at=sent_at, claim_token="", last_error="")
    if not marked:  # our lease ended and another attempt took over: it marks the row
        logger.warning("notification %s: sent, but another attempt holds it now", row.pk)
    row.refresh_from_db()
    return row


def notifications_resend_stale() -> int:
    """Send again the notifications still pending after STALE_AFTER (a lost job, a worker
    that died, a broker outage), and those left "sending" by an attempt that died. Returns
    how many were enqueued."""
    now = clock.now()
    cutoff = now - STALE_AFTER
    ids = list(
        Notification.objects.filter(
            Q(status=STATUS_PENDING, attempts__lt=MAX_ATTEMPTS)
            # Claimed by an attempt that died (its worker killed) and not delivered again.
            | Q(status=STATUS_SENDING, claimed_at__lt=now - send_lease()),
            created_at__lt=cutoff,
        )
        .exclude(channel=CHANNEL_PORTAL)
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    with transaction.atomic():
        for pk in ids:
            enqueue_on_commit("notifications.send", notification_id=pk)
    return len(ids)


@transaction.atomic
def notifications_mark_read(*, user: User, notification_ids: list[int]) -> int:
    """Mark the user's own portal notifications read; returns how many changed."""
    return (
        Notification.objects.filter(pk__in=notification_ids, channel=CHANNEL_PORTAL)
        .filter(Q(dossier__applicant_user=user) | Q(dossier__isnull=True, user=user))
        .filter(read_at__isnull=True)
        .update(read_at=clock.now())
    )
