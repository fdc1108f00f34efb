"""Each action form calls the dossiers service; bad input comes back as errors on the form
(with the service's status code) and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.api import dossier_submit_online

from .conftest import ORG, PDF, PDF_BYTES, act, at, at_time

MON_10 = at(2026, 3, 2, 10, 0)
TUE_10 = at(2026, 3, 3, 10, 0)


def _post(client, d, action, data=None, when=MON_10):
    ref = d.code or f"%23{d.pk}"
    with at_time(when):
        return client.post(f"/desk/ho-so/{ref}/thao-tac/{action}/", data or {})


def _events(orm, d):
    return list(orm.DossierEvent.objects.filter(dossier=d).values_list("action", flat=True))


def _pdf(name="ket-qua.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def d(receive):
    return receive(at(2026, 3, 2, 9, 0))


@pytest.fixture
def at_review(d, users):
    """The dossier at the specialist's review step, assigned to cv."""
    act(d, users["desk"], "forward", MON_10, to_user=users["cv"].pk)
    return d


@pytest.fixture
def at_approval(at_review, users):
    act(at_review, users["cv"], "forward", TUE_10, to_user=users["ld"].pk)
    return at_review


# --------------------------------------------------------------------------- forward / take


def test_forward_to_the_specialist_redirects_to_the_dossier(as_user, d, users):
    client = as_user("desk")
    response = _post(
        client, d, "forward", {"forward-to_user": users["cv"].pk, "forward-note": "Đủ"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/ho-so/{d.code}/"
    review = d.steps.get(kind="review")
    assert (review.status, review.assignee) == ("active", users["cv"])
    page = client.get(response["Location"])
    assert "Đã chuyển hồ sơ." in page.content.decode()  # the message after the redirect


def test_forward_to_a_wrong_person_shows_the_error_beside_the_field(orm, as_user, d, users):
    response = _post(as_user("desk"), d, "forward", {"forward-to_user": users["cv_build"].pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Người này không giữ vai trò của bước tại Sở Công Thương." in html
    assert 'id="id_forward-to_user-error"' in html
    assert 'href="#id_forward-to_user"' in html
    assert "Chưa thực hiện được “Chuyển bước tiếp theo”" in html
    assert 'id="action-forward"' in html and "<details open>" in html
    assert _events(orm, d) == ["accept"]
    assert d.steps.get(kind="intake").status == "active"


def test_forward_to_the_queue_then_take(as_user, d, users):
    assert _post(as_user("desk"), d, "forward", {"forward-to_user": ""}).status_code == 302
    assert d.steps.get(kind="review").assignee is None
    client = as_user("cv")
    with at_time(MON_10):
        html = client.get(f"/desk/ho-so/{d.code}/").content.decode()
    assert 'id="action-take"' in html
    response = _post(client, d, "take")
    assert response.status_code == 302
    assert d.steps.get(kind="review").assignee == users["cv"]


def test_an_action_not_open_to_the_user_is_403_and_changes_nothing(orm, as_user, at_review):
    response = _post(as_user("ld"), at_review, "approve", {"approve-result": _pdf()})
    assert response.status_code == 403
    assert "Bạn không được thực hiện thao tác này với hồ sơ lúc này." in response.content.decode()
    assert orm.Dossier.objects.get().status == "processing"


def test_an_action_in_the_wrong_status_is_409(orm, as_user, d):
    response = _post(as_user("desk"), d, "approve", {"approve-result": _pdf()})
    assert response.status_code == 409
    assert _events(orm, d) == ["accept"]


# --------------------------------------------------------------------------- review step


def test_send_back_needs_a_reason_then_works(orm, as_user, at_review):
    client = as_user("cv")
    bad = _post(client, at_review, "send_back", {"send_back-to_position": "1"})
    assert bad.status_code == 400
    assert 'id="id_send_back-reason-error"' in bad.content.decode()
    ok = _post(
        client,
        at_review,
        "send_back",
        {"send_back-to_position": "1", "send_back-reason": "Thiếu chữ ký"},
    )
    assert ok.status_code == 302
    assert _events(orm, at_review)[-1] == "send_back"


def test_consult_several_agencies(as_user, at_review):
    client = as_user("cv")
    bad = _post(
        client,
        at_review,
        "consult",
        {
            "consult-agencies": ["H11.07"],
            "consult-question": "Ý kiến?",
            "consult-budget_hours": "abc",
        },
    )
    assert bad.status_code == 400
    assert 'id="id_consult-budget_hours-error"' in bad.content.decode()
    ok = _post(
        client,
        at_review,
        "consult",
        {
            "consult-agencies": ["H11.07", "H11.01"],
            "consult-question": "Ý kiến về địa điểm",
            "consult-budget_hours": "4,5",
        },
    )
    assert ok.status_code == 302
    consultations = at_review.steps.filter(kind="consult")
    assert sorted(c.agency.code for c in consultations) == ["H11.01", "H11.07"]
    assert {str(c.budget_hours) for c in consultations} == {"4.50"}


def test_consult_without_agencies_is_refused(as_user, at_review):
    response = _post(
        as_user("cv"),
        at_review,
        "consult",
        {"consult-question": "Ý kiến?", "consult-budget_hours": "8"},
    )
    assert response.status_code == 400
    assert 'id="id_consult-agencies-error"' in response.content.decode()
    assert not at_review.steps.filter(kind="consult").exists()


def test_answer_consultation(orm, as_user, at_review, users):
    act(
        at_review,
        users["cv"],
        "consult",
        TUE_10,
        agencies=["H11.07"],
        question="Ý kiến?",
        budget_hours="8",
    )
    client = as_user("cv_build")
    bad = _post(client, at_review, "answer_consultation", {}, when=at(2026, 3, 3, 11, 0))
    assert bad.status_code == 400
    ok = _post(
        client,
        at_review,
        "answer_consultation",
        {"answer_consultation-answer": "Đồng ý"},
        when=at(2026, 3, 3, 11, 0),
    )
    assert ok.status_code == 302
    assert _events(orm, at_review)[-1] == "answer_consultation"


def test_transfer_to_another_agency(as_user, at_review):
    response = _post(
        as_user("cv"),
        at_review,
        "transfer",
        {
            "transfer-agency": "H11.07",
            "transfer-budget_hours": "16",
            "transfer-note": "Phần việc của Sở Xây dựng",
        },
        when=TUE_10,
    )
    assert response.status_code == 302
    assert at_review.steps.get(kind="transfer").agency.code == "H11.07"


def test_transfer_without_agency_is_an_error(as_user, at_review):
    response = _post(as_user("cv"), at_review, "transfer", {"transfer-budget_hours": "16"})
    assert response.status_code == 400
    assert 'id="id_transfer-agency-error"' in response.content.decode()


def test_request_and_receive_supplements(orm, as_user, at_review):
    client = as_user("cv")
    bad = _post(client, at_review, "request_supplement", {"request_supplement-reason": "Thiếu"})
    assert bad.status_code == 400
    assert 'id="id_request_supplement-items-error"' in bad.content.decode()
    ok = _post(
        client,
        at_review,
        "request_supplement",
        {
            "request_supplement-items": "Mẫu bằng chứng trúng thưởng\n\nDanh sách giải",
            "request_supplement-reason": "Thiếu mẫu",
        },
        when=TUE_10,
    )
    assert ok.status_code == 302
    d = orm.Dossier.objects.get()
    assert (d.status, d.missing) == (
        "supplement_requested",
        ["Mẫu bằng chứng trúng thưởng", "Danh sách giải"],
    )
    with at_time(at(2026, 3, 4, 9, 0)):
        html = as_user("desk").get(f"/desk/ho-so/{d.code}/").content.decode()
    assert "Tạm dừng tính thời gian" in html
    received = _post(
        as_user("desk"),
        d,
        "receive_supplement",
        {"receive_supplement-file": _pdf("bo-sung.pdf")},
        when=at(2026, 3, 4, 9, 0),
    )
    assert received.status_code == 302
    d.refresh_from_db()
    assert d.status == "processing"
    assert d.documents.get(kind="supplement").name == "bo-sung.pdf"


def test_receive_supplement_refuses_a_bad_file(orm, as_user, at_review, users):
    act(at_review, users["cv"], "request_supplement", TUE_10, items=["x"], reason="y")
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = _post(
        as_user("desk"),
        at_review,
        "receive_supplement",
        {"receive_supplement-file": bad},
        when=at(2026, 3, 4, 9, 0),
    )
    assert response.status_code == 400
    assert 'id="id_receive_supplement-file-error"' in response.content.decode()
    assert orm.Dossier.objects.get().status == "supplement_requested"


def test_complete_with_a_result_file(orm, as_user, at_review):
    client = as_user("cv")
    missing = _post(client, at_review, "complete", {"complete-note": "Xong"}, when=TUE_10)
    assert missing.status_code == 400
    assert 'id="id_complete-result-error"' in missing.content.decode()
    ok = _post(client, at_review, "complete", {"complete-result": _pdf()}, when=TUE_10)
    assert ok.status_code == 302
    assert orm.Dossier.objects.get().status == "result_ready"


# --------------------------------------------------------------------------- leader


def test_approve_needs_the_result_then_ends_processing(orm, as_user, at_approval):
    client = as_user("ld")
    missing = _post(client, at_approval, "approve", {}, when=at(2026, 3, 4, 9, 0))
    assert missing.status_code == 400
    assert 'id="id_approve-result-error"' in missing.content.decode()
    ok = _post(
        client, at_approval, "approve", {"approve-result": _pdf()}, when=at(2026, 3, 4, 9, 0)
    )
    assert ok.status_code == 302
    d = orm.Dossier.objects.get()
    assert d.status == "result_ready"
    assert d.documents.get(kind="result").name == "ket-qua.pdf"


def test_reject_with_reason(orm, as_user, at_approval):
    client = as_user("ld")
    assert _post(client, at_approval, "reject", {}).status_code == 400
    ok = _post(client, at_approval, "reject", {"reject-reason": "Không đủ điều kiện"})
    assert ok.status_code == 302
    d = orm.Dossier.objects.get()
    assert (d.status, d.result_approved, d.decision_note) == (
        "result_ready",
        False,
        "Không đủ điều kiện",
    )


def test_apologize_with_a_new_date_and_time(orm, as_user, at_approval):
    client = as_user("ld")
    bad = _post(
        client,
        at_approval,
        "apologize",
        {"apologize-new_date": "32/03/2026", "apologize-reason": "Cần xác minh"},
        when=at(2026, 3, 4, 9, 0),
    )
    assert bad.status_code == 400
    assert 'id="id_apologize-new_date-error"' in bad.content.decode()
    too_early = _post(
        client,
        at_approval,
        "apologize",
        {
            "apologize-new_date": "05/03/2026",
            "apologize-new_time": "16:00",
            "apologize-reason": "Cần xác minh",
        },
        when=at(2026, 3, 4, 9, 0),
    )
    assert too_early.status_code == 400  # before the current appointment (service rule)
    html = too_early.content.decode()
    assert 'id="id_apologize-new_date-error"' in html
    assert html.count("Ngày hẹn mới phải sau ngày hẹn hiện tại.") == 2  # summary + field
    ok = _post(
        client,
        at_approval,
        "apologize",
        {
            "apologize-new_date": "12/03/2026",
            "apologize-new_time": "16:00",
            "apologize-reason": "Cần xác minh",
        },
        when=at(2026, 3, 4, 9, 0),
    )
    assert ok.status_code == 302
    d = orm.Dossier.objects.get()
    assert d.extended is True
    assert d.appointment_at == at(2026, 3, 12, 16, 0)


def test_cancel_by_the_leader(orm, as_user, at_review):
    client = as_user("ld")
    assert _post(client, at_review, "cancel", {}).status_code == 400
    assert _post(client, at_review, "cancel", {"cancel-reason": "Sai thủ tục"}).status_code == 302
    assert orm.Dossier.objects.get().status == "cancelled"


# --------------------------------------------------------------------------- desk


def test_withdraw_at_the_applicants_request(orm, as_user, d):
    response = _post(as_user("desk"), d, "withdraw", {"withdraw-reason": "Đơn xin rút"})
    assert response.status_code == 302
    assert orm.Dossier.objects.get().status == "withdrawn"


def test_return_result_needs_the_receiver_then_returns(orm, as_user, at_approval, users):
    act(at_approval, users["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    client = as_user("desk")
    bad = _post(
        client,
        at_approval,
        "return_result",
        {"return_result-method": "desk", "return_result-receiver_name": "Quàng Văn Đức"},
        when=at(2026, 3, 5, 8, 0),
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'id="id_return_result-receiver_id_number-error"' in html
    assert 'value="Quàng Văn Đức"' in html  # kept
    ok = _post(
        client,
        at_approval,
        "return_result",
        {
            "return_result-method": "desk",
            "return_result-receiver_name": "Quàng Văn Đức",
            "return_result-receiver_id_number": "011080000123",
        },
        when=at(2026, 3, 5, 8, 0),
    )
    assert ok.status_code == 302
    d = orm.Dossier.objects.get()
    assert (d.status, d.returned_to) == ("returned", "Quàng Văn Đức 011080000123")
    with at_time(at(2026, 3, 5, 8, 5)):
        page = client.get(f"/desk/ho-so/{d.code}/").content.decode()
    assert "Đã trả kết quả" in page


def test_online_submission_accept(as_user, world):
    with at_time(at(2026, 3, 2, 9, 0)):
        d = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    response = _post(as_user("desk"), d, "accept")
    d.refresh_from_db()
    assert (d.status, d.received_at) == ("received", at(2026, 3, 2, 9, 0))
    assert response["Location"] == f"/desk/ho-so/{d.code}/"


def test_online_submission_request_completion_and_refuse(as_user, world):
    with at_time(at(2026, 3, 2, 9, 0)):
        d = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    client = as_user("desk")
    bad = _post(client, d, "request_completion", {})
    assert bad.status_code == 400
    assert 'id="id_request_completion-missing-error"' in bad.content.decode()
    ok = _post(
        client,
        d,
        "request_completion",
        {"request_completion-missing": "Thể lệ chương trình\nMẫu giải thưởng"},
    )
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.missing == ["Thể lệ chương trình", "Mẫu giải thưởng"]
    no_reason = _post(client, d, "refuse", {})
    assert no_reason.status_code == 400
    assert 'id="id_refuse-reason-error"' in no_reason.content.decode()
    assert _post(client, d, "refuse", {"refuse-reason": "Trùng hồ sơ"}).status_code == 302
    d.refresh_from_db()
    assert d.status == "refused"
