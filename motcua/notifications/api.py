"""Public Python API of the notifications app. Other apps import only this module."""

from motcua.notifications.selectors import (
    notifications_for_citizen,
    notifications_for_dossier,
    notifications_unread_count,
)
from motcua.notifications.services import (
    message_send,
    notification_kind,
    notification_send,
    notifications_for_event,
    notifications_mark_read,
    notifications_resend_stale,
)
from motcua.notifications.texts import unaccent

__all__ = [
    "message_send",
    "notification_kind",
    "notification_send",
    "notifications_for_citizen",
    "notifications_for_dossier",
    "notifications_for_event",
    "notifications_mark_read",
    "notifications_resend_stale",
    "notifications_unread_count",
    "unaccent",
]
