"""Who sees a dossier's personal data on the desk, and the log of each unmasked view (ADR
0036). The rule is the privacy app's (`privacy.api.personal_data_access`); this module keeps,
in the session, the reason a person gave for one dossier (for
MOTCUA_PERSONAL_DATA_REVEAL_MINUTES) and logs every unmasked view (the page, its papers, its
files) with it. Used by the dossier page, the papers and `views/personal.py`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.privacy.api import (
    PersonalDataAccess,
    personal_data_access,
    personal_data_view_record,
)

from .common import officer

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

SESSION_KEY = "desk_personal_data"


def _grants(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def _grant(request: HttpRequest, dossier: Dossier) -> tuple[str, str] | None:
    """The reason (and explanation) this person gave for this dossier, while it lasts."""
    entry = _grants(request).get(str(dossier.pk))
    if not isinstance(entry, list) or len(entry) != 3:
        return None
    reason, note, until = entry
    try:
        if dt.datetime.fromisoformat(str(until)) < clock.now():
            return None
    except ValueError:
        return None
    return str(reason), str(note)


def access_for(request: HttpRequest, dossier: Dossier) -> tuple[PersonalDataAccess, str]:
    """What the signed-in officer sees of the dossier's personal data, and the explanation
    to log with it (for a reason given on the reveal form)."""
    grant = _grant(request, dossier)
    access = personal_data_access(
        user=officer(request), dossier=dossier, revealed_reason=grant[0] if grant else None
    )
    return access, (grant[1] if grant and not access.handler else "")


def log_if_unmasked(request: HttpRequest, dossier: Dossier) -> PersonalDataAccess:
    """Decide, and log the view when it is unmasked (one INSERT)."""
    access, note = access_for(request, dossier)
    if access.unmasked and access.reason:
        personal_data_view_record(
            user=officer(request), dossier=dossier, reason=access.reason, note=note
        )
    return access


def require_unmasked(request: HttpRequest, dossier: Dossier) -> None:
    """For the pages that show personal data whole (the papers, the files): 403 for someone
    who neither handles the dossier nor gave a reason; the view is logged otherwise."""
    if not log_if_unmasked(request, dossier).unmasked:
        raise Forbidden(_("Give a reason on the dossier page (Show personal data) to open this."))


def grant_store(
    request: HttpRequest, dossier: Dossier, reason: str, note: str, until: dt.datetime
) -> None:
    grants = _grants(request)
    grants[str(dossier.pk)] = [reason, note, until.isoformat()]
    request.session[SESSION_KEY] = grants
