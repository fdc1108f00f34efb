"""Feedback and recommendations (phản ánh, kiến nghị; issue 14 item 7).

    POST /api/v1/feedback                             send one (anonymous allowed) → 201
    GET  /api/v1/feedback                             the caller's register (officers)
    GET  /api/v1/feedback/published?q=                published answers (anonymous, no personal data)
    GET  /api/v1/feedback/{code}                      one feedback: officers, or `?pin=` the sender
    POST /api/v1/feedback/{code}/actions/{action}     take an action (officers)

The rules (who may see and do what, deadlines, what is removed before publication) live in
`motcua.pakn`; its errors become 400/403/404/409 here in the API's one error shape, each
field named as the request spells it (`sender.full_name`). The schemas are in
`v1/schemas/feedback.py`."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.params import functions as params

from motcua.accounts.api import api_token_authenticate
from motcua.core import ratelimit
from motcua.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from motcua.pakn.api import (
    FeedbackConflict,
    FeedbackError,
    FeedbackForbidden,
    FeedbackNotFound,
    SenderIn,
    feedback_act,
    feedback_detail_for_officer,
    feedback_for_sender,
    feedback_list_for_officer,
    feedback_published_search,
    feedback_submit,
    feedback_user_is_officer,
)
from motcua.pakn.data import ACTIONS
from motcua.rest.auth import AUTHENTICATED, PUBLIC
from motcua.rest.v1.schemas import ErrorOut
from motcua.rest.v1.schemas.feedback import (
    FeedbackActionIn,
    FeedbackListOut,
    FeedbackListQuery,
    FeedbackOut,
    FeedbackPinQuery,
    FeedbackPublishedListOut,
    FeedbackPublishedQuery,
    FeedbackSubmitIn,
    FeedbackSubmittedOut,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

router = Router(tags=["feedback"])

CODE_DESCRIPTION = "The feedback code, e.g. `PA-H11.01.01-260302-0001`."
ACTION_DESCRIPTION = "One of: " + ", ".join(f"`{a}`" for a in ACTIONS) + "."
#: Feedback sent anonymously from one address in WINDOW_SECONDS.
SUBMITS_PER_WINDOW = 30
#: Lookups with a PIN from one address in WINDOW_SECONDS, and wrong PINs for one code from
#: one address a day (as the portal's tracking: ADR 0023).
LOOKUPS_PER_WINDOW = 20
WINDOW_SECONDS = 600
FAILURES_PER_ADDRESS_CODE = 5
CODE_WINDOW_SECONDS = 24 * 3600
ERRORS_429 = {429: ErrorOut}
_NO_BODY = params.Body(None)


# --- Helpers --------------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _throttled() -> ApplicationError:
    error = ApplicationError(
        _("Too many requests from your connection. Wait ten minutes."), code="throttled"
    )
    error.status_code = 429
    return error


def _optional_user(request: HttpRequest) -> User | None:
    """The caller of an operation open to everyone: a bearer token's user, else the signed-in
    session's (reading only), else None."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = api_token_authenticate(key=header[7:].strip()[:200])
        if user is not None:
            return user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.method == "GET":
        return user  # type: ignore[no-any-return]
    return None


