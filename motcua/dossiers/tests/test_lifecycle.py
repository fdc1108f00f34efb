"""Every path end to end, with deadlines checked against dates computed by hand on the real
2026 calendar (5 working days = 40 working hours; office 07:30–11:30, 13:30–17:30)."""

from __future__ import annotations

import pytest

from conftest import pdf_bytes
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.api import InvalidTransition, control_sheet
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierEvent

from .conftest import PERSON, act, at

PDF = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))


def _to_approval(d, u, when_forward, when_review):
    act(d, u["desk"], "forward", when_forward)
    act(d, u["cv"], "take", when_forward)
    act(d, u["cv"], "forward", when_review, to_user=u["ld"].pk)


def test_accept_gives_code_receipt_time_and_appointment(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    assert d.status == "received"
    assert d.code == "H11.01.01-260302-0001"
    assert d.received_at == at(2026, 3, 2, 9, 0)
    # Mon 09:00 + 40 h: Mon 6.5 h, Tue–Fri 32 h, Mon 9 Mar 07:30 + 1.5 h.
    assert d.appointment_at == at(2026, 3, 9, 9, 0)
    intake = d.steps.get(position=1)
    assert (intake.status, intake.assignee.username) == ("active", "desk")
    assert intake.due_at == at(2026, 3, 2, 15, 0)  # 4 working hours
    second = receive(at(2026, 3, 2, 10, 0))
    assert second.code == "H11.01.01-260302-0002"


def test_received_after_15h_starts_next_working_day(world, receive):
    d = receive(at(2026, 3, 2, 16, 0))
    assert d.clock_started_at == at(2026, 3, 3, 7, 30)
    assert d.appointment_at == at(2026, 3, 9, 17, 30)


def test_early_path(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(d, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    d = act(d, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    assert (d.status, d.outcome, d.result_approved) == ("result_ready", "early", True)
    d = act(
        d,
        u["desk"],
        "return_result",
        at(2026, 3, 5, 8, 0),
        method="desk",
        receiver_name="Quàng Văn Đức",
        receiver_id_number="011080000123",
    )
    assert (d.status, d.outcome) == ("returned", "early")
    assert d.returned_to == "Quàng Văn Đức 011080000123"
    sheet = control_sheet(dossier=d)
    # Step deadlines: intake Mon 15:00 (done Mon 10:00: same day), review Thu 05/03 16:00
    # (done Tue: a day before), approve Tue 15:00 (done Wed 09:00). The return is labelled
    # with the dossier's outcome (DESIGN §6): ready Wed 04/03, appointment Mon 09/03, early.
    assert [(e.action, e.deadline_status) for e in sheet] == [
        ("accept", ""),
        ("forward", "on_time"),
        ("forward", "early"),
        ("approve", "late"),
        ("return_result", "early"),
    ]


def test_on_time_and_late_paths(world, receive):
    u = world["users"]
    on_time = receive(at(2026, 3, 2, 9, 0))
    _to_approval(on_time, u, at(2026, 3, 2, 10, 0), at(2026, 3, 6, 10, 0))
    on_time = act(on_time, u["ld"], "approve", at(2026, 3, 9, 8, 30), result=PDF)
    assert on_time.outcome == "on_time"
    late = receive(at(2026, 3, 2, 9, 5))
    _to_approval(late, u, at(2026, 3, 2, 10, 0), at(2026, 3, 6, 10, 0))
    late = act(late, u["ld"], "approve", at(2026, 3, 9, 10, 0), result=PDF)
    assert late.outcome == "late"


def test_completion_requested_at_intake_starts_no_clock(world, receive):
    d = receive(
        at(2026, 3, 2, 9, 0),
        decision="request_completion",
        checklist=[],
        missing=["Bản sao giấy chứng nhận chất lượng hàng hóa"],
    )
    assert d.status == "completion_requested"
    assert d.code is None and d.appointment_at is None
    assert d.missing[:2] == [
        "Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)",
        "Thể lệ chương trình khuyến mại (Mẫu số 03)",
    ]
    assert d.missing[2] == "Bản sao giấy chứng nhận chất lượng hàng hóa"


def test_accept_refused_when_mandatory_documents_missing(world, receive):
    with pytest.raises(ValidationFailed) as exc:
        receive(at(2026, 3, 2, 9, 0), checklist=[])
    assert "request completion" in exc.value.message
    assert Dossier.objects.count() == 0


def test_supplement_pauses_and_restarts_from_zero(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = act(
        d,
        u["cv"],
        "request_supplement",
        at(2026, 3, 3, 10, 0),
        items=["Mẫu bằng chứng trúng thưởng"],
        reason="Thiếu mẫu",
    )
    assert (d.status, d.supplement_count) == ("supplement_requested", 1)
    d = act(d, u["desk"], "receive_supplement", at(2026, 3, 16, 10, 0), file=PDF)
    assert d.status == "processing"
    assert d.paused_seconds == 72 * 3600
    assert d.appointment_at == at(2026, 3, 23, 10, 0)
    assert d.documents.filter(kind="supplement").count() == 1


def test_supplement_resumes_with_remaining_time(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    d.procedure_version.restart_on_supplement = False  # a version that says "resume"
    d.procedure_version.save(update_fields=["restart_on_supplement"])
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "request_supplement", at(2026, 3, 3, 10, 0), items=["x"], reason="y")
    d = act(d, u["desk"], "receive_supplement", at(2026, 3, 16, 10, 0))
    # 31 working hours were left at the pause (Tue 10:00 → Mon 9 Mar 09:00).
    assert d.appointment_at == at(2026, 3, 20, 9, 0)


def test_second_supplement_request_makes_it_late(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "request_supplement", at(2026, 3, 3, 9, 0), items=["a"], reason="r")
    act(d, u["desk"], "receive_supplement", at(2026, 3, 3, 14, 0))
    act(d, u["cv"], "request_supplement", at(2026, 3, 4, 9, 0), items=["b"], reason="r")
    act(d, u["desk"], "receive_supplement", at(2026, 3, 4, 14, 0))
    act(d, u["cv"], "forward", at(2026, 3, 5, 9, 0), to_user=u["ld"].pk)
    d = act(d, u["ld"], "approve", at(2026, 3, 5, 10, 0), result=PDF)
    assert (d.supplement_count, d.outcome) == (2, "late")


def test_parallel_consultation_waits_for_every_answer(world, receive, agencies):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = act(
        d,
        u["cv"],
        "consult",
        at(2026, 3, 3, 9, 0),
        agencies=["H11.07", "H11.01"],
        question="Ý kiến về địa điểm",
        budget_hours="8",
    )
    consultations = list(d.steps.filter(kind="consult").order_by("agency__code"))
    assert [c.agency.code for c in consultations] == ["H11.01", "H11.07"]
    assert consultations[0].due_at == at(2026, 3, 4, 9, 0)
    with pytest.raises(InvalidTransition):
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    d = act(d, u["cv_build"], "answer_consultation", at(2026, 3, 3, 15, 0), answer="Đồng ý")
    assert d.steps.get(position=2, parent__isnull=True, status__in=["waiting"]).status == "waiting"
    with pytest.raises(PermissionDenied):  # cv_build has nothing left to answer
        act(d, u["cv_build"], "answer_consultation", at(2026, 3, 3, 15, 5), answer="x")
    with pytest.raises(PermissionDenied):  # the desk was not consulted
        act(d, u["desk"], "answer_consultation", at(2026, 3, 3, 15, 5), answer="x")
    # H11.01 has no officer in this world: the system answers for it.
    from motcua.core import clock
    from motcua.dossiers.api import dossier_answer_consultation

    with clock.at(at(2026, 3, 3, 16, 0)):
        dossier_answer_consultation(dossier_id=d.pk, actor=None, answer="Đồng ý")
    main = d.steps.get(position=2, parent__isnull=True)
    assert main.status == "active"
    d = act(d, u["cv"], "forward", at(2026, 3, 4, 9, 0), to_user=u["ld"].pk)
    assert d.steps.get(kind="approve").assignee == u["ld"]


def test_transfer_to_another_agency_keeps_one_code(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = act(
        d,
        u["cv"],
        "transfer",
        at(2026, 3, 3, 9, 0),
        agency="H11.07",
        budget_hours="16",
        note="Phần việc của Sở Xây dựng",
    )
    transfer = d.steps.get(kind="transfer")
    assert (transfer.agency.code, transfer.status) == ("H11.07", "active")
    assert transfer.due_at == at(2026, 3, 5, 9, 0)
    with pytest.raises(PermissionDenied):
        act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0))
    act(d, u["cv_build"], "take", at(2026, 3, 4, 8, 0))
    d = act(d, u["cv_build"], "forward", at(2026, 3, 4, 9, 0), to_user=u["ld"].pk)
    assert d.steps.get(kind="approve").status == "active"
    d = act(d, u["ld"], "approve", at(2026, 3, 4, 10, 0), result=PDF)
    assert (d.code, d.outcome) == ("H11.01.01-260302-0001", "early")
    assert Dossier.objects.count() == 1


def test_apology_extends_once_and_still_counts_late(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(d, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    d = act(
        d,
        u["ld"],
        "apologize",
        at(2026, 3, 4, 9, 0),
        new_appointment="2026-03-12T16:00:00+07:00",
        reason="Cần xác minh thêm",
    )
    assert d.extended is True
    assert d.original_appointment_at == at(2026, 3, 9, 9, 0)
    assert d.appointment_at == at(2026, 3, 12, 16, 0)
    with pytest.raises(InvalidTransition):
        act(
            d,
            u["ld"],
            "apologize",
            at(2026, 3, 5, 9, 0),
            new_appointment="2026-03-13T16:00:00+07:00",
            reason="again",
        )
    d = act(d, u["ld"], "approve", at(2026, 3, 11, 9, 0), result=PDF)
    assert d.outcome == "late"


def test_apology_too_close_to_the_appointment_is_refused(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(d, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    with pytest.raises(ValidationFailed) as exc:
        act(
            d,
            u["ld"],
            "apologize",
            at(2026, 3, 6, 14, 0),
            new_appointment="2026-03-12T16:00:00+07:00",
            reason="late",
        )
    assert "at least 1 working day" in exc.value.message
    d.refresh_from_db()
    assert d.extended is False


def test_withdrawal(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    d = act(d, u["desk"], "withdraw", at(2026, 3, 3, 9, 0), reason="Công dân xin rút hồ sơ")
    assert d.status == "withdrawn"
    assert not d.steps.filter(status__in=["active", "pending", "waiting"]).exists()
    with pytest.raises(InvalidTransition):
        act(d, u["desk"], "withdraw", at(2026, 3, 3, 10, 0), reason="again")


def test_refusal_at_intake_and_rejection_after_review(world, receive):
    u = world["users"]
    refused = receive(
        at(2026, 3, 2, 9, 0), decision="refuse", checklist=[], note="Không thuộc thẩm quyền"
    )
    assert (refused.status, refused.code) == ("refused", None)
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = act(d, u["cv"], "reject", at(2026, 3, 3, 9, 0), reason="Thể lệ trái quy định")
    assert (d.status, d.result_approved, d.outcome) == ("result_ready", False, "early")
    assert d.steps.get(kind="approve").status == "cancelled"
    assert d.steps.get(kind="return").status == "active"


def test_cancellation_only_by_a_leader(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    with pytest.raises(PermissionDenied):
        act(d, u["desk"], "cancel", at(2026, 3, 2, 10, 0), reason="x")
    with pytest.raises(ValidationFailed):
        act(d, u["ld"], "cancel", at(2026, 3, 2, 10, 0), reason=" ")
    d = act(d, u["ld"], "cancel", at(2026, 3, 2, 10, 0), reason="Trùng hồ sơ")
    assert d.status == "cancelled"


def test_send_back_redoes_the_steps_in_between(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(d, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    d = act(
        d,
        u["ld"],
        "send_back",
        at(2026, 3, 3, 14, 0),
        to_position=2,
        reason="Bổ sung ý kiến thẩm định",
    )
    active = d.steps.get(status="active")
    assert (active.position, active.assignee) == (2, u["cv"])
    d = act(d, u["cv"], "forward", at(2026, 3, 4, 9, 0), to_user=u["ld"].pk)
    assert d.steps.filter(kind="approve", status="active").count() == 1


def test_wrong_person_and_wrong_state_change_nothing(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    events = DossierEvent.objects.count()
    with pytest.raises(PermissionDenied):
        act(d, u["cv_build"], "forward", at(2026, 3, 2, 10, 0))
    with pytest.raises(InvalidTransition):
        act(d, u["desk"], "return_result", at(2026, 3, 2, 10, 0), method="post")
    with pytest.raises(ValidationFailed):
        act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv_build"].pk)
    d.refresh_from_db()
    assert d.status == "received"
    assert DossierEvent.objects.count() == events


def test_applicant_is_validated(world, receive):
    from dataclasses import replace

    bad = replace(PERSON, id_number="999095001234", phone="12345", email="nope")
    with pytest.raises(ValidationFailed) as exc:
        receive(at(2026, 3, 2, 9, 0), applicant=bad)
    assert set(exc.value.field_errors) == {
        "applicant.id_number",
        "applicant.phone",
        "applicant.email",
    }
    assert Dossier.objects.count() == 0


def test_files_are_checked_by_content(world, receive):
    fake = UploadedFile(name="scan.pdf", content=b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed) as exc:
        receive(at(2026, 3, 2, 9, 0), files=[fake])
    assert exc.value.field_errors == {
        "documents[1]": ["The file “scan.pdf” is not a PDF, JPEG or PNG file."]
    }
    good = receive(at(2026, 3, 2, 9, 0), files=[PDF])
    doc = good.documents.get()
    assert (doc.content_type, doc.size, len(doc.sha256)) == (
        "application/pdf",
        len(PDF.content),
        64,
    )
