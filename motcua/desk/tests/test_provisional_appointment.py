"""The dossier page marks an appointment as provisional when its year has no government
day-off decision loaded (issue 13, hole 5): its days off are the statutory ones only."""

from __future__ import annotations

import datetime as dt

from motcua.desk.templatetags.desk import calendar_provisional

from .conftest import at, at_time

NOTE = "tạm tính".encode()


def test_the_filter_follows_the_decisions(db):
    assert calendar_provisional(dt.date(2026, 5, 4)) is False  # CV 9859/VPCP-KGVX
    assert calendar_provisional(dt.datetime(2027, 1, 4, 9, 0)) is True
    assert calendar_provisional(None) is False


def test_the_dossier_page_says_so(as_user, receive):
    decided = receive(at(2026, 3, 2, 9, 0))
    undecided = receive(at(2027, 3, 1, 9, 0))
    client = as_user("desk")
    with at_time(at(2027, 3, 1, 10, 0)):
        assert NOTE not in client.get(f"/desk/ho-so/{decided.code}/").content
        page = client.get(f"/desk/ho-so/{undecided.code}/")
    assert page.status_code == 200
    assert undecided.appointment_at.year == 2027
    assert NOTE in page.content


def test_province_admins_are_warned_before_a_year_without_its_decision(
    client, world, django_user_model
):
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role

    admin = django_user_model.objects.create_user(username="qt", password="pw-12345-x")
    role_grant(user=admin, role=Role.PROVINCE_ADMIN, agency=world["agencies"]["root"])
    client.force_login(admin)
    with at_time(at(2026, 9, 1, 9, 0)):  # 2027 is four months away: no warning yet
        assert b"calendar-undecided" not in client.get("/desk/tong-quan/").content
    with at_time(at(2026, 12, 7, 9, 0)):  # 2027 starts within 60 days, no decision loaded
        page = client.get("/desk/tong-quan/")
    assert page.status_code == 200
    assert b'id="calendar-undecided"' in page.content
    assert "Tết năm 2027".encode() in page.content
    client.force_login(world["users"]["ld"])  # a leader is not the one to load it
    with at_time(at(2026, 12, 7, 9, 0)):
        assert b"calendar-undecided" not in client.get("/desk/").content
