"""Reads of the Q&A app: what the procedure page shows, what an officer has to answer, who
may answer and who may edit the frequently asked questions (ADR 0041)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from motcua.accounts.api import user_agency_ids, user_has_any_role
from motcua.accounts.data import OFFICER_ROLES, Role
from motcua.catalog.api import procedure_get_current
from motcua.qa.models import Faq, Question, QuestionStatus

#: Who keeps the FAQ of a procedure: an agency admin of an agency implementing it, or a
#: province admin (the catalog's editors).
FAQ_EDITOR_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN})
#: Who answers questions: any officer of an agency implementing the procedure (a province
#: admin for the agencies below his).
ANSWER_ROLES = frozenset(OFFICER_ROLES)


def implementing_agency_ids(*, procedure_code: str) -> set[int]:
    """The agencies implementing the procedure's current published version (empty when there
    is none)."""
    version = procedure_get_current(code=procedure_code)
    if version is None:
        return set()
    return {a.pk for a in version.agencies.all()}


def answering_agency_ids(*, user: Any, procedure_code: str) -> set[int]:
    """The implementing agencies in which the user may answer a question about it."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return implementing_agency_ids(procedure_code=procedure_code) & user_agency_ids(
        user=user, roles=ANSWER_ROLES
    )


def may_edit_faq(*, user: Any, procedure_code: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_any_role(user=user, roles={Role.PROVINCE_ADMIN}):
        return procedure_get_current(code=procedure_code) is not None
    return bool(
        implementing_agency_ids(procedure_code=procedure_code)
        & user_agency_ids(user=user, roles={Role.AGENCY_ADMIN})
    )


def may_use_qa_desk(user: Any) -> bool:
    return bool(user_has_any_role(user=user, roles=ANSWER_ROLES))


@dataclass(frozen=True)
class PublicQuestion:
    """A published question as the public sees it: no name, phone or email."""

    text: str
    answer: str
    answered_at: Any
    agency_name: str


def faqs_published(*, procedure_code: str) -> list[Faq]:
    return list(Faq.objects.filter(procedure_code=procedure_code, published=True))


def faqs_for_editing(*, procedure_code: str) -> list[Faq]:
    return list(Faq.objects.filter(procedure_code=procedure_code))


def faq_get(*, pk: int) -> Faq | None:
    return Faq.objects.filter(pk=pk).first()


REDACTED = "[…]"


def redact(text: str, secrets: list[str]) -> str:
    """The text with each of `secrets` (the asker's name, phone, email) replaced by "[…]"
    wherever it appears, case ignored; a phone also when written with spaces or dots."""
    for secret in sorted(
        {s.strip() for s in secrets if s and len(s.strip()) >= 3}, key=len, reverse=True
    ):
        if secret.isdigit() or secret.lstrip("+").isdigit():
            pattern = r"[\s.\-]?".join(re.escape(ch) for ch in secret)
        else:
            pattern = re.escape(secret)
        text = re.sub(pattern, REDACTED, text, flags=re.IGNORECASE)
    return text


def questions_published(*, procedure_code: str, limit: int = 50) -> list[PublicQuestion]:
    rows = (
        Question.objects.filter(procedure_code=procedure_code, status=QuestionStatus.PUBLISHED)
        .select_related("agency")
        .order_by("-answered_at", "-pk")[:limit]
    )
    return [
        PublicQuestion(
            text=redact(q.text, [q.asker_name, q.asker_phone, q.asker_email]),
            answer=redact(q.answer, [q.asker_name, q.asker_phone, q.asker_email]),
            answered_at=q.answered_at,
            agency_name=q.agency.name if q.agency else "",
        )
        for q in rows
    ]


def questions_for_officer(*, user: Any, status: str | None = None) -> list[Question]:
    """Questions about procedures that one of the officer's agencies implements, newest
    first (at most 500): the new ones by default."""
    mine = user_agency_ids(user=user, roles=ANSWER_ROLES)
    if not mine:
        return []
    qs: QuerySet[Question] = Question.objects.select_related("agency")
    qs = qs.filter(status=status or QuestionStatus.NEW).order_by("-asked_at", "-pk")
    rows = list(qs[:2000])
    reach: dict[str, bool] = {}
    out = []
    for q in rows:
        if q.procedure_code not in reach:
            reach[q.procedure_code] = bool(
                implementing_agency_ids(procedure_code=q.procedure_code) & mine
            )
        if reach[q.procedure_code]:
            out.append(q)
        if len(out) >= 500:
            break
    return out


def question_get(*, pk: int) -> Question | None:
    return Question.objects.select_related("agency").filter(pk=pk).first()
