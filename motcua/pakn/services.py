"""Writes of the pakn app (ADR 0040): submit, the officers' actions, the sender's reply and
rating, the deadline sweep. Every state change is one transaction with its chained event
(`FeedbackEvent`, core.chain); the sender is told through notifications.api after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_get_by_code, agency_list, role_holder_ids, user_get
from motcua.accounts.data import AgencyKind, Role
from motcua.catalog.api import procedure_get_current
from motcua.core import clock
from motcua.core.chain import chain_append
from motcua.core.identifiers import dossier_code_normalize, id_number_problem, phone_problem
from motcua.core.text import fold
from motcua.dossiers.api import (
    dossier_find,
    sanitize_filename,
    sniff_content_type,
    upload_problem,
)
from motcua.notifications.api import message_send
from motcua.pakn import deadlines, messages, workflow
from motcua.pakn.data import (
    ACTIONS,
    OFFICER_CHANNELS,
    About,
    Channel,
    Classification,
    Status,
)
from motcua.pakn.models import (
    ANSWER_MAX,
    CONTENT_MAX,
    TITLE_MAX,
    Feedback,
    FeedbackAttachment,
    FeedbackCounter,
    FeedbackEvent,
    FeedbackNotice,
)
from motcua.pakn.permissions import AGENCY_WORKERS, Roles, may_do
from motcua.pakn.redaction import redact
from motcua.pakn.shapes import (
    FeedbackConflict,
    FeedbackError,
    FeedbackForbidden,
    FeedbackNotFound,
    SenderIn,
    SubmitResult,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from motcua.accounts.models import Agency, User

logger = logging.getLogger(__name__)

#: Files with one feedback (or one reply).
MAX_ATTACHMENTS = 5
#: A second submit of the same sender, title and content within this window is the first.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
NAME_MAX = 200
ADDRESS_MAX = 300
NOTE_MAX = 5_000
MARKS_MAX = 30
MARK_MAX = 200
#: Streams of the feedback event chain (one of SHARDS per code).
SHARDS = 16

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def clean_text(value: str | None) -> str:
    """NFC, control characters (NUL included) dropped, line ends unified, trimmed. HTML is
    kept as typed: it is text, escaped wherever it is shown."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _line(value: str | None) -> str:
    return " ".join(clean_text(value).split())


# ---- numbers ---------------------------------------------------------------------------------

_TABLE = FeedbackCounter._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (series, last) VALUES (%s, 1) "  # noqa: S608 - our own table
    f"ON CONFLICT (series) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def next_number(series: str) -> int:
    """The next number of `series`, without gaps: one upsert in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [series])
        (last,) = cursor.fetchone()
    return int(last)


def receiving_agency() -> Agency:
    """The province's feedback desk: the agency MOTCUA_PAKN_AGENCY_CODE, else the provincial
    public administration service centre in force (the first by code)."""
    code = str(getattr(settings, "MOTCUA_PAKN_AGENCY_CODE", "") or "")
    if code:
        agency = agency_get_by_code(code=code)
        if agency is not None:
            return agency
    today = timezone.localdate(clock.now())
    for kind in (AgencyKind.PROVINCE_SERVICE_CENTER, AgencyKind.PROVINCE):
        agency = agency_list(on=today, kind=kind).first()
        if agency is not None:
            return agency
    raise ImproperlyConfigured("No provincial service centre to receive feedback.")


def feedback_code_next(*, agency: Agency, day: dt.date) -> str:
    """PA-<agency e-ID>-YYMMDD-XXXX, the sequence per agency and day without gaps."""
    n = next_number(f"code:{agency.code}:{day:%y%m%d}")
    return f"PA-{agency.code}-{day:%y%m%d}-{n:04d}"


def register_no_next(*, year: int) -> str:
    """The register's (sổ tiếp nhận) yearly number: "<n>/<year>"."""
    return f"{next_number(f'register:{year}')}/{year}"


def _pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


# ---- events and messages ---------------------------------------------------------------------


