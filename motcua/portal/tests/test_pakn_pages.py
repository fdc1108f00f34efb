"""The portal's feedback pages (phản ánh, kiến nghị; issue 14): sending (anonymous, signed in,
bad input), the "sent" page, following by code + PIN (rate-limited; reply; satisfaction), the
published answers (search without accents, filters, no personal data) and the block on the
procedure page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import pdf_bytes
from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    OFFICERS,
    PERSON,
    at,
    build_world,
    receive,
)
from motcua.pakn.api import (
    SenderIn,
    feedback_act,
    feedback_for_sender,
    feedback_submit,
)
from motcua.portal.procedure_blocks import procedure_blocks_render_list
from motcua.portal.views_pakn import FeedbackSendForm

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)
SEND = "/phan-anh-kien-nghi/gui/"
FOLLOW = "/phan-anh-kien-nghi/tra-cuu/"


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    return build_world(
        agencies, django_user_model, [*OFFICERS, ("pakn", Role.FEEDBACK_OFFICER, "center")]
    )


def _count(orm: Any) -> int:
    return int(orm.Feedback.objects.count())


def _form(**over: Any) -> dict[str, Any]:
    data = {
        "about": "procedure",
        "procedure": "2.000004",
        "full_name": "Lò Văn Minh",
        "phone": "0912345678",
        "email": "minh@example.vn",
        "address": "Tổ 5, phường Điện Biên Phủ",
        "title": "Thời gian giải quyết thủ tục khuyến mại quá dài",
        "content": "Đề nghị rút ngắn thời gian giải quyết. Liên hệ Lò Văn Minh, 0912345678.",
    }
    data.update(over)
    return data


def _publish(world: dict[str, Any], *, title: str, content: str, redactions=()) -> str:
    """A feedback about the promotion procedure taken through every step to published."""
    u = world["users"]
    with clock.at(MONDAY):
        result = feedback_submit(
            about="procedure",
            procedure_code="2.000004",
            title=title,
            content=content,
            sender=SenderIn(
                full_name="Lò Văn Minh",
                phone="0912345678",
                email="minh@example.vn",
                address="Tổ 5, phường Điện Biên Phủ",
            ),
        )
    code = result.code
    steps = [
        ("receive", u["pakn"], {}),
        ("classify", u["pakn"], {"classification": "within_competence"}),
        ("assign", u["pakn"], {"agency_code": "H11.05", "to_user_id": u["cv"].pk}),
        ("answer", u["cv"], {"answer": "Sở Công Thương trả lời: thời gian là 05 ngày làm việc."}),
        ("approve", u["ld"], {}),
        ("publish", u["pakn"], {"redactions": list(redactions)}),
    ]
    for i, (action, actor, kwargs) in enumerate(steps):
        with clock.at(at(2026, 3, 3 + i, 10, 0)):
            feedback_act(code=code, action=action, actor=actor, **kwargs)
    return code


# --- Sending --------------------------------------------------------------------------------


def test_anonymous_sends_and_sees_code_pin_and_due_date_once(client, world, orm):
    page = client.get(SEND + "?thu-tuc=2.000004")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="2.000004"' in html
    assert re.search(r'name="about" value="procedure"[^>]*checked', html)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    with clock.at(MONDAY):
        response = client.post(SEND, _form(idempotency_key=key))
    assert response.status_code == 302
    assert response["Location"] == "/phan-anh-kien-nghi/da-gui/"
    sent = client.get("/phan-anh-kien-nghi/da-gui/")
    text = sent.content.decode()
    code = re.search(r'id="pakn-code">([^<]+)<', text).group(1)
    pin = re.search(r'id="pakn-pin">([^<]+)<', text).group(1)
    assert code.startswith("PA-")
    assert len(pin) >= 4
    found = feedback_for_sender(code=code, pin=pin)
    assert found is not None
    assert found.title == _form()["title"]
    # The PIN is shown once: the second visit goes to the tracking page.
    again = client.get("/phan-anh-kien-nghi/da-gui/")
    assert again.status_code == 302
    assert again["Location"] == FOLLOW
    # The same form sent again (double click: same hidden key) stores nothing more.
    with clock.at(MONDAY):
        client.post(SEND, _form(idempotency_key=key))
    assert _count(orm) == 1


def test_signed_in_citizen_finds_the_form_filled(client, world, django_user_model):
    citizen = django_user_model.objects.create_user(
        username="dan",
        password="pw-12345-x",
        full_name="Quàng Văn Đức",
        email="duc@example.vn",
        phone="0987654321",
    )
    role_grant(user=citizen, role=Role.CITIZEN, agency=None)
    client.force_login(citizen)
    html = client.get(SEND).content.decode()
    assert 'value="Quàng Văn Đức"' in html
    assert 'value="0987654321"' in html
    assert 'value="duc@example.vn"' in html


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"content": ""}, "content", "required"),
        ({"content": "x" * 50_000}, "content", "10000"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_stored(
    client, world, orm, over, field, message
):
    with clock.at(MONDAY):
        response = client.post(SEND, _form(**over))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    error = re.search(rf'id="id_{field}_error">(.*?)</p>', html, re.S).group(1)
    if message == "required":  # the form's own message (its Vietnamese is in the catalog)
        message = str(FeedbackSendForm.base_fields[field].error_messages["required"])
    assert message in error
    assert 'value="Lò Văn Minh"' in html  # what was typed is kept
    assert _count(orm) == 0


def test_html_and_script_are_shown_as_text(client, world, orm):
    script = "<script>alert(1)</script>"
    with clock.at(MONDAY):
        response = client.post(SEND, _form(content="", title=script, full_name=script))
    assert response.status_code == 400
    html = response.content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _count(orm) == 0


def test_unknown_procedure_code_is_refused_beside_its_field(client, world, orm):
    with clock.at(MONDAY):
        response = client.post(SEND, _form(procedure="9.999999"))
    assert response.status_code == 400
    assert 'id="id_procedure_error"' in response.content.decode()
    assert _count(orm) == 0


def test_dossier_complaint_with_a_wrong_pin_creates_nothing(client, world, receive, orm):  # noqa: F811
    dossier = receive(MONDAY, applicant=PERSON)
    wrong = "000000" if dossier.lookup_pin != "000000" else "111111"
    with clock.at(at(2026, 3, 3, 9, 0)):
        response = client.post(
            SEND,
            _form(about="dossier", procedure="", dossier_code=dossier.code, dossier_pin=wrong),
        )
    assert response.status_code == 400
    assert 'id="id_dossier_pin_error"' in response.content.decode()
    assert _count(orm) == 0
    with clock.at(at(2026, 3, 3, 9, 0)):
        ok = client.post(
            SEND,
            _form(
                about="dossier",
                procedure="",
                dossier_code=dossier.code,
                dossier_pin=dossier.lookup_pin,
            ),
        )
    assert ok.status_code == 302
    assert _count(orm) == 1


def test_a_20_mb_attachment_is_refused_beside_the_field(client, world, orm):
    big = SimpleUploadedFile(
        "to.pdf", pdf_bytes("X") + b"0" * (20 * 1024 * 1024), content_type="application/pdf"
    )
    with clock.at(MONDAY):
        response = client.post(SEND, {**_form(), "attachments": [big]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_attachments_error"' in html
    assert "choose them again" in html or "chọn lại" in html  # the files are lost
    assert _count(orm) == 0


# --- Following ------------------------------------------------------------------------------


def test_follow_by_code_and_pin_and_wrong_pins_are_limited(client, world):
    with clock.at(MONDAY):
        result = feedback_submit(
            about="regulation",
            title="Quy định về phí",
            content="Nội dung",
            sender=SenderIn(full_name="Lò Văn Minh", phone="0912345678"),
        )
    prefilled = client.get(FOLLOW, {"ma": result.code})  # the "sent" page's link
    assert prefilled.status_code == 200
    assert f'value="{result.code}"' in prefilled.content.decode()
    assert "error-summary" not in prefilled.content.decode()
    ok = client.get(FOLLOW, {"ma": result.code.lower(), "pin": result.pin})
    assert ok.status_code == 200
    assert "Quy định về phí" in ok.content.decode()
    wrong = "0" * len(result.pin) if result.pin != "0" * len(result.pin) else "1" * len(result.pin)
    codes = [client.get(FOLLOW, {"ma": result.code, "pin": wrong}).status_code for _ in range(5)]
    assert codes == [404] * 5
    # The address has used its wrong tries for this code: even the right PIN is refused now,
    # from this address only.
    assert client.get(FOLLOW, {"ma": result.code, "pin": result.pin}).status_code == 429
    other = client.get(FOLLOW, {"ma": result.code, "pin": result.pin}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_sender_answers_a_request_for_more_then_rates_the_answer(client, world):
    u = world["users"]
    with clock.at(MONDAY):
        r = feedback_submit(
            about="procedure",
            procedure_code="2.000004",
            title="Hỏi về hồ sơ khuyến mại",
            content="Nội dung",
            sender=SenderIn(full_name="Lò Văn Minh", phone="0912345678"),
        )
    for i, (action, actor, kw) in enumerate(
        [
            ("receive", u["pakn"], {}),
            ("classify", u["pakn"], {"classification": "within_competence"}),
            ("assign", u["pakn"], {"agency_code": "H11.05", "to_user_id": u["cv"].pk}),
            ("request_more", u["cv"], {"note": "Gửi thêm tên chương trình khuyến mại."}),
        ]
    ):
        with clock.at(at(2026, 3, 3 + i, 10, 0)):
            feedback_act(code=r.code, action=action, actor=actor, **kw)
    page = client.get(FOLLOW, {"ma": r.code, "pin": r.pin})
    html = page.content.decode()
    assert "Gửi thêm tên chương trình khuyến mại." in html
    assert 'name="what" value="reply"' in html
    empty = client.post(FOLLOW, {"ma": r.code, "pin": r.pin, "what": "reply", "content": ""})
    assert empty.status_code == 400
    assert 'id="id_content_error"' in empty.content.decode()
    with clock.at(at(2026, 3, 9, 10, 0)):
        sent = client.post(
            FOLLOW, {"ma": r.code, "pin": r.pin, "what": "reply", "content": "Chương trình Tết"}
        )
    assert sent.status_code == 302
    assert feedback_for_sender(code=r.code, pin=r.pin).status == "in_progress"
    for i, (action, actor, kw) in enumerate(
        [("answer", u["cv"], {"answer": "Đã xử lý."}), ("approve", u["ld"], {})]
    ):
        with clock.at(at(2026, 3, 10 + i, 10, 0)):
            feedback_act(code=r.code, action=action, actor=actor, **kw)
    html = client.get(FOLLOW, {"ma": r.code, "pin": r.pin}).content.decode()
    assert "Đã xử lý." in html
    assert 'name="what" value="rate"' in html
    assert client.post(FOLLOW, {"ma": r.code, "pin": r.pin, "what": "rate"}).status_code == 400
    done = client.post(FOLLOW, {"ma": r.code, "pin": r.pin, "what": "rate", "satisfied": "yes"})
    assert done.status_code == 302
    after = feedback_for_sender(code=r.code, pin=r.pin)
    assert after.can_rate is False


# --- Published answers ----------------------------------------------------------------------


def test_published_answers_are_found_without_accents_and_without_personal_data(client, world):
    code = _publish(
        world,
        title="Thời gian giải quyết khuyến mại",
        content="Tôi là Lò Văn Minh, số 0912345678, email minh@example.vn, CCCD 011095001234. "
        "Đề nghị rút ngắn thời gian.",
        redactions=["011095001234"],
    )
    page = client.get("/phan-anh-kien-nghi/", {"q": "thoi gian giai quyet khuyen mai"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/phan-anh-kien-nghi/{code}/" in html
    nothing = client.get("/phan-anh-kien-nghi/", {"q": "hộ tịch khai sinh"}).content.decode()
    assert f"/phan-anh-kien-nghi/{code}/" not in nothing
    by_agency = client.get("/phan-anh-kien-nghi/", {"co-quan": "H11.07"}).content.decode()
    assert f"/phan-anh-kien-nghi/{code}/" not in by_agency
    by_procedure = client.get("/phan-anh-kien-nghi/", {"thu-tuc": "2.000004"}).content.decode()
    assert f"/phan-anh-kien-nghi/{code}/" in by_procedure
    detail = client.get(f"/phan-anh-kien-nghi/{code}/").content.decode()
    assert "Đề nghị rút ngắn thời gian." in detail
    assert "Sở Công Thương trả lời" in detail
    for personal in ("Lò Văn Minh", "0912345678", "minh@example.vn", "011095001234"):
        assert personal not in detail
    assert client.get("/phan-anh-kien-nghi/PA-KHONG-CO/").status_code == 404


def test_procedure_page_block_lists_answers_and_links_to_the_form(client, world, rf):
    code = _publish(world, title="Câu hỏi về khuyến mại", content="Nội dung câu hỏi.")
    blocks = procedure_blocks_render_list(rf.get("/thu-tuc/2.000004/"), "2.000004")
    block = next(b for b in blocks if b["name"] == "pakn")
    assert [i.code for i in block["context"]["items"]] == [code]
    from django.template.loader import render_to_string

    html = render_to_string(block["template"], block["context"])
    assert f"/phan-anh-kien-nghi/{code}/" in html
    assert "/phan-anh-kien-nghi/gui/?thu-tuc=2.000004" in html


def test_sending_is_limited_per_address(client, world, orm):
    from motcua.portal.public_dossiers import LOOKUPS_PER_WINDOW

    with clock.at(MONDAY):
        for _ in range(LOOKUPS_PER_WINDOW):
            client.post(SEND, _form(content=""))  # refused tries count too
        refused = client.post(SEND, _form())
    assert refused.status_code == 429
    assert 'value="Lò Văn Minh"' in refused.content.decode()
    assert _count(orm) == 0
    other = client.post(SEND, _form(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_list_pages_read_any_page_number(client, world):
    for raw in ("abc", "0", "999999999", "-1"):
        response = client.get("/phan-anh-kien-nghi/", {"trang": raw})
        assert response.status_code == 200


def test_files_are_public_only_when_published_with_the_answer(client, world):
    u = world["users"]
    codes = {}
    for publish_files in (True, False):
        scan = SimpleUploadedFile("anh.pdf", pdf_bytes("ANH"), content_type="application/pdf")
        with clock.at(MONDAY):
            code = feedback_submit(
                about="regulation",
                title=f"Quy định {publish_files}",
                content="Nội dung",
                sender=SenderIn(full_name="Lò Văn Minh", phone="0912345678"),
                attachments=[scan],
            ).code
        steps = [
            ("receive", u["pakn"], {}),
            ("classify", u["pakn"], {"classification": "within_competence"}),
            ("assign", u["pakn"], {"agency_code": "H11.05"}),
            ("answer", u["cv"], {"answer": "Trả lời."}),
            ("approve", u["ld"], {}),
            ("publish", u["pakn"], {"publish_attachments": publish_files}),
        ]
        for i, (action, actor, kwargs) in enumerate(steps):
            with clock.at(at(2026, 3, 3 + i, 10, 0)):
                detail = feedback_act(code=code, action=action, actor=actor, **kwargs)
        codes[publish_files] = (code, detail.attachments[0].id)
    code, file_id = codes[True]
    page = client.get(f"/phan-anh-kien-nghi/{code}/").content.decode()
    assert f"/phan-anh-kien-nghi/{code}/tep/{file_id}/" in page
    response = client.get(f"/phan-anh-kien-nghi/{code}/tep/{file_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    code, file_id = codes[False]
    assert "/tep/" not in client.get(f"/phan-anh-kien-nghi/{code}/").content.decode()
    assert client.get(f"/phan-anh-kien-nghi/{code}/tep/{file_id}/").status_code == 404
