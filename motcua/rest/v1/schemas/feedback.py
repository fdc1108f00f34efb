"""Request and response schemas of the feedback endpoints (phản ánh, kiến nghị; issue 14;
`v1/feedback.py`). Class names are the OpenAPI components' names: all start with `Feedback`
(the names must be unique across the API, tests/test_url_auth.py).

Texts are bounded by what the pakn app stores (title 300, content 10,000, answer 20,000, the
sender's name 200, phone 20, e-mail 254, address 300); an over-long value is 400 naming the
field as the request spells it (`sender.full_name`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints, field_validator

from motcua.rest.v1.schemas import Id, InputSchema, Limit, Offset

FeedbackAbout = Literal["regulation", "procedure", "dossier"]
FeedbackStatusName = Literal[
    "submitted",
    "received",
    "to_forward",
    "forwarded",
    "classified",
    "in_progress",
    "awaiting_sender",
    "answered",
    "approved",
    "published",
    "refused",
]
FeedbackClassificationName = Literal[
    "rejected", "conduct", "within_competence", "outside_competence"
]
FeedbackDue = Literal["soon", "overdue"]

TITLE_MAX = 300
CONTENT_MAX = 10_000
ANSWER_MAX = 20_000
NOTE_MAX = 4_000
REDACTION_MAX = 300
REDACTIONS_MAX_ITEMS = 50


def _empty_is_none(value: Any) -> Any:
    return None if value == "" else value


# --- Requests -------------------------------------------------------------------------------


class FeedbackSenderIn(InputSchema):
    model_config = ConfigDict(extra="forbid")
    max_lengths = {"full_name": 200, "phone": 20, "email": 254, "address": 300}

    full_name: str = Field("", description="Required unless a signed-in citizen sends it.")
    phone: str = Field("", description="A phone number or an e-mail address is required.")
    email: str = ""
    address: str = ""


class FeedbackSubmitIn(InputSchema):
    """A feedback or recommendation. `procedure` for `about: procedure`; `dossier_code` and
    `dossier_pin` (the PIN printed on the receipt) for `about: dossier`."""

    model_config = ConfigDict(extra="forbid")
    max_lengths = {
        "procedure": 40,
        "dossier_code": 64,
        "dossier_pin": 12,
        "title": TITLE_MAX,
        "content": CONTENT_MAX,
        "idempotency_key": 100,
    }

    about: FeedbackAbout
    procedure: str = Field("", description="Procedure code (mã TTHC), for about=procedure.")
    dossier_code: str = Field("", description="For about=dossier.")
    dossier_pin: str = Field("", description="The dossier's lookup PIN, for about=dossier.")
    title: str
    content: str
    sender: FeedbackSenderIn
    idempotency_key: str = Field(
        "", description="Sent again with the same key: the first feedback is returned (200)."
    )


Redaction = Annotated[str, StringConstraints(min_length=1, max_length=REDACTION_MAX)]


class FeedbackActionIn(InputSchema):
    """Fields read by the actions; each action ignores the others. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")
    max_lengths = {"note": NOTE_MAX, "agency": 40, "answer": ANSWER_MAX}

    note: str = Field("", description="request_more (what to add), refuse (reason), others.")
    classification: FeedbackClassificationName | None = Field(None, description="classify.")
    agency: str = Field("", description="forward, assign: the agency's e-ID (mã định danh).")
    to_user: Id | None = Field(None, description="assign: the person's id (optional).")
    answer: str = Field("", description="answer: the text of the answer.")
    redactions: list[Redaction] = Field(
        default_factory=list,
        max_length=REDACTIONS_MAX_ITEMS,
        description="publish: other texts hidden wherever they appear (the sender's name, "
        "phone, e-mail, address and ID number are hidden anyway).",
    )
    publish_attachments: bool = Field(False, description="publish: publish the files too.")


class FeedbackListQuery(InputSchema):
    max_lengths = {"q": 200}

    status: FeedbackStatusName | None = None
    due: FeedbackDue | None = Field(None, description="soon: due soon; overdue: past its due.")
    q: str = Field("", description="Code, title or the sender's name (accents ignored).")
    limit: Limit = 20
    offset: Offset = 0

    @field_validator("status", "due", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _empty_is_none(value)


class FeedbackPublishedQuery(InputSchema):
    max_lengths = {"q": 200, "procedure": 40, "agency": 40}

    q: str = Field("", description="Words of the title, question or answer (accents ignored).")
    procedure: str = Field("", description="Procedure code.")
    agency: str = Field("", description="The answering agency's e-ID.")
    limit: Limit = 20
    offset: Offset = 0


class FeedbackPinQuery(InputSchema):
    max_lengths = {"pin": 12}

    pin: str = Field("", description="The sender's PIN: the sender's view, without sign-in.")


# --- Responses ------------------------------------------------------------------------------


class FeedbackSubmittedOut(Schema):
    code: str
    pin: str = Field(description="Keep it: with the code, it opens the feedback to the sender.")
    status: FeedbackStatusName
    due_at: dt.datetime | None = Field(description="By when it must be answered.")


class FeedbackRowOut(Schema):
    code: str
    title: str
    about: FeedbackAbout
    status: FeedbackStatusName
    status_label: str
    channel: str
    agency_name: str
    assignee_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The current step's due instant.")
    overdue: bool
    due_soon: bool


class FeedbackListOut(Schema):
    items: list[FeedbackRowOut]
    count: int


class FeedbackSenderOut(Schema):
    full_name: str
    phone: str
    email: str
    address: str
    id_number: str


class FeedbackEventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    to_status: str
    actor_name: str | None = Field(description="null in the sender's view.")
    note: str | None = Field(description="null in the sender's view.")


class FeedbackAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class FeedbackOut(Schema):
    """A feedback as the caller may see it. The officer-only fields are null in the
    sender's view (`?pin=`)."""

    code: str
    title: str
    status: FeedbackStatusName
    status_label: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    answer: str = Field(description="In the sender's view: once approved.")
    events: list[FeedbackEventOut]
    can_reply: bool = Field(description="The sender's view: more was asked from the sender.")
    can_rate: bool
    more_request: str
    available_actions: list[str] = Field(description="What the caller may do now.")
    about: FeedbackAbout | None
    channel: str | None
    content: str | None
    sender: FeedbackSenderOut | None
    procedure_code: str | None
    procedure_name: str | None
    dossier_code: str | None
    classification: str | None
    register_no: str | None
    agency_name: str | None
    assignee_name: str | None
    overdue: bool | None
    due_soon: bool | None
    deadlines: dict[str, dt.datetime | None] | None
    redactions: list[str] | None
    attachments: list[FeedbackAttachmentOut] | None


class FeedbackPublishedOut(Schema):
    code: str
    title: str
    question: str
    answer: str
    agency: str
    procedure_code: str
    procedure_name: str
    received_on: dt.date | None
    answered_on: dt.date | None
    published_on: dt.date | None


class FeedbackPublishedListOut(Schema):
    items: list[FeedbackPublishedOut]
    count: int
