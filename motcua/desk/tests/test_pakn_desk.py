"""The feedback desk (phản ánh, kiến nghị; issue 14): the menu entry, the register and its
filters, the entry of a letter, one feedback's page and its action forms (POST-redirect-GET,
400 beside the field, 409 as a message), attachments, and the statistics."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import pdf_bytes
from motcua.accounts.data import Role
from motcua.core import clock
from motcua.dossiers.tests.conftest import OFFICERS, at, build_world
from motcua.pakn.api import SenderIn, feedback_detail_for_officer, feedback_submit

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)
REGISTER = "/desk/phan-anh-kien-nghi/"


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    w = build_world(
        agencies, django_user_model, [*OFFICERS, ("pakn", Role.FEEDBACK_OFFICER, "center")]
    )
    w["users"]["nobody"] = django_user_model.objects.create_user(
        username="nobody", password="pw-12345-x"
    )
    return w


@pytest.fixture
def login(client: Any, world: dict[str, Any]):
    def _as(name: str) -> Any:
        client.force_login(world["users"][name])
        return client

    return _as


def _sent(title: str = "Thủ tục khuyến mại kéo dài") -> str:
    with clock.at(MONDAY):
        return feedback_submit(
            about="procedure",
            procedure_code="2.000004",
            title=title,
            content="Đề nghị rút ngắn thời gian giải quyết.",
            sender=SenderIn(full_name="Lò Văn Minh", phone="0912345678"),
        ).code


def _post(client: Any, code: str, action: str, data: dict[str, Any], when: Any) -> Any:
    with clock.at(when):
        return client.post(
            f"{REGISTER}{code}/thao-tac/{action}/",
            {k if k == "show" else f"{action}-{k}": v for k, v in data.items()},
        )


def test_menu_entry_and_pages_only_for_those_who_handle_feedback(login, world):
    client = login("pakn")
    html = client.get(REGISTER).content.decode()
    assert f'href="{REGISTER}"' in html
    assert 'href="/desk/phan-anh-kien-nghi/nhap/"' in html
    client = login("nobody")
    assert client.get(REGISTER).status_code == 403
    assert client.get(REGISTER + "thong-ke/").status_code == 403
    # A specialist sees the register (what his agency handles) but may not enter letters.
    client = login("cv")
    assert client.get(REGISTER).status_code == 200
    assert client.get(REGISTER + "nhap/").status_code == 403


def test_officer_enters_a_letter_received_at_once(login, world):
    client = login("pakn")
    scan = SimpleUploadedFile("thu.pdf", pdf_bytes("THU"), content_type="application/pdf")
    with clock.at(MONDAY):
        response = client.post(
            REGISTER + "nhap/",
            {
                "channel": "letter",
                "about": "regulation",
                "full_name": "Quàng Văn Đức",
                "phone": "0987654321",
                "address": "Bản Mường Phăng",
                "title": "Kiến nghị về quy định phí",
                "content": "Đề nghị giảm phí.",
                "attachments": [scan],
            },
        )
    assert response.status_code == 302
    code = response["Location"].rstrip("/").split("/")[-1]
    detail = feedback_detail_for_officer(code=code, user=world["users"]["pakn"])
    assert detail.channel == "letter"
    assert detail.status == "received"
    assert detail.register_no
    assert [a.name for a in detail.attachments] == ["thu.pdf"]
    page = client.get(response["Location"]).content.decode()
    assert "Quàng Văn Đức" in page
    file = client.get(f"{REGISTER}{code}/tep/{detail.attachments[0].id}/")
    assert file.status_code == 200
    assert b"".join(file.streaming_content).startswith(b"%PDF")


def test_entry_bad_input_is_shown_beside_the_fields_and_nothing_stored(login, world, orm):
    client = login("pakn")
    with clock.at(MONDAY):
        response = client.post(
            REGISTER + "nhap/",
            {
                "channel": "phone",
                "about": "procedure",
                "procedure": "9.999999",
                "full_name": "<b>Đức</b>",
                "title": "Tiêu đề",
                "content": "",
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_content-error"' in html
    assert "&lt;b&gt;Đức&lt;/b&gt;" in html
    assert orm.Feedback.objects.count() == 0


def test_the_whole_handling_through_the_desk_forms(login, world):
    code = _sent()
    client = login("pakn")
    rows = client.get(REGISTER, {"status": "submitted"}).content.decode()
    assert code in rows
    assert code not in client.get(REGISTER, {"status": "published"}).content.decode()
    page = client.get(f"{REGISTER}{code}/").content.decode()
    assert 'action="/desk/phan-anh-kien-nghi/' + code + '/thao-tac/receive/"' in page
    assert _post(client, code, "receive", {}, at(2026, 3, 2, 10)).status_code == 302
    # Classify without choosing: 400, the message beside the field.
    bad = _post(client, code, "classify", {}, at(2026, 3, 2, 11))
    assert bad.status_code == 400
    assert 'id="id_classify-classification-error"' in bad.content.decode()
    ok = _post(client, code, "classify", {"classification": "within_competence"}, at(2026, 3, 3))
    assert ok.status_code == 302
    # Without JavaScript: "show the agency's people" reloads with the agency's people listed.
    shown = _post(client, code, "assign", {"agency": "H11.05", "show": "1"}, at(2026, 3, 3, 10))
    html = shown.content.decode()
    assert shown.status_code == 200
    cv = world["users"]["cv"]
    assert re.search(rf'<option value="{cv.pk}"', html)
    assigned = _post(
        client, code, "assign", {"agency": "H11.05", "to_user": cv.pk}, at(2026, 3, 3, 11)
    )
    assert assigned.status_code == 302
    # The same step twice: 409, said in words on the page.
    again = _post(client, code, "receive", {}, at(2026, 3, 3, 12))
    assert again.status_code == 409
    problem = re.search(r'id="page-problem".*?<p>(.*?)</p>', again.content.decode(), re.S)
    assert problem is not None
    assert problem.group(1).strip()
    client = login("cv")
    answered = _post(
        client, code, "answer", {"answer": "Thời hạn là 05 ngày làm việc."}, at(2026, 3, 4)
    )
    assert answered.status_code == 302
    client = login("ld")
    assert _post(client, code, "approve", {}, at(2026, 3, 5)).status_code == 302
    client = login("pakn")
    published = _post(
        client,
        code,
        "publish",
        {"redactions": "Mường Thanh\n", "publish_attachments": ""},
        at(2026, 3, 6),
    )
    assert published.status_code == 302
    detail = feedback_detail_for_officer(code=code, user=world["users"]["pakn"])
    assert detail.status == "published"
    assert detail.redactions == ["Mường Thanh"]
    page = client.get(f"{REGISTER}{code}/").content.decode()
    for event in detail.events:
        assert str(event.action_label) in page
    assert [e.action for e in detail.events if e.action != "submit"][:6] == [
        "receive",
        "classify",
        "assign",
        "answer",
        "approve",
        "publish",
    ]


def test_another_agency_cannot_open_the_feedback(login, world):
    code = _sent()
    client = login("cv_build")
    assert client.get(f"{REGISTER}{code}/").status_code == 404


def test_statistics_per_agency_and_topic(login, world):
    _sent("Một")
    _sent("Hai")
    client = login("pakn")
    page = client.get(REGISTER + "thong-ke/", {"start": "01/03/2026", "end": "31/03/2026"})
    assert page.status_code == 200
    html = page.content.decode()
    totals = re.search(r"<tfoot><tr>\s*<th[^>]*>[^<]*</th>\s*<td>(\d+)</td>", html)
    assert totals is not None
    assert totals.group(1) == "2"
    bad = client.get(REGISTER + "thong-ke/", {"start": "31/03/2026", "end": "01/03/2026"})
    assert bad.status_code == 400
    with clock.at(at(2026, 3, 20, 10)):
        default = client.get(REGISTER + "thong-ke/").content.decode()
    assert 'value="01/01/2026"' in default
    assert 'value="20/03/2026"' in default


def test_register_filters_overdue_and_due_soon(login, world):
    code = _sent()
    client = login("pakn")
    with clock.at(at(2026, 3, 2, 10)):
        assert code not in client.get(REGISTER, {"due": "overdue"}).content.decode()
    with clock.at(at(2026, 4, 30, 10)):
        overdue = client.get(REGISTER, {"due": "overdue"}).content.decode()
        assert code in overdue
        assert "row-overdue" in overdue
        assert code not in client.get(REGISTER, {"due": "soon"}).content.decode()
    assert client.get(REGISTER, {"due": "later"}).status_code == 200  # an unknown filter: none


def test_script_in_the_texts_is_shown_as_text(login, world):
    script = "<script>alert(1)</script>"
    with clock.at(MONDAY):
        code = feedback_submit(
            about="regulation",
            title=script,
            content=script,
            sender=SenderIn(full_name=script, phone="0912345678"),
        ).code
    html = login("pakn").get(f"{REGISTER}{code}/").content.decode()
    assert script not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3


def test_reminders_of_the_deadline_sweep_are_shown_and_marked_read(login, world):
    from motcua.pakn.api import deadline_sweep

    code = _sent()
    client = login("pakn")
    with clock.at(at(2026, 3, 2, 10)):
        _post(client, code, "receive", {}, at(2026, 3, 2, 10))
    deadline_sweep(now=at(2026, 4, 30, 10))
    html = client.get(REGISTER).content.decode()
    assert 'id="h-notices"' in html
    ids = re.findall(r'action="/desk/phan-anh-kien-nghi/nhac-viec/(\d+)/da-doc/"', html)
    assert ids
    assert code in html.split('id="h-notices"')[1].split("</section>")[0]
    for notice_id in ids:
        assert client.post(f"{REGISTER}nhac-viec/{notice_id}/da-doc/").status_code == 302
    assert 'id="h-notices"' not in client.get(REGISTER).content.decode()
