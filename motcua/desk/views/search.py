"""Search dossiers by code, applicant name, ID number or tax code."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from motcua.core.identifiers import dossier_code_query
from motcua.dossiers.api import STATUS_LABELS, deadline_view, dossier_search

from .. import presenters
from ..forms.lists import SearchForm
from ..permissions import viewers
from .common import officer, page_links, render_desk

PAGE_SIZE = 25


@viewers
def search(request: HttpRequest) -> HttpResponse:
    statuses = [(s.value, str(label)) for s, label in STATUS_LABELS.items()]
    form = SearchForm(request.GET, statuses=statuses)
    page = None
    searched = False
    if form.is_valid():
        c = form.cleaned_data
        searched = bool(c["q"] or c["status"] or c["overdue"])
        overdue = {"1": True, "0": False}.get(c["overdue"] or "")
        # A code typed as people do (h11.01.01–260302 0001) is searched as printed.
        q = dossier_code_query(c["q"]) or c["q"]
        qs = dossier_search(user=officer(request), q=q, status=c["status"] or None, overdue=overdue)
        paginator = Paginator(qs, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("trang"))
        rows = []
        day = presenters.day_seconds()
        for d in page.object_list:
            view = deadline_view(dossier=d)
            rows.append(
                {
                    "dossier": d,
                    "url": reverse("desk:dossier", args=[presenters.dossier_ref(d)]),
                    "status": presenters.status_label(d.status),
                    "view": view,
                    "remaining": presenters.remaining_words(view, day_seconds=day),
                }
            )
        page.rows = rows  # type: ignore[attr-defined]
    return render_desk(
        request,
        "desk/search.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "links": page_links(request, "trang", page) if page is not None else {},
            "state_labels": presenters.STATE_LABELS,
        },
    )
