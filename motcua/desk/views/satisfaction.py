"""Satisfaction of applicants with the agencies an officer works for: aggregates only, never
a single rating (feedback.api decides what may be shown; ADR 0012)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.accounts.api import agencies_served_by, roles_required, user_agency_ids
from motcua.feedback.api import (
    FACTORS,
    min_count_shown,
    rating_scale,
    satisfaction_summary,
    satisfied_min,
)

from ..permissions import SATISFACTION_ROLES
from .common import officer, render_desk

FROM_PARAM, TO_PARAM = "tu", "den"


def _month(value: str | None, default: dt.date) -> dt.date:
    """A month typed as YYYY-MM (the <input type="month"> format); the default otherwise."""
    try:
        year, month = (int(p) for p in (value or "").split("-", 1))
        return dt.date(year, month, 1)
    except ValueError:
        return default


@roles_required(*SATISFACTION_ROLES)
def satisfaction(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    ids = user_agency_ids(user=user, roles=set(SATISFACTION_ROLES))
    # A desk also answers for the agencies whose dossiers it receives.
    ids |= agencies_served_by(desk_ids=ids)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    start = _month(request.GET.get(FROM_PARAM), this_month.replace(month=1))
    end = _month(request.GET.get(TO_PARAM), this_month)
    if end < start:
        start, end = end, start
    total, rows = satisfaction_summary(
        agency_ids=ids, period_from=start, period_to=end, with_comments=True
    )
    return render_desk(
        request,
        "desk/satisfaction.html",
        {
            "total": total,
            "rows": rows,
            "start": start,
            "end": end,
            "from_param": FROM_PARAM,
            "to_param": TO_PARAM,
            "scale": rating_scale(),
            "factor_labels": [f.label for f in FACTORS],
            "satisfied_min": satisfied_min(),
            "min_count": min_count_shown(),
        },
    )
