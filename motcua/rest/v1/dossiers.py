"""Dossier endpoints of REST API v1: intake at the desk, search, detail, timeline, actions.

    POST /api/v1/dossiers                           receive a dossier (desk officers)
    GET  /api/v1/dossiers                           the dossiers the caller may see
    GET  /api/v1/dossiers/{code}                    one dossier, with what the caller may do
    GET  /api/v1/dossiers/{code}/events             its timeline
    POST /api/v1/dossiers/{code}/actions/{action}   take an action (forward, approve, …)

Parse → `access_dossier_for_officer` → service or selector → serialise. The rules (who may do
what, when, and what a field must hold) live in `motcua.dossiers`; errors it raises become
400/403/404/409 through `motcua.rest.errors`. The request and response schemas are in
`v1/schemas/dossiers.py`."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.params import functions as params

from motcua.accounts.api import user_has_any_role, user_roles
from motcua.accounts.data import Role
from motcua.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from motcua.core.identifiers import dossier_code_query
from motcua.dossiers.api import (
    NATIONAL_STATUS,
    STATUS_LABELS,
    Action,
    DossierStatus,
    access_dossier_for_officer,
    available_actions,
    deadline_view,
    dossier_act,
    dossier_by_intake_key,
    dossier_detail_prefetch,
    dossier_events,
    dossier_intake,
    dossier_search,
    handles_dossier,
    intake_key_reused,
    step_context,
)
from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile
from motcua.privacy.api import (
    ViewReason,
    applicant_view,
    personal_data_access,
    personal_data_reveal_check,
    personal_data_view_record,
    personal_data_views_record,
)
from motcua.rest.auth import AUTHENTICATED
from motcua.rest.v1.schemas import ErrorOut
from motcua.rest.v1.schemas.dossiers import (
    ActionIn,
    DossierDetailOut,
    DossierFilter,
    DossierIntakeIn,
    DossierListOut,
    EventListOut,
    FileIn,
    IntakeFileIn,
    OrganisationIn,
    PersonalDataReasonIn,
    PersonIn,
    UnauthorizedOut,
)

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User
    from motcua.dossiers.models import Dossier, DossierEvent, DossierStep

router = Router(tags=["dossiers"])

CODE_DESCRIPTION = (
    "The dossier code, e.g. `H11.01.01-260302-0001`. A dossier without a code (completion "
    "requested or refused at intake) is reached as `#<id>`, URL-encoded `%23<id>`."
)
ACTION_DESCRIPTION = "One of: " + ", ".join(f"`{a.value}`" for a in Action) + "."


# --- Helpers --------------------------------------------------------------------------------


def _caller(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _agency(agency: Agency | None) -> dict[str, str] | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


def _user(user: User | None, name: str = "") -> dict[str, Any] | None:
    if user is None:
        return {"id": None, "username": "", "full_name": name} if name else None
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


def _decode(file: FileIn, field: str, errors: dict[str, list[str]]) -> bytes | None:
    text = re.sub(r"\s+", "", file.content_base64)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        errors[f"{field}.content_base64"] = [_("This is not valid base64.")]
        return None


def _rename_file_errors(exc: ValidationFailed, rename: Mapping[str, str]) -> ValidationFailed:
    """The domain names uploaded files `documents[1]`, `documents[2]`…; use the API's names."""
    errors: dict[str, list[str]] = {}
    for field, messages in exc.field_errors.items():
        match = re.fullmatch(r"documents\[(\d+)\]", field)
        key = rename.get(match.group(1), field) if match else field
        errors.setdefault(key, []).extend(messages)
    return ValidationFailed(exc.message, code=exc.code, field_errors=errors)


def _summary(d: Dossier, *, unmasked: bool = False) -> dict[str, Any]:
    a = applicant_view(d, masked=not unmasked)
    return {
        "id": d.pk,
        "code": d.code,
        "reference": d.reference,
        "status": d.status,
        "status_label": str(STATUS_LABELS[DossierStatus(d.status)]),
        "national_status": NATIONAL_STATUS[DossierStatus(d.status)],
        "procedure": {
            "code": d.procedure_code,
            "name": d.procedure_name,
            "version": d.procedure_version.number,
        },
        "applicant_kind": d.applicant_kind,
        "applicant_name": d.applicant_name,
        "applicant_data": {
            "id_number": a.id_number,
            "tax_code": a.tax_code,
            "phone": a.phone,
            "address": a.address,
            "masked": a.masked,
        },
        "channel": d.channel,
        "receiving_agency": _agency(d.receiving_agency),
        "deciding_agency": _agency(d.deciding_agency),
        "received_at": _local(d.received_at),
        "appointment_at": _local(d.appointment_at),
        "finished_at": _local(d.finished_at),
        "outcome": d.outcome or None,
    }


