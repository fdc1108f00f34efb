"""Reads of the pakn app: the read models of shapes.py (plain values), lists for the desk,
the sender's view by code + PIN, the published answers (accent-insensitive search),
statistics and the Decision 766 indicators of group 5."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.api import agencies_by_id, agency_get_by_code, agency_list, role_holders
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.core.text import search_words
from motcua.pakn import deadlines
from motcua.pakn.data import (
    ABOUT_LABELS,
    ACTION_LABELS,
    CHANNEL_LABELS,
    CLASSIFICATION_LABELS,
    CLOSED_STATUSES,
    HANDLED_STATUSES,
    STATUS_LABELS,
    About,
    Status,
)
from motcua.pakn.models import Feedback, FeedbackAttachment, FeedbackEvent, FeedbackNotice
from motcua.pakn.permissions import (
    AGENCY_READERS,
    AGENCY_WORKERS,
    OFFICER_ROLES,
    Roles,
    available_actions,
    may_see,
)
from motcua.pakn.shapes import (
    AttachmentView,
    FeedbackDetail,
    FeedbackEventView,
    FeedbackForbidden,
    FeedbackIndicators,
    FeedbackNotFound,
    FeedbackNoticeView,
    FeedbackPublic,
    FeedbackRow,
    FeedbackStatistics,
    PublicEventView,
    PublishedFeedback,
    SenderIn,
    StatisticsRow,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: Statuses with a running clock the lists watch (publishing is optional: not watched).
WATCHED = [s.value for s in Status if s not in CLOSED_STATUSES and s != Status.AWAITING_SENDER]
#: Events the sender sees on the tracking page (no officers' names, no internal steps).
PUBLIC_ACTIONS = frozenset(
    {
        "submit",
        "enter",
        "receive",
        "classify",
        "forward",
        "request_more",
        "sender_reply",
        "approve",
        "publish",
        "refuse",
    }
)
MAX_LIMIT = 200


def _label(labels: dict[str, Any], key: str) -> str:
    value = labels.get(key)
    return str(value) if value is not None else key


def _names(feedbacks: Sequence[Feedback]) -> dict[int, str]:
    ids: set[int] = set()
    for f in feedbacks:
        ids.update(
            i
            for i in (f.handling_agency_id, f.forwarded_to_id, f.receiving_agency_id)
            if i is not None
        )
    return {pk: a.name for pk, a in agencies_by_id(ids=ids).items()}


def _agency_name(f: Feedback, names: dict[int, str]) -> str:
    for pk in (f.forwarded_to_id, f.handling_agency_id, f.receiving_agency_id):
        if pk is not None:
            return names.get(pk, "")
    return ""


def _flags(f: Feedback, now: dt.datetime) -> tuple[bool, bool]:
    """(overdue, due soon) of the current step."""
    if f.due_at is None or f.status not in WATCHED:
        return False, False
    if now >= f.due_at:
        return True, False
    return False, now >= deadlines.due_soon_from(f.due_at)


def _row(f: Feedback, names: dict[int, str], now: dt.datetime) -> FeedbackRow:
    overdue, soon = _flags(f, now)
    return FeedbackRow(
        code=f.code,
        title=f.title,
        about=f.about,
        status=f.status,
        status_label=_label(STATUS_LABELS, f.status),
        agency_name=_agency_name(f, names),
        assignee_name=(f.assignee.full_name or f.assignee.username) if f.assignee else "",
        received_at=f.received_at or f.submitted_at,
        due_at=f.due_at,
        overdue=overdue,
        due_soon=soon,
        channel=f.channel,
    )


def _attachments(f: Feedback) -> list[AttachmentView]:
    return [
        AttachmentView(
            id=a.pk, name=a.name, size=a.size, content_type=a.content_type, with_reply=a.with_reply
        )
        for a in FeedbackAttachment.objects.filter(feedback=f).order_by("added_at", "id")
    ]


def detail(f: Feedback, *, user: User) -> FeedbackDetail:
    """Everything the officer sees (the sender's contact included)."""
    now = clock.now()
    names = _names([f])
    row = _row(f, names, now)
    events = [
        FeedbackEventView(
            at=e.at,
            action=e.action,
            action_label=_label(ACTION_LABELS, e.action),
            actor_name=e.actor_label,
            note=e.note,
            from_status=e.from_status,
            to_status=e.to_status,
        )
        for e in FeedbackEvent.objects.filter(feedback=f).order_by("at", "id")
    ]
    return FeedbackDetail(
        **row.__dict__,
        content=f.content,
        sender=SenderIn(
            full_name=f.sender_name,
            phone=f.sender_phone,
            email=f.sender_email,
            address=f.sender_address,
            id_number=f.sender_id_number,
        ),
        procedure_code=f.procedure_code,
        procedure_name=f.procedure_name,
        dossier_code=f.dossier_code,
        classification=f.classification,
        classification_label=_label(CLASSIFICATION_LABELS, f.classification)
        if f.classification
        else "",
        register_no=f.register_no,
        answer=f.answer,
        answered_at=f.answered_at,
        approved_at=f.approved_at,
        published_at=f.published_at,
        redactions=list(f.redactions or []),
        attachments=_attachments(f),
        events=events,
        deadlines={
            "refuse": f.refuse_due_at,
            "forward": f.forward_due_at,
            "handle": f.handle_due_at,
            "publish": f.publish_due_at,
        },
        available_actions=available_actions(Roles(user), f),
        more_requested=f.more_requested_at is not None,
        more_request=f.more_request,
        sender_reply=f.sender_reply,
        about_label=_label(ABOUT_LABELS, f.about),
        channel_label=_label(CHANNEL_LABELS, f.channel),
        handling_agency_code=f.handling_agency.code if f.handling_agency is not None else "",
        forwarded_to_name=names.get(f.forwarded_to_id, "") if f.forwarded_to_id else "",
        publish_attachments=f.publish_attachments,
        satisfied=f.satisfied,
    )


def feedback_for_officer(*, code: str, user: User) -> Feedback:
    f = (
        Feedback.objects.select_related("handling_agency", "assignee")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if f is None:
        raise FeedbackNotFound(code)
    if not may_see(Roles(user), f):
        raise FeedbackForbidden("")
    return f


def visible(*, user: User) -> QuerySet[Feedback]:
    """The feedback the officer may list: all of it for the feedback desk, province admins and
    supervisors; else that handled by their agencies or assigned to them. Nothing for others."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Feedback.objects.none()
    roles = Roles(user)
    if roles.province_reader:
        return Feedback.objects.all()
    ids = roles.agencies(AGENCY_READERS)
    return Feedback.objects.filter(Q(handling_agency_id__in=ids) | Q(assignee_id=user.pk))


def user_is_officer(user: User) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Roles(user).holds(*OFFICER_ROLES)


def feedback_list_for_officer(
    *, user: User, status: str = "", due: str = "", q: str = "", offset: int = 0, limit: int = 50
) -> tuple[int, list[FeedbackRow]]:
    """The officer's feedback, the soonest due first (then the newest). `due`: "" (all),
    "soon" (the current step due within MOTCUA_PAKN_DUE_SOON_DAYS working days), "overdue"."""
    now = clock.now()
    offset, limit = max(int(offset), 0), min(max(int(limit), 1), MAX_LIMIT)
    rows = visible(user=user).select_related("assignee")
    if status:
        rows = rows.filter(status=status)
    for word in search_words(q)[:8]:
        rows = rows.filter(
            Q(code__icontains=word) | Q(title__icontains=word) | Q(sender_name__icontains=word)
        )
    if due in ("soon", "overdue"):
        rows = rows.filter(status__in=WATCHED, due_at__isnull=False)
        if due == "overdue":
            rows = rows.filter(due_at__lte=now).order_by("due_at", "id")
        else:
            # Candidates within three weeks, then the working-day rule row by row.
            rows = rows.filter(due_at__gt=now, due_at__lte=now + dt.timedelta(days=21))
            picked = [f for f in rows.order_by("due_at", "id") if _flags(f, now)[1]]
            names = _names(picked)
            page = picked[offset : offset + limit]
            return len(picked), [_row(f, names, now) for f in page]
    else:
        rows = rows.order_by("-submitted_at", "-id")
    total = rows.count()
    page_rows = list(rows[offset : offset + limit])
    names = _names(page_rows)
    return total, [_row(f, names, now) for f in page_rows]


def public_view(f: Feedback) -> FeedbackPublic:
    events = [
        PublicEventView(
            at=e.at,
            action=e.action,
            action_label=_label(ACTION_LABELS, e.action),
            to_status=e.to_status,
            to_status_label=_label(STATUS_LABELS, e.to_status),
        )
        for e in FeedbackEvent.objects.filter(feedback=f, action__in=PUBLIC_ACTIONS).order_by(
            "at", "id"
        )
    ]
    answered = f.status in HANDLED_STATUSES
    return FeedbackPublic(
        code=f.code,
        title=f.title,
        status=f.status,
        status_label=_label(STATUS_LABELS, f.status),
        received_at=f.received_at or f.submitted_at,
        due_at=None if f.status in CLOSED_STATUSES else f.handle_due_at,
        events=events,
        answer=f.answer if answered else "",
        can_reply=f.status == Status.AWAITING_SENDER,
        can_rate=answered and f.rated_at is None,
        more_request=f.more_request if f.status == Status.AWAITING_SENDER else "",
        rated=f.rated_at is not None,
    )


def feedback_for_sender(*, code: str, pin: str) -> FeedbackPublic | None:
    f = Feedback.objects.filter(code=(code or "").strip().upper()).first()
    if f is None or not pin or not hmac.compare_digest(f.pin.encode(), pin.strip().encode()):
        return None
    return public_view(f)


def _published(f: Feedback, names: dict[int, str]) -> PublishedFeedback:
    return PublishedFeedback(
        code=f.code,
        title=f.published_title,
        question=f.published_question,
        answer=f.published_answer,
        agency_name=names.get(f.handling_agency_id or f.receiving_agency_id, ""),
        procedure_code=f.procedure_code,
        procedure_name=f.procedure_name,
        received_on=timezone.localtime(f.received_at or f.submitted_at).date(),
        answered_on=timezone.localtime(f.approved_at).date() if f.approved_at else None,
        published_on=timezone.localtime(f.published_at).date() if f.published_at else None,
        attachments=_attachments(f) if f.publish_attachments else [],
    )


def feedback_published_search(
    *,
    q: str = "",
    procedure_code: str = "",
    agency_code: str = "",
    offset: int = 0,
    limit: int = 20,
) -> tuple[int, list[PublishedFeedback]]:
    """Published answers matching every word of `q` (accents and case ignored), of one
    procedure and one handling agency (or its sub-units), the newest first."""
    offset, limit = max(int(offset), 0), min(max(int(limit), 1), MAX_LIMIT)
    rows = Feedback.objects.filter(status=Status.PUBLISHED)
    for word in search_words(q)[:12]:
        rows = rows.filter(search_text__contains=word)
    if procedure_code:
        rows = rows.filter(procedure_code=procedure_code.strip())
    if agency_code:
        code = agency_code.strip()
        rows = rows.filter(
            Q(handling_agency__code=code) | Q(handling_agency__code__startswith=code + ".")
        )
    rows = rows.order_by("-published_at", "-id")
    total = rows.count()
    page = list(rows[offset : offset + limit])
    names = _names(page)
    return total, [_published(f, names) for f in page]


def feedback_published_get(*, code: str) -> PublishedFeedback | None:
    f = Feedback.objects.filter(code=(code or "").strip().upper(), status=Status.PUBLISHED).first()
    if f is None:
        return None
    return _published(f, _names([f]))


# ---- statistics and indicators ---------------------------------------------------------------


def _period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return begin, stop


def outcome(f: Feedback, ref: dt.datetime) -> str:
    """What became of a feedback: handled_on_time, handled_late, refused[_late],
    forwarded[_late] by the times they happened (whenever that was); one still open is
    in_progress_on_time or in_progress_overdue at `ref` (the end of the period, or now if
    sooner, like the national portal's rule for unfinished dossiers)."""
    if f.approved_at is not None:
        return "handled_on_time" if f.approved_at <= f.handle_due_at else "handled_late"
    if f.refused_at is not None:
        return "refused" if f.refused_at <= f.refuse_due_at else "refused_late"
    if f.forwarded_at is not None:
        return "forwarded" if f.forwarded_at <= f.forward_due_at else "forwarded_late"
    due = f.due_at if f.status not in CLOSED_STATUSES else f.handle_due_at
    if due is None:  # paused: the sender has the clock
        return "in_progress_on_time"
    return "in_progress_on_time" if ref <= due else "in_progress_overdue"


ON_TIME = frozenset({"handled_on_time", "refused", "forwarded", "in_progress_on_time"})


def _in_period(rows: QuerySet[Feedback], start: dt.date, end: dt.date) -> QuerySet[Feedback]:
    begin, stop = _period(start, end)
    return rows.filter(submitted_at__gte=begin, submitted_at__lt=stop)


def feedback_statistics(*, user: User, start: dt.date, end: dt.date) -> FeedbackStatistics:
    """Feedback that arrived in [start, end] (local dates) the user may list, per handling
    agency (the receiving desk while none): received, handled on time / late, in progress
    on time / overdue (at the end of the period, or now if sooner), refused, forwarded; and
    counts by topic (about x classification)."""
    begin, stop = _period(start, end)
    ref = min(clock.now(), stop)
    rows = list(_in_period(visible(user=user), start, end))
    by_agency: dict[int, dict[str, int]] = {}
    topics: dict[tuple[str, str], int] = {}
    for f in rows:
        agency = f.handling_agency_id or f.receiving_agency_id
        counts = by_agency.setdefault(agency, {})
        counts["received"] = counts.get("received", 0) + 1
        result = outcome(f, ref)
        result = {"refused_late": "refused", "forwarded_late": "forwarded"}.get(result, result)
        counts[result] = counts.get(result, 0) + 1
        topic = (f.about, f.classification)
        topics[topic] = topics.get(topic, 0) + 1
    agencies = agencies_by_id(ids=by_agency)
    fields = (
        "received",
        "handled_on_time",
        "handled_late",
        "in_progress_on_time",
        "in_progress_overdue",
        "refused",
        "forwarded",
    )
    out = []
    for pk, counts in sorted(by_agency.items(), key=lambda kv: agencies[kv[0]].code):
        out.append(
            StatisticsRow(
                agency_code=agencies[pk].code,
                agency_name=agencies[pk].name,
                **{k: counts.get(k, 0) for k in fields},
            )
        )
    totals = StatisticsRow(
        agency_code="",
        agency_name="",
        **{k: sum(getattr(r, k) for r in out) for k in fields},
    )
    return FeedbackStatistics(start=start, end=end, rows=out, by_topic=topics, totals=totals)


def feedback_indicators(
    *, agency_ids: Sequence[int] | None, start: dt.date, end: dt.date
) -> FeedbackIndicators:
    """Decision 766 group 5 from the feedback that arrived in [start, end] (of the agencies
    `agency_ids` — receiving, handling, forwarded to, or whose dossier it is about —, or of
    all with None):

    * 5.2 `ontime_ratio` = on time / received, on time = answered (approved) within the
      handling deadline, refused within the refusal deadline, forwarded within the
      forwarding deadline, or still in progress within its deadline at the end of the period;
    * 5.3 `satisfied_ratio` = satisfied / rated (the senders' ratings of the answers);
    * `dossiers_with_feedback`: distinct dossiers a complaint about their handling was
      accepted for (not refused), for 5.4's "% dossiers with feedback".
    A ratio is None when there is nothing to measure."""
    begin, stop = _period(start, end)
    ref = min(clock.now(), stop)
    rows = _in_period(Feedback.objects.all(), start, end)
    if agency_ids is not None:
        ids = list(agency_ids)
        rows = rows.filter(
            Q(receiving_agency_id__in=ids)
            | Q(handling_agency_id__in=ids)
            | Q(forwarded_to_id__in=ids)
            | Q(dossier_agency_id__in=ids)
        )
    feedbacks = list(
        rows.only(
            "status",
            "approved_at",
            "refused_at",
            "forwarded_at",
            "due_at",
            "handle_due_at",
            "refuse_due_at",
            "forward_due_at",
            "satisfied",
            "rated_at",
            "about",
            "dossier_code",
            "dossier_agency_id",
        )
    )
    received = len(feedbacks)
    on_time = sum(1 for f in feedbacks if outcome(f, ref) in ON_TIME)
    rated = [f for f in feedbacks if f.rated_at is not None and f.satisfied is not None]
    satisfied = sum(1 for f in rated if f.satisfied)
    dossiers = {
        f.dossier_code
        for f in feedbacks
        if f.about == About.DOSSIER
        and f.dossier_code
        and f.status != Status.REFUSED
        and (agency_ids is None or f.dossier_agency_id in set(agency_ids))
    }
    return FeedbackIndicators(
        received=received,
        on_time=on_time,
        ontime_ratio=on_time / received if received else None,
        rated=len(rated),
        satisfied=satisfied,
        satisfied_ratio=satisfied / len(rated) if rated else None,
        dossiers_with_feedback=len(dossiers),
    )


# ---- choices, files, reminders ---------------------------------------------------------------


def feedback_agencies_for_forward(*, user: User) -> list[tuple[str, str]]:
    if not Roles(user).desk:
        return []
    today = timezone.localdate(clock.now())
    return [(a.code, a.name) for a in agency_list(on=today)]


def feedback_assignees(*, agency_code: str, user: User) -> list[tuple[int, str]]:
    """People of the agency who may handle feedback (specialists, desk officers, leaders), for
    the feedback desk or a leader of that agency."""
    agency = agency_get_by_code(code=(agency_code or "").strip())
    if agency is None:
        return []
    roles = Roles(user)
    if not (roles.desk or agency.pk in roles.agencies({Role.LEADER})):
        return []
    seen: dict[int, str] = {}
    for role in sorted(AGENCY_WORKERS):
        for person in role_holders(role=str(role), agency_id=agency.pk):
            seen.setdefault(person.pk, person.full_name or person.username)
    return sorted(seen.items(), key=lambda kv: kv[1])


def feedback_attachment_open(
    *, code: str, attachment_id: int, user: User | None, pin: str = ""
) -> tuple[str, str, Any]:
    """(name, content type, open file) for an officer who may see the feedback, the sender
    with the PIN, or anyone when the answer was published with its files. FeedbackNotFound
    otherwise (whether the feedback exists or not)."""
    f = Feedback.objects.filter(code=(code or "").strip().upper()).first()
    if f is None:
        raise FeedbackNotFound(code)
    allowed = (f.status == Status.PUBLISHED and f.publish_attachments) or (
        bool(pin) and hmac.compare_digest(f.pin.encode(), pin.strip().encode())
    )
    if not allowed and user is not None and user.is_authenticated:
        allowed = may_see(Roles(user), f)
    if not allowed:
        raise FeedbackNotFound(code)
    row = FeedbackAttachment.objects.filter(pk=attachment_id, feedback=f).first()
    if row is None:
        raise FeedbackNotFound(code)
    return row.name, row.content_type, row.file.open("rb")


def feedback_notices_for(*, user: User, unread_only: bool = False) -> list[FeedbackNoticeView]:
    rows = FeedbackNotice.objects.filter(user_id=user.pk).select_related("feedback")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return [
        FeedbackNoticeView(
            id=n.pk,
            code=n.feedback.code,
            title=n.feedback.title,
            kind=n.kind,
            step=n.step,
            message=n.message,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in rows.order_by("-created_at", "-id")[:100]
    ]


def feedback_personal_data(*, user: User) -> list[dict[str, Any]]:
    """The feedback a signed-in person sent from their account, as JSON-ready data for their
    own-data export: what they wrote and gave, the status, the public steps and the answer
    once approved (no officers' names, no internal notes). One query per feedback's events."""
    out: list[dict[str, Any]] = []
    if user is None or not user.is_authenticated:
        return out
    for f in Feedback.objects.filter(sender_user_id=user.pk).order_by("submitted_at", "id"):
        view = public_view(f)
        out.append(
            {
                "code": f.code,
                "about": f.about,
                "title": f.title,
                "content": f.content,
                "sender": {
                    "full_name": f.sender_name,
                    "phone": f.sender_phone,
                    "email": f.sender_email,
                    "address": f.sender_address,
                    "id_number": f.sender_id_number,
                },
                "procedure_code": f.procedure_code,
                "dossier_code": f.dossier_code,
                "status": f.status,
                "submitted_at": f.submitted_at.isoformat(),
                "sender_reply": f.sender_reply,
                "answer": view.answer,
                "satisfied": f.satisfied,
                "events": [
                    {"at": e.at.isoformat(), "action": e.action, "to_status": e.to_status}
                    for e in view.events
                ],
            }
        )
    return out
