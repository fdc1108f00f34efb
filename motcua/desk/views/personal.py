"""Personal data on the desk (ADR 0036): the "show personal data" action of those who do not
handle a dossier (a reason, logged) and the view log. Who sees what, and the logging of each
unmasked view: `personal_access.py`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.api import roles_required
from motcua.core import clock
from motcua.core.errors import NotFound, ValidationFailed
from motcua.dossiers.api import access_dossier_for_officer
from motcua.privacy.api import (
    LOG_READER_ROLES,
    REASON_CHOICES,
    personal_data_reveal,
    personal_data_views,
)

from ..forms.errors import apply_domain_errors
from ..forms.personal import RevealForm, ViewLogFilterForm
from ..permissions import viewers
from .common import dossier_url, load_dossier, officer, page_links, render_desk
from .dossier import render_dossier_page
from .personal_access import grant_store

if TYPE_CHECKING:
    pass

LOG_PAGE_SIZE = 50


@viewers
@require_POST
def personal_data_show(request: HttpRequest, code: str) -> HttpResponse:
    """The "show personal data" action of someone who does not handle the dossier: a reason
    (and, for another reason, an explanation), logged; the page then shows it unmasked for a
    few minutes, every view logged again."""
    dossier = load_dossier(request, code)
    form = RevealForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {}) or {}
    try:
        reason, note = personal_data_reveal(
            user=officer(request),
            dossier=dossier,
            reason=str(data.get("reason") or ""),
            note=str(data.get("note") or ""),
        )
    except ValidationFailed as exc:
        apply_domain_errors(form, exc)
        return render_dossier_page(
            request, dossier, reveal_form=form, problem=exc.message, status=400
        )
    until = clock.now() + dt.timedelta(minutes=settings.MOTCUA_PERSONAL_DATA_REVEAL_MINUTES)
    grant_store(request, dossier, reason, note, until)
    messages.info(
        request,
        _("The personal data is shown until %(time)s; every view is logged.")
        % {"time": timezone.localtime(until).strftime("%H:%M")},
    )
    return redirect(dossier_url(dossier))


@roles_required(*LOG_READER_ROLES)
def view_log(request: HttpRequest) -> HttpResponse:
    """/desk/du-lieu-ca-nhan/nhat-ky/: who saw which dossier's personal data, when and why,
    for supervisors and province admins (the dossiers of their agencies' subtree); by dossier
    (`ho_so`) and by officer (`can_bo`)."""
    form = ViewLogFilterForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {"ho_so": "", "can_bo": ""}
    reader = officer(request)
    dossier_id = None
    problem = ""
    if chosen["ho_so"]:
        try:
            dossier_id = access_dossier_for_officer(user=reader, code=chosen["ho_so"]).pk
        except NotFound as exc:
            problem = exc.message
    rows = (
        personal_data_views(reader=reader, dossier_id=dossier_id, username=chosen["can_bo"])
        if not problem
        else None
    )
    page = (
        Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("trang"))
        if rows is not None
        else None
    )
    return render_desk(
        request,
        "desk/personal_data_log.html",
        {
            "form": form,
            "page": page,
            "problem": problem,
            "reasons": dict(REASON_CHOICES),
            "links": page_links(request, "trang", page) if page is not None else {},
        },
    )