def _step(s: DossierStep) -> dict[str, Any]:
    return {
        "id": s.pk,
        "position": s.position,
        "kind": s.kind,
        "title": s.title,
        "role": s.role,
        "agency": _agency(s.agency),
        "assignee": _user(s.assignee),
        "status": s.status,
        "started_at": _local(s.started_at),
        "due_at": _local(s.due_at),
        "parent": s.parent_id,
    }


def _detail(d: Dossier, user: User, reason: PersonalDataReasonIn | None = None) -> dict[str, Any]:
    """The dossier as the caller may see it. Personal data (ADR 0036): unmasked and logged
    (`handling`) for a caller who handles the dossier; for anyone else masked, unless they
    give a `reason` (checked, then unmasked and logged with it)."""
    dossier_detail_prefetch(dossier=d)
    ctx = step_context(d)
    deadline = deadline_view(dossier=d)
    person = d.applicant_kind == "person"
    note = ""
    given = None
    if reason is not None and reason.reason:
        try:
            given, note = personal_data_reveal_check(reason=reason.reason, note=reason.reason_note)
        except ValidationFailed as exc:
            raise ValidationFailed(
                exc.message,
                code=exc.code,
                field_errors={
                    {"note": "reason_note"}.get(k, k): list(v) for k, v in exc.field_errors.items()
                },
            ) from exc
    access = personal_data_access(user=user, dossier=d, revealed_reason=given)
    if access.unmasked and access.reason:
        personal_data_view_record(
            user=user,
            dossier=d,
            reason=access.reason,
            note="" if access.handler else note,
            channel="api",
        )
    a = applicant_view(d, masked=not access.unmasked)
    data = _summary(d, unmasked=access.unmasked)
    del data["applicant_kind"], data["applicant_name"], data["applicant_data"]
    data.update(
        applicant={
            "kind": d.applicant_kind,
            "full_name": d.applicant_name if person else "",
            "id_number": a.id_number,
            "date_of_birth": d.date_of_birth if access.unmasked else None,
            "name": "" if person else d.applicant_name,
            "tax_code": a.tax_code,
            "representative": a.representative,
            "phone": a.phone,
            "email": a.email,
            "address": a.address,
            "commune_code": d.commune_code,
            "masked": a.masked,
        },
        submitted_at=_local(d.submitted_at),
        original_appointment_at=_local(d.original_appointment_at),
        extended=d.extended,
        supplement_count=d.supplement_count,
        paused_seconds=d.paused_seconds,
        returned_at=_local(d.returned_at),
        result_approved=d.result_approved,
        missing=list(d.missing or []),
        # The form's answers may hold personal data: with the personal data only.
        form_data=dict(d.form_data or {}) if access.unmasked else {},
        result_delivery=d.result_delivery,
        decision_note=d.decision_note,
        deadline={
            "due": _local(deadline.due),
            "state": deadline.state or None,
            "remaining_seconds": deadline.remaining_seconds,
        },
        current_steps=[_step(s) for s in ([ctx.main] if ctx.main else []) + ctx.consultations],
        available_actions=available_actions(user=user, dossier=d),
        documents=[
            {
                "id": doc.pk,
                "kind": doc.kind,
                "name": doc.name,
                "sha256": doc.sha256,
                "size": doc.size,
                "content_type": doc.content_type,
                "checklist_position": doc.checklist_position,
                "created_at": _local(doc.created_at),
            }
            for doc in d.documents.all()
        ],
    )
    return data


def _event(e: DossierEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": _local(e.at),
        "action": e.action,
        "actor": _user(e.actor, e.actor_name),
        "from_status": e.from_status or None,
        "to_status": e.to_status,
        "step": (
            {
                "id": e.step.pk,
                "position": e.step.position,
                "kind": e.step.kind,
                "title": e.step.title,
            }
            if e.step is not None
            else None
        ),
        "from_agency": _agency(e.from_agency),
        "to_agency": _agency(e.to_agency),
        "to_user": _user(e.to_user),
        "deadline_status": e.deadline_status or None,
        "note": e.note,
        "data": e.data or {},
    }


def _applicant(a: PersonIn | OrganisationIn) -> ApplicantData:
    if isinstance(a, PersonIn):
        return ApplicantData(
            kind="person",
            full_name=a.full_name,
            id_number=a.id_number,
            date_of_birth=a.date_of_birth,
            phone=a.phone,
            email=a.email,
            address=a.address,
            commune_code=a.commune_code,
        )
    return ApplicantData(
        kind="organisation",
        name=a.name,
        tax_code=a.tax_code,
        representative=a.representative,
        phone=a.phone,
        email=a.email,
        address=a.address,
        commune_code=a.commune_code,
    )


