"""Overdue and near-due lists of the agencies a leader or desk officer watches; notices."""

from __future__ import annotations

from motcua.dossiers import api as dossiers_api
from motcua.dossiers.api import deadline_sweep

from .conftest import act, at, at_time


def _late_and_soon(receive, users):
    late = receive(at(2026, 3, 2, 9, 0))  # appointment Mon 9 March 09:00
    soon = receive(at(2026, 3, 4, 9, 0))  # appointment Wed 11 March 09:00
    for d in (late, soon):
        act(d, users["desk"], "forward", at(2026, 3, 4, 10, 0), to_user=users["cv"].pk)
    return late, soon


def test_leader_sees_overdue_and_near_due(as_user, receive, users):
    late, soon = _late_and_soon(receive, users)
    with at_time(at(2026, 3, 10, 9, 0)):
        html = as_user("ld").get("/desk/han-xu-ly/").content.decode()
    overdue = html.split('id="h-overdue"', 1)[1].split('id="h-near"', 1)[0]
    near = html.split('id="h-near"', 1)[1]
    assert late.code in overdue and soon.code not in overdue
    assert soon.code in near
    assert "Quá hạn (1)" in html and "Sắp đến hạn (1)" in html
    assert "quá hạn 1 ngày làm việc" in overdue
    assert "còn 1 ngày làm việc" in near


def test_desk_officer_sees_the_agencies_its_desk_serves(as_user, receive, users):
    late, _soon = _late_and_soon(receive, users)
    with at_time(at(2026, 3, 10, 9, 0)):
        html = as_user("desk").get("/desk/han-xu-ly/").content.decode()
    assert late.code in html
    assert '<option value="H11.05"' in html  # Sở Công Thương, served by the centre


def test_leader_of_another_agency_sees_nothing_of_it(as_user, receive, users):
    late, soon = _late_and_soon(receive, users)
    with at_time(at(2026, 3, 10, 9, 0)):
        html = as_user("ld_build").get("/desk/han-xu-ly/").content.decode()
    assert late.code not in html and soon.code not in html
    assert "Không có hồ sơ quá hạn." in html


def test_notices_newest_first(orm, as_user, receive, users):
    d = receive(at(2026, 3, 2, 9, 0))
    with at_time(at(2026, 3, 2, 14, 0)):
        deadline_sweep()  # intake step due 15:00: near due
    with at_time(at(2026, 3, 3, 9, 0)):
        deadline_sweep()  # now overdue
    with at_time(at(2026, 3, 3, 9, 5)):
        html = as_user("desk").get("/desk/thong-bao/").content.decode()
    kinds = list(orm.Notice.objects.filter(user=users["desk"]).values_list("kind", flat=True))
    assert kinds == ["overdue", "near_due"]
    first = html.index(">Quá hạn</span>")
    second = html.index(">Sắp đến hạn</span>", html.index("notice-list"))
    assert first < second
    assert f"/desk/ho-so/{d.code}/" in html
    assert 'class="count-badge">2' in html  # unread, in the desk menu


def test_mark_read_goes_through_the_dossiers_service(orm, as_user, receive, users):
    receive(at(2026, 3, 2, 9, 0))
    with at_time(at(2026, 3, 3, 9, 0)):
        deadline_sweep()
    notice = orm.Notice.objects.get(user=users["desk"], kind="overdue")
    response = as_user("desk").post("/desk/thong-bao/da-doc/", {"notice": notice.pk})
    assert response.status_code == 302
    notice.refresh_from_db()
    if hasattr(dossiers_api, "notice_mark_read"):
        assert notice.read_at is not None
    else:  # the service does not exist yet: nothing is written by the desk
        assert notice.read_at is None


def test_specialist_has_no_deadline_page(as_user):
    assert as_user("cv").get("/desk/han-xu-ly/").status_code == 403


def test_a_province_supervisor_sees_the_whole_province(as_user, receive, users, agencies):
    """Supervisors read the overdue and near-due lists of every agency below theirs, and the
    menu offers them the page; they act on nothing."""
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role

    role_grant(user=users["nobody"], role=Role.SUPERVISOR, agency=agencies["root"])
    late, soon = _late_and_soon(receive, users)
    with at_time(at(2026, 3, 10, 9, 0)):
        html = as_user("nobody").get("/desk/han-xu-ly/").content.decode()
    overdue = html.split('id="h-overdue"', 1)[1].split('id="h-near"', 1)[0]
    assert late.code in overdue and soon.code in html.split('id="h-near"', 1)[1]
    assert 'href="/desk/han-xu-ly/"' in html  # in the menu
    assert '<option value="H11.07"' in html  # every agency of the province to filter by


def test_the_lists_come_a_page_at_a_time(as_user, receive, users, monkeypatch):
    from motcua.desk.views import monitor

    monkeypatch.setattr(monitor, "PAGE_SIZE", 1)
    first = receive(at(2026, 3, 2, 9, 0))
    second = receive(at(2026, 3, 2, 10, 0))
    with at_time(at(2026, 3, 10, 9, 0)):
        client = as_user("desk")
        page1 = client.get("/desk/han-xu-ly/").content.decode()
        assert "Quá hạn (2)" in page1
        assert first.code in page1 and second.code not in page1
        assert "Trang 1 / 2" in page1
        assert 'href="?trang-qua-han=2"' in page1
        page2 = client.get("/desk/han-xu-ly/?trang-qua-han=2").content.decode()
        assert second.code in page2 and first.code not in page2
        assert 'href="?trang-qua-han=1"' in page2
        for junk in ("abc", "0", "99", "-1"):  # a bad page number: a page, never an error
            response = client.get(f"/desk/han-xu-ly/?trang-qua-han={junk}&co-quan=XYZ")
            assert response.status_code == 200


def test_past_the_cap_the_total_is_more_than(as_user, receive, users, monkeypatch):
    """The lists count at most CAP + 1 rows: past it the heading says "more than CAP"."""
    from motcua.desk.views import common

    monkeypatch.setattr(common.CappedPaginator, "CAP", 1)
    receive(at(2026, 3, 2, 9, 0))
    receive(at(2026, 3, 2, 10, 0))
    with at_time(at(2026, 3, 10, 9, 0)):
        html = as_user("desk").get("/desk/han-xu-ly/").content.decode()
    assert "Quá hạn (hơn 1)" in html


def test_the_leader_reads_the_apology_reminder(as_user, receive, users):
    d = receive(at(2026, 3, 2, 9, 0))  # due Mon 09/03 09:00: reminder Thu 05/03 09:00
    with at_time(at(2026, 3, 5, 10, 0)):
        deadline_sweep()
        html = as_user("ld").get("/desk/thong-bao/").content.decode()
    assert "Sắp hết hạn gửi thư xin lỗi nếu trễ hạn" in html
    assert f"Hồ sơ {d.code} có hẹn trả kết quả lúc 09:00 09/03/2026" in html
    assert "(Mẫu 04) trước 09:00 06/03/2026" in html
