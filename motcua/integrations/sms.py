"""SMS gateway interface. Backends: console (log), file (JSON lines), locmem (tests).

A vendor backend subclasses SmsBackend and is named by dotted path in MOTCUA_SMS_BACKEND.

Every message may carry an idempotency key (`SmsMessage.idempotency_key`: the same for every
attempt to deliver one notification, docs/adr/0045). A vendor backend passes it to the
gateway's own field for it (a client message id / request id the gateway refuses twice) when
the gateway has one. The file backend acts as such a gateway: it records every request and
marks a key it has already delivered as a duplicate, which it does not deliver again."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; the caller's job retries."""


@dataclass(frozen=True)
class SmsMessage:
    id: str
    phone: str
    text: str
    sent_at: str = field(default="")
    idempotency_key: str = field(default="")


class SmsBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.phone, message.text)


class FileBackend(SmsBackend):
    """One JSON line per request in MOTCUA_SMS_FILE_PATH (default var/sms/outbox.jsonl), with
    `"duplicate": true` when its idempotency key was delivered before (not delivered again,
    as a gateway that honours the key would do). The file is locked while it is read and
    written, so processes sending at once see each other's keys."""

    def send(self, message: SmsMessage) -> None:
        path = Path(
            getattr(settings, "MOTCUA_SMS_FILE_PATH", settings.VAR_DIR / "sms" / "outbox.jsonl")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                duplicate = bool(message.idempotency_key) and _key_delivered(
                    fh, message.idempotency_key
                )
                line = {**message.__dict__, "duplicate": duplicate}
                fh.seek(0, 2)
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        if duplicate:
            logger.warning("SMS %s already delivered: not sent again", message.idempotency_key)


def _key_delivered(fh: Any, key: str) -> bool:
    fh.seek(0)
    for line in fh:
        if key not in line:  # cheap test first; most lines are other keys
            continue
        with contextlib.suppress(ValueError):
            row = json.loads(line)
            if row.get("idempotency_key") == key and not row.get("duplicate"):
                return True
    return False


outbox: list[SmsMessage] = []


class LocmemBackend(SmsBackend):
    """Keeps messages in `motcua.integrations.sms.outbox` (tests)."""

    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


_ALIASES = {
    "console": "motcua.integrations.sms.ConsoleBackend",
    "file": "motcua.integrations.sms.FileBackend",
    "locmem": "motcua.integrations.sms.LocmemBackend",
}


def backend() -> SmsBackend:
    name = getattr(settings, "MOTCUA_SMS_BACKEND", "console")
    cls = import_string(_ALIASES.get(name, name))
    instance: SmsBackend = cls()
    return instance


def send_sms(*, phone: str, text: str, idempotency_key: str = "") -> str:
    """Send one SMS through the configured backend; returns its id. Raises SmsError.
    `idempotency_key`: the same for every attempt to deliver one message (see the module)."""
    message = SmsMessage(
        id=uuid.uuid4().hex,
        phone=phone,
        text=text,
        sent_at=timezone.now().isoformat(),
        idempotency_key=idempotency_key,
    )
    backend().send(message)
    return message.id