def _uploads(files: Iterable[IntakeFileIn]) -> list[UploadedFile]:
    errors: dict[str, list[str]] = {}
    uploads = []
    for i, f in enumerate(files):
        content = _decode(f, f"files.{i}", errors)
        if content is not None:
            uploads.append(
                UploadedFile(name=f.name, content=content, checklist_position=f.position)
            )
    if errors:
        raise ValidationFailed(
            _("The dossier was not received: check the fields."), field_errors=errors
        )
    return uploads


# --- Operations -----------------------------------------------------------------------------

# The body of an action is optional (`take` needs none): None when it is empty.
_NO_BODY = params.Body(None)
ERRORS_RW = {400: ErrorOut, 401: UnauthorizedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


#: An Idempotency-Key: 1 to 100 visible ASCII characters (a UUID is the usual choice).
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")


def _idempotency_key(request: HttpRequest) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationFailed(
            _("The Idempotency-Key header must be 1 to 100 visible ASCII characters."),
            field_errors={"Idempotency-Key": [_("1 to 100 visible ASCII characters.")]},
        )
    return key


@router.post(
    "",
    auth=AUTHENTICATED,
    response={
        200: DossierDetailOut,
        201: DossierDetailOut,
        400: ErrorOut,
        401: UnauthorizedOut,
        403: ErrorOut,
        422: ErrorOut,
    },
    summary="Receive a dossier",
    url_name="dossier-intake",
)
def dossier_intake_api(request: HttpRequest, payload: DossierIntakeIn) -> Status[dict[str, Any]]:
    """Receive a dossier at the desk, by post, or an online one keyed in by the desk (desk
    officers and system accounts holding the desk_officer role).

    `accept` gives the code (per desk and day, without gaps), the received time and the
    appointment; `request_completion` (form 02) and `refuse` (form 03) give neither. Nothing
    is stored when any field is wrong (400 with the errors by field).

    Header `Idempotency-Key` (optional, 1–100 visible ASCII characters, e.g. a UUID): the
    same key sent again by the same caller answers 200 with the dossier the first request
    created, and creates nothing. Send one, and send the same request again with it after a
    timeout or a 503 `database_unavailable`: the first attempt may or may not have been
    saved, the retry cannot save it twice (docs/adr/0044). The same key with another request
    (another procedure, applicant or decision) is refused: 422 `idempotency_key_reused`."""
    user = _caller(request)
    if not user_has_any_role(user=user, roles={Role.DESK_OFFICER}):
        raise PermissionDenied(_("Only desk officers receive dossiers."), code="forbidden")
    key = _idempotency_key(request)
    applicant = _applicant(payload.applicant)
    if key:
        done = dossier_by_intake_key(actor=user, key=key)
        if done is not None:
            return _repeated_intake(done, user, payload, applicant)
    files = _uploads(payload.files)
    try:
        dossier = dossier_intake(
            actor=user,
            procedure_code=payload.procedure,
            channel=payload.channel,
            applicant=applicant,
            decision=payload.decision,
            checklist=[
                ChecklistItem(
                    position=d.position,
                    received=d.received,
                    originals=d.originals,
                    copies=d.copies,
                    note=d.note,
                )
                for d in payload.documents
            ],
            files=files,
            missing=payload.missing,
            note=payload.note,
            receiving_agency_code=payload.receiving_agency or None,
            deciding_agency_code=payload.deciding_agency or None,
            idempotency_key=key,
        )
    except ValidationFailed as exc:
        rename = {str(i + 1): f"files.{i}" for i in range(len(files))}
        raise _rename_file_errors(exc, rename) from exc
    except IntegrityError:
        # The same key at the same time: the other request's dossier was committed first
        # (this one's rolled back, its code number with it).
        done = dossier_by_intake_key(actor=user, key=key) if key else None
        if done is None:
            raise
        return _repeated_intake(done, user, payload, applicant)
    return Status(201, _detail(dossier, user))


class IdempotencyKeyReused(ApplicationError):
    """The key names another request (RFC draft "The Idempotency-Key HTTP Header Field": 422)."""

    status_code = 422


def _repeated_intake(
    done: Any, user: Any, payload: DossierIntakeIn, applicant: ApplicantData
) -> Status[dict[str, Any]]:
    """The answer to an intake whose Idempotency-Key already received a dossier: that dossier
    (200) when the request is the same one again, 422 when it asks for another intake."""
    if intake_key_reused(
        dossier=done,
        procedure_code=payload.procedure,
        applicant=applicant,
        decision=payload.decision,
    ):
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for another intake (dossier %(code)s). "
                "Send a new key for a new dossier."
            )
            % {"code": done.code or done.reference},
            code="idempotency_key_reused",
        )
    return Status(200, _detail(done, user))


