"""Request and response schemas of the dossier endpoints of REST API v1 (`v1/dossiers.py`).

Their class names are the OpenAPI components' names (`DossierDetailOut`, `ActionIn`, …): keep
them unique across the API (tests/test_url_auth.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import InitErrorDetails

from motcua.dossiers.api import APPLICANT_MAX_LENGTHS, DossierStatus
from motcua.rest.v1.schemas import ErrorOut, Id, InputSchema, Limit, Offset

Channel = Literal["desk", "postal", "online"]
Decision = Literal["accept", "request_completion", "refuse"]
Outcome = Literal["early", "on_time", "late"]
DeadlineState = Literal["ok", "near_due", "overdue", "paused", "done"]


#: The 401 body is the API's one error shape (`{"detail", "code", "errors"}`); the name stays
#: for the operations that declare it (rest/openapi.py documents 401 for all of them).
UnauthorizedOut = ErrorOut


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
    masked: bool = Field(
        description="true: the personal fields are masked (ID number and tax code: last 4 "
        "characters; phone: last 3 digits; e-mail: first letter and domain; address: commune "
        "and province only; date of birth: null). Unmasked only for a caller who handles the "
        "dossier, or who gives a `reason`; every unmasked read is logged (ADR 0036)."
    )


class ApplicantMaskedOut(Schema):
    """A list row's personal fields: masked unless the caller handles the dossier (then the
    read is logged)."""

    id_number: str
    tax_code: str
    phone: str
    address: str
    masked: bool


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
    applicant_data: ApplicantMaskedOut
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


class FileIn(InputSchema):
    name: str = Field(min_length=1, max_length=255, description="File name, e.g. `ket-qua.pdf`.")
    content_base64: str = Field(description="The content, base64-encoded. PDF, JPEG or PNG.")


class IntakeFileIn(FileIn):
    position: int | None = Field(
        None, ge=1, description="Position of the checklist document the file is a scan of."
    )


class PersonIn(InputSchema):
    max_lengths = APPLICANT_MAX_LENGTHS
    kind: Literal["person"]
    full_name: str = ""
    id_number: str = Field("", description="12-digit personal ID number (CCCD).")
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: int | None = Field(None, description="Administrative code of the commune.")


class OrganisationIn(InputSchema):
    max_lengths = APPLICANT_MAX_LENGTHS
    kind: Literal["organisation"]
    name: str = ""
    tax_code: str = Field("", description="10 digits, or 0123456789-001 for a branch.")
    representative: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_code: int | None = None


class ChecklistItemIn(InputSchema):
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


class DossierIntakeIn(InputSchema):
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


class ActionIn(InputSchema):
    """Fields read by the actions; each action ignores the others. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, description="A note; the reason when no `reason` is given.")
    reason: str | None = Field(
        None,
        description="refuse, send_back, request_supplement, reject, apologize, withdraw, cancel.",
    )
    to_user: Id | None = Field(None, description="forward: the id of the next person.")
    to_position: int | None = Field(None, description="send_back: the earlier step's position.")
    missing: list[str] | None = Field(None, description="request_completion.")
    documents: list[int] | None = Field(
        None, description="accept (an online submission): the checklist positions received."
    )
    agencies: list[str] | None = Field(None, description="consult: agency e-IDs.")
    question: str | None = Field(None, description="consult.")
    budget_hours: Decimal | None = Field(None, description="consult, transfer: working hours.")
    answer: str | None = Field(None, description="answer_consultation.")
    consultation_id: Id | None = Field(None, description="answer_consultation.")
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


class PersonalDataReasonIn(InputSchema):
    reason: Literal["supervision", "complaint", "inspection", "authority", "other"] | None = Field(
        None,
        description="For a caller who does not handle the dossier: why they need its "
        "personal data (supervision, complaint, inspection, authority: a competent "
        "authority's request, other: with `reason_note`). The read is then unmasked and "
        "logged. Ignored for a caller who handles it.",
    )
    reason_note: str = Field("", max_length=500, description="Required with reason=other.")


class DossierFilter(InputSchema):
    q: str = Field("", description="Code, applicant name, ID number or tax code.")
    status: DossierStatus | None = None
    overdue: bool | None = Field(
        None, description="true: clock running and past the appointment; false: the others."
    )
    limit: Limit = 20
    offset: Offset = 0

    @field_validator("status", "overdue", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value
