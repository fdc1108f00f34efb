"""REST API of feedback and recommendations (issue 14 item 7): sending anonymously (201, 200 for
the same one again, 400 naming the field as the request spells it, nothing stored), the
register for officers, the detail for officers and for the sender with `?pin=`, the actions
(200/400/403/404/409 and `available_actions`), and the published answers without personal
data."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.data import Role
from motcua.rest.tests.conftest import OFFICERS, at, build_world

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 3, 2, 9, 0)
URL = "/api/v1/feedback"
BODY: dict[str, Any] = {
    "about": "procedure",
    "procedure": "2.000004",
    "title": "Thời gian giải quyết khuyến mại",
    "content": "Tôi là Lò Văn Minh, 0912345678, CCCD 011095001234: đề nghị rút ngắn thời gian.",
    "sender": {"full_name": "Lò Văn Minh", "phone": "0912345678", "email": "minh@example.vn"},
}


@pytest.fixture
def world(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    return build_world(
        agencies, django_user_model, [*OFFICERS, ("pakn", Role.FEEDBACK_OFFICER, "center")]
    )


def _count(orm: Any) -> int:
    return int(orm.Feedback.objects.count())


def _send(api: Any, **over: Any) -> dict[str, Any]:
    response = api(None).post(URL, {**BODY, **over}, when=MONDAY)
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()
    return data


def test_anonymous_sends_and_gets_code_pin_status_due(api, world, orm):
    data = _send(api, idempotency_key="k-1")
    assert set(data) == {"code", "pin", "status", "due_at"}
    assert data["code"].startswith("PA-")
    assert data["status"] == "submitted"
    assert data["due_at"]
    again = api(None).post(URL, {**BODY, "idempotency_key": "k-1"}, when=MONDAY)
    assert again.status_code == 200
    assert again.json()["code"] == data["code"]
    assert _count(orm) == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"sender": {"full_name": "x" * 201, "phone": "0912345678"}}, "sender.full_name"),
        ({"content": "x" * 50_000}, "content"),
        ({"procedure": "9.999999"}, "procedure"),
        (
            {"about": "dossier", "dossier_code": "H11.01.01-260302-0001", "dossier_pin": "1"},
            "dossier_pin",
        ),
        ({"sender": {"full_name": "Minh"}}, "sender.phone"),
        ({"about": "weather"}, "about"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(api, world, orm, over, field):
    response = api(None).post(URL, {**BODY, **over}, when=MONDAY)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert _count(orm) == 0


def test_officers_list_and_see_the_sender_sees_with_the_pin(api, world):
    sent = _send(api)
    code, pin = sent["code"], sent["pin"]
    assert api(None).get(URL).status_code == 401
    assert api("cv_build").get(URL).json()["count"] == 0
    listed = api("pakn").get(URL, {"status": "submitted"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["code"] == code
    assert api("pakn").get(URL, {"status": "published"}).json()["count"] == 0
    assert api("pakn").get(URL, {"due": "later"}).status_code == 400
    detail = api("pakn").get(f"{URL}/{code}").json()
    assert detail["sender"]["full_name"] == "Lò Văn Minh"
    assert detail["available_actions"] == ["receive"]
    mine = api(None).get(f"{URL}/{code}", {"pin": pin})
    assert mine.status_code == 200
    assert mine.json()["sender"] is None
    assert mine.json()["available_actions"] == []
    assert (
        api(None).get(f"{URL}/{code}", {"pin": "000000" if pin != "000000" else "1"}).status_code
        == 404
    )
    assert api(None).get(f"{URL}/{code}").status_code == 401
    assert api("cv_build").get(f"{URL}/{code}").status_code == 404


def test_actions_answer_200_400_403_404_409(api, world):
    code = _send(api)["code"]
    desk, cv, ld = api("pakn"), api("cv"), api("ld")
    act = f"{URL}/{code}/actions"
    assert desk.post(f"{act}/receive", None, when=at(2026, 3, 2, 10)).status_code == 200
    assert desk.post(f"{act}/receive", None, when=at(2026, 3, 2, 11)).status_code == 409
    assert desk.post(f"{act}/fly", None, when=at(2026, 3, 2, 11)).status_code == 404
    assert desk.post(f"{act}/classify", {}, when=at(2026, 3, 2, 11)).status_code == 400
    assert (
        desk.post(f"{act}/classify", {"colour": "red"}, when=at(2026, 3, 2, 11)).status_code == 400
    )
    done = desk.post(
        f"{act}/classify", {"classification": "within_competence"}, when=at(2026, 3, 3)
    )
    assert done.status_code == 200
    assert "assign" in done.json()["available_actions"]
    assert cv.post(f"{act}/assign", {"agency": "H11.05"}, when=at(2026, 3, 3)).status_code in (
        403,
        404,
    )
    assigned = desk.post(
        f"{act}/assign",
        {"agency": "H11.05", "to_user": world["users"]["cv"].pk},
        when=at(2026, 3, 3, 10),
    )
    assert assigned.status_code == 200
    assert cv.post(f"{act}/answer", {"answer": ""}, when=at(2026, 3, 4)).status_code == 400
    answered = cv.post(f"{act}/answer", {"answer": "Thời hạn 05 ngày."}, when=at(2026, 3, 4))
    assert answered.status_code == 200
    assert "approve" in ld.get(f"{URL}/{code}").json()["available_actions"]
    assert ld.post(f"{act}/approve", {}, when=at(2026, 3, 5)).status_code == 200
    published = desk.post(f"{act}/publish", {"redactions": ["011095001234"]}, when=at(2026, 3, 6))
    assert published.status_code == 200
    assert published.json()["status"] == "published"


def test_published_answers_without_personal_data(api, world):
    code = _send(api)["code"]
    desk, act = api("pakn"), f"{URL}/{code}/actions"
    steps = [
        (desk, "receive", {}),
        (desk, "classify", {"classification": "within_competence"}),
        (desk, "assign", {"agency": "H11.05", "to_user": world["users"]["cv"].pk}),
        (api("cv"), "answer", {"answer": "Trả lời ông Lò Văn Minh: thời hạn 05 ngày."}),
        (api("ld"), "approve", {}),
        (desk, "publish", {"redactions": ["011095001234"]}),
    ]
    for i, (who, action, body) in enumerate(steps):
        assert who.post(f"{act}/{action}", body, when=at(2026, 3, 3 + i, 10)).status_code == 200
    found = api(None).get(f"{URL}/published", {"q": "thoi gian giai quyet"})
    assert found.status_code == 200
    data = found.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["code"] == code
    assert item["agency"]
    text = " ".join(str(v) for v in item.values())
    for personal in ("Lò Văn Minh", "0912345678", "minh@example.vn", "011095001234"):
        assert personal not in text
    assert api(None).get(f"{URL}/published", {"q": "khai sinh"}).json()["count"] == 0
    assert api(None).get(f"{URL}/published", {"limit": 0}).status_code == 400
