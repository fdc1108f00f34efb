"""Public Python API of the Q&A app (ADR 0041). Other apps import only this module."""

from motcua.qa.models import QuestionStatus
from motcua.qa.selectors import (
    ANSWER_ROLES,
    FAQ_EDITOR_ROLES,
    PublicQuestion,
    answering_agency_ids,
    faq_get,
    faqs_for_editing,
    faqs_published,
    implementing_agency_ids,
    may_edit_faq,
    may_use_qa_desk,
    question_get,
    questions_for_officer,
    questions_published,
)
from motcua.qa.services import (
    faq_delete,
    faq_save,
    question_answer,
    question_hide,
    question_publish,
    question_submit,
)

__all__ = [
    "ANSWER_ROLES",
    "FAQ_EDITOR_ROLES",
    "PublicQuestion",
    "QuestionStatus",
    "answering_agency_ids",
    "faq_delete",
    "faq_get",
    "faq_save",
    "faqs_for_editing",
    "faqs_published",
    "implementing_agency_ids",
    "may_edit_faq",
    "may_use_qa_desk",
    "question_answer",
    "question_get",
    "question_hide",
    "question_publish",
    "question_submit",
    "questions_for_officer",
    "questions_published",
]