def _caller(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _translate(exc: Exception) -> ApplicationError:
    """The pakn app's errors as the API's."""
    if isinstance(exc, FeedbackError):
        return ValidationFailed(
            _("The feedback was not accepted: check the fields."),
            field_errors=exc.errors,
        )
    if isinstance(exc, FeedbackForbidden):
        return PermissionDenied(exc.message or _("You may not do this."), code="forbidden")
    if isinstance(exc, FeedbackConflict):
        return Conflict(
            exc.message or _("This cannot be done in the feedback's current state."),
            code=exc.code or "conflict",
        )
    return NotFound(_("No feedback has this code, or you may not see it."), code="not_found")


PAKN_ERRORS = (FeedbackError, FeedbackForbidden, FeedbackConflict, FeedbackNotFound)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _officer_out(d: Any) -> dict[str, Any]:
    s = d.sender
    return {
        "code": d.code,
        "title": d.title,
        "status": d.status,
        "status_label": str(d.status_label),
        "received_at": _local(d.received_at),
        "due_at": _local(d.due_at),
        "answer": d.answer,
        "events": [
            {
                "at": _local(e.at),
                "action": e.action,
                "action_label": str(e.action_label),
                "to_status": e.to_status,
                "actor_name": e.actor_name,
                "note": e.note,
            }
            for e in d.events
        ],
        "can_reply": False,
        "can_rate": False,
        "more_request": d.more_request,
        "available_actions": list(d.available_actions),
        "about": d.about,
        "channel": d.channel,
        "content": d.content,
        "sender": {
            "full_name": s.full_name,
            "phone": s.phone,
            "email": s.email,
            "address": s.address,
            "id_number": s.id_number,
        },
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "dossier_code": d.dossier_code,
        "classification": d.classification,
        "register_no": d.register_no,
        "agency_name": d.agency_name,
        "assignee_name": d.assignee_name,
        "overdue": d.overdue,
        "due_soon": d.due_soon,
        "deadlines": {k: _local(v) for k, v in d.deadlines.items()},
        "redactions": list(d.redactions),
        "attachments": [
            {"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type}
            for a in d.attachments
        ],
    }


def _sender_out(p: Any) -> dict[str, Any]:
    officer_only = [
        "about",
        "channel",
        "content",
        "sender",
        "procedure_code",
        "procedure_name",
        "dossier_code",
        "classification",
        "register_no",
        "agency_name",
        "assignee_name",
        "overdue",
        "due_soon",
        "deadlines",
        "redactions",
        "attachments",
    ]
    return {
        "code": p.code,
        "title": p.title,
        "status": p.status,
        "status_label": str(p.status_label),
        "received_at": _local(p.received_at),
        "due_at": _local(p.due_at),
        "answer": p.answer,
        "events": [
            {
                "at": _local(e.at),
                "action": e.action,
                "action_label": str(e.action_label),
                "to_status": e.to_status,
                "actor_name": None,
                "note": None,
            }
            for e in p.events
        ],
        "can_reply": p.can_reply,
        "can_rate": p.can_rate,
        "more_request": p.more_request,
        "available_actions": [],
        **dict.fromkeys(officer_only),
    }


def _pair_key(code: str, address: str) -> str:
    return "rl:pakn-api-pair:" + hashlib.sha256(f"{address}|{code}".encode()).hexdigest()[:32]


# --- Operations -----------------------------------------------------------------------------


@router.post(
    "",
    auth=PUBLIC,
    response={201: FeedbackSubmittedOut, 200: FeedbackSubmittedOut, **ERRORS_429},
    summary="Send feedback or a recommendation",
    url_name="feedback-submit",
)
def feedback_submit_api(request: HttpRequest, payload: FeedbackSubmitIn) -> Status[dict[str, Any]]:
    """Anyone may send, without a token: `sender.full_name` and a phone or an e-mail are
    then required. With a citizen's bearer token, what is left empty is taken from the
    account. A dossier complaint needs the dossier's code and its PIN: a wrong PIN is 400 on
    `dossier_pin` and nothing is stored. The same feedback sent twice (the same
    `idempotency_key`, or the same sender, title and content within 10 minutes) answers 200
    with the first one. 429 after 30 a quarter of an hour from one address."""
    user = _optional_user(request)
    if user is None and ratelimit.hit(
        key=f"rl:pakn-api-submit:{_address(request)}",
        limit=SUBMITS_PER_WINDOW,
        window_seconds=WINDOW_SECONDS,
    ):
        raise _throttled()
    sender = payload.sender
    about = payload.about
    try:
        result = feedback_submit(
            about=about,
            title=payload.title,
            content=payload.content,
            sender=SenderIn(
                full_name=sender.full_name,
                phone=sender.phone,
                email=sender.email,
                address=sender.address,
            ),
            procedure_code=payload.procedure if about == "procedure" else "",
            dossier_code=payload.dossier_code if about == "dossier" else "",
            dossier_pin=payload.dossier_pin if about == "dossier" else "",
            channel="api",
            user=user,
            idempotency_key=payload.idempotency_key,
        )
    except PAKN_ERRORS as exc:
        raise _translate(exc) from exc
    body = {
        "code": result.code,
        "pin": result.pin,
        "status": str(result.status),
        "due_at": _local(result.due_at),
    }
    return Status(201 if result.created else 200, body)


@router.get(
    "",
    auth=AUTHENTICATED,
    response={200: FeedbackListOut, 403: ErrorOut},
    summary="The feedback register",
    url_name="feedback-list",
)
def feedback_list_api(request: HttpRequest, filters: Query[FeedbackListQuery]) -> dict[str, Any]:
    """The feedback the caller may see (the feedback desk: all of the province; an agency:
    what was assigned to it), the most urgent first; `count` is the total."""
    user = _caller(request)
    if not feedback_user_is_officer(user):
        raise PermissionDenied(_("Only officers who handle feedback may list it."))
    try:
        count, rows = feedback_list_for_officer(
            user=user,
            status=filters.status or "",
            due=filters.due or "",
            q=filters.q.strip(),
            offset=filters.offset,
            limit=filters.limit,
        )
    except PAKN_ERRORS as exc:
        raise _translate(exc) from exc
    return {
        "items": [
            {
                "code": r.code,
                "title": r.title,
                "about": r.about,
                "status": r.status,
                "status_label": str(r.status_label),
                "channel": r.channel,
                "agency_name": r.agency_name,
                "assignee_name": r.assignee_name,
                "received_at": _local(r.received_at),
                "due_at": _local(r.due_at),
                "overdue": r.overdue,
                "due_soon": r.due_soon,
            }
            for r in rows
        ],
        "count": count,
    }


@router.get(
    "/published",
    auth=PUBLIC,
    response={200: FeedbackPublishedListOut},
    summary="Published answers",
    url_name="feedback-published",
)
def feedback_published_api(
    request: HttpRequest, filters: Query[FeedbackPublishedQuery]
) -> dict[str, Any]:
    """The answers published on the portal, newest first: `q` searches without accents,
    `procedure` and `agency` filter. No personal data: the sender's name, phone, e-mail,
    address and ID number, and what the officer marked, are replaced by "***"."""
    count, items = feedback_published_search(
        q=filters.q.strip(),
        procedure_code=filters.procedure.strip(),
        agency_code=filters.agency.strip(),
        offset=filters.offset,
        limit=filters.limit,
    )
    return {
        "items": [
            {
                "code": p.code,
                "title": p.title,
                "question": p.question,
                "answer": p.answer,
                "agency": p.agency_name,
                "procedure_code": p.procedure_code,
                "procedure_name": p.procedure_name,
                "received_on": p.received_on,
                "answered_on": p.answered_on,
                "published_on": p.published_on,
            }
            for p in items
        ],
        "count": count,
    }


@router.get(
    "/{code}",
    auth=PUBLIC,
    response={200: FeedbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, **ERRORS_429},
    summary="Get a feedback",
    url_name="feedback-detail",
)
def feedback_detail_api(
    request: HttpRequest,
    code: Annotated[str, Path(description=CODE_DESCRIPTION, max_length=64)],
    query: Query[FeedbackPinQuery],
) -> dict[str, Any]:
    """With `?pin=`: the sender's view (status, public steps, the answer once approved),
    without sign-in; rate-limited per address (429), wrong PINs per address and code. Else an
    officer who may see it (bearer token or session): everything, with the sender and the
    `available_actions`. 401 without credentials; 404 when it does not exist or the caller
    may not see it."""
    if query.pin:
        address = _address(request)
        if ratelimit.hit(
            key=f"rl:pakn-api-lookup:{address}",
            limit=LOOKUPS_PER_WINDOW,
            window_seconds=WINDOW_SECONDS,
        ):
            raise _throttled()
        pair = _pair_key(code, address)
        if ratelimit.hit(
            key=pair, limit=FAILURES_PER_ADDRESS_CODE, window_seconds=CODE_WINDOW_SECONDS
        ):
            raise _throttled()
        found = feedback_for_sender(code=code, pin=query.pin)
        if found is None:
            raise NotFound(_("No feedback matches this code and PIN."), code="not_found")
        ratelimit.release(key=pair)
        return _sender_out(found)
    user = _optional_user(request)
    if user is None:
        raise _unauthenticated()
    try:
        detail = feedback_detail_for_officer(code=code, user=user)
    except (FeedbackNotFound, FeedbackForbidden) as exc:
        raise NotFound(
            _("No feedback has this code, or you may not see it."), code="not_found"
        ) from exc
    return _officer_out(detail)


def _unauthenticated() -> ApplicationError:
    error = ApplicationError(
        _("Authentication required: send a bearer token, sign in, or give the PIN."),
        code="unauthenticated",
    )
    error.status_code = 401
    return error


@router.post(
    "/{code}/actions/{action}",
    auth=AUTHENTICATED,
    response={200: FeedbackOut, 403: ErrorOut, 409: ErrorOut},
    summary="Take an action on a feedback",
    url_name="feedback-action",
)
def feedback_action_api(
    request: HttpRequest,
    code: Annotated[str, Path(description=CODE_DESCRIPTION, max_length=64)],
    action: Annotated[str, Path(description=ACTION_DESCRIPTION, max_length=32)],
    payload: FeedbackActionIn = _NO_BODY,
) -> dict[str, Any]:
    """Take one of the feedback's `available_actions`; returns the feedback. Each action
    reads its fields of the body: classify `classification`; forward `agency`; assign
    `agency` and `to_user`; request_more and refuse `note`; answer `answer`; publish
    `redactions` and `publish_attachments`. 400: a field is missing or wrong. 403: the caller
    may not. 404: unknown feedback or action. 409: not possible in its current state (or
    someone acted first)."""
    user = _caller(request)
    if action not in ACTIONS:
        raise NotFound(_("There is no such action."), code="not_found")
    body = payload or FeedbackActionIn.model_validate({})
    try:
        detail = feedback_act(
            code=code,
            action=action,
            actor=user,
            note=body.note,
            classification=body.classification or "",
            agency_code=body.agency,
            to_user_id=body.to_user,
            answer=body.answer,
            redactions=list(body.redactions),
            publish_attachments=body.publish_attachments,
        )
    except PAKN_ERRORS as exc:
        raise _translate(exc) from exc
    return _officer_out(detail)
