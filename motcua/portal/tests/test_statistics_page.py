"""The public statistics page (/thong-ke/, ADR 0032): open to anyone, without personal data or
JavaScript, the figures of `reports.api.resolution_report` for this month, quarter or year,
for the province or one agency, kept in the cache; on the reports app's hand-built history
(Sở Công Thương H11.05, March 2026), seen from 31 March 2026."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.tests.conftest import receive, world  # noqa: F401
from motcua.portal import views_stats
from motcua.reports.api import resolution_report
from motcua.reports.tests.test_hand_built import history  # noqa: F401

URL = "/thong-ke/"
TODAY = dt.date(2026, 3, 31)


@pytest.fixture
def seen_on(history: Any, monkeypatch: pytest.MonkeyPatch) -> Any:  # noqa: F811
    monkeypatch.setattr(views_stats.timezone, "localdate", lambda *a, **k: TODAY)
    cache.clear()
    yield history
    cache.clear()


def _html(response: Any) -> str:
    return response.content.decode()


def test_anyone_sees_the_figures_without_personal_data(client, seen_on):
    response = client.get(URL, {"ky": "quy"})
    assert response.status_code == 200
    expected = resolution_report(date_from=dt.date(2026, 1, 1), date_to=TODAY)
    shown = {f.name: f.value for f in response.context["figures"]}
    assert shown["received_total"] == str(expected.total.received_total)
    assert shown["resolved_late"] == str(expected.total.resolved_late)
    assert shown["in_progress_overdue"] == str(expected.total.in_progress_overdue)
    html = _html(response)
    assert "Sở Công Thương" in html
    # No applicant, no dossier: names, ID numbers, phones and codes of the history's dossiers.
    from motcua.dossiers.tests.conftest import ORG, PERSON

    for secret in (ORG.name, ORG.tax_code, ORG.phone, PERSON.full_name, PERSON.id_number):
        assert secret not in html
    from motcua.dossiers.api import dossier_search

    found = dossier_search(user=seen_on["users"]["ld"]).values_list("code", flat=True)
    codes = [c for c in found if c]
    assert len(codes) >= 10
    for code in codes:
        assert code not in html
    assert "<script" not in html  # works without JavaScript


def test_period_tabs_are_links_and_choose_the_days(client, seen_on):
    for period, start in (
        ("thang", dt.date(2026, 3, 1)),
        ("quy", dt.date(2026, 1, 1)),
        ("nam", dt.date(2026, 1, 1)),
    ):
        response = client.get(URL, {"ky": period})
        assert (response.context["date_from"], response.context["date_to"]) == (start, TODAY)
        assert f'href="/thong-ke/?ky={period}" aria-current="page"' in _html(response)
    # Unknown: this month.
    assert client.get(URL, {"ky": "x"}).context["period"] == "thang"
    assert client.get(URL).context["period"] == "thang"


def test_an_agency_page_and_an_unknown_agency(client, seen_on):
    response = client.get(URL, {"ky": "thang", "co-quan": "H11.07"})
    assert response.status_code == 200
    assert response.context["agency"].code == "H11.07"
    assert {f.name: f.value for f in response.context["figures"]}["received_total"] == "0"
    trade = client.get(URL, {"ky": "thang", "co-quan": "H11.05"})
    march = resolution_report(date_from=dt.date(2026, 3, 1), date_to=TODAY)
    shown = {f.name: f.value for f in trade.context["figures"]}
    assert shown["received_total"] == str(march.total.received_total)
    assert client.get(URL, {"co-quan": "NOPE"}).status_code == 404


def test_the_agency_table_and_charts(client, seen_on):
    response = client.get(URL, {"ky": "thang"})
    html = _html(response)
    rows = response.context["rows"]
    assert [r["row"].key for r in rows] == ["H11.05"]
    assert 'href="/thong-ke/?ky=thang&amp;co-quan=H11.05"' in html
    assert '<th scope="col">' in html and "<caption" in html
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
    # The bar chart's table: the agency's early / on time / late equal the report's.
    bars = response.context["charts"][0]
    row = rows[0]["row"]
    assert bars.rows[0][1] == [
        str(row.resolved_early),
        str(row.resolved_on_time),
        str(row.resolved_late),
        str(row.resolved_total),
    ]


def _report_reads(queries: CaptureQueriesContext) -> list[str]:
    """The statements that read the reports app's tables (the fact table, its roll-ups)."""
    return [q["sql"] for q in queries.captured_queries if '"reports_' in q["sql"]]


def test_figures_are_cached_per_period(client, seen_on):
    client.get(URL, {"ky": "nam"})
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, {"ky": "nam"})
    assert again.status_code == 200
    assert _report_reads(queries) == []
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"ky": "quy"})  # another period: computed
    assert _report_reads(queries)


def test_the_footer_links_to_the_page(client, db):
    assert 'href="/thong-ke/"' in _html(client.get("/"))
