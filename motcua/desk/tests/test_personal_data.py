"""Personal data on the desk (ADR 0036): masked in every list, unmasked on the dossier page
only for whoever handles the dossier, a reason asked of anyone else, every unmasked view
logged, and the log readable by supervisors."""

from __future__ import annotations

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role

from .conftest import PDF, PERSON, act, at, at_time

NOON = at(2026, 3, 2, 12, 0)
ID, PHONE = "011095001234", "0912345678"
ID_MASKED, PHONE_MASKED = "••••••••1234", "•••••••678"


@pytest.fixture
def supervisor(world, users, django_user_model):
    """A supervisor (thanh tra, giám sát) of the province: sees every dossier below it."""
    user = django_user_model.objects.create_user(
        username="gs", password="pw-12345-x", full_name="Giám Sát"
    )
    role_grant(user=user, role=Role.SUPERVISOR, agency=world["agencies"]["root"])
    users["gs"] = user
    return user


@pytest.fixture
def d(receive):
    return receive(at(2026, 3, 2, 9, 0), applicant=PERSON, files=[PDF])


def _page(as_user, who, d):
    with at_time(NOON):
        response = as_user(who).get(f"/desk/ho-so/{d.code}/")
    assert response.status_code == 200
    return response.content.decode()


def _log(d, orm):
    return list(
        orm.PersonalDataView.objects.filter(dossier_id=d.pk)
        .order_by("id")
        .values_list("user__username", "reason", "note", "channel")
    )


def test_the_receiving_desk_sees_it_unmasked_and_the_view_is_logged(orm, as_user, d):
    html = _page(as_user, "desk", d)
    assert ID in html and PHONE in html and "Tổ 5, phường Điện Biên Phủ" in html
    assert "17/05/1995" in html
    assert "Show personal data" not in html and "Hiện dữ liệu cá nhân" not in html
    assert _log(d, orm) == [("desk", "handling", "", "desk")]
    row = orm.PersonalDataView.objects.get()
    assert row.dossier_code == d.code and row.at == NOON


def test_a_colleague_who_does_not_handle_it_sees_it_masked_and_nothing_is_logged(orm, as_user, d):
    html = _page(as_user, "cv", d)  # specialist of the deciding agency; step not his yet
    assert ID not in html and PHONE not in html and "Tổ 5" not in html
    assert ID_MASKED in html and PHONE_MASKED in html and "•••, phường Điện Biên Phủ" in html
    assert "••/••/1995" in html and "17/05/1995" not in html
    assert "Lò Văn Minh" in html  # names stay
    assert 'action="/desk/ho-so/' in html and "/du-lieu-ca-nhan/" in html  # the reveal form
    assert _log(d, orm) == []


