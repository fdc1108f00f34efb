"""The desk home: my open steps, then online submissions waiting at my desks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from motcua.accounts.api import user_has_any_role
from motcua.calendar.api import working_calendar_get
from motcua.core import clock
from motcua.dossiers.api import (
    DeadlineView,
    WorklistStep,
    desk_queue,
    step_deadline_view,
    worklist_rows,
)

from .. import presenters
from ..forms.lists import WorklistFilterForm
from ..permissions import WORKER_ROLES, viewers
from .common import officer, render_desk

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

# The desk shows the first rows of the worklist, overdue first (see worklist_rows: only the
# columns shown are read, ADR 0043).
WORKLIST_ROWS = 200

FILTER_KEYS = ("han", "giao")
SESSION_KEY = "desk_worklist_filters"


@dataclass(frozen=True)
class StepRow:
    step: WorklistStep
    dossier: Any  # the step's WorklistDossier
    url: str
    view: DeadlineView
    remaining: str
    mine: bool


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    url: str
    state: str
    due: Any
    remaining: str


def _filters(request: HttpRequest) -> dict[str, str]:
    """The filters in the query string; without any, the ones used last time (they stay)."""
    if any(k in request.GET for k in FILTER_KEYS):
        chosen = {k: request.GET.get(k, "") for k in FILTER_KEYS}
        request.session[SESSION_KEY] = chosen
        return chosen
    saved = request.session.get(SESSION_KEY)
    return dict(saved) if isinstance(saved, dict) else dict.fromkeys(FILTER_KEYS, "")


@viewers
def worklist(request: HttpRequest) -> HttpResponse:
    """/desk/: the worklist of people who work on dossiers; supervisors and admins (who have
    none) are sent to the desk overview, so the header's "Desk" link works for every role."""
    user = officer(request)
    if not user_has_any_role(user=user, roles=set(WORKER_ROLES)):
        return redirect("desk:overview")
    form = WorklistFilterForm(_filters(request))
    chosen = form.cleaned_data if form.is_valid() else {"han": "", "giao": ""}
    cal = working_calendar_get()
    day = cal.working_day_seconds
    rows: list[StepRow] = []
    for step in worklist_rows(user=user, limit=WORKLIST_ROWS):
        view = step_deadline_view(step=step)
        mine = step.assignee_id == user.pk
        if chosen["han"] and view.state != chosen["han"]:
            continue
        if chosen["giao"] == "mine" and not mine:
            continue
        if chosen["giao"] == "queue" and step.assignee_id is not None:
            continue
        rows.append(
            StepRow(
                step=step,
                dossier=step.dossier,
                url=reverse("desk:dossier", args=[presenters.dossier_ref(step.dossier)]),
                view=view,
                remaining=presenters.remaining_words(view, day_seconds=day),
                mine=mine,
            )
        )
    rows.sort(key=lambda r: (presenters.STATE_RANK.get(r.view.state, 9), r.view.due or r.step.pk))
    now = clock.now()
    queue: list[QueueRow] = []
    for d in desk_queue(user=user).select_related("receiving_agency"):
        if d.status == "completion_requested":
            state, left = "paused", None
        else:
            left = presenters.seconds_until(d.review_due_at, now, cal=cal)
            state = "overdue" if left is not None and left < 0 else "ok"
        remaining = (
            presenters.remaining_words(DeadlineView(d.review_due_at, left, state), day_seconds=day)
            if state != "paused"
            else str(presenters.STATE_LABELS["paused"])
        )
        queue.append(
            QueueRow(
                dossier=d,
                url=reverse("desk:dossier", args=[presenters.dossier_ref(d)]),
                state=state,
                due=d.review_due_at,
                remaining=remaining,
            )
        )
    queue.sort(key=lambda r: (presenters.STATE_RANK.get(r.state, 9), r.due is None, r.due or now))
    counts = {
        "overdue": sum(1 for r in rows if r.view.state == "overdue"),
        "near_due": sum(1 for r in rows if r.view.state == "near_due"),
    }
    return render_desk(
        request,
        "desk/worklist.html",
        {
            "form": form,
            "rows": rows,
            "queue": queue,
            "counts": counts,
            "filtered": any(chosen.values()),
            "state_labels": presenters.STATE_LABELS,
        },
    )
