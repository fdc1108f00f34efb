"""Hỏi đáp (issue 14 item 5; ADR 0041): a question from the public, answered and published
by an agency implementing the procedure, without the asker's personal data; the FAQ kept by
the catalog's editors; deny by default; bad input."""

from __future__ import annotations

import pytest

from motcua.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from motcua.qa.api import (
    faq_delete,
    faq_save,
    faqs_published,
    question_answer,
    question_hide,
    question_publish,
    question_submit,
    questions_for_officer,
    questions_published,
)
from motcua.qa.models import Faq, Question

pytestmark = pytest.mark.django_db

CODE = "2.000004"


def _ask(**kw):
    return question_submit(
        procedure_code=kw.pop("procedure_code", CODE),
        asker_name=kw.pop("asker_name", "Lò Thị Hoa"),
        asker_phone=kw.pop("asker_phone", "0912345678"),
        asker_email=kw.pop("asker_email", "hoa@example.vn"),
        text=kw.pop("text", "Hồ sơ khuyến mại nộp trước bao nhiêu ngày?"),
    )


def test_question_answered_published_without_personal_data(people, orm):
    q = _ask()
    assert q.status == "new"
    assert [x.pk for x in questions_for_officer(user=people["trade_officer"])] == [q.pk]
    assert questions_for_officer(user=people["build_officer"]) == []
    question_answer(
        actor=people["trade_officer"], question=q, answer="Trước ít nhất 5 ngày làm việc."
    )
    q.refresh_from_db()
    assert q.status == "answered" and q.agency.code == "H11.05"
    assert questions_published(procedure_code=CODE) == []  # answered, not yet published
    # The asker is told by email and SMS.
    sent = orm.Notification.objects.filter(kind="qa_answered")
    assert {n.channel for n in sent} >= {"email", "sms"}
    question_publish(actor=people["trade_officer"], question=q)
    (shown,) = questions_published(procedure_code=CODE)
    assert shown.text == q.text and shown.answer == "Trước ít nhất 5 ngày làm việc."
    public = repr(shown)
    for private in ("Lò Thị Hoa", "0912345678", "hoa@example.vn"):
        assert private not in public
    question_hide(actor=people["trade_officer"], question=q)
    assert questions_published(procedure_code=CODE) == []


def test_answer_and_publish_in_one_step_by_the_province_admin(people):
    q = _ask()
    question_answer(actor=people["admin"], question=q, answer="Có.", publish=True)
    q.refresh_from_db()
    assert q.status == "published"


@pytest.mark.parametrize("who", ["build_officer", "build_admin", "citizen"])
def test_only_an_implementing_agency_answers(people, who):
    q = _ask()
    with pytest.raises(PermissionDenied):
        question_answer(actor=people[who], question=q, answer="Không rõ.")
    with pytest.raises(PermissionDenied):
        question_publish(actor=people[who], question=q)
    q.refresh_from_db()
    assert q.status == "new" and q.answer == ""


def test_an_unanswered_question_is_not_published(people):
    q = _ask()
    with pytest.raises(Conflict):
        question_publish(actor=people["trade_officer"], question=q)


def test_bad_input_refused_in_vietnamese_and_nothing_stored(people):
    with pytest.raises(ValidationFailed) as empty:
        _ask(asker_name="  ", asker_phone="", asker_email="", text="")
    errors = empty.value.field_errors
    assert errors["asker_name"] == ["Nhập họ và tên."]
    assert errors["asker_phone"] == ["Nhập số điện thoại hoặc địa chỉ email để nhận câu trả lời."]
    assert errors["text"] == ["Hãy viết câu hỏi."]
    with pytest.raises(ValidationFailed) as long:
        _ask(text="a" * 50_000, asker_email="khong-phai-email")
    assert long.value.field_errors["text"] == ["Viết tối đa 4.000 ký tự."]
    assert "asker_email" in long.value.field_errors
    with pytest.raises(NotFound):
        _ask(procedure_code="9.999999")
    assert Question.objects.count() == 0


def test_a_double_submit_stores_one_question(people):
    assert _ask().pk == _ask().pk
    assert Question.objects.count() == 1


def test_html_is_kept_as_text(people):
    q = _ask(text="<script>alert(1)</script> Hỏi <b>đậm</b>")
    assert q.text == "<script>alert(1)</script> Hỏi <b>đậm</b>"


def test_faq_kept_by_the_catalog_editors_only(people):
    faq = faq_save(
        actor=people["trade_admin"],
        procedure_code=CODE,
        question="Có mất phí không?",
        answer="Không mất phí.",
        order=1,
    )
    faq_save(
        actor=people["admin"],
        procedure_code=CODE,
        question="Nộp ở đâu?",
        answer="Trung tâm Phục vụ hành chính công tỉnh.",
        order=0,
    )
    faq_save(
        actor=people["admin"], procedure_code=CODE, question="Ẩn", answer="Ẩn", published=False
    )
    assert [f.question for f in faqs_published(procedure_code=CODE)] == [
        "Nộp ở đâu?",
        "Có mất phí không?",
    ]
    for who in ("trade_officer", "build_admin", "citizen"):
        with pytest.raises(PermissionDenied):
            faq_save(actor=people[who], procedure_code=CODE, question="x", answer="y")
        with pytest.raises(PermissionDenied):
            faq_delete(actor=people[who], faq=faq)
    with pytest.raises(ValidationFailed) as bad:
        faq_save(actor=people["admin"], procedure_code=CODE, question="", answer="x" * 50_000)
    assert bad.value.field_errors["question"] == ["Hãy viết câu hỏi."]
    assert bad.value.field_errors["answer"] == ["Viết tối đa 10.000 ký tự."]
    faq_delete(actor=people["trade_admin"], faq=faq)
    assert Faq.objects.count() == 2


def test_the_askers_own_data_is_removed_from_the_published_text(people):
    q = _ask(text="Tôi là Lò Thị Hoa, số 0912 345 678, email HOA@example.vn: hỏi về phí?")
    question_answer(
        actor=people["trade_officer"],
        question=q,
        answer="Chào chị lò thị hoa: không mất phí.",
        publish=True,
    )
    (shown,) = questions_published(procedure_code=CODE)
    assert shown.text == "Tôi là […], số […], email […]: hỏi về phí?"
    assert shown.answer == "Chào chị […]: không mất phí."
