"""The 12-month trends (`resolution_by_month`): each month's row is exactly the total of the
report for that month (cut at `until`), on random fact tables (hypothesis) and on the
hand-built history."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.reports.api import resolution_by_month, resolution_report
from motcua.reports.models import FLOW_COLUMNS, DailyFlow

from .test_hand_built import history  # noqa: F401

FIRST = dt.date(2025, 9, 1)
CODES = ["2.000004", "1.000001"]

flow_row = st.tuples(
    st.integers(0, 330),  # the day: FIRST + n
    st.integers(0, 2),  # which agency
    st.sampled_from(CODES),
    st.sampled_from(["desk", "postal", "online"]),
    st.sampled_from([0, 0, 0, 3, 4, -5, -9]),  # the duration bucket
    st.lists(st.integers(-3, 5), min_size=len(FLOW_COLUMNS), max_size=len(FLOW_COLUMNS)),
)


def write_rows(world, rows) -> None:
    """Random fact rows (the report sums whatever the rows say: no need for them to come from
    real histories here; the identities are test_identities.py's)."""
    agencies = [world["agencies"][k] for k in sorted(world["agencies"])][:3]
    merged: dict[tuple, list[int]] = {}
    for day, agency, code, channel, duration, values in rows:
        key = (
            FIRST + dt.timedelta(days=day),
            agencies[agency % len(agencies)].pk,
            code,
            channel,
            duration,
        )
        if duration:  # histogram rows: only `timed`, positive
            values = [
                abs(v) if c == "timed" else 0 for c, v in zip(FLOW_COLUMNS, values, strict=False)
            ]
        old = merged.get(key, [0] * len(FLOW_COLUMNS))
        merged[key] = [a + b for a, b in zip(old, values, strict=False)]
        # A result's histogram rows come with its counts row (same day and key).
        merged.setdefault((*key[:4], 0), [0] * len(FLOW_COLUMNS))
    DailyFlow.objects.bulk_create(
        DailyFlow(
            day=day,
            agency_id=agency,
            procedure_code=code,
            channel=channel,
            duration=duration,
            **dict(zip(FLOW_COLUMNS, values, strict=False)),
        )
        for (day, agency, code, channel, duration), values in merged.items()
    )


def _month_totals(until, months, **kw):
    out = []
    year, month = until.year, until.month
    for _ in range(months):
        start = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = min(nxt - dt.timedelta(days=1), until)
        out.append((start, resolution_report(date_from=start, date_to=end, **kw).total))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def same_figures(row, expected) -> None:
    got = dataclasses.asdict(row)
    want = dataclasses.asdict(expected)
    for name in ("key", "label"):
        got.pop(name), want.pop(name)
    assert got == want


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(flow_row, max_size=40),
    until=st.integers(0, 360),
    months=st.integers(1, 14),
    which=st.sampled_from(["all", "agency", "procedure"]),
)
def test_each_month_is_the_report_of_that_month(world, rows, until, months, which):
    with transaction.atomic():
        write_rows(world, rows)
        day = FIRST + dt.timedelta(days=until)
        kw: dict = {}
        if which == "agency":
            kw["agency_ids"] = [world["agencies"][sorted(world["agencies"])[0]].pk]
        elif which == "procedure":
            kw["procedure_code"] = CODES[0]
        got = resolution_by_month(until=day, months=months, **kw)
        expected = _month_totals(day, months, **kw)
        assert [r.key for r in got] == [f"{s:%Y-%m}" for s, _t in expected]
        for row, (_start, total) in zip(got, expected, strict=False):
            same_figures(row, total)
        transaction.set_rollback(True)


def test_keys_labels_and_the_cut_month(history):  # noqa: F811
    rows = resolution_by_month(until=dt.date(2026, 3, 6), months=3)
    assert [r.key for r in rows] == ["2026-01", "2026-02", "2026-03"]
    assert [r.label for r in rows] == ["Month 1/2026", "Month 2/2026", "Month 3/2026"]
    # March cut at the 6th is period 1 of the hand-built history (test_hand_built.py).
    march = resolution_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 6)).total
    same_figures(rows[-1], march)
    assert rows[-1].received_carried_over == 1  # F, received in February
    assert rows[1].received_direct == 1 and rows[1].in_progress_total == 1
    assert rows[0].received_total == 0


def test_across_the_new_year(db):
    rows = resolution_by_month(until=dt.date(2026, 2, 10), months=3)
    assert [r.key for r in rows] == ["2025-12", "2026-01", "2026-02"]


@pytest.mark.parametrize("months", [0, -1])
def test_no_months(db, months):
    assert resolution_by_month(until=dt.date(2026, 2, 10), months=months) == []
