"""Roles held at a parent agency (issue 13, hole 4): only a province admin and a supervisor
see below the agency where they hold their role. A desk officer, specialist, leader or agency
admin of the provincial office (H11.01) does not see the dossiers received at the provincial
service centre (H11.01.01, below the office) — not on the desk, not in the API, not in the
report's drill-down — while the province's admin and supervisor (H11) do. 0 leaks."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.api import (
    agencies_monitored_by,
    agencies_watched_by,
    api_token_issue,
    role_grant,
    user_agency_ids,
)
from motcua.accounts.data import Role
from motcua.dossiers.api import access_dossier_for_officer, visible_dossiers

from .conftest import PDF, at, at_time

NOON = at(2026, 3, 2, 12, 0)
PW = "pw-12345-x"

#: Roles held at the provincial office, above the service centre that received the dossier.
PARENT_ROLES = {
    "office_desk": Role.DESK_OFFICER,
    "office_cv": Role.SPECIALIST,
    "office_ld": Role.LEADER,
    "office_admin": Role.AGENCY_ADMIN,
}
#: Roles that reach the whole subtree, held at the province.
PROVINCE_ROLES = {"province_admin": Role.PROVINCE_ADMIN, "province_gs": Role.SUPERVISOR}


@pytest.fixture
def parents(world: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    people = {}
    for name, role in PARENT_ROLES.items():
        user = django_user_model.objects.create_user(username=name, password=PW)
        role_grant(user=user, role=role, agency=world["agencies"]["office"])
        people[name] = user
    for name, role in PROVINCE_ROLES.items():
        user = django_user_model.objects.create_user(username=name, password=PW)
        role_grant(user=user, role=role, agency=world["agencies"]["root"])
        people[name] = user
    return people


@pytest.fixture
def d(receive):
    """Received at the provincial centre (H11.01.01) for Sở Công Thương (H11.05)."""
    return receive(at(2026, 3, 2, 9, 0), files=[PDF])


def _pages(d: Any) -> list[str]:
    doc = d.documents.first()
    return [
        f"/desk/ho-so/{d.code}/",
        f"/desk/ho-so/{d.code}/giay-tiep-nhan/",
        f"/desk/ho-so/{d.code}/tep/{doc.pk}/",
        f"/desk/ho-so/%23{d.pk}/",
    ]


def test_a_role_at_a_parent_agency_covers_that_agency_only(world, parents):
    office, center = world["agencies"]["office"], world["agencies"]["center"]
    for name, role in PARENT_ROLES.items():
        assert user_agency_ids(user=parents[name], roles={role}) == {office.pk}, name
        watched = {a.code for a in agencies_watched_by(user=parents[name], roles={role})}
        assert watched == {"H11.01"}, name
    everything = {a.pk for a in world["agencies"].values()}
    for name, role in PROVINCE_ROLES.items():
        assert user_agency_ids(user=parents[name], roles={role}) == everything, name
    # The figures' rule (aggregates, no personal data) still rolls up the agencies below.
    figures = agencies_monitored_by(user=parents["office_ld"], roles={Role.LEADER})
    assert center.pk in {a.pk for a in figures}


@pytest.mark.parametrize("who", sorted(PARENT_ROLES))
def test_no_desk_page_of_the_dossier_opens_for_a_parent_agency(client, parents, d, who):
    client.force_login(parents[who])
    with at_time(NOON):
        for url in _pages(d):
            response = client.get(url)
            assert response.status_code in (403, 404), (who, url, response.status_code)
            assert b"Th\xc6\xb0\xc6\xa1ng m\xe1\xba\xa1i M\xc6\xb0\xe1\xbb\x9dng Thanh" not in (
                response.content
            )
    assert not visible_dossiers(user=parents[who]).filter(pk=d.pk).exists()


@pytest.mark.parametrize("who", sorted(PARENT_ROLES))
def test_the_worklist_search_and_deadlines_do_not_list_it(client, parents, d, who):
    client.force_login(parents[who])
    with at_time(NOON):
        for url in ("/desk/", f"/desk/tra-cuu/?q={d.code}", "/desk/han-xu-ly/"):
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (who, url)
            # The query is echoed in the search box: look for the dossier's link and the
            # applicant, not the code.
            assert f"/desk/ho-so/{d.code}/".encode() not in response.content, (who, url)
            assert "Mường Thanh".encode() not in response.content, (who, url)


@pytest.mark.parametrize("who", sorted(PARENT_ROLES))
def test_the_api_does_not_answer_it(client, parents, d, who):
    key, _token = api_token_issue(username=who, password=PW)
    headers = {"Authorization": f"Bearer {key}"}
    with at_time(NOON):
        one = client.get(f"/api/v1/dossiers/{d.code}", headers=headers)
        assert one.status_code in (403, 404), (who, one.status_code)
        listed = client.get("/api/v1/dossiers", headers=headers)
        assert listed.status_code in (200, 403), who
        assert d.code.encode() not in listed.content, who


@pytest.mark.parametrize("who", sorted(PROVINCE_ROLES))
def test_the_provinces_admin_and_supervisor_see_below(client, parents, d, who):
    assert access_dossier_for_officer(user=parents[who], code=d.code).pk == d.pk
    client.force_login(parents[who])
    with at_time(NOON):
        assert client.get(f"/desk/ho-so/{d.code}/").status_code == 200


def test_the_reports_drill_down_lists_only_visible_dossiers(client, parents, d):
    """The leader of the office sees the figure (aggregates roll up below his agency), but the
    list behind it, which names the applicant, holds only the dossiers he may open."""
    day = "2026-03-02"
    params = {"bucket": "received_total", "from": day, "to": day}
    client.force_login(parents["office_ld"])
    with at_time(NOON):
        report = client.get("/desk/bao-cao/", {"from": day, "to": day})
        assert report.status_code == 200
        assert report.context["report"].total.received_total == 1
        listed = client.get("/desk/bao-cao/ho-so/", params)
    assert listed.status_code == 200
    assert listed.context["rows"] == []
    assert "Mường Thanh".encode() not in listed.content
    client.force_login(parents["province_gs"])
    with at_time(NOON):
        listed = client.get("/desk/bao-cao/ho-so/", params)
    assert [r["dossier"].pk for r in listed.context["rows"]] == [d.pk]
