"""The processing-time page (/desk/bao-cao/thoi-gian/) and the statistics dashboard
(/desk/bao-cao/tong-quan/): who may open them (the report page's rule), figures equal to
`reports.api`, the provinces' wording of times, the order by how far over the regulated time,
and the dashboard's worst lists linking to the dossiers behind them — on the reports app's
hand-built history (Sở Công Thương H11.05, March 2026)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import translation

from motcua.desk.tests.test_reports_page import P1, P2, _client, _params, people  # noqa: F401
from motcua.desk.views.times import over_regulated
from motcua.reports.api import rate_trends, resolution_report
from motcua.reports.tests.test_hand_built import history  # noqa: F401

TIMES, DASH = "/desk/bao-cao/thoi-gian/", "/desk/bao-cao/tong-quan/"
MARCH = (P1[0], P2[1])


@pytest.mark.parametrize("url", [TIMES, DASH])
def test_anonymous_people_are_sent_to_sign_in(client, people, url):  # noqa: F811
    response = client.get(url)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("url", [TIMES, DASH])
@pytest.mark.parametrize("name", ["citizen", "nobody"])
def test_citizens_and_others_may_not_open_them(client, people, url, name):  # noqa: F811
    assert _client(client, people, name).get(url, _params(P1)).status_code == 403


def test_times_equal_the_report_by_procedure(client, people):  # noqa: F811
    response = _client(client, people, "ld").get(TIMES, _params(MARCH))
    assert response.status_code == 200
    expected = resolution_report(date_from=MARCH[0], date_to=MARCH[1], group_by="procedure")
    total = response.context["total"]
    assert total["row"] == expected.total
    assert total["row"].timed > 0
    rows = response.context["rows"]
    assert [r["row"] for r in rows] == [r for r in expected.rows if r.timed]
    html = response.content.decode()
    assert "<caption" in html and 'scope="colgroup"' in html and 'scope="row"' in html


def test_times_are_printed_as_provinces_print_them(client, people):  # noqa: F811
    with translation.override("vi"):
        response = _client(client, people, "ld").get(
            TIMES, _params(MARCH), HTTP_ACCEPT_LANGUAGE="vi"
        )
    row = response.context["total"]["row"]
    sentence = response.context["total"]["sentence"]
    assert "ngày làm việc so với quy định" in sentence
    avg = row.avg_processing_working_days_without_pauses
    assert f"{avg:.2f}".rstrip("0").rstrip(".").replace(".", ",") in sentence
    assert "." not in sentence.split(" ")[0]  # a decimal comma, not a point


def test_times_sort_by_how_far_over_the_regulated_time(client, people):  # noqa: F811
    c = _client(client, people, "gs")
    for group_by in ("agency", "procedure"):
        response = c.get(TIMES, _params(MARCH, group_by=group_by, sort="over"))
        overs = [over_regulated(r["row"]) for r in response.context["rows"]]
        known = [o for o in overs if o is not None]
        assert known == sorted(known, reverse=True)
        assert overs[: len(known)] == known  # those without a figure come last
    by_name = c.get(TIMES, _params(MARCH, sort="name")).context["rows"]
    assert [r["row"].label for r in by_name] == sorted(r["row"].label for r in by_name)
    # An unknown order falls back to the default.
    assert c.get(TIMES, _params(MARCH, sort="nonsense")).context["sort"] == "over"


def test_times_keep_to_the_officers_agencies(client, people):  # noqa: F811
    c = _client(client, people, "ld_build")
    response = c.get(TIMES, _params(MARCH))
    assert response.status_code == 200
    assert response.context["total"]["row"].timed == 0  # every dossier is H11.05's
    assert response.context["rows"] == []
    assert c.get(TIMES, _params(MARCH, agency="H11.05")).status_code == 400


def test_dashboard_figures_and_trends(client, people):  # noqa: F811
    response = _client(client, people, "gs").get(DASH, _params(MARCH))
    assert response.status_code == 200
    expected = resolution_report(date_from=MARCH[0], date_to=MARCH[1])
    shown = {f.name: f.value for f in response.context["figures"]}
    assert shown["received_total"] == str(expected.total.received_total)
    assert shown["in_progress_overdue"] == str(expected.total.in_progress_overdue)
    trends = rate_trends(until=MARCH[1])
    charts = response.context["charts"]
    on_time = next(c for c in charts if c.id == "dash-on-time")
    march = on_time.rows[-1]
    assert march[0] == "03/2026"
    assert len(on_time.rows) == 12
    assert trends[-1].on_time_rate is not None
    assert march[1][0].startswith(str(round(100 * trends[-1].on_time_rate)))
    html = response.content.decode()
    for chart in charts:
        start = html.index(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{chart.id}"'
        )
        ET.fromstring(html[start : html.index("</svg>", start) + 6])
    assert "<script" not in html


def test_dashboard_worst_lists_open_the_dossiers_behind_them(client, people):  # noqa: F811
    c = _client(client, people, "gs")
    response = c.get(DASH, _params(MARCH))
    worst = {w["id"]: w["items"] for w in response.context["worst"]}
    by_agency = resolution_report(date_from=MARCH[0], date_to=MARCH[1])
    overdue = [r for r in by_agency.rows if r.in_progress_overdue]
    assert [i["row"].key for i in worst["overdue-agencies"]] == [r.key for r in overdue][:5]
    assert worst["overdue-agencies"], "the history leaves a dossier overdue"
    item = worst["overdue-agencies"][0]
    query = parse_qs(urlparse(item["url"]).query)
    assert query["bucket"] == ["in_progress_overdue"]
    assert query["group_by"] == ["agency"] and query["key"] == [item["row"].key]
    listed = c.get(item["url"])
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == item["row"].in_progress_overdue
    procedures = worst["overdue-procedures"]
    assert procedures and "group_by=procedure" in procedures[0]["url"]


def test_dashboard_keeps_to_the_officers_agencies(client, people):  # noqa: F811
    c = _client(client, people, "ld_build")
    response = c.get(DASH, _params(MARCH))
    assert response.status_code == 200
    shown = {f.name: f.value for f in response.context["figures"]}
    assert shown["received_total"] == "0"
    assert all(not w["items"] for w in response.context["worst"])
    assert c.get(DASH, _params(MARCH, agency="H11.05")).status_code == 400


def test_desk_menu_links_to_both_pages(client, people):  # noqa: F811
    html = _client(client, people, "ld").get(DASH, _params(MARCH)).content.decode()
    assert 'href="/desk/bao-cao/tong-quan/" aria-current="page"' in html
    assert 'href="/desk/bao-cao/thoi-gian/"' in html


def test_over_regulated():
    from motcua.reports.api import ResolutionRow

    row = ResolutionRow(key="x", label="x")
    assert over_regulated(row) is None
    row.avg_processing_working_days_without_pauses, row.regulated_working_days = 1.34, 3.0
    assert over_regulated(row) == -1.66
    row.avg_processing_working_days_without_pauses = 4.19
    assert over_regulated(row) == 1.19
