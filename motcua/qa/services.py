"""Writes of the Q&A app (ADR 0041): a question from the public, its answer and publication
by an agency implementing the procedure, the FAQ kept by the catalog's editors. Atomic and
audited; the asker is told of the answer by `notifications.api.message_send`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.core.identifiers import phone_problem
from motcua.core.links import public_url
from motcua.core.text import nfc
from motcua.notifications.api import message_send
from motcua.qa.models import Faq, Question, QuestionStatus
from motcua.qa.selectors import answering_agency_ids, implementing_agency_ids, may_edit_faq

if TYPE_CHECKING:
    from motcua.accounts.models import User

NAME_MAX = 200
TEXT_MAX = 4000
ANSWER_MAX = 10000
#: The same question about the same procedure from the same contact within this time is the
#: same question (a double submit).
DUPLICATE_WINDOW = dt.timedelta(minutes=30)


def _text(value: str | None) -> str:
    return nfc(value or "").replace("\r\n", "\n").strip()


def _check_length(
    errors: dict[str, list[str]], key: str, value: str, limit: int, empty: str
) -> None:
    if not value:
        errors[key] = [empty]
    elif len(value) > limit:
        errors[key] = [_("Write at most %(n)s characters.") % {"n": f"{limit:,}".replace(",", ".")}]


@transaction.atomic
def question_submit(
    *,
    procedure_code: str,
    asker_name: str,
    asker_phone: str = "",
    asker_email: str = "",
    text: str,
) -> Question:
    """A question about a published procedure from anyone: a name and a phone or an email
    (private: for the answer only), the question. The same question again within
    DUPLICATE_WINDOW is the one already stored."""
    code = (procedure_code or "").strip()
    if not code or not implementing_agency_ids(procedure_code=code):
        raise NotFound(_("No published procedure has this code."))
    name, phone, email, body = (
        _text(asker_name),
        _text(asker_phone),
        _text(asker_email).lower(),
        _text(text),
    )
    errors: dict[str, list[str]] = {}
    _check_length(errors, "asker_name", name, NAME_MAX, _("Enter your name."))
    if not phone and not email:
        errors["asker_phone"] = [_("Enter a phone number or an email address for the answer.")]
    if phone:
        problem = (
            phone_problem(phone)
            if len(phone) <= 20
            else _("Enter a Vietnamese phone number, e.g. 0912345678.")
        )
        if problem:
            errors["asker_phone"] = [problem]
    if email:
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["asker_email"] = [_("Enter a valid email address, e.g. ten@example.vn.")]
    _check_length(errors, "text", body, TEXT_MAX, _("Write your question."))
    if errors:
        raise ValidationFailed(
            _("The question was not sent: correct the fields."), field_errors=errors
        )
    now = clock.now()
    earlier = (
        Question.objects.filter(
            procedure_code=code,
            asker_phone=phone,
            asker_email=email,
            text=body,
            asked_at__gte=now - DUPLICATE_WINDOW,
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return earlier
    question = Question.objects.create(
        procedure_code=code,
        asker_name=name,
        asker_phone=phone,
        asker_email=email,
        text=body,
        asked_at=now,
    )
    audit_record(actor=None, action="qa.question_submit", obj=question, data={"procedure": code})
    return question


def _lock(question: Question) -> Question:
    locked = Question.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None:
        raise NotFound(_("No such question."))
    return locked


@transaction.atomic
def question_answer(
    *,
    actor: User,
    question: Question,
    answer: str,
    agency_id: int | None = None,
    publish: bool = False,
) -> Question:
    """Answer (or correct the answer of) a question, for an agency implementing the procedure
    in which the actor works; with `publish`, also publish it on the procedure page (without
    the asker's name, phone or email). The asker is told by SMS or email."""
    question = _lock(question)
    allowed = answering_agency_ids(user=actor, procedure_code=question.procedure_code)
    if not allowed:
        raise PermissionDenied(_("Only an agency implementing this procedure answers it."))
    if agency_id is None:
        agency_id = question.agency_id if question.agency_id in allowed else min(allowed)
    if agency_id not in allowed:
        raise PermissionDenied(_("Only an agency implementing this procedure answers it."))
    body = _text(answer)
    errors: dict[str, list[str]] = {}
    _check_length(errors, "answer", body, ANSWER_MAX, _("Write the answer."))
    if errors:
        raise ValidationFailed(
            _("The answer was not saved: correct the fields."), field_errors=errors
        )
    first = not question.answer
    question.answer = body
    question.answered_by = actor
    question.agency_id = agency_id
    question.answered_at = clock.now()
    if publish:
        question.status = QuestionStatus.PUBLISHED
    elif question.status in (QuestionStatus.NEW, QuestionStatus.HIDDEN):
        question.status = QuestionStatus.ANSWERED
    question.save(update_fields=["answer", "answered_by", "agency", "answered_at", "status"])
    audit_record(
        actor=actor,
        action="qa.question_answer",
        obj=question,
        data={"agency": agency_id, "published": publish},
    )
    if first and (question.asker_email or question.asker_phone):
        link = public_url(reverse("portal:procedure_detail", args=[question.procedure_code]))
        with translation.override("vi"):
            subject = _("Your question about procedure %(code)s has been answered") % {
                "code": question.procedure_code
            }
        message_send(
            key=f"qa:{question.pk}:answered",
            kind="qa_answered",
            subject=subject,
            body=body,
            email=question.asker_email,
            phone=question.asker_phone,
            language="vi",
            link=link,
        )
    return question


def _set_status(*, actor: User, question: Question, status: str, action: str) -> Question:
    question = _lock(question)
    if not answering_agency_ids(user=actor, procedure_code=question.procedure_code):
        raise PermissionDenied(_("Only an agency implementing this procedure answers it."))
    if status == QuestionStatus.PUBLISHED and not question.answer:
        raise Conflict(_("Answer the question before publishing it."), code="not_answered")
    question.status = status
    question.save(update_fields=["status"])
    audit_record(actor=actor, action=action, obj=question)
    return question


@transaction.atomic
def question_publish(*, actor: User, question: Question) -> Question:
    return _set_status(
        actor=actor,
        question=question,
        status=QuestionStatus.PUBLISHED,
        action="qa.question_publish",
    )


@transaction.atomic
def question_hide(*, actor: User, question: Question) -> Question:
    return _set_status(
        actor=actor, question=question, status=QuestionStatus.HIDDEN, action="qa.question_hide"
    )


@transaction.atomic
def faq_save(
    *,
    actor: User | None,
    procedure_code: str,
    question: str,
    answer: str,
    order: int = 0,
    published: bool = True,
    faq: Faq | None = None,
) -> Faq:
    """Add (or change, with `faq`) a frequently asked question of a procedure. Catalog
    editors of an implementing agency and province admins (`actor=None`: the demo loader)."""
    code = (faq.procedure_code if faq is not None else procedure_code or "").strip()
    if actor is not None and not may_edit_faq(user=actor, procedure_code=code):
        raise PermissionDenied(_("Only the catalog's editors keep the frequently asked questions."))
    if not implementing_agency_ids(procedure_code=code):
        raise NotFound(_("No published procedure has this code."))
    q, a = _text(question), _text(answer)
    errors: dict[str, list[str]] = {}
    _check_length(errors, "question", q, TEXT_MAX, _("Write the question."))
    _check_length(errors, "answer", a, ANSWER_MAX, _("Write the answer."))
    if not 0 <= order <= 999:
        errors["order"] = [_("Enter a number from 0 to 999.")]
    if errors:
        raise ValidationFailed(
            _("The question was not saved: correct the fields."), field_errors=errors
        )
    if faq is None:
        faq = Faq(procedure_code=code)
    else:
        faq = Faq.objects.select_for_update().get(pk=faq.pk)
    faq.question, faq.answer, faq.order, faq.published, faq.edited_by = (
        q,
        a,
        order,
        published,
        actor,
    )
    faq.save()
    audit_record(actor=actor, action="qa.faq_save", obj=faq, data={"procedure": code})
    return faq


@transaction.atomic
def faq_delete(*, actor: User, faq: Faq) -> None:
    if not may_edit_faq(user=actor, procedure_code=faq.procedure_code):
        raise PermissionDenied(_("Only the catalog's editors keep the frequently asked questions."))
    audit_record(
        actor=actor, action="qa.faq_delete", obj=faq, data={"procedure": faq.procedure_code}
    )
    Faq.objects.filter(pk=faq.pk).delete()
