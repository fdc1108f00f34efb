"""Errors and read models of the pakn app (frozen dataclasses, plain values, no ORM objects).
Re-exported by api.py; importable by every module of the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


class FeedbackError(Exception):
    """Bad input (400). `errors`: {input field name: [translated messages]}, the field names
    of the contract ("title", "content", "sender.full_name", "sender.phone", "procedure",
    "dossier_code", "dossier_pin", "attachments", "classification", "agency", "to_user",
    "answer", "note", …)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = {k: [str(m) for m in v] for k, v in errors.items()}
        first = next(iter(self.errors.values()), [""])
        super().__init__(first[0] if first else "")

    @property
    def message(self) -> str:
        return str(self)


class FeedbackForbidden(Exception):
    """403: the actor may not do this (or may not see this feedback)."""

    def __init__(self, message: str = "") -> None:
        self.message = message
        super().__init__(message)


class FeedbackConflict(Exception):
    """409: the action is not allowed in the feedback's current status."""

    def __init__(self, message: str = "", *, code: str = "conflict") -> None:
        self.message = message
        self.code = code
        super().__init__(message)


class FeedbackNotFound(Exception):
    """404: no such feedback (or attachment)."""


@dataclass(frozen=True)
class SenderIn:
    full_name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class SubmitResult:
    code: str
    pin: str
    status: str
    due_at: dt.datetime
    created: bool


@dataclass(frozen=True)
class FeedbackRow:
    code: str
    title: str
    about: str
    status: str
    status_label: str
    agency_name: str
    assignee_name: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    due_soon: bool
    channel: str


@dataclass(frozen=True)
class FeedbackEventView:
    at: dt.datetime
    action: str
    action_label: str
    actor_name: str
    note: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class AttachmentView:
    id: int
    name: str
    size: int
    content_type: str
    with_reply: bool = False


@dataclass(frozen=True)
class FeedbackDetail(FeedbackRow):
    content: str = ""
    sender: SenderIn = field(default_factory=lambda: SenderIn(full_name=""))
    procedure_code: str = ""
    procedure_name: str = ""
    dossier_code: str = ""
    classification: str = ""
    classification_label: str = ""
    register_no: str = ""
    answer: str = ""
    answered_at: dt.datetime | None = None
    approved_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    redactions: list[str] = field(default_factory=list)
    attachments: list[AttachmentView] = field(default_factory=list)
    events: list[FeedbackEventView] = field(default_factory=list)
    deadlines: dict[str, dt.datetime | None] = field(default_factory=dict)
    available_actions: list[str] = field(default_factory=list)
    more_requested: bool = False
    more_request: str = ""
    sender_reply: str = ""
    about_label: str = ""
    channel_label: str = ""
    handling_agency_code: str = ""
    forwarded_to_name: str = ""
    publish_attachments: bool = False
    satisfied: bool | None = None


@dataclass(frozen=True)
class PublicEventView:
    at: dt.datetime
    action: str
    action_label: str
    to_status: str
    to_status_label: str


@dataclass(frozen=True)
class FeedbackPublic:
    code: str
    title: str
    status: str
    status_label: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    events: list[PublicEventView]
    answer: str
    can_reply: bool
    can_rate: bool
    more_request: str = ""
    rated: bool = False


@dataclass(frozen=True)
class PublishedFeedback:
    code: str
    title: str
    question: str
    answer: str
    agency_name: str
    procedure_code: str
    procedure_name: str
    received_on: dt.date
    answered_on: dt.date | None
    published_on: dt.date | None
    attachments: list[AttachmentView] = field(default_factory=list)


@dataclass(frozen=True)
class StatisticsRow:
    agency_code: str
    agency_name: str
    received: int = 0
    handled_on_time: int = 0
    handled_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    refused: int = 0
    forwarded: int = 0


@dataclass(frozen=True)
class FeedbackStatistics:
    start: dt.date
    end: dt.date
    rows: list[StatisticsRow]
    by_topic: dict[tuple[str, str], int]
    totals: StatisticsRow


@dataclass(frozen=True)
class FeedbackIndicators:
    """Decision 766 group 5 from the feedback: 5.2 and 5.3 ratios in [0, 1] (None when there is
    nothing to measure), and the dossiers that drew a complaint (for 5.4)."""

    received: int
    on_time: int
    ontime_ratio: float | None
    rated: int
    satisfied: int
    satisfied_ratio: float | None
    dossiers_with_feedback: int


@dataclass(frozen=True)
class FeedbackNoticeView:
    id: int
    code: str
    title: str
    kind: str
    step: str
    message: str
    created_at: dt.datetime
    read: bool


Json = dict[str, Any]