@router.get(
    "",
    auth=AUTHENTICATED,
    response={200: DossierListOut, 400: ErrorOut, 401: UnauthorizedOut},
    summary="Search dossiers",
    url_name="dossier-list",
)
def dossier_list_api(request: HttpRequest, filters: Query[DossierFilter]) -> dict[str, Any]:
    """The dossiers the caller may see (of the agencies where they hold a role), newest
    received first. `q` matches the code, the applicant's name (accents ignored), the ID
    number or the tax code."""
    qs = dossier_search(
        user=_caller(request),
        q=dossier_code_query(filters.q) or filters.q,
        status=filters.status.value if filters.status else None,
        overdue=filters.overdue,
    )
    count = qs.count()
    page = list(
        qs.select_related("procedure_version").prefetch_related("steps")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    # Personal fields masked, except on the rows of the dossiers the caller handles; those
    # reads are logged, in one INSERT for the page (ADR 0036).
    user = _caller(request)
    roles = user_roles(user=user)
    handled = {d.pk for d in page if handles_dossier(user=user, dossier=d, roles=roles)}
    personal_data_views_record(
        user=user,
        dossiers=[d for d in page if d.pk in handled],
        reason=ViewReason.HANDLING.value,
        channel="api",
    )
    return {"items": [_summary(d, unmasked=d.pk in handled) for d in page], "count": count}


def _find(user: Any, code: str) -> Dossier:
    """The dossier by its code as typed (lower case, spaces, en dashes: read by
    `access_dossier_for_officer`), or `#<id>`; 404 unless the caller may see it."""
    return access_dossier_for_officer(user=user, code=code)


@router.get(
    "/{code}",
    auth=AUTHENTICATED,
    response={200: DossierDetailOut, 400: ErrorOut, 401: UnauthorizedOut, 404: ErrorOut},
    summary="Get a dossier",
    url_name="dossier-detail",
)
def dossier_detail_api(
    request: HttpRequest,
    code: Annotated[str, Path(description=CODE_DESCRIPTION)],
    reason: Query[PersonalDataReasonIn],
) -> dict[str, Any]:
    """One dossier with its deadline, the steps in progress, its documents and the actions
    the caller may take now. 404 when it does not exist or the caller may not see it.

    The applicant's personal data is masked (`applicant.masked`) unless the caller handles
    the dossier or gives a `reason`; every unmasked read is logged (who, when, why)."""
    user = _caller(request)
    return _detail(_find(user, code), user, reason)


@router.get(
    "/{code}/events",
    auth=AUTHENTICATED,
    response={200: EventListOut, 401: UnauthorizedOut, 404: ErrorOut},
    summary="A dossier's timeline",
    url_name="dossier-events",
)
def dossier_events_api(
    request: HttpRequest, code: Annotated[str, Path(description=CODE_DESCRIPTION)]
) -> dict[str, Any]:
    """Every transition and handover, oldest first: who, when, from and to which agency or
    person, and whether the step was handed over early, on time or late."""
    dossier = _find(_caller(request), code)
    return {"items": [_event(e) for e in dossier_events(dossier=dossier)]}


@router.post(
    "/{code}/actions/{action}",
    auth=AUTHENTICATED,
    response={200: DossierDetailOut, **ERRORS_RW},
    summary="Take an action on a dossier",
    url_name="dossier-action",
)
def dossier_action_api(
    request: HttpRequest,
    code: Annotated[str, Path(description=CODE_DESCRIPTION)],
    action: Annotated[str, Path(description=ACTION_DESCRIPTION)],
    payload: ActionIn = _NO_BODY,
) -> dict[str, Any]:
    """Take an action named in the dossier's `available_actions`. Returns the dossier.

    400: a field is missing or wrong. 403: the caller may not take it. 404: unknown dossier
    or action. 409: not possible in the dossier's current state (or another officer acted
    first)."""
    user = _caller(request)
    dossier = _find(user, code)
    data: dict[str, Any] = (
        payload.model_dump(exclude_none=True, exclude={"file", "result"}) if payload else {}
    )
    errors: dict[str, list[str]] = {}
    for key in ("file", "result"):
        f: FileIn | None = getattr(payload, key, None)
        if f is not None:
            content = _decode(f, key, errors)
            if content is not None:
                data[key] = UploadedFile(name=f.name, content=content)
    if errors:
        raise ValidationFailed(_("Check the values you entered."), field_errors=errors)
    file_key = "file" if action == Action.RECEIVE_SUPPLEMENT else "result"
    try:
        done = dossier_act(dossier_id=dossier.pk, actor=user, action=action, payload=data)
    except ValidationFailed as exc:
        raise _rename_file_errors(exc, {"1": file_key}) from exc
    return _detail(done, user)
