"""The official report's desk pages (/desk/bao-cao/ and its drill-down): figures equal to
`reports.api.resolution_report`, presets, bad input, who may see what, and every drill-down
list as long as the figure it opens — on the reports app's hand-built history (Sở Công
Thương H11.05, periods P1 = 2–6 March 2026 and P2 = 9–13 March 2026)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone, translation

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.desk.forms.reports import ReportForm, period_dates
from motcua.desk.templatetags.desk import grouped
from motcua.dossiers.api import REPORT_BUCKETS
from motcua.reports.api import resolution_dossiers, resolution_report
from motcua.reports.tests.test_hand_built import P1, P2, history  # noqa: F401

URL, DRILL = "/desk/bao-cao/", "/desk/bao-cao/ho-so/"


@pytest.fixture
def people(history: Any, users: dict[str, Any], django_user_model: Any) -> dict[str, Any]:  # noqa: F811
    """The world's officers, plus a supervisor and a province admin of the province."""
    root = history["agencies"]["root"]
    for name, role in (("gs", Role.SUPERVISOR), ("qt", Role.PROVINCE_ADMIN)):
        user = django_user_model.objects.create_user(username=name, password="pw-12345-x")
        role_grant(user=user, role=role, agency=root)
        users[name] = user
    return users


def _client(client: Any, people: dict[str, Any], name: str) -> Any:
    client.force_login(people[name])
    return client


def _params(period: tuple[dt.date, dt.date], **kw: str) -> dict[str, str]:
    return {"from": period[0].isoformat(), "to": period[1].isoformat(), **kw}


def _today_period() -> tuple[dt.date, dt.date]:
    return (P2[0], timezone.localdate())


PERIODS = [P1, P2, (P1[0], P2[1]), _today_period()]


def test_page_shows_the_selectors_figures(client, people):
    c = _client(client, people, "ld")
    response = c.get(URL, _params(P1))
    assert response.status_code == 200
    expected = resolution_report(
        date_from=P1[0], date_to=P1[1], agency_ids=[history_agency(people, "trade")]
    )
    shown = {cell["column"].name: cell["value"] for cell in response.context["total"]["cells"]}
    for name in REPORT_BUCKETS:
        assert shown[name] == getattr(expected.total, name), name
    assert shown["received_total"] == 10 and shown["resolved_late"] == 1
    assert shown["on_time_rate"] == pytest.approx(100 * expected.total.on_time_rate)
    html = response.content.decode()
    assert "<caption" in html and 'scope="colgroup"' in html and 'scope="row"' in html
    assert 'class="table-wrap report-wrap"' in html
    assert "bucket=resolved_late" in html


def history_agency(people: dict[str, Any], key: str) -> int:
    from motcua.accounts.api import agency_get_by_code

    codes = {"trade": "H11.05", "build": "H11.07", "root": "H11"}
    agency = agency_get_by_code(code=codes[key])
    assert agency is not None
    return int(agency.pk)


@pytest.mark.parametrize("group_by", ["agency", "field", "procedure", "level"])
def test_rows_by_each_grouping_add_up_to_the_total(client, people, group_by):
    response = _client(client, people, "gs").get(URL, _params(P1, group_by=group_by))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.rows
    for name in REPORT_BUCKETS:
        assert sum(getattr(r, name) for r in report.rows) == getattr(report.total, name)


def test_presets():
    today = dt.date(2026, 5, 15)
    assert period_dates("this_month", today) == (dt.date(2026, 5, 1), today)
    assert period_dates("last_month", today) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert period_dates("this_quarter", today) == (dt.date(2026, 4, 1), today)
    assert period_dates("half_year", today) == (dt.date(2026, 1, 1), today)
    assert period_dates("half_year", dt.date(2026, 8, 3)) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 3),
    )
    assert period_dates("this_year", today) == (dt.date(2026, 1, 1), today)
    assert period_dates("last_year", today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert period_dates("last_month", dt.date(2026, 1, 9)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    # No input: this month; typed dates win over the preset.
    form = ReportForm({}, agencies=[], today=today)
    assert form.is_valid() and form.query().date_from == dt.date(2026, 5, 1)
    form = ReportForm({"period": "last_year", "from": "02/03/2026"}, agencies=[], today=today)
    assert form.is_valid()
    assert (form.query().date_from, form.query().date_to, form.query().period) == (
        dt.date(2026, 3, 2),
        today,
        "",
    )


def test_a_preset_through_the_page(client, people):
    response = _client(client, people, "ld").get(URL, {"period": "last_year"})
    assert response.status_code == 200
    year = timezone.localdate().year - 1
    assert response.context["query"].date_from == dt.date(year, 1, 1)
    assert response.context["query"].date_to == dt.date(year, 12, 31)
    response = _client(client, people, "ld").get(URL)
    assert response.context["query"].period == "this_month"
    assert response.context["form"]["period"].value() == "this_month"
    # Typed dates win, and the select says so.
    response = _client(client, people, "ld").get(URL, {"period": "this_year", "from": "02/03/2026"})
    assert response.context["query"].date_from == dt.date(2026, 3, 2)
    assert response.context["form"]["period"].value() == ""


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "31/02/2026", "to": "06/03/2026"}, "from"),
        ({"from": "hôm qua"}, "from"),
        ({"from": "06/03/2026", "to": "02/03/2026"}, "to"),
        ({"from": "01/01/2020", "to": "01/01/2025"}, "to"),
        ({"to": "06/03/2026"}, "from"),
        ({"from": "01/01/1900", "to": "06/03/2026"}, "from"),
        ({"period": "forever"}, "period"),
        ({"group_by": "colour"}, "group_by"),
        ({"agency": "H11.07"}, "agency"),  # Sở Xây dựng: not the leader's
    ],
)
def test_bad_input_is_named_beside_its_field(client, people, params, field):
    response = _client(client, people, "ld").get(URL, params)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert "report" not in response.context
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html and "error-summary" in html


