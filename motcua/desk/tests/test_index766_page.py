"""The desk's 766 index page (/desk/bao-cao/chi-so-766/) and its entry page (…/nhap/): the
figures of `reports.api.service_index`, the scope of the report page, drill-down links that
open, entered indicators with who and when, and the entry form's validation in Vietnamese.
The figures are those of motcua/reports/tests/test_index766.py (2026)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.reports.api import indicator_entry_save, service_index
from motcua.reports.tests.test_index766 import PASSWORD, figures, more_procedures  # noqa: F401

URL, ENTRY = "/desk/bao-cao/chi-so-766/", "/desk/bao-cao/chi-so-766/nhap/"


@pytest.fixture
def people(figures, users, django_user_model) -> dict[str, Any]:  # noqa: F811
    agencies = figures["agencies"]
    for name, role, agency in (
        ("gs", Role.SUPERVISOR, "root"),
        ("qt", Role.PROVINCE_ADMIN, "root"),
        ("qt_so", Role.AGENCY_ADMIN, "trade"),
    ):
        user = django_user_model.objects.create_user(
            username=name, password=PASSWORD, full_name=f"Cán bộ {name}"
        )
        role_grant(user=user, role=role, agency=agencies[agency])
        users[name] = user
    return users


def _as(client: Any, people: dict[str, Any], name: str) -> Any:
    client.force_login(people[name])
    return client


def _rows(response: Any) -> dict[str, Any]:
    return {r["item"].code: r for g in response.context["groups"] for r in g["rows"]}


def test_the_province_page_shows_the_index(client, people, figures):  # noqa: F811
    indicator_entry_save(actor=people["qt"], year=2026, agency=None, code="1.4", rate="90")
    response = _as(client, people, "gs").get(URL, {"year": "2026"})
    assert response.status_code == 200
    expected = service_index(year=2026)
    assert response.context["index"] == expected
    html = response.content.decode()
    assert "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)" in html
    assert "Hồ sơ xử lý trước hạn, đúng hạn" in html
    assert '<option value="" selected>Toàn tỉnh</option>' in html
    assert "17,14 / 20" in html  # 2.1 points out of its maximum, in Vietnamese numbers
    assert "12 / 14" in html  # the figures behind it
    assert "Nhập thủ công</strong> bởi Cán bộ qt" in html
    assert "Chưa nhập" in html
    assert "34 điểm chưa tính được: 9 chỉ số chưa có số liệu" in html
    # The supervisor sees but does not enter.
    assert response.context["may_enter"] is False
    assert _rows(response)["1.1"]["entry_url"] is None


def test_drill_down_links_open_the_dossiers_behind_a_figure(client, people):
    c = _as(client, people, "gs")
    links = _rows(c.get(URL, {"year": "2026"}))["2.1"]["links"]
    assert [parse_qs(urlparse(link["url"]).query)["bucket"] for link in links] == [
        ["resolved_late"],
        ["in_progress_overdue"],
    ]
    late = urlparse(links[0]["url"])
    assert late.path == "/desk/bao-cao/ho-so/"
    assert parse_qs(late.query)["from"] == ["2026-01-01"]
    assert c.get(links[0]["url"]).status_code == 200
    catalog = _rows(c.get(URL, {"year": "2026", "agency": "H11.05"}))["1.3"]["links"]
    assert catalog[0]["url"] == "/thu-tuc/?co-quan=H11.05"


def test_an_officer_sees_their_agency_and_not_others(client, people, figures):  # noqa: F811
    c = _as(client, people, "ld")  # leader at Sở Công Thương
    response = c.get(URL)
    assert response.status_code == 200
    assert response.context["agency"] == figures["agencies"]["trade"]  # their first agency
    trade = figures["agencies"]["trade"].pk
    assert response.context["index"] == service_index(year=2026, agency_id=trade)
    assert "Toàn tỉnh" not in re.sub(r"<h2.*?</h2>", "", response.content.decode())
    assert c.get(URL, {"agency": "H11.07"}).status_code == 400  # not one of theirs
    assert c.get(URL, {"agency": ""}).context["agency"] == figures["agencies"]["trade"]
    assert c.get(URL, {"year": "1990"}).status_code == 400


def test_people_without_a_reporting_role_get_403(client, people):
    assert _as(client, people, "citizen").get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the sign-in page


def test_the_province_admin_enters_an_indicator(client, people, orm):
    c = _as(client, people, "qt")
    index = c.get(URL, {"year": "2026"})
    entry_url = _rows(index)["1.4"]["entry_url"]
    assert entry_url == ENTRY + "?year=2026&agency=&code=1.4"
    form = c.get(entry_url)
    assert form.status_code == 200
    assert "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia" in form.content.decode()
    data = {"year": "2026", "agency": "", "code": "1.4", "rate": "87,5", "note": "Báo cáo DVCQG"}
    saved = c.post(ENTRY, data)
    assert saved.status_code == 302
    assert saved["Location"] == URL + "?year=2026&agency="
    entry = orm.IndicatorEntry.objects.get()
    assert (str(entry.rate), entry.note, entry.entered_by) == (
        "87.50",
        "Báo cáo DVCQG",
        people["qt"],
    )
    assert entry.agency is None
    shown = c.get(URL, {"year": "2026"})
    item = _rows(shown)["1.4"]["item"]
    assert (item.source, item.rate, item.points) == ("entered", 87.5, 5.25)
    again = c.get(_rows(shown)["1.4"]["entry_url"])
    assert again.context["form"].initial["rate"] == 87.5
    removed = c.post(ENTRY, {"year": "2026", "agency": "", "code": "1.4", "delete": "1"})
    assert removed.status_code == 302 and not orm.IndicatorEntry.objects.exists()


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("101", "Hãy nhập một số từ 0 đến 100."),
        ("-3", "Hãy nhập một số từ 0 đến 100."),
        ("abc", "Hãy nhập một số, ví dụ 87,5."),
        ("", "Hãy nhập tỷ lệ."),
        ("1,234", "Hãy dùng tối đa 2 chữ số thập phân."),
    ],
)
def test_bad_rates_are_refused_with_the_field_named(client, people, orm, rate, message):
    c = _as(client, people, "qt")
    response = c.post(ENTRY, {"year": "2026", "agency": "", "code": "1.4", "rate": rate})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Tỷ lệ (%): {message}</a>" in html  # the error summary names the field
    assert not orm.IndicatorEntry.objects.exists()


def test_who_may_open_the_entry_page(client, people, figures, orm):  # noqa: F811
    q = {"year": "2026", "code": "1.4"}
    assert _as(client, people, "ld").get(ENTRY, {**q, "agency": "H11.05"}).status_code == 403
    assert _as(client, people, "gs").get(ENTRY, {**q, "agency": ""}).status_code == 403
    agency_admin = _as(client, people, "qt_so")
    assert agency_admin.get(ENTRY, {**q, "agency": ""}).status_code == 403  # not the province
    assert agency_admin.get(ENTRY, {**q, "agency": "H11.07"}).status_code == 403
    assert agency_admin.get(ENTRY, {**q, "agency": "H11.05"}).status_code == 200
    posted = agency_admin.post(ENTRY, {**q, "agency": "", "rate": "50"})
    assert posted.status_code == 403 and not orm.IndicatorEntry.objects.exists()
    # A computed indicator, or a year out of range, cannot be entered.
    assert agency_admin.get(ENTRY, {**q, "agency": "H11.05", "code": "2.1"}).status_code == 400
    assert agency_admin.get(ENTRY, {**q, "agency": "H11.05", "year": "2099"}).status_code == 400
