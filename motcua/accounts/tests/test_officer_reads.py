"""The reads the desk's pages and forms use (once desk/queries.py): the desks where a person is
a desk officer, the agencies they watch, who holds a role in an agency, agencies in force."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser

from motcua.accounts.api import (
    agencies_in_force,
    agencies_monitored_by,
    agencies_where_desk_officer,
    agency_upsert,
    province_communes,
    role_grant,
    role_holders,
)
from motcua.accounts.data import AgencyKind, Role


def _codes(agencies):
    return [a.code for a in agencies]


def test_the_desks_of_a_desk_officer(agencies, django_user_model):
    user = django_user_model.objects.create_user(username="desk")
    role_grant(user=user, role=Role.DESK_OFFICER, agency=agencies["center"])
    role_grant(user=user, role=Role.SPECIALIST, agency=agencies["trade"])
    assert _codes(agencies_where_desk_officer(user=user)) == ["H11.01.01"]
    assert agencies_where_desk_officer(user=AnonymousUser()) == []


def test_the_agencies_a_person_watches(agencies, django_user_model):
    desk = django_user_model.objects.create_user(username="desk")
    role_grant(user=desk, role=Role.DESK_OFFICER, agency=agencies["center"])
    # The centre, and the departments whose dossiers it receives.
    assert _codes(agencies_monitored_by(user=desk, roles={Role.DESK_OFFICER})) == [
        "H11.01.01",
        "H11.05",
        "H11.07",
    ]
    assert agencies_monitored_by(user=desk, roles={Role.LEADER}) == []
    admin = django_user_model.objects.create_user(username="admin")
    role_grant(user=admin, role=Role.PROVINCE_ADMIN, agency=agencies["root"])
    assert _codes(agencies_monitored_by(user=admin, roles={Role.PROVINCE_ADMIN})) == [
        "H11",
        "H11.01",
        "H11.01.01",
        "H11.03325",
        "H11.05",
        "H11.07",
    ]
    assert agencies_monitored_by(user=AnonymousUser(), roles={Role.DESK_OFFICER}) == []


def test_role_holders_are_the_active_people_by_name(agencies, django_user_model):
    make = django_user_model.objects.create_user
    bui = make(username="b", full_name="Bùi Thị Lan")
    an = make(username="a", full_name="An Văn Nam")
    gone = make(username="c", full_name="Cầm Văn Ba", is_active=False)
    elsewhere = make(username="d", full_name="Đỗ Minh")
    for user in (bui, an, gone):
        role_grant(user=user, role=Role.SPECIALIST, agency=agencies["trade"])
    role_grant(user=elsewhere, role=Role.SPECIALIST, agency=agencies["build"])
    role_grant(user=elsewhere, role=Role.LEADER, agency=agencies["trade"])
    assert role_holders(role="specialist", agency_id=agencies["trade"].pk) == [an, bui]
    assert role_holders(role="leader", agency_id=agencies["trade"].pk) == [elsewhere]
    assert role_holders(role="leader", agency_id=agencies["build"].pk) == []


def test_agencies_in_force_leave_out_the_dissolved(agencies):
    agency_upsert(
        code="H11.90",
        name="Sở Kế hoạch và Đầu tư",
        kind=AgencyKind.DEPARTMENT,
        valid_from=datetime.date(2004, 1, 1),
        valid_to=datetime.date(2025, 2, 28),
    )
    codes = _codes(agencies_in_force())
    assert "H11.90" not in codes
    assert codes == sorted(a.code for a in agencies.values())


def test_the_communes_of_the_installation_s_province(settings):
    settings.MOTCUA_PROVINCE_CODE = 11
    communes = province_communes()
    assert (3325, "Xã Mường Phăng") in communes
    assert communes == sorted(communes, key=lambda item: item[1])
    settings.MOTCUA_PROVINCE_CODE = 1
    assert (3325, "Xã Mường Phăng") not in province_communes()
