"""The notifications app listens to the dossiers app's `dossier_event_recorded` signal
(dossiers never imports notifications). Connected in apps.py."""

from __future__ import annotations

import logging
from typing import Any

from motcua.dossiers.api import DossierEvent
from motcua.notifications.services import notifications_for_event

logger = logging.getLogger(__name__)


def on_dossier_event(sender: Any, *, event: DossierEvent, **kwargs: Any) -> None:
    """Create (in the dossier's transaction) and schedule (after commit) the notifications of
    the event. A fault here is logged and never undoes the officer's action."""
    try:
        notifications_for_event(event=event)
    except Exception:  # a broken template must not block the one-stop desk
        logger.exception("notifications for dossier event %s failed", event.pk)