def test_bad_input_messages_are_vietnamese(client, people):
    with translation.override("vi"):
        response = _client(client, people, "ld").get(
            URL, {"from": "06/03/2026", "to": "02/03/2026"}, HTTP_ACCEPT_LANGUAGE="vi"
        )
    assert "Ngày kết thúc trước ngày bắt đầu." in response.content.decode()
    with translation.override("vi"):
        assert grouped(1234567) == "1.234.567"


def test_five_years_less_a_day_is_allowed(client, people):
    response = _client(client, people, "ld").get(URL, {"from": "01/01/2021", "to": "31/12/2025"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["cv", "desk"])
def test_every_officer_sees_the_report_of_the_agencies_they_watch(client, people, name):
    # One rule with the API (reports.api.REPORT_ROLES): the specialist and the desk officer
    # see their own agencies' figures, as the leader does.
    c = _client(client, people, name)
    response = c.get(URL, _params(P1))
    assert response.status_code == 200
    assert response.context["report"].total.received_total > 0
    assert c.get(DRILL, _params(P1, bucket="received_total")).status_code == 200


@pytest.mark.parametrize("name", ["citizen", "nobody"])
def test_others_may_not_open_the_pages(client, people, name):
    c = _client(client, people, name)
    assert c.get(URL, _params(P1)).status_code == 403
    assert c.get(DRILL, _params(P1, bucket="received_total")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, people):
    response = client.get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_an_officer_of_another_agency_sees_nothing_of_it(client, people):
    c = _client(client, people, "ld_build")
    response = c.get(URL, _params(P1))
    assert response.status_code == 200
    assert response.context["report"].total.received_total == 0  # every dossier is H11.05's
    assert c.get(URL, _params(P1, agency="H11.05")).status_code == 400
    assert c.get(DRILL, _params(P1, bucket="received_total", agency="H11.05")).status_code == 403
    # A row of an agency not theirs, asked for by hand, lists nothing.
    response = c.get(DRILL, _params(P1, bucket="received_total", group_by="agency", key="H11.05"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_the_supervisor_sees_the_province(client, people):
    response = _client(client, people, "gs").get(URL, _params(P1))
    assert (
        response.context["report"].total == resolution_report(date_from=P1[0], date_to=P1[1]).total
    )
    response = _client(client, people, "qt").get(URL, _params(P1, agency="H11"))
    assert response.status_code == 200
    assert response.context["report"].total.received_total == 10


@pytest.mark.parametrize("period", PERIODS)
def test_each_drill_down_list_is_as_long_as_its_figure(people, period):
    trade = [history_agency(people, "trade")]
    report = resolution_report(date_from=period[0], date_to=period[1], agency_ids=trade)
    for bucket in REPORT_BUCKETS:
        dossiers = resolution_dossiers(
            bucket=bucket, date_from=period[0], date_to=period[1], agency_ids=trade
        )
        assert len(dossiers) == getattr(report.total, bucket), (period, bucket)
    assert report.total.received_total > 0


@pytest.mark.parametrize("group_by", ["agency", "field", "procedure", "level"])
def test_each_rows_drill_down_is_as_long_as_its_figure(people, group_by):
    report = resolution_report(date_from=P1[0], date_to=P1[1], group_by=group_by)
    for row in report.rows:
        for bucket in REPORT_BUCKETS:
            dossiers = resolution_dossiers(
                bucket=bucket, date_from=P1[0], date_to=P1[1], group_by=group_by, key=row.key
            )
            assert len(dossiers) == getattr(row, bucket), (row.key, bucket)


def test_the_page_links_open_lists_as_long_as_their_figures(client, people):
    c = _client(client, people, "ld")
    for period in (P1, _today_period()):
        response = c.get(URL, _params(period, group_by="procedure"))
        cells = [cell for r in response.context["rows"] for cell in r["cells"]]
        cells += response.context["total"]["cells"]
        linked = [cell for cell in cells if cell["url"]]
        assert period != P1 or {cell["column"].name for cell in linked} >= {
            "received_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "in_progress_overdue",
            "withdrawn",
        }
        for cell in linked:
            drill = c.get(cell["url"])
            assert drill.status_code == 200, cell["url"]
            assert drill.context["page"].paginator.count == cell["value"], cell["url"]
            query = parse_qs(urlparse(cell["url"]).query)
            assert query["bucket"] == [cell["column"].name]


def test_the_drill_down_lists_the_dossiers(client, people):
    c = _client(client, people, "ld")
    response = c.get(DRILL, _params(P1, bucket="resolved_late"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1 and rows[0]["dossier"].outcome == "late"
    html = response.content.decode()
    assert rows[0]["url"] in html and "/desk/bao-cao/?" in html
    assert c.get(DRILL, _params(P1, bucket="nonsense")).status_code == 400
    assert c.get(DRILL, _params(P1, bucket="received_total", to="x")).status_code == 400
