"""Dossier endpoints of REST API v1: intake at the desk, search, detail, timeline, actions.

    POST /api/v1/dossiers                           receive a dossier (desk officers)
    GET  /api/v1/dossiers                           the dossiers the caller may see
    GET  /api/v1/dossiers/{code}                    one dossier, with what the caller may do
    GET  /api/v1/dossiers/{code}/events             its timeline
    POST /api/v1/dossiers/{code}/actions/{action}   take an action (forward, approve, …)

Parse → `access_dossier_for_officer` → service or selector → serialise. The rules (who may do
what, when, and what a field must hold) live in `motcua.dossiers`; errors it raises become
400/403/404/409 through `motcua.rest.errors`."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Path, Query, Router, Schema, Status
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import InitErrorDetails

from motcua.accounts.api import Agency, User, user_has_any_role
from motcua.accounts.data import Role
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.identifiers import dossier_code_query
from motcua.dossiers.api import (
    NATIONAL_STATUS,
    STATUS_LABELS,
    Action,
    Dossier,
    DossierEvent,
    DossierStatus,
    DossierStep,
    access_dossier_for_officer,
    available_actions,
    deadline_view,
    dossier_act,
    dossier_events,
    dossier_intake,
    dossier_search,
    step_context,
)
from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile
from motcua.rest.auth import AUTHENTICATED
from motcua.rest.v1.schemas import ErrorOut

router = Router(tags=["dossiers"])

Channel = Literal["desk", "postal", "online"]
Decision = Literal["accept", "request_completion", "refuse"]
Outcome = Literal["early", "on_time", "late"]
DeadlineState = Literal["ok", "near_due", "overdue", "paused", "done"]

CODE_DESCRIPTION = (
    "The dossier code, e.g. `H11.01.01-260302-0001`. A dossier without a code (completion "
    "requested or refused at intake) is reached as `#<id>`, URL-encoded `%23<id>`."
)
ACTION_DESCRIPTION = "One of: " + ", ".join(f"`{a.value}`" for a in Action) + "."


class UnauthorizedOut(Schema):
    detail: str


# --- Shared output pieces ------------------------------------------------------------------


class DossierAgencyRef(Schema):
    code: str
    name: str


class UserRef(Schema):
    id: int | None = Field(description="Use it as `to_user` when forwarding.")
    username: str
    full_name: str


class ProcedureRef(Schema):
    code: str
    name: str
    version: int | None


class DossierDeadlineOut(Schema):
    due: dt.datetime | None = Field(description="The appointment (same as appointment_at).")
    state: DeadlineState | None = Field(
        description="null before the dossier is received (no clock)."
    )
    remaining_seconds: int | None = Field(
        description="Working seconds left (negative: overdue) while the clock runs; else null."
    )


class DossierStepOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    role: str
    agency: DossierAgencyRef
    assignee: UserRef | None = Field(description="null: waiting in the role's queue.")
    status: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    parent: int | None = Field(description="For a consultation: the id of the step it serves.")


class DossierDocumentOut(Schema):
    id: int
    kind: str = Field(description="attachment, supplement or result.")
    name: str
    sha256: str
    size: int
    content_type: str
    checklist_position: int | None
    created_at: dt.datetime


class ApplicantOut(Schema):
    kind: Literal["person", "organisation"]
    full_name: str = Field(description="A person's name; empty for an organisation.")
    id_number: str
    date_of_birth: dt.date | None
    name: str = Field(description="An organisation's name; empty for a person.")
    tax_code: str
    representative: str
    phone: str
    email: str
    address: str
    commune_code: int | None


class DossierSummaryOut(Schema):
    id: int
    code: str | None = Field(description="null until the dossier is received (accepted).")
    reference: uuid.UUID
    status: DossierStatus
    status_label: str
    national_status: int = Field(description="Status code of the national portal (1–10).")
    procedure: ProcedureRef
    applicant_kind: Literal["person", "organisation"]
    applicant_name: str
    channel: Channel
    receiving_agency: DossierAgencyRef
    deciding_agency: DossierAgencyRef
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: Outcome | None


class DossierListOut(Schema):
    items: list[DossierSummaryOut]
    count: int


class DossierDetailOut(Schema):
    id: int
    code: str | None = Field(description="null until the dossier is received (accepted).")
    reference: uuid.UUID
    status: DossierStatus
    status_label: str
    national_status: int = Field(description="Status code of the national portal (1–10).")
    procedure: ProcedureRef
    receiving_agency: DossierAgencyRef
    deciding_agency: DossierAgencyRef
    channel: Channel
    applicant: ApplicantOut
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    original_appointment_at: dt.datetime | None
    extended: bool = Field(description="A new appointment was set with an apology (form 04).")
    supplement_count: int
    paused_seconds: int = Field(description="Working seconds the clock was paused.")
    finished_at: dt.datetime | None = Field(description="When processing ended.")
    returned_at: dt.datetime | None
    outcome: Outcome | None = Field(description="Set when processing ends.")
    result_approved: bool | None
    missing: list[str] = Field(description="Documents asked for (form 02 or supplement).")
    form_data: dict[str, Any] = Field(
        default_factory=dict,
        description="Online submissions: the values of the procedure version's form fields "
        "(`form_fields` of the catalog), by field name.",
    )
    result_delivery: str = Field(
        "", description="How the applicant asked to receive the result: desk, post, online."
    )
    decision_note: str = Field(description="Reason of a refusal, rejection or stop.")
    deadline: DossierDeadlineOut
    current_steps: list[DossierStepOut] = Field(
        description="The step in progress and the open consultations."
    )
    available_actions: list[str] = Field(
        description="The actions the caller may take now (POST …/actions/{action})."
    )
    documents: list[DossierDocumentOut]


class StepRef(Schema):
    id: int
    position: int
    kind: str
    title: str


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    actor: UserRef | None = Field(description="null: the system.")
    from_status: DossierStatus | None
    to_status: DossierStatus
    step: StepRef | None
    from_agency: DossierAgencyRef | None
    to_agency: DossierAgencyRef | None
    to_user: UserRef | None
    deadline_status: Outcome | None = Field(description="Timeliness of the step handed over.")
    note: str
    data: dict[str, Any]


class EventListOut(Schema):
    items: list[EventOut]


# --- Inputs ---------------------------------------------------------------------------------


class FileIn(Schema):
    name: str = Field(min_length=1, max_length=255, description="File name, e.g. `ket-qua.pdf`.")
    content_base64: str = Field(description="The content, base64-encoded. PDF, JPEG or PNG.")


class IntakeFileIn(FileIn):
    position: int | None = Field(
        None, ge=1, description="Position of the checklist document the file is a scan of."
    )


class PersonIn(Schema):
    kind: Literal["person"]
    full_name: str = ""
    id_number: str = Field("", description="12-digit personal ID number (CCCD).")
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: int | None = Field(None, description="Administrative code of the commune.")


class OrganisationIn(Schema):
    kind: Literal["organisation"]
    name: str = ""
    tax_code: str = Field("", description="10 digits, or 0123456789-001 for a branch.")
    representative: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: int | None = None


class ChecklistItemIn(Schema):
    position: int = Field(ge=1, description="Position in the procedure version's checklist.")
    received: bool = True
    originals: int = Field(0, ge=0)
    copies: int = Field(0, ge=0)
    note: str = ""


def _drop_union_tag(exc: ValidationError) -> ValidationError:
    """Field errors of the applicant as `applicant.<field>` (the same names the domain uses),
    not `applicant.person.<field>` as pydantic reports for a tagged union."""
    details: list[InitErrorDetails] = []
    for err in exc.errors():
        loc = err["loc"]
        if loc and loc[0] in ("person", "organisation"):
            loc = loc[1:]
        detail = InitErrorDetails(type=err["type"], loc=loc, input=err["input"])
        if "ctx" in err:
            detail["ctx"] = err["ctx"]
        details.append(detail)
    return ValidationError.from_exception_data(exc.title, details)


class DossierIntakeIn(Schema):
    procedure: str = Field(min_length=1, description="Procedure code, e.g. `2.000004`.")
    channel: Channel
    applicant: Annotated[PersonIn | OrganisationIn, Field(discriminator="kind")]
    documents: list[ChecklistItemIn] = Field(
        default_factory=list,
        description="The procedure version's checklist as ticked at the desk.",
    )
    files: list[IntakeFileIn] = Field(default_factory=list)
    decision: Decision = Field(
        description="accept: code and appointment. request_completion: form 02 (list "
        "`missing`). refuse: form 03 (reason in `note`)."
    )
    missing: list[str] = Field(
        default_factory=list,
        description="Missing documents besides the unticked mandatory ones.",
    )
    note: str = ""
    receiving_agency: str | None = Field(
        None, description="e-ID of the desk; required if the caller works at several desks."
    )
    deciding_agency: str | None = Field(
        None, description="e-ID of the deciding agency, if the procedure has several."
    )

    @field_validator("applicant", mode="wrap")
    @classmethod
    def _applicant_errors_by_field(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            raise _drop_union_tag(exc) from None

    @field_validator("documents")
    @classmethod
    def _positions_once(cls, value: list[ChecklistItemIn]) -> list[ChecklistItemIn]:
        positions = [d.position for d in value]
        if len(positions) != len(set(positions)):
            raise ValueError("Each checklist position may appear only once.")
        return value


class ActionIn(Schema):
    """Fields read by the actions; each action ignores the others. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, description="A note; the reason when no `reason` is given.")
    reason: str | None = Field(
        None,
        description="refuse, send_back, request_supplement, reject, apologize, withdraw, cancel.",
    )
    to_user: int | None = Field(None, description="forward: the id of the next person.")
    to_position: int | None = Field(None, description="send_back: the earlier step's position.")
    missing: list[str] | None = Field(None, description="request_completion.")
    documents: list[int] | None = Field(
        None, description="accept (an online submission): the checklist positions received."
    )
    agencies: list[str] | None = Field(None, description="consult: agency e-IDs.")
    question: str | None = Field(None, description="consult.")
    budget_hours: Decimal | None = Field(None, description="consult, transfer: working hours.")
    answer: str | None = Field(None, description="answer_consultation.")
    consultation_id: int | None = Field(None, description="answer_consultation.")
    agency: str | None = Field(None, description="transfer: agency e-ID.")
    items: list[str] | None = Field(None, description="request_supplement: what is missing.")
    file: FileIn | None = Field(None, description="receive_supplement: the supplement.")
    result: FileIn | None = Field(None, description="complete, approve: the result document.")
    new_appointment: dt.datetime | None = Field(None, description="apologize (ISO 8601).")
    method: Literal["desk", "post", "online"] | None = Field(
        None, description="return_result (default desk)."
    )
    receiver_name: str | None = Field(None, description="return_result at the desk.")
    receiver_id_number: str | None = Field(None, description="return_result at the desk.")


