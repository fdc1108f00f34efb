"""Reads of the notifications app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from motcua.notifications.models import CHANNEL_PORTAL, Notification

if TYPE_CHECKING:
    from motcua.accounts.models import User


def notifications_for_citizen(*, user: User) -> QuerySet[Notification]:
    """The portal list of a signed-in applicant: notifications about the dossiers they filed
    and the messages addressed to them without a dossier (feedback, surveys), newest first
    (only the portal channel: one entry per event or key). `dossier` is None on the latter."""
    return (
        Notification.objects.filter(channel=CHANNEL_PORTAL)
        .filter(Q(dossier__applicant_user=user) | Q(dossier__isnull=True, user=user))
        .select_related("dossier")
        .order_by("-created_at", "-id")
    )


def notifications_unread_count(*, user: User) -> int:
    return notifications_for_citizen(user=user).filter(read_at__isnull=True).count()


def notifications_for_dossier(*, dossier_id: int) -> QuerySet[Notification]:
    """Everything sent about one dossier (for the desk's dossier page and support)."""
    return Notification.objects.filter(dossier_id=dossier_id).order_by("created_at", "id")
