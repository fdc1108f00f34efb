"""The notifications app listens to the dossiers app's `dossier_event_recorded` signal
(dossiers never imports notifications). Connected in apps.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from motcua.notifications.services import notifications_for_event

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierEvent

logger = logging.getLogger(__name__)


def on_dossier_event(sender: Any, *, event: DossierEvent, **kwargs: Any) -> None:
    """Create (in the dossier's transaction) and schedule (after commit) the notifications of
    the event. A fault here is logged and never undoes the officer's action."""
    try:
        notifications_for_event(event=event)
    except Exception:  # a broken template must not block the one-stop desk
        logger.exception("notifications for dossier event %s failed", event.pk)
