"""Feedback and recommendations (ADR 0040): deadlines on the real 2026 calendar, every path,
permissions, bad input, redaction, the chain, the sweep, the indicators."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from motcua.accounts.api import agency_upsert
from motcua.accounts.data import AgencyKind
from motcua.core import clock
from motcua.integrations import sms
from motcua.notifications.api import notifications_for_citizen
from motcua.notifications.models import Notification
from motcua.pakn.api import (
    FeedbackConflict,
    FeedbackError,
    FeedbackForbidden,
    FeedbackNotFound,
    SenderIn,
    deadline_sweep,
    feedback_attachment_open,
    feedback_detail_for_officer,
    feedback_for_sender,
    feedback_indicators,
    feedback_list_for_officer,
    feedback_notices_for,
    feedback_published_get,
    feedback_published_search,
    feedback_sender_rate,
    feedback_sender_reply,
    feedback_statistics,
    feedback_user_is_officer,
)
from motcua.pakn.models import Feedback, FeedbackAttachment, FeedbackEvent, FeedbackNotice
from motcua.pakn.tests.conftest import VN, act, at, local, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _to_handling(code, users, when):
    act(code, users["pakn"], "receive", when)
    act(code, users["pakn"], "classify", when, classification="within_competence")
    act(code, users["pakn"], "assign", when, agency_code="H11.05", to_user_id=users["cv"].pk)


# ---- deadlines on the real calendar ----------------------------------------------------------


def test_deadlines_are_working_days_on_the_2026_calendar(desk):
    # Thu 23/04/2026 09:00. Days off: Mon 27/04 (Giỗ Tổ, compensatory), Thu 30/04, Fri 01/05.
    r = submit(at(2026, 4, 23, 9, 0))
    f = Feedback.objects.get(code=r.code)
    # refuse 2 wd: Fri 24/04 (1), Tue 28/04 (2)
    assert local(f.refuse_due_at) == at(2026, 4, 28, 9, 0)
    # forward 5 wd: 24/04, 28/04, 29/04, Mon 04/05, Tue 05/05
    assert local(f.forward_due_at) == at(2026, 5, 5, 9, 0)
    # handle 15 wd: ... 06/05 (6), 07, 08, 11, 12, 13, 14, 15, 18, Tue 19/05 (15)
    assert local(f.handle_due_at) == at(2026, 5, 19, 9, 0)
    assert r.due_at == f.handle_due_at and r.status == "submitted" and r.created
    assert r.code.startswith("PA-H11.01.01-260423-") and r.code.endswith("-0001")
    assert len(r.pin) == 6 and r.pin.isdigit()


def test_forwarded_on_day_5_is_on_time_and_handled_on_day_16_is_late(desk):
    users = desk["users"]
    vertical = agency_upsert(code="G01.999", name="Cục Thuế tỉnh", kind=AgencyKind.VERTICAL)
    a = submit(at(2026, 4, 23, 9, 0), title="Về cán bộ thuế", content="Thái độ chưa đúng mực.")
    act(a.code, users["pakn"], "receive", at(2026, 4, 23, 10, 0))
    act(a.code, users["pakn"], "classify", at(2026, 4, 24, 9, 0), classification="conduct")
    # Day 5: Tue 05/05 before 09:00.
    detail = act(a.code, users["pakn"], "forward", at(2026, 5, 5, 8, 30), agency_code=vertical.code)
    assert detail.status == "forwarded" and detail.forwarded_to_name == "Cục Thuế tỉnh"
    assert detail.available_actions == []

    b = submit(at(2026, 4, 23, 9, 0), title="Khác", content="Một nội dung khác.")
    _to_handling(b.code, users, at(2026, 4, 23, 10, 0))
    act(b.code, users["cv"], "answer", at(2026, 5, 18, 9, 0), answer="Trả lời.")
    # Day 16: Wed 20/05, after the due instant Tue 19/05 09:00.
    act(b.code, users["ld"], "approve", at(2026, 5, 20, 10, 0))
    with clock.at(at(2026, 6, 1)):
        ind = feedback_indicators(
            agency_ids=None, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
        )
    assert (ind.received, ind.on_time) == (2, 1)
    assert ind.ontime_ratio == 0.5
    fb = Feedback.objects.get(code=b.code)
    ev = FeedbackEvent.objects.get(feedback=fb, action="approve")
    assert ev.data["on_time"] is False


def test_forward_on_day_6_is_late(desk):
    users = desk["users"]
    a = submit(at(2026, 4, 23, 9, 0))
    act(a.code, users["pakn"], "receive", at(2026, 4, 23, 10, 0))
    act(
        a.code,
        users["pakn"],
        "classify",
        at(2026, 4, 23, 11, 0),
        classification="outside_competence",
    )
    act(a.code, users["pakn"], "forward", at(2026, 5, 6, 8, 0), agency_code="H11.07")
    with clock.at(at(2026, 6, 1)):
        ind = feedback_indicators(
            agency_ids=None, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
        )
    assert (ind.received, ind.on_time) == (1, 0)


# ---- the whole path ---------------------------------------------------------------------------


def test_the_whole_path_with_a_pause_publication_and_rating(
    desk, django_capture_on_commit_callbacks
):
    users = desk["users"]
    with django_capture_on_commit_callbacks(execute=True):
        r = _submit_story()
    # The sender was told (e-mail + SMS), with the PIN in the body, never in the subject.
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    assert r.code in mail.outbox[0].subject and r.pin not in mail.outbox[0].subject
    assert r.pin in mail.outbox[0].body and r.pin in sms.outbox[0].text
    _rest_of_the_story(r, users)


def _submit_story():
    return submit(
        at(2026, 4, 23, 9, 0),
        title="Ông Lò Văn Minh hỏi về khuyến mại",
        content=(
            "Tôi là LO VAN MINH, số điện thoại 0912 345 678, email Minh@Example.vn, CCCD "
            "011095001234, ở Tổ 5, phường Điện Biên Phủ. Anh Văn Minh hỏi: thủ tục đăng ký "
            "khuyến mại mất bao lâu? Người quen là bà Quàng Thị Hoa."
        ),
    )


def _rest_of_the_story(r, users):
    act(r.code, users["pakn"], "receive", at(2026, 4, 23, 10, 0))
    f = Feedback.objects.get(code=r.code)
    assert f.register_no == "1/2026" and f.status == "received"
    act(
        r.code,
        users["pakn"],
        "classify",
        at(2026, 4, 23, 11, 0),
        classification="within_competence",
    )
    d = act(
        r.code,
        users["pakn"],
        "assign",
        at(2026, 4, 23, 14, 0),
        agency_code="H11.05",
        to_user_id=users["cv"].pk,
    )
    assert d.status == "in_progress" and d.assignee_name == "CV"
    assert local(d.due_at) == at(2026, 5, 19, 9, 0)
    # Ask the sender once, Mon 04/05 09:00: 11 working days were left (05/05 ... 19/05).
    d = act(r.code, users["cv"], "request_more", at(2026, 5, 4, 9, 0), note="Gửi thêm hóa đơn.")
    assert d.status == "awaiting_sender" and d.due_at is None and d.more_requested
    with pytest.raises(FeedbackConflict):
        act(r.code, users["cv"], "request_more", at(2026, 5, 4, 9, 5), note="Lần hai.")
    public = feedback_for_sender(code=r.code, pin=r.pin)
    assert public.can_reply and public.more_request == "Gửi thêm hóa đơn."
    assert feedback_for_sender(code=r.code, pin="000000" if r.pin != "000000" else "111111") is None
    # The reply on Mon 11/05 09:00: the clock runs again, 11 wd -> Tue 26/05 09:00.
    with clock.at(at(2026, 5, 11, 9, 0)):
        public = feedback_sender_reply(
            code=r.code,
            pin=r.pin,
            content="Hóa đơn đính kèm.",
            attachments=[SimpleUploadedFile("hoa-don.pdf", PDF, "application/pdf")],
        )
    assert public.status == "in_progress" and not public.can_reply
    f.refresh_from_db()
    assert local(f.handle_due_at) == at(2026, 5, 26, 9, 0)
    # Only once: a second request is refused even in the right status.
    with pytest.raises(FeedbackConflict):
        act(r.code, users["cv"], "request_more", at(2026, 5, 11, 10, 0), note="Nữa.")
    d = act(
        r.code,
        users["cv"],
        "answer",
        at(2026, 5, 12, 9, 0),
        answer="Ông Lò Văn Minh (0912345678) được biết: thời hạn là 05 ngày làm việc.",
    )
    assert d.status == "answered" and "approve" not in d.available_actions
    # The specialist may not approve; the leader of the agency does.
    with pytest.raises(FeedbackForbidden):
        act(r.code, users["cv"], "approve", at(2026, 5, 12, 10, 0))
    d = act(r.code, users["ld"], "approve", at(2026, 5, 12, 10, 0))
    assert d.status == "approved"
    # publish within 2 wd: Thu 14/05 10:00
    assert local(d.deadlines["publish"]) == at(2026, 5, 14, 10, 0)
    public = feedback_for_sender(code=r.code, pin=r.pin)
    assert public.answer.startswith("Ông Lò Văn Minh") and public.can_rate
    d = act(
        r.code,
        users["pakn"],
        "publish",
        at(2026, 5, 13, 9, 0),
        redactions=["Quàng Thị Hoa"],
        publish_attachments=False,
    )
    assert d.status == "published"
    pub = feedback_published_get(code=r.code)
    texts = " ".join([pub.title, pub.question, pub.answer])
    for secret in (
        "Minh",
        "MINH",
        "0912",
        "345 678",
        "Example.vn",
        "minh@",
        "011095001234",
        "Tổ 5",
        "Điện Biên Phủ",
        "Quàng",
        "Hoa",
    ):
        assert secret not in texts, secret
    assert "***" in pub.title and "thời hạn là 05 ngày làm việc" in pub.answer
    assert pub.attachments == []
    # Found without accents, by procedure and by agency; not found by the sender's name.
    total, items = feedback_published_search(q="thoi han ngay lam viec")
    assert total == 1 and items[0].code == r.code
    assert feedback_published_search(q="lo van minh")[0] == 0
    assert feedback_published_search(procedure_code="2.000004")[0] == 1
    assert feedback_published_search(agency_code="H11")[0] == 1
    assert feedback_published_search(agency_code="H11.07")[0] == 0
    # The attachment is not public: only the sender (PIN) and the officers open it.
    att = FeedbackAttachment.objects.get(feedback__code=r.code)
    with pytest.raises(FeedbackNotFound):
        feedback_attachment_open(code=r.code, attachment_id=att.pk, user=None)
    name, ctype, fh = feedback_attachment_open(
        code=r.code, attachment_id=att.pk, user=None, pin=r.pin
    )
    assert (name, ctype, fh.read()) == ("hoa-don.pdf", "application/pdf", PDF)
    # Rated once.
    feedback_sender_rate(code=r.code, pin=r.pin, satisfied=True)
    with pytest.raises(FeedbackConflict):
        feedback_sender_rate(code=r.code, pin=r.pin, satisfied=False)
    with clock.at(at(2026, 6, 1)):
        ind = feedback_indicators(
            agency_ids=None, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
        )
    assert (ind.on_time, ind.satisfied_ratio) == (1, 1.0)
    # Every step told the sender (submit, receive, request, reply, approve, publish: 6 e-mails).
    assert sorted(
        Notification.objects.filter(key__startswith=f"pakn:{r.code}:", channel="email").values_list(
            "kind", flat=True
        )
    ) == sorted(
        [
            "pakn_submit",
            "pakn_receive",
            "pakn_request_more",
            "pakn_sender_reply",
            "pakn_approve",
            "pakn_publish",
        ]
    )
    kinds = list(
        Feedback.objects.get(code=r.code)
        .events.order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert kinds == [
        "submit",
        "receive",
        "classify",
        "assign",
        "request_more",
        "sender_reply",
        "answer",
        "approve",
        "publish",
        "rate",
    ]


def test_refuse_path_and_the_portal_list_of_a_signed_in_sender(desk, django_user_model):
    users = desk["users"]
    citizen = django_user_model.objects.create_user(
        username="dan", password="pw-12345-x", full_name="Nguyễn Văn Dân", email="dan@example.vn"
    )
    with clock.at(at(2026, 3, 2, 9, 0)):
        from motcua.pakn.api import feedback_submit

        r = feedback_submit(
            about="regulation",
            title="Quy định chưa rõ",
            content="Nội dung.",
            sender=SenderIn(full_name=""),
            user=citizen,
        )
    f = Feedback.objects.get(code=r.code)
    assert (f.sender_name, f.sender_email, f.sender_user_id) == (
        "Nguyễn Văn Dân",
        "dan@example.vn",
        citizen.pk,
    )
    act(r.code, users["pakn"], "receive", at(2026, 3, 2, 10, 0))
    with pytest.raises(FeedbackError) as exc:
        act(r.code, users["pakn"], "refuse", at(2026, 3, 2, 11, 0), note="  ")
    assert list(exc.value.errors) == ["note"]
    d = act(r.code, users["pakn"], "refuse", at(2026, 3, 2, 11, 0), note="Không đủ thông tin.")
    assert d.status == "refused" and d.available_actions == []
    subjects = [n.subject for n in notifications_for_citizen(user=citizen)]
    assert len(subjects) == 3 and all(r.code in s for s in subjects)


def test_classify_rejected_refuses_and_needs_a_reason(desk):
    users = desk["users"]
    r = submit(at(2026, 3, 2, 9, 0))
    act(r.code, users["pakn"], "receive", at(2026, 3, 2, 9, 30))
    with pytest.raises(FeedbackError) as exc:
        act(r.code, users["pakn"], "classify", at(2026, 3, 2, 10, 0), classification="bogus")
    assert "classification" in exc.value.errors
    with pytest.raises(FeedbackError) as exc:
        act(r.code, users["pakn"], "classify", at(2026, 3, 2, 10, 0), classification="rejected")
    assert "note" in exc.value.errors
    d = act(
        r.code,
        users["pakn"],
        "classify",
        at(2026, 3, 2, 10, 0),
        classification="rejected",
        note="Không thuộc phạm vi.",
    )
    assert d.status == "refused"
    with pytest.raises(FeedbackConflict):
        act(r.code, users["pakn"], "receive", at(2026, 3, 2, 11, 0))


def test_an_officer_enters_a_letter_received_at_once(desk):
    users = desk["users"]
    with clock.at(at(2026, 3, 2, 9, 0)):
        from motcua.pakn.api import feedback_submit

        r = feedback_submit(
            about="regulation",
            title="Thư góp ý",
            content="Nội dung thư.",
            sender=SenderIn(full_name="Bà Hà", phone="0987654321"),
            channel="letter",
            entered_by=users["pakn"],
        )
        with pytest.raises(FeedbackForbidden):
            feedback_submit(
                about="regulation",
                title="x",
                content="y",
                sender=SenderIn("A", phone="0987654321"),
                channel="letter",
                entered_by=users["cv"],
            )
    f = Feedback.objects.get(code=r.code)
    assert (f.status, f.register_no, f.channel) == ("received", "1/2026", "letter")


# ---- dossier complaints, double submits --------------------------------------------------------


def test_a_dossier_complaint_needs_the_dossiers_pin(desk, receive):
    dossier = receive(at(2026, 3, 2, 9, 0))
    mail.outbox.clear()
    wrong = "000000" if dossier.lookup_pin != "000000" else "111111"
    with pytest.raises(FeedbackError) as exc:
        submit(
            at(2026, 3, 3, 9, 0),
            about="dossier",
            dossier_code=dossier.code,
            dossier_pin=wrong,
            procedure_code="",
        )
    assert list(exc.value.errors) == ["dossier_pin"]
    with pytest.raises(FeedbackError) as exc:
        submit(
            at(2026, 3, 3, 9, 0),
            about="dossier",
            dossier_code="H11.05-260302-9999",
            dossier_pin="123456",
            procedure_code="",
        )
    assert list(exc.value.errors) == ["dossier_pin"]
    assert Feedback.objects.count() == 0 and FeedbackEvent.objects.count() == 0
    assert not Notification.objects.filter(key__startswith="pakn:").exists()
    r = submit(
        at(2026, 3, 3, 9, 0),
        about="dossier",
        dossier_code=dossier.code.lower(),
        dossier_pin=dossier.lookup_pin,
        procedure_code="",
    )
    f = Feedback.objects.get(code=r.code)
    assert f.dossier_code == dossier.code and f.procedure_code == "2.000004"
    assert f.dossier_agency_id == dossier.deciding_agency_id
    with clock.at(at(2026, 4, 1)):
        ind = feedback_indicators(
            agency_ids=[dossier.deciding_agency_id],
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
        )
    assert ind.dossiers_with_feedback == 1


def test_a_double_submit_creates_one(desk):
    first = submit(at(2026, 3, 2, 9, 0), idempotency_key="abc")
    again = submit(at(2026, 3, 2, 9, 1), idempotency_key="abc", title="Other title")
    assert (again.code, again.pin, again.created) == (first.code, first.pin, False)
    same = submit(at(2026, 3, 2, 9, 5))  # the same sender, title and content, no key
    assert (same.code, same.created) == (first.code, False)
    later = submit(at(2026, 3, 2, 9, 20))
    assert later.created and later.code.endswith("-0002")
    assert Feedback.objects.count() == 2
    assert Notification.objects.filter(kind="pakn_submit", channel="email").count() == 2


# ---- permissions -----------------------------------------------------------------------------


def test_permissions_deny_by_default(desk, django_user_model):
    users = desk["users"]
    citizen = django_user_model.objects.create_user(username="dan", password="pw-12345-x")
    r = submit(at(2026, 3, 2, 9, 0))
    for user in (citizen, users["cv"], users["ld"], users["desk"]):
        with pytest.raises(FeedbackForbidden):
            act(r.code, user, "receive", at(2026, 3, 2, 9, 30))
    _to_handling(r.code, users, at(2026, 3, 2, 10, 0))
    # A specialist of another agency can neither act nor see it.
    with pytest.raises(FeedbackForbidden):
        act(r.code, users["cv_build"], "answer", at(2026, 3, 3, 9, 0), answer="x")
    with pytest.raises(FeedbackForbidden):
        feedback_detail_for_officer(code=r.code, user=users["cv_build"])
    with pytest.raises(FeedbackForbidden):
        act(r.code, citizen, "answer", at(2026, 3, 3, 9, 0), answer="x")
    # The feedback desk does not answer; the handling agency does not classify.
    with pytest.raises(FeedbackForbidden):
        act(r.code, users["pakn"], "answer", at(2026, 3, 3, 9, 0), answer="x")
    with pytest.raises(FeedbackNotFound):
        act("PA-NOPE", users["pakn"], "receive", at(2026, 3, 3, 9, 0))
    assert feedback_list_for_officer(user=users["cv_build"])[0] == 0
    assert feedback_list_for_officer(user=citizen)[0] == 0
    assert feedback_list_for_officer(user=users["cv"])[0] == 1
    assert feedback_list_for_officer(user=users["pakn"])[0] == 1
    assert not feedback_user_is_officer(citizen) and feedback_user_is_officer(users["pakn"])
    detail = feedback_detail_for_officer(code=r.code, user=users["cv"])
    assert detail.sender.phone == "0912345678" and detail.available_actions == [
        "request_more",
        "answer",
    ]
    assert feedback_detail_for_officer(code=r.code, user=users["ld"]).available_actions == [
        "assign",
        "request_more",
        "answer",
    ]
    # A leader assigns within the agency only, to a person of it.
    with pytest.raises(FeedbackForbidden):
        act(r.code, users["ld"], "assign", at(2026, 3, 3, 9, 0), agency_code="H11.07")
    with pytest.raises(FeedbackError) as exc:
        act(r.code, users["ld"], "assign", at(2026, 3, 3, 9, 0), to_user_id=users["cv_build"].pk)
    assert list(exc.value.errors) == ["to_user"]


# ---- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "   \x00 "}, "content"),
        ({"content": "x" * 50_000}, "content"),
        ({"title": ""}, "title"),
        ({"title": "t" * 301}, "title"),
        ({"procedure_code": "9.999999"}, "procedure"),
        ({"procedure_code": ""}, "procedure"),
        ({"about": "weather"}, "about"),
        ({"sender": SenderIn(full_name="")}, "sender.full_name"),
        ({"sender": SenderIn(full_name="A")}, "sender.phone"),
        ({"sender": SenderIn(full_name="A", phone="12ab")}, "sender.phone"),
        ({"sender": SenderIn(full_name="A", email="not-an-email")}, "sender.email"),
        (
            {"sender": SenderIn(full_name="A", phone="0912345678", id_number="12")},
            "sender.id_number",
        ),
        (
            {"attachments": [SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))]},
            "attachments",
        ),
        ({"attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]}, "attachments"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(desk, kw, field):
    with pytest.raises(FeedbackError) as exc:
        submit(at(2026, 3, 2, 9, 0), **kw)
    assert field in exc.value.errors and exc.value.errors[field][0]
    assert Feedback.objects.count() == 0
    assert FeedbackAttachment.objects.count() == 0 and FeedbackEvent.objects.count() == 0
    assert Notification.objects.count() == 0


def test_html_and_script_are_stored_as_text(desk):
    script = '<script>alert("x")</script><b onmouseover="x()">đậm</b>'
    r = submit(at(2026, 3, 2, 9, 0), title=script[:60], content=script)
    f = Feedback.objects.get(code=r.code)
    assert f.content == script and f.title == script[:60]


# ---- the chain, the sweep, the statistics ------------------------------------------------------


def test_the_events_are_chained_and_verified(desk):
    users = desk["users"]
    r = submit(at(2026, 3, 2, 9, 0))
    _to_handling(r.code, users, at(2026, 3, 2, 10, 0))
    out = io.StringIO()
    call_command("verify_audit", "--chain", "pakn", stdout=out, stderr=io.StringIO())
    assert "intact" in out.getvalue()
    assert "4 rows checked" in out.getvalue()
    FeedbackEvent.objects.filter(feedback__code=r.code, action="classify").update(note="changed")
    with pytest.raises(CommandError):
        call_command("verify_audit", "--chain", "pakn", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_sweep_reminds_once_and_escalates(desk):
    users = desk["users"]
    r = submit(at(2026, 3, 2, 9, 0))  # refuse due Wed 04/03 09:00
    # Mon 02/03 12:00: not due soon yet (due soon from Mon 02/03 09:00 is 2 wd before ... )
    report = deadline_sweep(now=at(2026, 3, 2, 8, 0).astimezone(dt.UTC))
    assert (report.due_soon, report.overdue) == (0, 0)
    report = deadline_sweep(now=at(2026, 3, 3, 9, 0))
    assert (report.due_soon, report.overdue) == (1, 0)
    assert deadline_sweep(now=at(2026, 3, 3, 10, 0)).due_soon == 0
    notices = feedback_notices_for(user=users["pakn"])
    assert [(n.code, n.kind) for n in notices] == [(r.code, "due_soon")]
    _to_handling(r.code, users, at(2026, 3, 3, 10, 0))  # handle due Mon 23/03 09:00
    report = deadline_sweep(now=at(2026, 3, 24, 9, 0))
    assert (report.overdue, report.escalated) == (1, 2)  # cv; leader ld and desk pakn
    assert deadline_sweep(now=at(2026, 3, 24, 10, 0)) == type(report)(0, 0, 0)
    assert {(n.user_id, n.kind) for n in FeedbackNotice.objects.filter(step="handle")} == {
        (users["cv"].pk, "overdue"),
        (users["ld"].pk, "escalated"),
        (users["pakn"].pk, "escalated"),
    }
    with clock.at(at(2026, 3, 24, 9, 0)):
        assert feedback_list_for_officer(user=users["pakn"], due="overdue")[0] == 1


def test_lists_due_soon_and_overdue(desk):
    users = desk["users"]
    a = submit(at(2026, 3, 2, 9, 0))  # refuse due Wed 04/03 09:00
    b = submit(at(2026, 3, 4, 9, 0), title="B", content="B")  # refuse due Fri 06/03 09:00
    with clock.at(at(2026, 3, 4, 10, 0)):
        total, rows = feedback_list_for_officer(user=users["pakn"], due="overdue")
        assert [r.code for r in rows] == [a.code] and rows[0].overdue
        total, rows = feedback_list_for_officer(user=users["pakn"], due="soon")
        assert [r.code for r in rows] == [b.code] and rows[0].due_soon
        total, rows = feedback_list_for_officer(user=users["pakn"], q="B")
        assert [r.code for r in rows] == [b.code]


def test_statistics_and_indicators_on_a_hand_built_set(desk):
    users = desk["users"]
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    # 1: answered on time, satisfied
    a = submit(at(2026, 3, 2, 9, 0), title="A", content="A")
    _to_handling(a.code, users, at(2026, 3, 2, 10, 0))
    act(a.code, users["cv"], "answer", at(2026, 3, 10, 9, 0), answer="OK")
    act(a.code, users["ld"], "approve", at(2026, 3, 10, 10, 0))
    feedback_sender_rate(code=a.code, pin=a.pin, satisfied=True)
    # 2: answered late (due Mon 23/03 09:00), not satisfied
    b = submit(at(2026, 3, 2, 9, 0), title="B", content="B")
    _to_handling(b.code, users, at(2026, 3, 2, 10, 0))
    act(b.code, users["cv"], "answer", at(2026, 3, 23, 9, 0), answer="OK")
    act(b.code, users["ld"], "approve", at(2026, 3, 24, 9, 0))
    feedback_sender_rate(code=b.code, pin=b.pin, satisfied=False)
    # 3: refused on time; 4: still in progress, overdue at the end of March
    c = submit(at(2026, 3, 2, 9, 0), title="C", content="C")
    act(c.code, users["pakn"], "receive", at(2026, 3, 2, 10, 0))
    act(c.code, users["pakn"], "refuse", at(2026, 3, 3, 10, 0), note="Không đủ điều kiện.")
    d = submit(at(2026, 3, 2, 9, 0), title="D", content="D")
    _to_handling(d.code, users, at(2026, 3, 2, 10, 0))
    # 5: arrived in April: outside the period
    submit(at(2026, 4, 1, 9, 0), title="E", content="E")
    with clock.at(at(2026, 4, 15)):
        ind = feedback_indicators(agency_ids=None, start=start, end=end)
        stats = feedback_statistics(user=users["pakn"], start=start, end=end)
        assert feedback_statistics(user=users["cv_build"], start=start, end=end).rows == []
    assert (ind.received, ind.on_time, ind.rated, ind.satisfied) == (4, 2, 2, 1)
    assert (ind.ontime_ratio, ind.satisfied_ratio, ind.dossiers_with_feedback) == (0.5, 0.5, 0)
    trade = next(r for r in stats.rows if r.agency_code == "H11.05")
    assert (
        trade.received,
        trade.handled_on_time,
        trade.handled_late,
        trade.in_progress_overdue,
    ) == (
        3,
        1,
        1,
        1,
    )
    center = next(r for r in stats.rows if r.agency_code == "H11.01.01")
    assert (center.received, center.refused) == (1, 1)
    assert stats.totals.received == 4
    assert stats.by_topic[("procedure", "within_competence")] == 3
    # An agency's indicators: only the feedback it handled or received.
    with clock.at(at(2026, 4, 15)):
        build = feedback_indicators(agency_ids=[desk["agencies"]["build"].pk], start=start, end=end)
    assert (build.received, build.ontime_ratio) == (0, None)


def test_codes_are_gap_free_per_day_and_registers_per_year(desk):
    users = desk["users"]
    codes = [submit(at(2026, 3, 2, 9, i), title=f"T{i}", content="x").code for i in range(3)]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert submit(at(2026, 3, 3, 9, 0), title="next day", content="x").code.endswith("260303-0001")
    with pytest.raises(FeedbackError):
        submit(at(2026, 3, 3, 9, 5), title="bad", content="")
    assert submit(at(2026, 3, 3, 9, 10), title="n2", content="x").code.endswith("260303-0002")
    for i, code in enumerate(codes):
        act(code, users["pakn"], "receive", at(2026, 3, 2, 10, i))
    assert list(
        Feedback.objects.filter(code__in=codes)
        .order_by("code")
        .values_list("register_no", flat=True)
    ) == ["1/2026", "2/2026", "3/2026"]


def test_times_are_local(desk):
    r = submit(at(2026, 3, 2, 16, 30))  # after the 15:00 cut-off: counted from Tue 03/03
    f = Feedback.objects.get(code=r.code)
    # Two working days from Tue 03/03 opening: the end of Wed 04/03's office hours.
    assert local(f.refuse_due_at) == at(2026, 3, 4, 17, 30)
    assert local(f.submitted_at).tzinfo == VN


def test_the_feedback_desk_lands_on_its_register(desk):
    from motcua.accounts.api import user_landing
    from motcua.accounts.data import Landing

    assert user_landing(user=desk["users"]["pakn"]) is Landing.FEEDBACK
    assert user_landing(user=desk["users"]["cv"]) is Landing.WORKLIST