def event_stream(code: str) -> str:
    return f"pakn/{zlib.crc32(code.encode()) % SHARDS}"


def _actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    return (getattr(actor, "full_name", "") or getattr(actor, "username", ""))[:200]


def event_record(
    feedback: Feedback,
    *,
    action: str,
    actor: Any,
    from_status: str,
    to_status: str,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> FeedbackEvent:
    """The one writer of FeedbackEvent: the next row of the feedback's stream (chained)."""
    event = FeedbackEvent(
        feedback=feedback,
        at=at,
        actor_id=getattr(actor, "pk", None),
        actor_label=_actor_label(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
    chain_append(event, stream=event_stream(feedback.code))
    return event


def _agency_name(agency_id: int | None) -> str:
    if agency_id is None:
        return ""
    from motcua.accounts.api import agencies_by_id

    agency = agencies_by_id(ids=[agency_id]).get(agency_id)
    return agency.name if agency is not None else ""


def _tell_sender(feedback: Feedback, event: FeedbackEvent, *, pin: str = "") -> None:
    """Tell the sender about the event (e-mail, SMS, portal list), idempotent on the event.
    A failure is logged and never undoes the officer's action."""
    agency_id = feedback.forwarded_to_id or feedback.handling_agency_id
    values = {
        "code": feedback.code,
        "pin": pin,
        "title": feedback.title,
        "name": feedback.sender_name,
        "at": event.at,
        "handle_due": feedback.handle_due_at,
        "register_no": feedback.register_no,
        "note": event.note,
        "answer": feedback.answer,
        "to_status": event.to_status,
        "agency_name": _agency_name(agency_id) if event.action == "forward" else "",
    }
    try:
        message = messages.build(event.action, values)
        if message is None:
            return
        with transaction.atomic():
            message_send(
                key=f"pakn:{feedback.code}:{event.pk}",
                kind=message.kind,
                subject=message.subject,
                body=message.body,
                email=feedback.sender_email,
                phone=feedback.sender_phone,
                user_id=feedback.sender_user_id,
                language=message.language,
                link=message.link,
                sms=message.sms,
            )
    except Exception:  # a broken message must not block the feedback desk
        logger.exception("pakn: message for event %s not written", event.pk)


# ---- submit ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    name: str
    content: bytes
    content_type: str
    sha256: str


def _files(attachments: Sequence[UploadedFile], errors: dict[str, list[str]]) -> list[_File]:
    """Read and check the uploads like the portal's (type by the first bytes, 10 MB, malware
    scan: dossiers.api.upload_problem); problems go to errors["attachments"]."""
    files: list[_File] = []
    if len(attachments) > MAX_ATTACHMENTS:
        errors.setdefault("attachments", []).append(
            _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}
        )
        return files
    for upload in attachments:
        content = upload.read()
        problem = upload_problem(sanitize_filename(getattr(upload, "name", "") or ""), content)
        if problem:
            errors.setdefault("attachments", []).append(str(problem))
            continue
        # upload_problem refused every type but the portal's (PDF, JPEG, PNG).
        content_type = sniff_content_type(content[:16]) or "application/octet-stream"
        files.append(
            _File(
                name=sanitize_filename(getattr(upload, "name", "") or "", content_type),
                content=content,
                content_type=content_type,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return files


def _store_files(feedback: Feedback, files: list[_File], *, at: dt.datetime, reply: bool) -> None:
    for f in files:
        row = FeedbackAttachment(
            feedback=feedback,
            name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
            with_reply=reply,
            added_at=at,
        )
        row.file.save(
            f"{f.sha256[:16]}{_EXTENSIONS.get(f.content_type, '')}",
            ContentFile(f.content),
            save=False,
        )
        row.save()


def _text_errors(
    errors: dict[str, list[str]], field: str, value: str, *, limit: int, required: str
) -> None:
    if not value:
        errors.setdefault(field, []).append(required)
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("At most %(limit)s characters (now %(n)s).") % {"limit": limit, "n": len(value)}
        )


def _fingerprint(*, name: str, phone: str, email: str, title: str, content: str) -> str:
    raw = "\x1f".join([fold(name), re.sub(r"\D", "", phone), email.lower(), title, content])
    return hashlib.sha256(raw.encode()).hexdigest()


def _result(feedback: Feedback, *, created: bool) -> SubmitResult:
    return SubmitResult(
        code=feedback.code,
        pin=feedback.pin,
        status=feedback.status,
        due_at=feedback.handle_due_at,
        created=created,
    )


def feedback_submit(
    *,
    about: str,
    title: str,
    content: str,
    sender: SenderIn,
    procedure_code: str = "",
    dossier_code: str = "",
    dossier_pin: str = "",
    attachments: Sequence[UploadedFile] = (),
    channel: str = "portal",
    user: User | None = None,
    entered_by: User | None = None,
    idempotency_key: str = "",
) -> SubmitResult:
    """A feedback from anyone (see the contract, ADR 0040). Checks everything first
    (FeedbackError with every problem by field: nothing is stored), then, in one
    transaction, its code, the row, its files, its first event; the sender is told after
    commit. A double submit (same idempotency key, or the same sender, title and content
    within DUPLICATE_WINDOW) returns the first one's result with created=False."""
    now = clock.now()
    errors: dict[str, list[str]] = {}
    if about not in {a.value for a in About}:
        errors["about"] = [_("Choose what your feedback is about.")]
    title = _line(title)
    content = clean_text(content)
    _text_errors(errors, "title", title, limit=TITLE_MAX, required=_("Enter a title."))
    _text_errors(
        errors,
        "content",
        content,
        limit=CONTENT_MAX,
        required=_("Enter the content of your feedback."),
    )
    account = user if user is not None and user.is_authenticated else None
    name = _line(sender.full_name) or (_line(account.full_name) if account else "")
    phone = _line(sender.phone) or (_line(account.phone) if account else "")
    email = _line(sender.email) or (_line(account.email) if account else "")
    address = _line(sender.address)
    id_number = re.sub(r"\s", "", sender.id_number or "")
    _text_errors(
        errors, "sender.full_name", name, limit=NAME_MAX, required=_("Enter your full name.")
    )
    if not phone and not email:
        errors.setdefault("sender.phone", []).append(
            _("Give a phone number or an e-mail address so that we can answer you.")
        )
    elif phone and (problem := phone_problem(phone)):
        errors.setdefault("sender.phone", []).append(str(problem))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("sender.email", []).append(_("Enter a valid e-mail address."))
    if len(address) > ADDRESS_MAX:
        errors.setdefault("sender.address", []).append(
            _("At most %(limit)s characters (now %(n)s).")
            % {"limit": ADDRESS_MAX, "n": len(address)}
        )
    if id_number and (problem := id_number_problem(id_number)):
        errors.setdefault("sender.id_number", []).append(str(problem))
    if channel not in {c.value for c in Channel}:
        errors["channel"] = [_("Unknown channel.")]
    if entered_by is not None:
        if not Roles(entered_by).desk:
            raise FeedbackForbidden(_("Only the feedback desk enters feedback for a sender."))
        if channel not in OFFICER_CHANNELS:
            errors.setdefault("channel", []).append(
                _("Say how the feedback reached you: letter, phone call, in person or e-mail.")
            )
    elif channel in OFFICER_CHANNELS:
        errors.setdefault("channel", []).append(_("Unknown channel."))
    procedure_code = _line(procedure_code)[:40]
    procedure_name = ""
    if about == About.PROCEDURE and not procedure_code:
        errors.setdefault("procedure", []).append(_("Choose the procedure your feedback is about."))
    elif procedure_code:
        version = procedure_get_current(code=procedure_code)
        if version is None:
            errors.setdefault("procedure", []).append(
                _("No procedure has the code %(code)s.") % {"code": procedure_code}
            )
        else:
            procedure_name = version.name
    dossier = None
    if about == About.DOSSIER:
        normalized = dossier_code_normalize(dossier_code or "")
        pin = (dossier_pin or "").strip()
        if not normalized:
            errors.setdefault("dossier_code", []).append(_("Enter the code of the dossier."))
        if not pin:
            errors.setdefault("dossier_pin", []).append(
                _("Enter the PIN printed on the dossier's receipt.")
            )
        if normalized and pin:
            dossier = dossier_find(code=normalized)
            if dossier is None or not hmac.compare_digest(
                (dossier.lookup_pin or "").encode(), pin.encode()
            ):
                dossier = None
                errors.setdefault("dossier_pin", []).append(
                    _("The dossier code and PIN do not match.")
                )
    files = _files(attachments, errors)
    if errors:
        raise FeedbackError(errors)

    key = _line(idempotency_key)[:100]
    if key:
        first = Feedback.objects.filter(idempotency_key=key).first()
        if first is not None:
            return _result(first, created=False)
    fingerprint = _fingerprint(name=name, phone=phone, email=email, title=title, content=content)
    first = (
        Feedback.objects.filter(fingerprint=fingerprint, submitted_at__gte=now - DUPLICATE_WINDOW)
        .order_by("id")
        .first()
    )
    if first is not None:
        return _result(first, created=False)

    officer_entry = entered_by is not None
    try:
        with transaction.atomic():
            agency = receiving_agency()
            day = timezone.localtime(now).date()
            dues = deadlines.initial(now)
            feedback = Feedback(
                code=feedback_code_next(agency=agency, day=day),
                pin=_pin(),
                about=about,
                channel=channel,
                status=Status.RECEIVED if officer_entry else Status.SUBMITTED,
                title=title,
                content=content,
                sender_name=name,
                sender_phone=phone,
                sender_email=email,
                sender_address=address,
                sender_id_number=id_number,
                sender_user=account if account is not None and not officer_entry else None,
                entered_by=entered_by,
                procedure_code=procedure_code or (dossier.procedure_code if dossier else ""),
                procedure_name=procedure_name or (dossier.procedure_name if dossier else ""),
                dossier_code=(dossier.code or "") if dossier is not None else "",
                dossier_agency_id=dossier.deciding_agency_id if dossier is not None else None,
                receiving_agency=agency,
                submitted_at=now,
                received_at=now if officer_entry else None,
                register_no=register_no_next(year=day.year) if officer_entry else "",
                due_at=dues["refuse_due_at"],
                idempotency_key=key,
                fingerprint=fingerprint,
                **dues,
            )
            feedback.save(force_insert=True)
            _store_files(feedback, files, at=now, reply=False)
            event = event_record(
                feedback,
                action="enter" if officer_entry else "submit",
                actor=entered_by or account,
                from_status="",
                to_status=feedback.status,
                at=now,
                data={"channel": channel, "register_no": feedback.register_no},
            )
            _tell_sender(feedback, event, pin=feedback.pin)
    except IntegrityError:
        # The same idempotency key sent twice at the same time: the other one won.
        if key:
            first = Feedback.objects.filter(idempotency_key=key).first()
            if first is not None:
                return _result(first, created=False)
        raise
    return _result(feedback, created=True)


# ---- the officers' actions -------------------------------------------------------------------


def _locked(code: str) -> Feedback:
    feedback = Feedback.objects.select_for_update().filter(code=code).first()
    if feedback is None:
        raise FeedbackNotFound(code)
    return feedback


def _note(note: str, *, required: str | None, errors: dict[str, list[str]]) -> str:
    text = clean_text(note)
    if required and not text:
        errors.setdefault("note", []).append(required)
    elif len(text) > NOTE_MAX:
        errors.setdefault("note", []).append(
            _("At most %(limit)s characters (now %(n)s).") % {"limit": NOTE_MAX, "n": len(text)}
        )
    return text


def _agency(code: str, errors: dict[str, list[str]], *, required: bool) -> Agency | None:
    code = _line(code)
    if not code:
        if required:
            errors.setdefault("agency", []).append(_("Choose an agency."))
        return None
    agency = agency_get_by_code(code=code)
    if agency is None:
        errors.setdefault("agency", []).append(
            _("No agency has the code %(code)s.") % {"code": code}
        )
    return agency


def _outside_our_system(agency: Agency, feedback: Feedback) -> bool:
    """Forwarded (finished for us) rather than handled here: an agency of a vertical sector
    (tax, police, social insurance…) or a feedback about an official's conduct."""
    return agency.kind == AgencyKind.VERTICAL or feedback.classification == Classification.CONDUCT


def _worker_in(user_id: int, agency_id: int) -> bool:
    return any(
        user_id in role_holder_ids(role=str(role), agency_id=agency_id) for role in AGENCY_WORKERS
    )


def _marks(redactions: Sequence[str], errors: dict[str, list[str]]) -> list[str]:
    marks = []
    for raw in redactions:
        mark = _line(raw)
        if not mark:
            continue
        if len(mark) > MARK_MAX:
            errors.setdefault("redactions", []).append(
                _("A string to hide has at most %(limit)s characters.") % {"limit": MARK_MAX}
            )
            continue
        if mark not in marks:
            marks.append(mark)
    if len(marks) > MARKS_MAX:
        errors.setdefault("redactions", []).append(
            _("At most %(n)s strings to hide.") % {"n": MARKS_MAX}
        )
    return marks


def published_texts(feedback: Feedback, marks: Sequence[str]) -> tuple[str, str, str]:
    """(title, question, answer) without the sender's personal data nor the marked strings."""

    def hide(text: str) -> str:
        return redact(
            text,
            name=feedback.sender_name,
            phone=feedback.sender_phone,
            email=feedback.sender_email,
            address=feedback.sender_address,
            id_number=feedback.sender_id_number,
            marks=marks,
        )

    return hide(feedback.title), hide(feedback.content), hide(feedback.answer)


def feedback_act(
    *,
    code: str,
    action: str,
    actor: User,
    note: str = "",
    classification: str = "",
    agency_code: str = "",
    to_user_id: int | None = None,
    answer: str = "",
    redactions: Sequence[str] = (),
    publish_attachments: bool = False,
) -> Feedback:
    """One officer action (ACTIONS) on a feedback, in one transaction with its event.
    FeedbackNotFound (no such code), FeedbackForbidden (the actor may not: deny by default),
    FeedbackConflict (not in this status; `request_more` a second time), FeedbackError (bad
    input, by field). Returns the feedback as saved (api.py turns it into FeedbackDetail)."""
    if action not in ACTIONS:
        raise FeedbackError({"action": [_("Unknown action.")]})
    now = clock.now()
    with transaction.atomic():
        feedback = _locked(code)
        roles = Roles(actor)
        if not may_do(roles, feedback, action):
            raise FeedbackForbidden(_("You may not do this on this feedback."))
        if not workflow.allowed(action, feedback.status):
            raise FeedbackConflict(
                _("This cannot be done while the feedback is “%(status)s”.")
                % {"status": feedback.get_status_display()},
                code="status",
            )
        errors: dict[str, list[str]] = {}
        before = feedback.status
        data: dict[str, Any] = {}
        text = ""
        if action == "receive":
            feedback.received_at = now
            feedback.register_no = register_no_next(year=timezone.localtime(now).year)
            feedback.status = Status.RECEIVED
            data["register_no"] = feedback.register_no
        elif action == "classify":
            if classification not in workflow.CLASSIFY_TARGETS:
                errors["classification"] = [_("Choose a classification.")]
            text = _note(
                note,
                required=_("Give the reason for refusing.")
                if classification == Classification.REJECTED
                else None,
                errors=errors,
            )
            if not errors:
                feedback.classification = classification
                feedback.classified_at = now
                feedback.status = workflow.CLASSIFY_TARGETS[classification]
                if feedback.status == Status.REFUSED:
                    feedback.refused_at = now
                    feedback.refusal_reason = text
                data["classification"] = classification
        elif action == "forward":
            agency = _agency(agency_code, errors, required=True)
            text = _note(note, required=None, errors=errors)
            if agency is not None and not errors:
                if before == Status.TO_FORWARD or _outside_our_system(agency, feedback):
                    feedback.status = Status.FORWARDED
                    feedback.forwarded_to = agency
                    feedback.forwarded_at = now
                else:
                    feedback.status = Status.IN_PROGRESS
                    feedback.handling_agency = agency
                    feedback.assignee = None
                data["agency"] = agency.code
        elif action == "assign":
            agency = _agency(agency_code, errors, required=False)
            if agency is not None and not roles.desk and agency.pk != feedback.handling_agency_id:
                raise FeedbackForbidden(_("A leader assigns within the agency only."))
            target_agency_id = agency.pk if agency is not None else feedback.handling_agency_id
            if target_agency_id is None and "agency" not in errors:
                errors["agency"] = [_("Choose an agency.")]
            text = _note(note, required=None, errors=errors)
            assignee = None
            if to_user_id is not None and target_agency_id is not None:
                assignee = user_get(pk=int(to_user_id), active_only=True)
                if assignee is None or not _worker_in(assignee.pk, target_agency_id):
                    errors["to_user"] = [_("Choose a person of the handling agency.")]
            if not errors:
                feedback.handling_agency_id = target_agency_id
                feedback.assignee = assignee
                feedback.status = Status.IN_PROGRESS
                data["agency_id"] = target_agency_id
                data["to_user"] = assignee.pk if assignee is not None else None
        elif action == "request_more":
            if feedback.more_requested_at is not None:
                raise FeedbackConflict(
                    _("More can be asked of the sender only once."), code="more_requested_once"
                )
            text = _note(note, required=_("Say what the sender should add."), errors=errors)
            if not errors:
                left = deadlines.remaining(now=now, due_at=feedback.handle_due_at)
                feedback.more_requested_at = now
                feedback.more_request = text
                feedback.status = Status.AWAITING_SENDER
                data["left_seconds"] = int(left.total_seconds())
        elif action == "answer":
            body = clean_text(answer)
            _text_errors(errors, "answer", body, limit=ANSWER_MAX, required=_("Write the answer."))
            text = _note(note, required=None, errors=errors)
            if not errors:
                feedback.answer = body
                feedback.answered_at = now
                feedback.answered_by = actor
                feedback.status = Status.ANSWERED
        elif action == "approve":
            text = _note(note, required=None, errors=errors)
            feedback.approved_at = now
            feedback.approved_by = actor
            feedback.publish_due_at = deadlines.due(now, "publish")
            feedback.status = Status.APPROVED
            data["on_time"] = now <= feedback.handle_due_at
        elif action == "publish":
            marks = _marks(redactions, errors)
            text = _note(note, required=None, errors=errors)
            if not errors:
                title, question, answer_text = published_texts(feedback, marks)
                feedback.redactions = marks
                feedback.publish_attachments = bool(publish_attachments)
                feedback.published_title = title
                feedback.published_question = question
                feedback.published_answer = answer_text
                feedback.published_at = now
                agency_name = _agency_name(feedback.handling_agency_id)
                feedback.search_text = fold(
                    " ".join(
                        [
                            title,
                            question,
                            answer_text,
                            feedback.procedure_code,
                            feedback.procedure_name,
                            agency_name,
                        ]
                    )
                )
                feedback.status = Status.PUBLISHED
                data["marks"] = len(marks)
                data["attachments"] = feedback.publish_attachments
        elif action == "refuse":
            text = _note(note, required=_("Give the reason for refusing."), errors=errors)
            if not errors:
                feedback.classification = Classification.REJECTED
                feedback.refused_at = now
                feedback.refusal_reason = text
                feedback.status = Status.REFUSED
        if errors:
            raise FeedbackError(errors)
        feedback.due_at = _due_now(feedback)
        feedback.save()
        event = event_record(
            feedback,
            action=action,
            actor=actor,
            from_status=before,
            to_status=feedback.status,
            at=now,
            note=text,
            data=data,
        )
        _tell_sender(feedback, event)
    return feedback


def _due_now(feedback: Feedback) -> dt.datetime | None:
    step = deadlines.current_step(feedback.status)
    if step is None:
        return None
    return {
        "refuse": feedback.refuse_due_at,
        "forward": feedback.forward_due_at,
        "handle": feedback.handle_due_at,
        "publish": feedback.publish_due_at,
    }[step]


# ---- the sender ------------------------------------------------------------------------------


def feedback_by_pin(*, code: str, pin: str, lock: bool = False) -> Feedback | None:
    rows = Feedback.objects.select_for_update() if lock else Feedback.objects
    feedback = rows.filter(code=(code or "").strip().upper()).first()
    if feedback is None or not hmac.compare_digest(
        feedback.pin.encode(), (pin or "").strip().encode()
    ):
        return None
    return feedback


def feedback_sender_reply(
    *, code: str, pin: str, content: str, attachments: Sequence[UploadedFile] = ()
) -> Feedback:
    """The sender's answer to the request for more (once): the clock starts again with the
    working time that was left."""
    now = clock.now()
    text = clean_text(content)
    errors: dict[str, list[str]] = {}
    _text_errors(errors, "content", text, limit=CONTENT_MAX, required=_("Enter your reply."))
    files = _files(attachments, errors)
    if errors:
        raise FeedbackError(errors)
    with transaction.atomic():
        feedback = feedback_by_pin(code=code, pin=pin, lock=True)
        if feedback is None:
            raise FeedbackNotFound(code)
        if feedback.status != Status.AWAITING_SENDER:
            raise FeedbackConflict(_("Nothing was asked of you on this feedback."), code="status")
        asked = (
            FeedbackEvent.objects.filter(feedback=feedback, action="request_more")
            .order_by("-at", "-id")
            .first()
        )
        left = dt.timedelta(seconds=int((asked.data or {}).get("left_seconds", 0)) if asked else 0)
        feedback.sender_reply = text
        feedback.sender_replied_at = now
        feedback.handle_due_at = deadlines.resume(at=now, left=left)
        feedback.status = Status.IN_PROGRESS
        feedback.due_at = feedback.handle_due_at
        feedback.save()
        _store_files(feedback, files, at=now, reply=True)
        event = event_record(
            feedback,
            action="sender_reply",
            actor=None,
            from_status=Status.AWAITING_SENDER,
            to_status=Status.IN_PROGRESS,
            at=now,
            data={"files": len(files)},
        )
        _tell_sender(feedback, event)
    return feedback


def feedback_sender_rate(*, code: str, pin: str, satisfied: bool) -> None:
    """The sender says once whether the answer satisfied them (Decision 766 indicator 5.3)."""
    now = clock.now()
    with transaction.atomic():
        feedback = feedback_by_pin(code=code, pin=pin, lock=True)
        if feedback is None:
            raise FeedbackNotFound(code)
        if not workflow.allowed("rate", feedback.status):
            raise FeedbackConflict(_("The feedback has not been answered yet."), code="status")
        if feedback.rated_at is not None:
            raise FeedbackConflict(_("You have already rated this answer."), code="already_rated")
        feedback.satisfied = bool(satisfied)
        feedback.rated_at = now
        feedback.save(update_fields=["satisfied", "rated_at", "updated_at"])
        event_record(
            feedback,
            action="rate",
            actor=None,
            from_status=feedback.status,
            to_status=feedback.status,
            at=now,
            data={"satisfied": bool(satisfied)},
        )


# ---- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    due_soon: int
    overdue: int
    escalated: int


class _Holders:
    """Role holders by (role, agency), read once per sweep."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, int], list[int]] = {}

    def __call__(self, role: str, agency_id: int | None) -> list[int]:
        if agency_id is None:
            return []
        key = (str(role), agency_id)
        if key not in self.seen:
            self.seen[key] = role_holder_ids(role=str(role), agency_id=agency_id)
        return self.seen[key]


def deadline_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Reminders on the desk (`FeedbackNotice`) for the steps due soon or overdue: to the
    people responsible (the feedback desk for receiving, refusing and forwarding; the
    assignee or the handling agency's specialists for handling, the leaders once the answer
    awaits approval), and an overdue handling escalated to the handling agency's leaders and
    the feedback desk. Once per person, feedback, step and kind: running it again adds
    nothing. Publishing is optional (answers of general interest): no reminder."""
    now = now or clock.now()
    holders = _Holders()
    counts = {"due_soon": 0, "overdue": 0, "escalated": 0}
    rows = (
        Feedback.objects.filter(due_at__isnull=False)
        .exclude(status__in=[Status.APPROVED, Status.PUBLISHED, Status.REFUSED, Status.FORWARDED])
        .order_by("due_at")
    )
    for feedback in rows.iterator(chunk_size=500):
        step = deadlines.current_step(feedback.status)
        if step is None or feedback.due_at is None:
            continue
        if now >= feedback.due_at:
            kind = "overdue"
        elif now >= deadlines.due_soon_from(feedback.due_at):
            kind = "due_soon"
        else:
            continue
        desk = holders(Role.FEEDBACK_OFFICER, feedback.receiving_agency_id)
        leaders = holders(Role.LEADER, feedback.handling_agency_id)
        if step != "handle":
            people = desk
        elif feedback.status == Status.ANSWERED:
            people = leaders
        elif feedback.assignee_id is not None:
            people = [feedback.assignee_id]
        else:
            people = holders(Role.SPECIALIST, feedback.handling_agency_id)
        wanted = [(uid, kind) for uid in people]
        if kind == "overdue" and step == "handle":
            wanted += [(uid, "escalated") for uid in dict.fromkeys([*leaders, *desk])]
        made = _notices(feedback, step=step, wanted=wanted, now=now)
        for k, n in made.items():
            counts[k] += n
    return SweepReport(**counts)


def _notice_message(feedback: Feedback, kind: str) -> str:
    due = timezone.localtime(feedback.due_at).strftime("%H:%M %d/%m/%Y") if feedback.due_at else ""
    if kind == "due_soon":
        return _("Feedback %(code)s is due by %(due)s.") % {"code": feedback.code, "due": due}
    if kind == "escalated":
        return _("Feedback %(code)s is overdue (due %(due)s): please follow it up.") % {
            "code": feedback.code,
            "due": due,
        }
    return _("Feedback %(code)s is overdue (due %(due)s).") % {"code": feedback.code, "due": due}


def _notices(
    feedback: Feedback, *, step: str, wanted: list[tuple[int, str]], now: dt.datetime
) -> dict[str, int]:
    have = set(
        FeedbackNotice.objects.filter(feedback=feedback, step=step).values_list("user_id", "kind")
    )
    new = [
        FeedbackNotice(
            user_id=uid,
            feedback=feedback,
            step=step,
            kind=kind,
            message=_notice_message(feedback, kind),
            created_at=now,
        )
        for uid, kind in dict.fromkeys(wanted)
        if (uid, kind) not in have
    ]
    if new:
        FeedbackNotice.objects.bulk_create(new, ignore_conflicts=True)
    made: dict[str, int] = {}
    for row in new:
        made[row.kind] = made.get(row.kind, 0) + 1
    return made


def feedback_notice_mark_read(*, user: User, notice_id: int) -> bool:
    return bool(
        FeedbackNotice.objects.filter(pk=notice_id, user=user, read_at__isnull=True).update(
            read_at=clock.now()
        )
    )
