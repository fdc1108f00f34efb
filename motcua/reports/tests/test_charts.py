"""The server-drawn charts (reports/charts.py): well-formed SVG, named images, every text
escaped, series told apart by more than colour, and the table under the chart giving the
same numbers as the picture; the include renders both."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from django.utils import translation

from motcua.reports.api import MonthRates, Series, bar_chart, line_chart, trend_chart
from motcua.reports.charts import STYLES, fmt_days, fmt_percent

NS = {"s": "http://www.w3.org/2000/svg"}
EVIL = 'Sở <b>"Công" & Thương</b><script>alert(1)</script>'


def _bars():
    return bar_chart(
        chart_id="Test bars",
        title="Resolved <by> agency",
        description='Early, on time & late "split"',
        category_heading="Agency",
        categories=[EVIL, "Sở Y tế"],
        series=[
            Series("Early", [3, 0]),
            Series("On time", [1, 2]),
            Series("Late & worse", [1, 5]),
        ],
    )


def test_bar_chart_is_well_formed_named_and_escaped():
    chart = _bars()
    root = ET.fromstring(str(chart.svg))  # raises on markup that is not XML
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "test-bars-title test-bars-desc"
    assert root.find("s:title", NS).text == "Resolved <by> agency"
    assert root.find("s:desc", NS).text == 'Early, on time & late "split"'
    assert "<script>" not in str(chart.svg) and "<b>" not in str(chart.svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t and t.startswith('Sở <b>"Công" & Thương') for t in texts)
    assert "Late & worse" in texts
    # Each bar's total is written at its end.
    assert "5" in texts and "7" in texts


def test_bar_series_differ_by_pattern_not_colour_alone():
    root = ET.fromstring(str(_bars().svg))
    fills = {r.get("fill") for r in root.iter("{http://www.w3.org/2000/svg}rect")}
    patterns = {p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")}
    used = {f[5:-1] for f in fills if f and f.startswith("url(#")}
    assert {"test-bars-p1", "test-bars-p2"} <= used <= patterns
    assert STYLES[0][0] in fills  # the first series: plain colour, the others hatched


def test_bar_table_gives_the_same_numbers():
    chart = _bars()
    assert chart.headers == ["Agency", "Early", "On time", "Late & worse", "Total"]
    assert chart.rows == [(EVIL, ["3", "1", "1", "5"]), ("Sở Y tế", ["0", "2", "5", "7"])]
    # The bars' widths are proportional to the numbers: 5 and 7 units.
    root = ET.fromstring(str(chart.svg))
    widths = [
        float(r.get("width"))
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("height") == "16"
    ]
    first, second = sum(widths[:3]), sum(widths[3:])
    assert abs(first / second - 5 / 7) < 0.01


def test_line_chart_breaks_on_missing_values_and_tables_them():
    chart = line_chart(
        chart_id="rates",
        title="On time",
        description="Per month",
        category_heading="Month",
        categories=["01/2026", "02/2026", "03/2026", "04/2026"],
        series=[Series("On time", [0.5, None, 0.8, 0.9]), Series("Online", [0.1, 0.2, 0.3, 0.4])],
    )
    root = ET.fromstring(str(chart.svg))
    lines = list(root.iter("{http://www.w3.org/2000/svg}polyline"))
    # "On time": one segment (March–April; January stands alone); "Online": one of 4 points.
    assert sorted(len(p.get("points").split()) for p in lines) == [2, 4]
    dashed = [p.get("stroke-dasharray") for p in lines]
    assert None in dashed and any(dashed)  # the second series is dashed
    with translation.override("vi"):
        again = line_chart(
            chart_id="rates",
            title="On time",
            description="Per month",
            category_heading="Month",
            categories=["01/2026", "02/2026"],
            series=[Series("On time", [0.5, None])],
        )
    assert again.rows == [("01/2026", ["50,0 %"]), ("02/2026", ["—"])]
    assert chart.rows[2] == ("03/2026", ["80.0 %", "30.0 %"])


def test_trend_chart_from_month_rates_and_the_include():
    months = [
        MonthRates(
            month=f"2026-{m:02d}",
            date_from=None,  # type: ignore[arg-type]
            date_to=None,  # type: ignore[arg-type]
            received=10,
            received_online=m - 10,
            resolved=4,
            resolved_early=1,
            resolved_on_time=2,
            resolved_late=1,
            in_progress_overdue=0,
            refused=0,
            supplement_requests=0,
            paid=0,
            paid_online=0,
            rated=0,
            rated_satisfied=0,
            on_time_rate=0.75,
            online_rate=(m - 10) / 10,
            online_payment_rate=None,
            completion_request_rate=0.0,
            refusal_rate=0.0,
            satisfaction_rate=None,
        )
        for m in (11, 12)
    ]
    with translation.override("vi"):
        chart = trend_chart(months, rates=["online_rate"], chart_id="t", title="Trực <tuyến>")
        html = render_to_string("reports/_chart.html", {"chart": chart})
    assert chart.rows == [("11/2026", ["10,0 %"]), ("12/2026", ["20,0 %"])]
    ET.fromstring(str(chart.svg))
    assert html.count('<th scope="row">') == 2
    assert "Trực &lt;tuyến&gt;" in html and "<tuyến>" not in html
    assert re.search(r'<figure class="chart" aria-labelledby="t-caption">', html)
    assert '<td class="num">10,0 %</td>' in html


def test_formats():
    with translation.override("vi"):
        assert fmt_days(1.34) == "1,34"
        assert fmt_days(3.0) == "3"
        assert fmt_days(0.5) == "0,5"
        assert fmt_days(None) == "—"
        assert fmt_percent(0.8154) == "81,5 %"
    with translation.override("en"):
        assert fmt_days(1.5) == "1.5"
