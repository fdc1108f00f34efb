"""Reads of the notifications app."""

from __future__ import annotations

import hmac
import re
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from motcua.accounts.api import User
from motcua.core.identifiers import dossier_code_normalize
from motcua.dossiers.api import Dossier, public_track
from motcua.notifications.models import CHANNEL_PORTAL, Notification


def notifications_for_citizen(*, user: User) -> QuerySet[Notification]:
    """The portal list of a signed-in applicant: notifications about the dossiers they filed,
    newest first (only the portal channel: one entry per event)."""
    return (
        Notification.objects.filter(channel=CHANNEL_PORTAL, dossier__applicant_user=user)
        .select_related("dossier")
        .order_by("-created_at", "-id")
    )


def notifications_unread_count(*, user: User) -> int:
    return notifications_for_citizen(user=user).filter(read_at__isnull=True).count()


def notifications_for_dossier(*, dossier_id: int) -> QuerySet[Notification]:
    """Everything sent about one dossier (for the desk's dossier page and support)."""
    return Notification.objects.filter(dossier_id=dossier_id).order_by("created_at", "id")


def public_track_with_factor(*, code: str, factor: str) -> Any:
    """The public view of a dossier by its code and a second factor: the PIN printed on the
    receipt, or the last MOTCUA_TRACK_PHONE_DIGITS (4) digits of the phone number the
    applicant gave (the applicant knows it; a stranger holding only the code does not).
    Returns dossiers' PublicTrack, or None when nothing matches; the caller must rate-limit.
    (Belongs in dossiers.selectors.public_track; kept here until that module takes it.)"""
    factor = (factor or "").strip()
    code = dossier_code_normalize(code or "")  # as printed, whatever case and dashes were typed
    if not code or not factor:
        return None
    found = public_track(code=code, pin=factor)
    if found is not None:
        return found
    digits = int(getattr(settings, "MOTCUA_TRACK_PHONE_DIGITS", 4))
    typed = re.sub(r"\D", "", factor)
    if digits <= 0 or len(typed) != digits or len(factor.replace(" ", "")) != digits:
        return None
    dossier = Dossier.objects.filter(code=code).only("phone", "lookup_pin").first()
    if dossier is None:
        return None
    phone = re.sub(r"\D", "", dossier.phone or "")
    if len(phone) < digits + 4 or not hmac.compare_digest(phone[-digits:], typed):
        return None
    return public_track(code=code, pin=dossier.lookup_pin)