class DossierFilter(Schema):
    q: str = Field("", description="Code, applicant name, ID number or tax code.")
    status: DossierStatus | None = None
    overdue: bool | None = Field(
        None, description="true: clock running and past the appointment; false: the others."
    )
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0)

    @field_validator("status", "overdue", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


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


def _summary(d: Dossier) -> dict[str, Any]:
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


def _detail(d: Dossier, user: User) -> dict[str, Any]:
    prefetch_related_objects(
        [d],
        Prefetch("steps", queryset=DossierStep.objects.select_related("agency", "assignee")),
        "documents",
    )
    ctx = step_context(d)
    deadline = deadline_view(dossier=d)
    person = d.applicant_kind == "person"
    data = _summary(d)
    del data["applicant_kind"], data["applicant_name"]
    data.update(
        applicant={
            "kind": d.applicant_kind,
            "full_name": d.applicant_name if person else "",
            "id_number": d.id_number,
            "date_of_birth": d.date_of_birth,
            "name": "" if person else d.applicant_name,
            "tax_code": d.tax_code,
            "representative": d.representative,
            "phone": d.phone,
            "email": d.email,
            "address": d.address,
            "commune_code": d.commune_code,
        },
        submitted_at=_local(d.submitted_at),
        original_appointment_at=_local(d.original_appointment_at),
        extended=d.extended,
        supplement_count=d.supplement_count,
        paused_seconds=d.paused_seconds,
        returned_at=_local(d.returned_at),
        result_approved=d.result_approved,
        missing=list(d.missing or []),
        form_data=dict(d.form_data or {}),
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
_NO_BODY = Body(None)
ERRORS_RW = {400: ErrorOut, 401: UnauthorizedOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "",
    auth=AUTHENTICATED,
    response={201: DossierDetailOut, 400: ErrorOut, 401: UnauthorizedOut, 403: ErrorOut},
    summary="Receive a dossier",
    url_name="dossier-intake",
)
def dossier_intake_api(request: HttpRequest, payload: DossierIntakeIn) -> Status[dict[str, Any]]:
    """Receive a dossier at the desk, by post, or an online one keyed in by the desk (desk
    officers and system accounts holding the desk_officer role).

    `accept` gives the code (per desk and day, without gaps), the received time and the
    appointment; `request_completion` (form 02) and `refuse` (form 03) give neither. Nothing
    is stored when any field is wrong (400 with the errors by field)."""
    user = _caller(request)
    if not user_has_any_role(user=user, roles={Role.DESK_OFFICER}):
        raise PermissionDenied(_("Only desk officers receive dossiers."), code="forbidden")
    files = _uploads(payload.files)
    try:
        dossier = dossier_intake(
            actor=user,
            procedure_code=payload.procedure,
            channel=payload.channel,
            applicant=_applicant(payload.applicant),
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
        )
    except ValidationFailed as exc:
        rename = {str(i + 1): f"files.{i}" for i in range(len(files))}
        raise _rename_file_errors(exc, rename) from exc
    return Status(201, _detail(dossier, user))


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
    page = qs.select_related("procedure_version")[filters.offset : filters.offset + filters.limit]
    return {"items": [_summary(d) for d in page], "count": count}


def _find(user: Any, code: str) -> Dossier:
    """The dossier by its code as typed (lower case, spaces, en dashes: read by
    `access_dossier_for_officer`), or `#<id>`; 404 unless the caller may see it."""
    return access_dossier_for_officer(user=user, code=code)


@router.get(
    "/{code}",
    auth=AUTHENTICATED,
    response={200: DossierDetailOut, 401: UnauthorizedOut, 404: ErrorOut},
    summary="Get a dossier",
    url_name="dossier-detail",
)
def dossier_detail_api(
    request: HttpRequest, code: Annotated[str, Path(description=CODE_DESCRIPTION)]
) -> dict[str, Any]:
    """One dossier with its deadline, the steps in progress, its documents and the actions
    the caller may take now. 404 when it does not exist or the caller may not see it."""
    user = _caller(request)
    return _detail(_find(user, code), user)


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
