"""The dossier endpoints of REST API v1, end to end through HTTP, with dates checked against
the real 2026 calendar (5 working days = 40 working hours; office 07:30–11:30, 13:30–17:30)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.data import Role
from motcua.core import clock

from .conftest import PDF_B64, PDF_BYTES, PERSON_JSON, act, at, intake_body

BASE = "/api/v1/dossiers"


def _accept(api: Any, when: Any, **overrides: Any) -> dict[str, Any]:
    response = api("desk").post(BASE, intake_body(**overrides), when=when)
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def _to_approval(api: Any, world: Any, code: str) -> None:
    """Desk → review queue (Mon 10:00) → cv takes it → cv hands it to ld (Tue 10:00)."""
    ld = world["users"]["ld"]
    assert api("desk").act(code, "forward", at(2026, 3, 2, 10, 0)).status_code == 200
    assert api("cv").act(code, "take", at(2026, 3, 2, 10, 0)).status_code == 200
    response = api("cv").act(code, "forward", at(2026, 3, 3, 10, 0), to_user=ld.pk)
    assert response.status_code == 200, response.content


# --- Intake -------------------------------------------------------------------------------


def test_accept_gives_code_receipt_time_and_appointment(world, api):
    body = _accept(api, at(2026, 3, 2, 9, 0))
    assert body["code"] == "H11.01.01-260302-0001"
    assert (body["status"], body["status_label"], body["national_status"]) == (
        "received",
        "Received",
        2,
    )
    assert body["received_at"] == "2026-03-02T09:00:00+07:00"
    # Mon 09:00 + 40 working hours → Mon 9 Mar 09:00.
    assert body["appointment_at"] == "2026-03-09T09:00:00+07:00"
    assert body["original_appointment_at"] == "2026-03-09T09:00:00+07:00"
    assert body["procedure"]["code"] == "2.000004" and body["procedure"]["version"] == 1
    assert body["receiving_agency"] == {
        "code": "H11.01.01",
        "name": "Trung tâm Phục vụ hành chính công tỉnh",
    }
    assert body["deciding_agency"]["code"] == "H11.05"
    assert body["channel"] == "desk"
    assert body["applicant"]["kind"] == "organisation"
    assert body["applicant"]["name"] == "Công ty TNHH Thương mại Mường Thanh"
    assert body["applicant"]["tax_code"] == "0100109106"
    assert body["outcome"] is None and body["finished_at"] is None
    assert body["deadline"]["state"] == "ok"
    assert body["deadline"]["remaining_seconds"] == 40 * 3600
    [step] = body["current_steps"]
    assert (step["position"], step["kind"], step["status"], step["role"]) == (
        1,
        "intake",
        "active",
        "desk_officer",
    )
    assert step["assignee"]["username"] == "desk" and step["parent"] is None
    assert step["due_at"] == "2026-03-02T15:00:00+07:00"
    assert body["available_actions"] == ["forward", "withdraw"]
    assert len(body["reference"]) == 36
    second = _accept(api, at(2026, 3, 2, 10, 0))
    assert second["code"] == "H11.01.01-260302-0002"


def test_intake_with_files_stores_them(world, api):
    files = [{"name": "dang-ky.pdf", "content_base64": PDF_B64, "position": 1}]
    body = _accept(api, at(2026, 3, 2, 9, 0), files=files)
    [doc] = body["documents"]
    assert doc["kind"] == "attachment" and doc["name"] == "dang-ky.pdf"
    assert doc["content_type"] == "application/pdf"
    assert doc["size"] == len(PDF_BYTES)
    assert doc["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert doc["checklist_position"] == 1


def test_request_completion_at_intake_has_no_code_and_no_clock(world, api):
    response = api("desk").post(
        BASE,
        intake_body(
            documents=[],
            decision="request_completion",
            missing=["Bản sao giấy chứng nhận chất lượng hàng hóa"],
        ),
        when=at(2026, 3, 2, 9, 0),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["national_status"]) == ("completion_requested", 5)
    assert body["code"] is None
    assert body["appointment_at"] is None and body["received_at"] is None
    assert body["deadline"] == {"due": None, "state": None, "remaining_seconds": None}
    assert body["missing"] == [
        "Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)",
        "Thể lệ chương trình khuyến mại (Mẫu số 03)",
        "Bản sao giấy chứng nhận chất lượng hàng hóa",
    ]
    assert body["current_steps"] == []
    # Without a code, the dossier is reached as #<id> (URL-encoded).
    detail = api("desk").get(f"{BASE}/%23{body['id']}")
    assert detail.status_code == 200
    assert detail.json()["reference"] == body["reference"]


def test_refusal_at_intake(world, api):
    response = api("desk").post(
        BASE,
        intake_body(documents=[], decision="refuse", note="Không thuộc thẩm quyền"),
        when=at(2026, 3, 2, 9, 0),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["national_status"], body["code"]) == ("refused", 3, None)
    assert body["decision_note"] == "Không thuộc thẩm quyền"
    assert body["finished_at"] is None and body["appointment_at"] is None
    assert body["available_actions"] == []


def test_refusal_needs_a_reason(orm, world, api):
    response = api("desk").post(BASE, intake_body(documents=[], decision="refuse"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["Give the reason for refusing."]}
    assert orm.Dossier.objects.count() == 0


def test_a_system_account_holding_the_desk_role_may_receive(
    world, api, agencies, django_user_model
):
    from motcua.accounts.api import role_grant

    system = django_user_model.objects.create_user(
        username="dvc-sync", password="pw-12345-x", is_system=True
    )
    role_grant(user=system, role=Role.DESK_OFFICER, agency=agencies["center"])
    response = api("dvc-sync").post(BASE, intake_body(channel="online"), when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 201
    assert response.json()["code"] == "H11.01.01-260302-0001"
    assert response.json()["channel"] == "online"


# --- 400 at intake ------------------------------------------------------------------------


def test_bad_id_number_is_a_field_error(orm, world, api):
    applicant = dict(PERSON_JSON, id_number="999095001234")
    response = api("desk").post(BASE, intake_body(applicant=applicant))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "The dossier was not received: check the fields."
    assert body["errors"] == {
        "applicant.id_number": ["The first three digits (999) are not a province code."]
    }
    assert orm.Dossier.objects.count() == 0


def test_several_applicant_errors_at_once(world, api):
    applicant = dict(PERSON_JSON, full_name=" ", phone="12345", email="nope")
    response = api("desk").post(BASE, intake_body(applicant=applicant))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "applicant.full_name",
        "applicant.phone",
        "applicant.email",
    }


def test_applicant_shape_errors_name_the_field(world, api):
    applicant = dict(PERSON_JSON, date_of_birth="17/05/1995", commune_code="x")
    response = api("desk").post(BASE, intake_body(applicant=applicant))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"applicant.date_of_birth", "applicant.commune_code"}
    unknown = api("desk").post(BASE, intake_body(applicant={"kind": "alien"}))
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"applicant"}


def test_a_commune_outside_the_province_is_refused(orm, world, api):
    applicant = dict(PERSON_JSON, commune_code=70)  # Phường Hoàn Kiếm, Hà Nội
    response = api("desk").post(BASE, intake_body(applicant=applicant))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"applicant.commune_code"}
    assert orm.Dossier.objects.count() == 0


def test_unknown_procedure(world, api):
    response = api("desk").post(BASE, intake_body(procedure="9.999999"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"procedure": ["No published procedure has this code."]}


def test_messages_follow_accept_language(world, api):
    response = api("desk", language=None).post(BASE, intake_body(procedure="9.999999"))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "procedure": ["Không có thủ tục đã công bố nào có mã này."]
    }
    assert response["Content-Language"] == "vi"


def test_missing_decision_and_bad_enums(world, api):
    body = intake_body(channel="fax")
    del body["decision"]
    response = api("desk").post(BASE, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"decision", "channel"}
    assert errors["decision"] == ["Field required"]


def test_missing_mandatory_documents_refuse_acceptance(orm, world, api):
    response = api("desk").post(BASE, intake_body(documents=[{"position": 1}]))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "documents": ["Missing: Thể lệ chương trình khuyến mại (Mẫu số 03)"]
    }
    twice = api("desk").post(BASE, intake_body(documents=[{"position": 1}, {"position": 1}]))
    assert twice.status_code == 400
    assert set(twice.json()["errors"]) == {"documents"}
    assert orm.Dossier.objects.count() == 0


def test_bad_base64_is_an_error_on_that_file(orm, world, api):
    files = [
        {"name": "a.pdf", "content_base64": PDF_B64},
        {"name": "b.pdf", "content_base64": "%%% not base64 %%%"},
    ]
    response = api("desk").post(BASE, intake_body(files=files))
    assert response.status_code == 400
    assert response.json()["detail"] == "The dossier was not received: check the fields."
    assert response.json()["errors"] == {"files.1.content_base64": ["This is not valid base64."]}
    assert orm.Dossier.objects.count() == 0


def test_file_content_is_checked_not_its_name(orm, world, api):
    fake = base64.b64encode(b"MZ\x90\x00 not a pdf").decode()
    files = [
        {"name": "ok.pdf", "content_base64": PDF_B64},
        {"name": "scan.pdf", "content_base64": fake},
    ]
    response = api("desk").post(BASE, intake_body(files=files))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "files.1": ["The file “scan.pdf” is not a PDF, JPEG or PNG file."]
    }
    assert orm.Dossier.objects.count() == 0


def test_body_that_is_not_json(world, api):
    response = api("desk").post(BASE, raw="{not json")
    assert response.status_code == 400


# --- 403 / 401 ----------------------------------------------------------------------------


def test_specialist_may_not_receive(orm, world, api):
    response = api("cv").post(BASE, intake_body(), when=at(2026, 3, 2, 9, 0))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only desk officers receive dossiers.",
        "code": "forbidden",
        "errors": {},
    }
    assert orm.Dossier.objects.count() == 0


def test_desk_officer_of_another_desk_is_refused(orm, world, api):
    response = api("desk").post(BASE, intake_body(receiving_agency="H11.05"))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert orm.Dossier.objects.count() == 0


def test_officer_of_another_agency_may_not_act(orm, world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    assert api("desk").act(d.code, "forward", at(2026, 3, 2, 10, 0)).status_code == 200
    events = orm.DossierEvent.objects.count()
    # The review step waits in the queue of the specialists of H11.05; the desk (H11.01.01)
    # sees the dossier but may not take it.
    response = api("desk").act(d.code, "take", at(2026, 3, 2, 11, 0))
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not do this on this dossier now."
    # The leader of H11.05 may not forward a step that is not his.
    assert api("ld").act(d.code, "forward", at(2026, 3, 2, 11, 0)).status_code == 403
    assert orm.DossierEvent.objects.count() == events
    review = d.steps.get(position=2)
    assert (review.status, review.assignee) == ("active", None)


def test_anonymous_callers_get_401(world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    anonymous = api(None)
    assert anonymous.get(BASE).status_code == 401
    assert anonymous.post(BASE, intake_body()).status_code == 401
    assert anonymous.get(f"{BASE}/{d.code}").status_code == 401
    assert anonymous.get(f"{BASE}/{d.code}/events").status_code == 401
    assert anonymous.act(d.code, "forward", at(2026, 3, 2, 10, 0)).status_code == 401
    d.refresh_from_db()
    assert d.status == "received"


def test_session_authentication_works_too(world, client, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    client.force_login(world["users"]["desk"])
    response = client.get(f"{BASE}/{d.code}")
    assert response.status_code == 200
    assert response.json()["code"] == "H11.01.01-260302-0001"


# --- 404 / 409 ----------------------------------------------------------------------------


def test_invisible_dossier_is_404(world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    outsider = api("cv_build")  # Sở Xây dựng: neither receives nor decides it
    for response in (
        outsider.get(f"{BASE}/{d.code}"),
        outsider.get(f"{BASE}/{d.code}/events"),
        outsider.act(d.code, "withdraw", at(2026, 3, 2, 10, 0), reason="x"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api("desk").get(f"{BASE}/H11.01.01-260302-9999").status_code == 404
    d.refresh_from_db()
    assert d.status == "received"


def test_unknown_action_is_404(world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    response = api("desk").act(d.code, "fly", at(2026, 3, 2, 10, 0))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"
    assert response.json()["detail"] == "Unknown action “fly”."


def test_return_result_while_processing_is_409(orm, world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    api("desk").act(d.code, "forward", at(2026, 3, 2, 10, 0))
    events = orm.DossierEvent.objects.count()
    response = api("desk").act(d.code, "return_result", at(2026, 3, 2, 11, 0), method="post")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "“return_result” is not possible while the dossier is “Being processed”.",
        "code": "invalid_transition",
        "errors": {},
    }
    assert orm.DossierEvent.objects.count() == events
    d.refresh_from_db()
    assert (d.status, d.returned_at) == ("processing", None)


def test_forward_while_consultations_are_open_is_409(world, api, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    response = api("cv").act(
        d.code,
        "consult",
        at(2026, 3, 3, 9, 0),
        agencies=["H11.07"],
        question="Ý kiến về địa điểm",
        budget_hours=8,
    )
    assert response.status_code == 200
    body = response.json()
    main, consultation = body["current_steps"]
    assert (main["status"], consultation["parent"]) == ("waiting", main["id"])
    assert consultation["agency"]["code"] == "H11.07"
    assert consultation["due_at"] == "2026-03-04T09:00:00+07:00"
    blocked = api("cv").act(d.code, "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "not_now"
    # The consulted agency now sees the dossier and may answer.
    answer = api("cv_build").get(f"{BASE}/{d.code}").json()["available_actions"]
    assert answer == ["answer_consultation"]
    done = api("cv_build").act(
        d.code, "answer_consultation", at(2026, 3, 3, 15, 0), answer="Đồng ý"
    )
    assert done.status_code == 200
    assert [s["status"] for s in done.json()["current_steps"]] == ["active"]


# --- Action field errors ------------------------------------------------------------------


def test_action_field_errors(world, api, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    desk = api("desk")
    when = at(2026, 3, 2, 10, 0)
    # to_user must hold the next step's role there.
    response = desk.act(d.code, "forward", when, to_user=u["cv_build"].pk)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "to_user": ["This person does not hold the step's role in Sở Công Thương."]
    }
    response = desk.act(d.code, "forward", when, to_user="abc")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"to_user"}
    response = desk.act(d.code, "forward", when, to_usr=u["cv"].pk)  # a typo is refused
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"to_usr"}
    response = desk.act(d.code, "withdraw", when)
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Write the applicant's request."]}
    d.refresh_from_db()
    assert d.status == "received"


def test_result_file_errors(world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(api, world, d.code)
    ld = api("ld")
    when = at(2026, 3, 4, 9, 0)
    response = ld.act(d.code, "approve", when, result={"name": "kq.pdf", "content_base64": "@@"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"result.content_base64": ["This is not valid base64."]}
    exe = base64.b64encode(b"MZ\x90\x00 binary").decode()
    response = ld.act(d.code, "approve", when, result={"name": "kq.pdf", "content_base64": exe})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "result": ["The file “kq.pdf” is not a PDF, JPEG or PNG file."]
    }
    response = ld.act(d.code, "approve", when)
    assert response.status_code == 400
    assert response.json()["errors"] == {"result": ["Attach the result document."]}
    d.refresh_from_db()
    assert (d.status, d.documents.count()) == ("processing", 0)


# --- The whole path -----------------------------------------------------------------------


def test_happy_path_through_the_api(world, api):
    u = world["users"]
    body = _accept(api, at(2026, 3, 2, 9, 0))
    code = body["code"]
    desk, cv, ld = api("desk"), api("cv"), api("ld")

    r = desk.act(code, "forward", at(2026, 3, 2, 10, 0), note="Chuyển thẩm định")
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["national_status"]) == ("processing", 4)
    [review] = body["current_steps"]
    assert (review["kind"], review["assignee"], review["agency"]["code"]) == (
        "review",
        None,
        "H11.05",
    )
    assert review["started_at"] == "2026-03-02T10:00:00+07:00"
    assert body["available_actions"] == ["withdraw"]  # the desk can no longer move it
    # The step waits in the queue of H11.05's specialists: any of them may take it or work it.
    assert cv.get(f"{BASE}/{code}").json()["available_actions"] == [
        "take",
        "forward",
        "send_back",
        "consult",
        "transfer",
        "request_supplement",
        "complete",
        "reject",
    ]

    body = cv.act(code, "take", at(2026, 3, 2, 10, 0)).json()
    assert body["current_steps"][0]["assignee"] == {
        "id": u["cv"].pk,
        "username": "cv",
        "full_name": "CV",
    }
    r = cv.act(code, "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    assert r.status_code == 200
    [approve] = r.json()["current_steps"]
    assert (approve["kind"], approve["assignee"]["username"]) == ("approve", "ld")
    assert approve["due_at"] == "2026-03-03T16:00:00+07:00"  # Tue 10:00 + 4 working hours

    r = ld.act(
        code,
        "approve",
        at(2026, 3, 4, 9, 0),
        note="Đồng ý",
        result={"name": "ket-qua.pdf", "content_base64": PDF_B64},
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["national_status"], body["outcome"]) == (
        "result_ready",
        9,
        "early",
    )
    assert body["result_approved"] is True
    assert body["finished_at"] == "2026-03-04T09:00:00+07:00"
    [result] = body["documents"]
    assert (result["kind"], result["name"], result["content_type"]) == (
        "result",
        "ket-qua.pdf",
        "application/pdf",
    )
    assert result["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert body["available_actions"] == []  # the leader's part is over
    assert desk.get(f"{BASE}/{code}").json()["available_actions"] == ["return_result"]

    r = desk.act(
        code,
        "return_result",
        at(2026, 3, 5, 8, 0),
        method="desk",
        receiver_name="Quàng Văn Đức",
        receiver_id_number="011080000123",
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["status_label"], body["national_status"]) == (
        "returned",
        "Result returned",
        10,
    )
    assert body["outcome"] == "early"
    assert body["returned_at"] == "2026-03-05T08:00:00+07:00"
    assert body["appointment_at"] == "2026-03-09T09:00:00+07:00"
    assert body["deadline"] == {
        "due": "2026-03-09T09:00:00+07:00",
        "state": "done",
        "remaining_seconds": None,
    }
    assert body["current_steps"] == [] and body["available_actions"] == []
    assert (body["extended"], body["supplement_count"], body["paused_seconds"]) == (False, 0, 0)

    # The timeline, oldest first.
    events = desk.get(f"{BASE}/{code}/events").json()["items"]
    assert [
        (e["action"], e["from_status"], e["to_status"], e["deadline_status"]) for e in events
    ] == [
        ("accept", None, "received", None),
        ("forward", "received", "processing", "on_time"),
        ("take", "processing", "processing", None),
        ("forward", "processing", "processing", "early"),
        ("approve", "processing", "result_ready", "late"),
        # The return carries the dossier's outcome (DESIGN §6), not the return step's own.
        ("return_result", "result_ready", "returned", body["outcome"]),
    ]
    assert body["outcome"] == "early"
    first, forward = events[0], events[1]
    assert first["at"] == "2026-03-02T09:00:00+07:00"
    assert first["actor"] == {"id": u["desk"].pk, "username": "desk", "full_name": "DESK"}
    assert first["to_agency"]["code"] == "H11.01.01" and first["step"] is None
    assert (forward["from_agency"]["code"], forward["to_agency"]["code"]) == (
        "H11.01.01",
        "H11.05",
    )
    assert forward["step"]["kind"] == "intake"
    assert forward["note"] == "Chuyển thẩm định"
    assert forward["data"] == {"to_step": "Thẩm định"}
    assert events[3]["to_user"]["username"] == "ld"
    assert events[5]["data"] == {"method": "desk", "receiver": "Quàng Văn Đức 011080000123"}


def test_supplement_pauses_the_clock(world, api, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    r = api("cv").act(
        d.code,
        "request_supplement",
        at(2026, 3, 3, 10, 0),
        items=["Mẫu bằng chứng trúng thưởng"],
        reason="Thiếu mẫu",
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["national_status"], body["supplement_count"]) == (
        "supplement_requested",
        5,
        1,
    )
    assert body["missing"] == ["Mẫu bằng chứng trúng thưởng"]
    with clock.at(at(2026, 3, 10, 9, 0)):
        paused = api("desk").get(f"{BASE}/{d.code}").json()
    assert paused["deadline"]["state"] == "paused"
    r = api("desk").act(
        d.code,
        "receive_supplement",
        at(2026, 3, 16, 10, 0),
        file={"name": "mau.pdf", "content_base64": PDF_B64},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "processing"
    assert body["paused_seconds"] == 72 * 3600
    assert body["appointment_at"] == "2026-03-23T10:00:00+07:00"
    assert [doc["kind"] for doc in body["documents"]] == ["supplement"]


def test_apology_sets_a_new_appointment(world, api, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    _to_approval(api, world, d.code)
    r = api("ld").act(
        d.code,
        "apologize",
        at(2026, 3, 4, 9, 0),
        new_appointment="2026-03-12T16:00:00+07:00",
        reason="Cần xác minh thêm",
    )
    assert r.status_code == 200
    body = r.json()
    assert body["extended"] is True
    assert body["original_appointment_at"] == "2026-03-09T09:00:00+07:00"
    assert body["appointment_at"] == "2026-03-12T16:00:00+07:00"
    again = api("ld").act(
        d.code,
        "apologize",
        at(2026, 3, 5, 9, 0),
        new_appointment="2026-03-13T16:00:00+07:00",
        reason="again",
    )
    assert again.status_code == 409


# --- Search -------------------------------------------------------------------------------


@pytest.fixture
def three(world, receive):
    """Two accepted dossiers (the second forwarded to the review step) and one refused."""
    u = world["users"]
    first = receive(at(2026, 3, 2, 9, 0))
    second = receive(at(2026, 3, 3, 9, 0))
    act(second, u["desk"], "forward", at(2026, 3, 3, 10, 0))
    refused = receive(
        at(2026, 3, 4, 9, 0),
        decision="refuse",
        checklist=[],
        note="Không thuộc thẩm quyền",
    )
    return first, second, refused


def _codes(response: Any) -> list[Any]:
    assert response.status_code == 200, response.content
    return [i["code"] for i in response.json()["items"]]


def test_list_shows_what_the_caller_may_see(world, api, three):
    first, second, refused = three
    body = api("desk").get(BASE).json()
    assert body["count"] == 3
    assert {i["id"] for i in body["items"]} == {first.pk, second.pk, refused.pk}
    # Newest received first. (Where the never-received refused dossier goes depends on the
    # database's NULL ordering: see dossier_search.)
    received = [i for i in body["items"] if i["received_at"]]
    assert [i["id"] for i in received] == [second.pk, first.pk]
    item = received[0]
    assert item["code"] == "H11.01.01-260303-0001"
    assert (item["status"], item["national_status"], item["status_label"]) == (
        "processing",
        4,
        "Being processed",
    )
    assert item["applicant_name"] == "Công ty TNHH Thương mại Mường Thanh"
    assert item["appointment_at"] == "2026-03-10T09:00:00+07:00"
    assert item["procedure"]["code"] == "2.000004"
    assert api("ld").get(BASE).json()["count"] == 3  # the deciding agency
    assert api("cv_build").get(BASE).json() == {"items": [], "count": 0}


def test_list_filters(world, api, three):
    first, second, refused = three
    desk = api("desk")
    assert _codes(desk.get(BASE, {"status": "received"})) == [first.code]
    assert _codes(desk.get(BASE, {"status": "refused"})) == [None]
    assert set(_codes(desk.get(BASE, {"status": ""}))) == {second.code, first.code, None}
    assert _codes(desk.get(BASE, {"q": "260303"})) == [second.code]
    assert _codes(desk.get(BASE, {"q": "muong thanh", "status": "processing"})) == [second.code]
    assert _codes(desk.get(BASE, {"q": "H11.01.01-2603"})) == [second.code, first.code]
    page = desk.get(BASE, {"q": "H11.01.01-2603", "limit": 1, "offset": 1})
    assert _codes(page) == [first.code] and page.json()["count"] == 2
    assert desk.get(BASE, {"limit": 1}).json()["count"] == 3
    with clock.at(at(2026, 3, 9, 10, 0)):  # first is due Mon 9 Mar 09:00, second Tue 10
        assert _codes(desk.get(BASE, {"overdue": "true"})) == [first.code]
        assert set(_codes(desk.get(BASE, {"overdue": "false"}))) == {second.code, None}


def test_list_refuses_bad_filters(world, api):
    response = api("desk").get(BASE, {"status": "lost", "limit": 0, "overdue": "maybe"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "limit", "overdue"}


def test_list_query_count_does_not_grow_with_the_page(world, api, receive):
    receive(at(2026, 3, 2, 9, 0))
    desk = api("desk")
    desk.get(BASE)  # the token's last use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert desk.get(BASE).json()["count"] == 1
    for hour in (10, 11, 14, 15):
        receive(at(2026, 3, 2, hour, 0))
    with CaptureQueriesContext(connection) as five:
        assert desk.get(BASE).json()["count"] == 5
    assert len(five) == len(one)


# --- OpenAPI ------------------------------------------------------------------------------


def _ref(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return _ref(schema["allOf"][0])


def test_openapi_documents_every_dossier_operation(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    intake = paths["/api/v1/dossiers"]["post"]
    listing = paths["/api/v1/dossiers"]["get"]
    detail = paths["/api/v1/dossiers/{code}"]["get"]
    events = paths["/api/v1/dossiers/{code}/events"]["get"]
    action = paths["/api/v1/dossiers/{code}/actions/{action}"]["post"]

    def body(op: dict[str, Any]) -> str:
        return _ref(op["requestBody"]["content"]["application/json"]["schema"])

    def out(op: dict[str, Any], status: str) -> str:
        response = op["responses"][status]
        if "$ref" in response:  # a shared error response (rest/openapi.py)
            response = doc["components"]["responses"][_ref(response)]
        return _ref(response["content"]["application/json"]["schema"])

    assert body(intake) == "DossierIntakeIn"
    assert out(intake, "201") == "DossierDetailOut"
    assert {out(intake, s) for s in ("400", "403")} == {"ErrorOut"}
    assert out(listing, "200") == "DossierListOut"
    assert {p["name"] for p in listing["parameters"]} == {
        "q",
        "status",
        "overdue",
        "limit",
        "offset",
    }
    assert out(detail, "200") == "DossierDetailOut" and out(detail, "404") == "ErrorOut"
    assert out(events, "200") == "EventListOut"
    assert body(action) == "ActionIn"
    assert out(action, "200") == "DossierDetailOut"
    assert {out(action, s) for s in ("400", "403", "404", "409")} == {"ErrorOut"}
    for op in (intake, listing, detail, events, action):
        assert op["security"], op["operationId"]

    schemas = doc["components"]["schemas"]
    assert set(schemas["DossierDetailOut"]["properties"]) >= {
        "code",
        "status",
        "status_label",
        "national_status",
        "procedure",
        "receiving_agency",
        "deciding_agency",
        "channel",
        "applicant",
        "received_at",
        "appointment_at",
        "original_appointment_at",
        "extended",
        "supplement_count",
        "paused_seconds",
        "finished_at",
        "returned_at",
        "outcome",
        "deadline",
        "current_steps",
        "available_actions",
        "documents",
        "reference",
    }
    applicant = schemas["DossierIntakeIn"]["properties"]["applicant"]
    assert applicant["discriminator"]["propertyName"] == "kind"
    assert set(applicant["discriminator"]["mapping"]) == {"person", "organisation"}
    assert set(schemas["DossierIntakeIn"]["required"]) == {
        "procedure",
        "channel",
        "applicant",
        "decision",
    }
    assert set(schemas["EventOut"]["properties"]) >= {
        "at",
        "action",
        "actor",
        "from_status",
        "to_status",
        "step",
        "from_agency",
        "to_agency",
        "to_user",
        "deadline_status",
        "note",
        "data",
    }
    assert set(schemas["DossierStepOut"]["properties"]) >= {
        "id",
        "position",
        "kind",
        "title",
        "role",
        "agency",
        "assignee",
        "status",
        "started_at",
        "due_at",
        "parent",
    }
