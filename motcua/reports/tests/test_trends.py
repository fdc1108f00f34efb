"""The monthly rates (`rate_trends`, reports/trends.py) from fact rows written by hand: each
rate is the ratio worked out below, None where nothing was there to count, months cut at
`until`, agencies rolled up; and the headline figures' Vietnamese format."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from motcua.reports.api import headline, rate_trends, times_sentence
from motcua.reports.models import DailyFlow
from motcua.reports.trends import month_spans, ratio

CODE = "2.000004"


def flow(agency: Any, day: dt.date, channel: str = "desk", **counts: int) -> DailyFlow:
    return DailyFlow.objects.create(
        day=day, agency=agency, procedure_code=CODE, channel=channel, duration=0, **counts
    )


@pytest.fixture
def months(world: dict[str, Any]) -> dict[str, Any]:
    """January: nothing. February at Sở Công Thương: 8 received at the desk and 2 online, 3
    completion requests; 5 resolved (3 early, 1 on time, 1 late), of which 1 refused; 4
    payments, 1 online; 4 ratings, 3 satisfied. March: at Sở Xây dựng 4 online received, 2
    resolved late; on 20 March (after `until`) more that must not count."""
    trade, build = world["agencies"]["trade"], world["agencies"]["build"]
    flow(
        trade,
        dt.date(2026, 2, 3),
        received=8,
        open_delta=8,
        supplement_requests=3,
        paid=4,
        paid_online=1,
    )
    flow(trade, dt.date(2026, 2, 4), "online", received=2, open_delta=2, rated=4)
    flow(
        trade,
        dt.date(2026, 2, 20),
        open_delta=-5,
        resolved_early=3,
        resolved_on_time=1,
        resolved_late=1,
        refused=1,
        rated_satisfied=3,
    )
    flow(build, dt.date(2026, 3, 2), "online", received=4, open_delta=4)
    flow(build, dt.date(2026, 3, 10), "online", open_delta=-2, resolved_late=2)
    flow(build, dt.date(2026, 3, 20), received=50, open_delta=50, resolved_early=9)
    return world


def test_rates_per_month_from_hand_made_rows(months):
    got = rate_trends(until=dt.date(2026, 3, 15), months=3)
    assert [m.month for m in got] == ["2026-01", "2026-02", "2026-03"]
    jan, feb, mar = got
    assert (jan.date_from, jan.date_to) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert mar.date_to == dt.date(2026, 3, 15)
    for name in (
        "on_time_rate",
        "online_rate",
        "online_payment_rate",
        "completion_request_rate",
        "refusal_rate",
        "satisfaction_rate",
    ):
        assert getattr(jan, name) is None, name
    assert (feb.received, feb.resolved) == (10, 5)
    assert feb.on_time_rate == 0.8  # (3 + 1) / 5
    assert feb.online_rate == 0.2  # 2 / 10
    assert feb.online_payment_rate == 0.25  # 1 / 4
    assert feb.completion_request_rate == 0.3  # 3 / 10
    assert feb.refusal_rate == 0.2  # 1 / 5
    assert feb.satisfaction_rate == 0.75  # 3 / 4
    # March up to the 15th: the 20th's rows are left out.
    assert (mar.received, mar.resolved, mar.resolved_late) == (4, 2, 2)
    assert mar.on_time_rate == 0.0
    assert mar.online_rate == 1.0
    assert mar.online_payment_rate is None and mar.satisfaction_rate is None
    assert mar.completion_request_rate == 0.0 and mar.refusal_rate == 0.0


def test_rates_for_an_agency_roll_up_and_leave_others_out(months):
    trade, root = months["agencies"]["trade"], months["agencies"]["root"]
    only_trade = rate_trends(until=dt.date(2026, 3, 15), months=2, agency_ids=[trade.pk])
    assert [(m.received, m.resolved) for m in only_trade] == [(10, 5), (0, 0)]
    assert only_trade[1].on_time_rate is None
    province = rate_trends(until=dt.date(2026, 3, 15), months=2, agency_ids=[root.pk])
    assert [(m.received, m.resolved) for m in province] == [(10, 5), (4, 2)]


def test_month_spans_cross_the_year_and_stop_at_until():
    spans = month_spans(until=dt.date(2026, 2, 28), months=3)
    assert spans == [
        ("2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ]
    assert len(month_spans(until=dt.date(2026, 12, 7))) == 12
    assert month_spans(until=dt.date(2026, 12, 7))[0][0] == "2026-01"


def test_ratio_is_none_on_an_empty_denominator():
    assert ratio(3, 0) is None
    assert ratio(0, 4) == 0.0
    assert ratio(1, 3) == 0.3333


def test_times_printed_as_provinces_print_them():
    with translation.override("vi"):
        assert times_sentence(1.34, 3.0) == "1,34 ngày làm việc so với quy định 3 ngày"
        assert times_sentence(1.5, 0.92) == "1,5 ngày làm việc so với quy định 0,92 ngày"
        assert times_sentence(None, 3.0) == "Chưa có hồ sơ nào có kết quả"


def test_headline_figures_of_a_row(months):
    from motcua.reports.api import resolution_report

    row = resolution_report(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)).total
    with translation.override("vi"):
        shown = {h.name: h for h in headline(row)}
        assert shown["received_total"].value == "10"
        assert shown["resolved_late"].value == "1" and shown["resolved_late"].bad
        assert shown["on_time_rate"].value == "80,0 %"
        assert shown["online_rate"].value == "20,0 %"
        assert shown["satisfaction_rate"].value == "75,0 %"
        assert shown["in_progress_total"].value == "5"