def test_whoever_holds_or_held_a_step_handles_it(orm, as_user, d, users):
    act(d, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    assert ID in _page(as_user, "cv", d)  # holds the review step
    assert ID_MASKED in _page(as_user, "ld", d)  # the leader: not his step yet
    act(d, users["cv"], "forward", at(2026, 3, 2, 11, 0), to_user=users["ld"].pk)
    assert ID in _page(as_user, "cv", d)  # held a step of it
    assert ID in _page(as_user, "ld", d)  # the leader approving
    assert [r[:2] for r in _log(d, orm)] == [
        ("cv", "handling"),
        ("cv", "handling"),
        ("ld", "handling"),
    ]


def test_a_supervisor_must_give_a_reason_and_every_view_is_then_logged(orm, as_user, d, supervisor):
    html = _page(as_user, "gs", d)
    assert ID_MASKED in html and ID not in html
    client = as_user("gs")
    url = f"/desk/ho-so/{d.code}/du-lieu-ca-nhan/"
    with at_time(NOON):
        no_reason = client.post(url, {"reason": "", "note": ""})
        other_unexplained = client.post(url, {"reason": "other", "note": "vì"})
        receipt_before = client.get(f"/desk/ho-so/{d.code}/giay-tiep-nhan/")
    assert no_reason.status_code == 400
    assert "Hãy chọn lý do bạn cần xem dữ liệu cá nhân." in no_reason.content.decode()
    assert ID not in no_reason.content.decode()
    assert other_unexplained.status_code == 400
    assert receipt_before.status_code == 403  # the papers copy the personal data whole
    assert _log(d, orm) == []
    with at_time(NOON):
        shown = client.post(url, {"reason": "complaint", "note": "Đơn phản ánh số 12/PA"})
        page = client.get(f"/desk/ho-so/{d.code}/")
        receipt = client.get(f"/desk/ho-so/{d.code}/giay-tiep-nhan/")
    assert shown.status_code == 302 and shown["Location"] == f"/desk/ho-so/{d.code}/"
    assert ID in page.content.decode()
    assert receipt.status_code == 200
    assert _log(d, orm) == [("gs", "complaint", "Đơn phản ánh số 12/PA", "desk")] * 3
    # The reason lasts MOTCUA_PERSONAL_DATA_REVEAL_MINUTES (15): masked again afterwards.
    with at_time(at(2026, 3, 2, 12, 16)):
        later = client.get(f"/desk/ho-so/{d.code}/").content.decode()
    assert ID not in later and ID_MASKED in later
    assert len(_log(d, orm)) == 3


def test_files_only_for_whoever_handles_it(orm, as_user, d):
    doc = d.documents.get()
    with at_time(NOON):
        assert as_user("cv").get(f"/desk/ho-so/{d.code}/tep/{doc.pk}/").status_code == 403
        assert as_user("desk").get(f"/desk/ho-so/{d.code}/tep/{doc.pk}/").status_code == 200
    assert _log(d, orm) == [("desk", "handling", "", "desk")]


def test_lists_show_the_personal_fields_masked(orm, as_user, d, supervisor):
    with at_time(NOON):
        search = as_user("desk").get("/desk/tra-cuu/", {"q": "Lò Văn Minh"}).content.decode()
        worklist = as_user("desk").get("/desk/").content.decode()
        drill = as_user("gs").get(
            "/desk/bao-cao/ho-so/",
            {"bucket": "received_total", "from": "2026-03-02", "to": "2026-03-02"},
        )
    assert d.code in search and ID_MASKED in search and ID not in search
    assert d.code in worklist and ID_MASKED in worklist and ID not in worklist
    assert drill.status_code == 200
    html = drill.content.decode()
    assert d.code in html and ID_MASKED in html and ID not in html
    assert "Lò Văn Minh" in search and "Lò Văn Minh" in html  # names stay
    assert _log(d, orm) == []  # a list never unmasks


def test_the_view_log_page_for_supervisors(as_user, d, supervisor, users):
    _page(as_user, "desk", d)
    with at_time(NOON):
        as_user("gs").post(
            f"/desk/ho-so/{d.code}/du-lieu-ca-nhan/", {"reason": "supervision", "note": ""}
        )
        by_dossier = as_user("gs").get("/desk/du-lieu-ca-nhan/nhat-ky/", {"ho_so": d.code})
        by_officer = as_user("gs").get("/desk/du-lieu-ca-nhan/nhat-ky/", {"can_bo": "desk"})
        unknown = as_user("gs").get("/desk/du-lieu-ca-nhan/nhat-ky/", {"ho_so": "H11-XYZ"})
        refused = as_user("cv").get("/desk/du-lieu-ca-nhan/nhat-ky/")
    assert by_dossier.status_code == 200
    rows = list(by_dossier.context["page"].object_list)
    assert [(r.user_label, r.reason) for r in rows] == [
        ("Giám Sát", "supervision"),
        ("DESK", "handling"),
    ]
    assert [r.user_label for r in by_officer.context["page"].object_list] == ["DESK"]
    assert unknown.status_code == 200 and unknown.context["page"] is None
    assert refused.status_code == 403
