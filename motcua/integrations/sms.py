"""SMS gateway interface. Backends: console (log), file (JSON lines), locmem (tests).

A vendor backend subclasses SmsBackend and is named by dotted path in MOTCUA_SMS_BACKEND."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path

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


class SmsBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.phone, message.text)


class FileBackend(SmsBackend):
    """One JSON line per message in MOTCUA_SMS_FILE_PATH (default var/sms/outbox.jsonl)."""

    def send(self, message: SmsMessage) -> None:
        path = Path(
            getattr(settings, "MOTCUA_SMS_FILE_PATH", settings.VAR_DIR / "sms" / "outbox.jsonl")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(message.__dict__, ensure_ascii=False) + "\n")


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


def send_sms(*, phone: str, text: str) -> str:
    """Send one SMS through the configured backend; returns its id. Raises SmsError."""
    message = SmsMessage(
        id=uuid.uuid4().hex, phone=phone, text=text, sent_at=timezone.now().isoformat()
    )
    backend().send(message)
    return message.id
