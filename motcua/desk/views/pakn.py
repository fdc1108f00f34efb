"""The feedback desk (phản ánh, kiến nghị; issue 14): the register, the entry of a feedback
received by letter or phone, one feedback's page with its timeline and one small form per
action (POST-redirect-GET, no JavaScript), its attachments, and the statistics per agency,
period and topic. Who may see and do what is decided by `motcua.pakn.api`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.api import user_has_any_role
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.core.access import mark
from motcua.pakn.api import (
    FeedbackConflict,
    FeedbackError,
    FeedbackForbidden,
    FeedbackNotFound,
    SenderIn,
    feedback_act,
    feedback_attachment_open,
    feedback_detail_for_officer,
    feedback_list_for_officer,
    feedback_notice_mark_read,
    feedback_notices_for,
    feedback_statistics,
    feedback_submit,
    feedback_user_is_officer,
)
from motcua.pakn.data import (
    ABOUT_LABELS,
    ACTION_LABELS,
    CHANNEL_LABELS,
    CLASSIFICATION_LABELS,
    DEADLINE_LABELS,
)

from ..forms.pakn import (
    ENTRY_FIELD_MAP,
    PAKN_ACTION_FORMS,
    FeedbackActionForm,
    FeedbackEntryForm,
    FeedbackFilterForm,
    FeedbackPeriodForm,
)
from .common import officer, page_links
from .common import render_desk as _render_desk

if TYPE_CHECKING:
    from motcua.accounts.models import User

F = TypeVar("F", bound=Callable[..., Any])
PAGE_SIZE = 50
#: The action whose form is open when the page loads (the usual next move).
PRIMARY_ORDER = ("receive", "classify", "approve", "publish", "assign", "answer", "forward")


def feedback_officers(view: F) -> F:
    """Only people who work on feedback (`pakn.api.feedback_user_is_officer`) may open the
    page; everyone else signed in gets 403 (the anonymous are sent to sign in)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not feedback_user_is_officer(cast("User", request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return cast(F, mark(wrapper, "roles:feedback_officer"))


def _may_enter(user: Any) -> bool:
    """Only the feedback desk enters feedback received outside the portal."""
    return user_has_any_role(user=user, roles={Role.FEEDBACK_OFFICER})


def render_desk(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return _render_desk(
        request, template, {"may_enter": _may_enter(officer(request)), **context}, status
    )


def _message(exc: Exception) -> str:
    return str(getattr(exc, "message", "") or exc)


def _errors(exc: Exception) -> dict[str, list[str]]:
    raw = getattr(exc, "errors", None) or getattr(exc, "field_errors", None) or {}
    return {str(k): [str(m) for m in v] for k, v in dict(raw).items()}


def _place(form: forms.Form, exc: Exception, field_map: dict[str, str]) -> None:
    placed = False
    for key, problems in _errors(exc).items():
        name = field_map.get(key, key)
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)
            placed = True
    if not placed:
        form.add_error(None, _message(exc))


def _load(request: HttpRequest, code: str) -> Any:
    """The feedback if this officer may see it; 404 otherwise (never says it exists)."""
    try:
        return feedback_detail_for_officer(code=code[:64], user=officer(request))
    except (FeedbackNotFound, FeedbackForbidden) as exc:
        raise Http404(_message(exc)) from exc


# --- The register ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Page:
    number: int
    num_pages: int

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paginator(self) -> _Page:
        return self


def _today() -> dt.date:
    return timezone.localtime(clock.now()).date()


def _page_number(raw: str | None) -> int:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 else 1


@feedback_officers
def register(request: HttpRequest) -> HttpResponse:
    """Sổ tiếp nhận phản ánh, kiến nghị: the feedback this officer may see, with filters by
    status, deadline (due soon, overdue) and a search, 50 a page."""
    form = FeedbackFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    number = _page_number(request.GET.get("trang"))
    count, rows = feedback_list_for_officer(
        user=officer(request),
        status=filters.get("status") or "",
        due=filters.get("due") or "",
        q=(filters.get("q") or "").strip(),
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    page = _Page(number=number, num_pages=max(1, -(-count // PAGE_SIZE)))
    return render_desk(
        request,
        "desk/pakn/register.html",
        {
            "form": form if form.is_bound else FeedbackFilterForm(),
            "rows": rows,
            "count": count,
            "page": page,
            "links": page_links(request, "trang", page),
            "notices": feedback_notices_for(user=officer(request), unread_only=True),
            "about_labels": ABOUT_LABELS,
            "channel_labels": CHANNEL_LABELS,
        },
    )


@feedback_officers
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one of the person's reminders (due soon, overdue, escalated) as read."""
    feedback_notice_mark_read(user=officer(request), notice_id=notice_id)
    return redirect("desk:pakn_register")


# --- Entry by an officer ---------------------------------------------------------------------


@feedback_officers
def entry(request: HttpRequest) -> HttpResponse:
    """A feedback received by letter, phone, in person or by e-mail, entered by the feedback
    desk: received at once (register number, code and PIN for the sender)."""
    if not _may_enter(officer(request)):
        raise PermissionDenied
    status = 200
    problem = ""
    if request.method == "POST":
        form = FeedbackEntryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            about = data["about"]
            try:
                result = feedback_submit(
                    about=about,
                    title=data["title"],
                    content=data["content"],
                    sender=SenderIn(
                        full_name=data.get("full_name") or "",
                        phone=data.get("phone") or "",
                        email=data.get("email") or "",
                        address=data.get("address") or "",
                        id_number=data.get("id_number") or "",
                    ),
                    procedure_code=(data.get("procedure") or "") if about == "procedure" else "",
                    dossier_code=(data.get("dossier_code") or "") if about == "dossier" else "",
                    dossier_pin=(data.get("dossier_pin") or "") if about == "dossier" else "",
                    attachments=list(data.get("attachments") or []),
                    channel=data["channel"],
                    entered_by=officer(request),
                )
            except FeedbackError as exc:
                _place(form, exc, ENTRY_FIELD_MAP)
                status = 400
            except FeedbackForbidden as exc:
                problem, status = _message(exc), 403
            else:
                messages.success(
                    request,
                    _("Entered as %(code)s. Give the sender the code and the PIN %(pin)s.")
                    % {"code": result.code, "pin": result.pin},
                )
                return redirect("desk:pakn_detail", code=result.code)
        else:
            status = 400
    else:
        form = FeedbackEntryForm(initial={"channel": "letter"})
    return render_desk(
        request, "desk/pakn/entry.html", {"form": form, "problem": problem}, status=status
    )


# --- One feedback ----------------------------------------------------------------------------


@dataclass
class Panel:
    name: str
    label: str
    form: FeedbackActionForm
    open: bool
    failed: bool


def _panels(
    request: HttpRequest,
    detail: Any,
    failed: FeedbackActionForm | None = None,
    assign_agency: str = "",
) -> list[Panel]:
    user = officer(request)
    names = [n for n in detail.available_actions if n in PAKN_ACTION_FORMS]
    primary = next((n for n in PRIMARY_ORDER if n in names), None)
    panels = []
    for name in names:
        is_failed = failed is not None and failed.action == name
        form = (
            failed
            if is_failed and failed is not None
            else PAKN_ACTION_FORMS[name](detail=detail, user=user, assign_agency=assign_agency)
        )
        panels.append(
            Panel(
                name=name,
                label=str(ACTION_LABELS.get(name, name)),
                form=form,
                open=is_failed
                or (
                    failed is None
                    and (name == primary or (name == "assign" and bool(assign_agency)))
                ),
                failed=is_failed,
            )
        )
    return panels


def _page(
    request: HttpRequest,
    detail: Any,
    *,
    failed: FeedbackActionForm | None = None,
    problem: str = "",
    status: int = 200,
    assign_agency: str = "",
) -> HttpResponse:
    deadlines = [
        (str(DEADLINE_LABELS.get(step, step)), due)
        for step, due in (getattr(detail, "deadlines", None) or {}).items()
        if due is not None
    ]
    return render_desk(
        request,
        "desk/pakn/detail.html",
        {
            "fb": detail,
            "deadlines": deadlines,
            "about_label": ABOUT_LABELS.get(detail.about, detail.about),
            "channel_label": CHANNEL_LABELS.get(detail.channel, detail.channel),
            "classification_label": CLASSIFICATION_LABELS.get(detail.classification, "")
            if detail.classification
            else "",
            "panels": _panels(request, detail, failed, assign_agency),
            "failed": failed,
            "failed_label": str(ACTION_LABELS.get(failed.action, "")) if failed else "",
            "problem": problem,
        },
        status=status,
    )


@feedback_officers
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _load(request, code))


@feedback_officers
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Take one action (POST), then back to the feedback's page (POST-redirect-GET). A
    problem shows the page again with the form as typed: 400 (a field), 403 (not yours to
    do), 409 (not possible now, or someone acted first)."""
    form_class = PAKN_ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    fb = _load(request, code)
    user = officer(request)
    if action == "assign" and request.POST.get("show"):
        # "Show the agency's people" (no JavaScript): the same page, the people of the
        # chosen agency listed in the assign form; nothing is done.
        return _page(request, fb, assign_agency=request.POST.get("assign-agency", "")[:40])
    form = form_class(request.POST, detail=fb, user=user)
    if not form.is_valid():
        return _page(
            request,
            fb,
            failed=form,
            problem=_("Some fields are not filled in correctly: see the form."),
            status=400,
        )
    try:
        done = feedback_act(code=fb.code, action=action, actor=user, **form.arguments())
    except FeedbackError as exc:
        _place(form, exc, form.field_map)
        return _page(
            request,
            fb,
            failed=form,
            problem=_("Some fields are not filled in correctly: see the form."),
            status=400,
        )
    except FeedbackForbidden as exc:
        return _page(request, fb, failed=form, problem=_message(exc), status=403)
    except FeedbackConflict as exc:
        fresh = _load(request, code)
        return _page(
            request,
            fresh,
            failed=form,
            problem=_message(exc)
            or _("This cannot be done now: the feedback has changed. Look at its state."),
            status=409,
        )
    messages.success(
        request, _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)}
    )
    return redirect("desk:pakn_detail", code=done.code)


@feedback_officers
def attachment(request: HttpRequest, code: str, attachment_id: int) -> HttpResponseBase:
    """One attached file, to an officer who may see the feedback."""
    try:
        name, content_type, file = feedback_attachment_open(
            code=code[:64], attachment_id=attachment_id, user=officer(request)
        )
    except (FeedbackNotFound, FeedbackForbidden) as exc:
        raise Http404(_message(exc)) from exc
    response = FileResponse(
        file,
        as_attachment=True,
        filename=name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Statistics ------------------------------------------------------------------------------


@feedback_officers
def statistics(request: HttpRequest) -> HttpResponse:
    """Received, handled on time / late, in progress (on time / overdue), refused and
    forwarded, per agency for a period (from / to, default: this year to today), and by
    topic (what it is about × classification)."""
    data = request.GET or {
        "start": _today().replace(month=1, day=1).strftime("%d/%m/%Y"),
        "end": _today().strftime("%d/%m/%Y"),
    }
    form = FeedbackPeriodForm(data)
    stats = None
    topics: list[dict[str, Any]] = []
    status = 200
    start: dt.date | None = None
    end: dt.date | None = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        stats = feedback_statistics(user=officer(request), start=start, end=end)
        topics = [
            {
                "about": ABOUT_LABELS.get(about, about),
                "classification": CLASSIFICATION_LABELS.get(classification, "")
                if classification
                else _("Not classified yet"),
                "count": count,
            }
            for (about, classification), count in sorted(stats.by_topic.items())
        ]
    else:
        status = 400
    return render_desk(
        request,
        "desk/pakn/statistics.html",
        {
            "form": form,
            "stats": stats,
            "topics": topics,
            "start": start,
            "end": end,
            "about_labels": ABOUT_LABELS,
            "classification_labels": CLASSIFICATION_LABELS,
            "register_url": reverse("desk:pakn_register"),
        },
        status=status,
    )
