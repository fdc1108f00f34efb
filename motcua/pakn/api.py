"""Public Python API of the pakn app (phản ánh, kiến nghị; ADR 0040). Other apps import only
this module and data.py. Contract: /work/notes/pakn_contract.md (names and signatures kept)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from motcua.core.audit import audit_record
from motcua.pakn import selectors, services
from motcua.pakn.selectors import (
    feedback_agencies_for_forward,
    feedback_assignees,
    feedback_attachment_open,
    feedback_for_sender,
    feedback_indicators,
    feedback_list_for_officer,
    feedback_notices_for,
    feedback_personal_data,
    feedback_published_get,
    feedback_published_search,
    feedback_statistics,
)
from motcua.pakn.services import (
    deadline_sweep,
    feedback_notice_mark_read,
    feedback_sender_rate,
    feedback_submit,
)
from motcua.pakn.shapes import (
    AttachmentView,
    FeedbackConflict,
    FeedbackDetail,
    FeedbackError,
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
    SubmitResult,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from motcua.accounts.models import User

__all__ = [
    "AttachmentView",
    "FeedbackConflict",
    "FeedbackDetail",
    "FeedbackError",
    "FeedbackEventView",
    "FeedbackForbidden",
    "FeedbackIndicators",
    "FeedbackNotFound",
    "FeedbackNoticeView",
    "FeedbackPublic",
    "FeedbackRow",
    "FeedbackStatistics",
    "PublicEventView",
    "PublishedFeedback",
    "SenderIn",
    "StatisticsRow",
    "SubmitResult",
    "deadline_sweep",
    "feedback_act",
    "feedback_agencies_for_forward",
    "feedback_assignees",
    "feedback_attachment_open",
    "feedback_detail_for_officer",
    "feedback_for_sender",
    "feedback_indicators",
    "feedback_list_for_officer",
    "feedback_notice_mark_read",
    "feedback_notices_for",
    "feedback_personal_data",
    "feedback_published_get",
    "feedback_published_search",
    "feedback_sender_rate",
    "feedback_sender_reply",
    "feedback_statistics",
    "feedback_submit",
    "feedback_user_is_officer",
]


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
) -> FeedbackDetail:
    """One officer action; the feedback as the actor now sees it (available_actions
    included). FeedbackNotFound / FeedbackForbidden / FeedbackConflict / FeedbackError."""
    feedback = services.feedback_act(
        code=code,
        action=action,
        actor=actor,
        note=note,
        classification=classification,
        agency_code=agency_code,
        to_user_id=to_user_id,
        answer=answer,
        redactions=redactions,
        publish_attachments=publish_attachments,
    )
    return selectors.detail(feedback, user=actor)


def feedback_detail_for_officer(*, code: str, user: User) -> FeedbackDetail:
    """The feedback with the sender's contact, for an officer who may see it (FeedbackNotFound,
    FeedbackForbidden). Each view of the sender's personal data is audited
    (`pakn.personal_data_viewed`)."""
    feedback = selectors.feedback_for_officer(code=code, user=user)
    audit_record(
        actor=user,
        action="pakn.personal_data_viewed",
        object_type="pakn.feedback",
        object_id=feedback.code,
    )
    return selectors.detail(feedback, user=user)


def feedback_sender_reply(
    *, code: str, pin: str, content: str, attachments: Sequence[UploadedFile] = ()
) -> FeedbackPublic:
    feedback = services.feedback_sender_reply(
        code=code, pin=pin, content=content, attachments=attachments
    )
    return selectors.public_view(feedback)


def feedback_user_is_officer(user: User) -> bool:
    """Whether the user sees the feedback desk pages at all."""
    return selectors.user_is_officer(user)
