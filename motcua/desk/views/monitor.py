"""Overdue and near-due dossiers of the agencies a leader or desk officer watches, and the
person's notices (warnings from the deadline sweep)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.api import agencies_watched_by
from motcua.core.hostile import ascii_int
from motcua.dossiers import api as dossiers_api
from motcua.dossiers.api import deadline_view, dossiers_near_due, dossiers_overdue, notices_for_user

from .. import presenters
from ..permissions import MONITOR_ROLES, monitors, workers
from .common import CappedPaginator, officer, page_links, render_desk

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

AGENCY_PARAM = "co-quan"


def _rows(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    rows = []
    day = presenters.day_seconds()
    for d in dossiers:
        view = deadline_view(dossier=d)
        rows.append(
            {
                "dossier": d,
                "url": reverse("desk:dossier", args=[presenters.dossier_ref(d)]),
                "view": view,
                "remaining": presenters.remaining_words(view, day_seconds=day),
                "status": presenters.status_label(d.status),
            }
        )
    return rows


#: Rows per page of each list; the page of each list has its own parameter.
PAGE_SIZE = 50
OVERDUE_PAGE, NEAR_PAGE = "trang-qua-han", "trang-sap-den-han"


@monitors
def deadlines(request: HttpRequest) -> HttpResponse:
    """The dossiers past or near their appointment in the agencies the user watches (a
    province's supervisor: the whole province), a page of each list at a time."""
    agencies = agencies_watched_by(user=officer(request), roles=set(MONITOR_ROLES))
    chosen = request.GET.get(AGENCY_PARAM, "")
    if chosen and not any(a.code == chosen for a in agencies):
        chosen = ""
    ids = {a.pk for a in agencies if not chosen or a.code == chosen}
    overdue = CappedPaginator(
        dossiers_overdue(agency_ids=ids).select_related("deciding_agency"), PAGE_SIZE
    ).get_page(request.GET.get(OVERDUE_PAGE))
    near = CappedPaginator(
        dossiers_near_due(agency_ids=ids).select_related("deciding_agency"), PAGE_SIZE
    ).get_page(request.GET.get(NEAR_PAGE))
    return render_desk(
        request,
        "desk/deadlines.html",
        {
            "agencies": agencies,
            "chosen": chosen,
            "param": AGENCY_PARAM,
            "overdue_page": overdue,
            "near_page": near,
            "overdue": _rows(list(overdue.object_list)),
            "near": _rows(list(near.object_list)),
            "overdue_links": page_links(request, OVERDUE_PAGE, overdue),
            "near_links": page_links(request, NEAR_PAGE, near),
            "state_labels": presenters.STATE_LABELS,
        },
    )


@workers
def notices(request: HttpRequest) -> HttpResponse:
    qs = notices_for_user(user=officer(request))
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    rows = [
        {
            "notice": n,
            "url": reverse("desk:dossier", args=[presenters.dossier_ref(n.dossier)]),
        }
        for n in page.object_list
    ]
    return render_desk(
        request,
        "desk/notices.html",
        {
            "page": page,
            "links": page_links(request, "trang", page),
            "rows": rows,
            "can_mark": _mark_service() is not None,
        },
    )


def _mark_service() -> Any:
    """`notice_mark_read` of the dossiers app, once it exists (a write: the desk does not
    change notices itself)."""
    return getattr(dossiers_api, "notice_mark_read", None)


@workers
@require_POST
def notices_mark_read(request: HttpRequest) -> HttpResponse:
    service = _mark_service()
    if service is None:
        messages.warning(request, _("Marking notices as read is not available yet."))
        return redirect("desk:notices")
    raw = request.POST.get("notice", "")
    notice_id = ascii_int(raw)
    ids = [notice_id] if notice_id is not None else None
    service(user=officer(request), notice_ids=ids)
    messages.success(request, _("Marked as read."))
    return redirect("desk:notices")
