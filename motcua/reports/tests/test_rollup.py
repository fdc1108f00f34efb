"""The month and year rollups (ADR 0028) never change a figure: kept equal to the daily rows'
sums by the triggers whoever writes (the hook's upsert inserting and updating rows, past days
changed later, deletes), and every report read through them equals the same report computed
from the daily rows alone — on random fact tables and on random histories driven through the
real services (hypothesis), for random periods, scopes and groupings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Case, F, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncYear
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.reports.api import resolution_by_month, resolution_dossiers, resolution_report
from motcua.reports.models import FLOW_COLUMNS, DailyFlow, FlowRollup
from motcua.reports.rollups import daily_only, rollups_compact, rollups_rebuild, split
from motcua.reports.services import flows_add

from .test_identities import (  # noqa: F401 - fixtures the histories need
    START,
    _run,
    demo_signing,
    dossier_plans,
    fee_procedure,
    media_on_disk,
)

FIRST = dt.date(2025, 11, 1)
CODES = ["2.000004", "1.000001"]
DAYS = 500

periods = st.tuples(st.integers(0, DAYS), st.integers(0, 400))


def _agencies(world):
    return [world["agencies"][k] for k in sorted(world["agencies"])][:4]


def rollup_equals_daily() -> None:
    """Every rollup row is the sum of its daily rows (the histogram's over the channels, and
    over the procedures too at the agency's level), and no rollup row lacks them (unless all
    zero)."""
    for span, trunc in (("month", TruncMonth("day")), ("year", TruncYear("day"))):
        expected = {
            (r["start"], r["agency_id"], r["procedure_code"], r["rolled"], r["duration"]): tuple(
                r[c] for c in FLOW_COLUMNS
            )
            for r in DailyFlow.objects.annotate(
                start=trunc,
                rolled=Case(When(duration=0, then=F("channel")), default=Value("")),
            )
            .values("start", "agency_id", "procedure_code", "rolled", "duration")
            .annotate(**{c: Sum(c) for c in FLOW_COLUMNS})
            .order_by()
        }
        # The histogram once more at the agency's level (procedure and channel '').
        for r in (
            DailyFlow.objects.exclude(duration=0)
            .annotate(start=trunc)
            .values("start", "agency_id", "duration")
            .annotate(**{c: Sum(c) for c in FLOW_COLUMNS})
            .order_by()
        ):
            expected[(r["start"], r["agency_id"], "", "", r["duration"])] = tuple(
                r[c] for c in FLOW_COLUMNS
            )
        got: dict = {}
        for r in FlowRollup.objects.filter(span=span):  # a key may have several rows
            k = (r.period_start, r.agency_id, r.procedure_code, r.channel, r.duration)
            old = got.get(k, tuple(0 for _ in FLOW_COLUMNS))
            got[k] = tuple(a + getattr(r, c) for a, c in zip(old, FLOW_COLUMNS, strict=True))
        zero = tuple(0 for _ in FLOW_COLUMNS)
        assert {k: v for k, v in got.items() if v != zero} == {
            k: v for k, v in expected.items() if v != zero
        }, span


def same_reports(agencies, date_from, date_to, scope, group_by) -> None:
    kw = {}
    if scope == "agency":
        kw["agency_ids"] = [agencies[1].pk]
    elif scope == "procedure":
        kw["procedure_code"] = CODES[0]
    got = resolution_report(date_from=date_from, date_to=date_to, group_by=group_by, **kw)
    with daily_only():
        want = resolution_report(date_from=date_from, date_to=date_to, group_by=group_by, **kw)
    assert dataclasses.asdict(got) == dataclasses.asdict(want)


writes = st.lists(
    st.tuples(
        st.integers(0, DAYS),  # day: FIRST + n
        st.integers(0, 3),  # agency
        st.sampled_from(CODES),
        st.sampled_from(["desk", "postal", "online"]),
        st.sampled_from([0, 0, 0, 2, 5, -3, -7]),
        st.dictionaries(st.sampled_from(FLOW_COLUMNS), st.integers(-3, 4), max_size=6),
    ),
    max_size=30,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=writes,
    later=writes,
    deleted=st.lists(st.integers(0, 100), max_size=3),
    period=periods,
    scope=st.sampled_from(["all", "agency", "procedure"]),
    group_by=st.sampled_from(["agency", "procedure", "level"]),
    until=st.integers(0, DAYS),
    months=st.integers(1, 15),
)
def test_random_tables_same_reports(
    world, first, later, deleted, period, scope, group_by, until, months
):
    agencies = _agencies(world)
    with transaction.atomic():
        # Written through the hook's own statement (INSERT … ON CONFLICT DO UPDATE): new rows
        # and updates of existing ones, past and future days alike.
        for batch in (first, later):
            for day, agency, code, channel, duration, cols in batch:
                if duration:
                    cols = {"timed": abs(cols.get("timed", 1)) or 1}
                flows_add(
                    agency_id=agencies[agency].pk,
                    procedure_code=code,
                    channel=channel,
                    deltas={(FIRST + dt.timedelta(days=day), duration): cols},
                )
                if duration:  # a result's histogram rows come with its counts row
                    flows_add(
                        agency_id=agencies[agency].pk,
                        procedure_code=code,
                        channel=channel,
                        deltas={(FIRST + dt.timedelta(days=day), 0): {"timed": 1}},
                    )
            if batch is first:
                rollup_equals_daily()
                rollups_compact()  # merged: the same sums, one row per key
                rollup_equals_daily()
                assert not FlowRollup.objects.filter(pending=True).exists()
        # Deleted (as the rebuild does): a day's rows of one agency × procedure × channel.
        keys = list(
            DailyFlow.objects.order_by("day", "agency_id", "procedure_code", "channel")
            .values_list("day", "agency_id", "procedure_code", "channel")
            .distinct()
        )
        for n in deleted:
            if keys:
                day, agency_id, code, channel = keys[n % len(keys)]
                DailyFlow.objects.filter(
                    day=day, agency_id=agency_id, procedure_code=code, channel=channel
                ).delete()
        rollup_equals_daily()
        start = FIRST + dt.timedelta(days=period[0])
        same_reports(agencies, start, start + dt.timedelta(days=period[1]), scope, group_by)
        end = FIRST + dt.timedelta(days=until)
        got = resolution_by_month(until=end, months=months)
        with daily_only():
            want = resolution_by_month(until=end, months=months)
        assert [dataclasses.asdict(r) for r in got] == [dataclasses.asdict(r) for r in want]
        rollups_rebuild()
        rollup_equals_daily()
        transaction.set_rollback(True)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    plans=st.lists(dossier_plans, min_size=1, max_size=4),
    start=st.integers(-40, 60),
    length=st.integers(0, 70),
    scope=st.sampled_from(["all", "agency", "procedure"]),
)
def test_random_histories_same_reports(
    world,
    receive,
    fee_procedure,  # noqa: F811
    demo_signing,  # noqa: F811
    plans,
    start,
    length,
    scope,
):
    """Histories through the real services (online submissions accepted a day later writing
    on the submission's day, overdue rows written ahead, results, supplements, apologies…):
    the rollups equal the daily sums, and reports over random periods around the months of
    the histories are the same either way."""
    with transaction.atomic():
        _run(world, receive, plans)
        rollup_equals_daily()
        date_from = START + dt.timedelta(days=start)
        date_to = date_from + dt.timedelta(days=length)
        agencies = [world["agencies"]["trade"], world["agencies"]["trade"]]
        for group_by in ("agency", "procedure"):
            same_reports(agencies, date_from, date_to, scope, group_by)
        got = resolution_by_month(until=date_to, months=4)
        with daily_only():
            want = resolution_by_month(until=date_to, months=4)
        assert [dataclasses.asdict(r) for r in got] == [dataclasses.asdict(r) for r in want]
        # The drill-down of a period before today (events replayed up to its end only, read
        # as tuples): every list as long as its figure.
        total = resolution_report(date_from=date_from, date_to=date_to).total
        for bucket in (
            "in_progress_total",
            "in_progress_overdue",
            "in_progress_not_due",
            "waiting_supplement",
        ):
            listed = resolution_dossiers(bucket=bucket, date_from=date_from, date_to=date_to)
            assert listed.count() == getattr(total, bucket), bucket
        transaction.set_rollback(True)


@given(first=st.integers(0, 3000), length=st.integers(0, 1200), from_start=st.booleans())
def test_split_covers_the_range_once(first, length, from_start):
    lo = dt.date(2024, 1, 1) + dt.timedelta(days=first)
    hi = lo + dt.timedelta(days=length)
    pieces = split(None if from_start else lo, hi)
    covered: list[tuple[dt.date, dt.date]] = []
    for source, a, b in pieces:
        if source == "day":
            covered.append((a, b))
        elif source == "month":
            assert a.day == 1 and b.day == 1
            end = dt.date(b.year + b.month // 12, b.month % 12 + 1, 1) - dt.timedelta(days=1)
            covered.append((a, end))
        else:
            assert (a.month, a.day) == (1, 1) and (b.month, b.day) == (1, 1)
            covered.append((a, dt.date(b.year, 12, 31)))
    assert len(pieces) <= 5
    covered.sort()
    assert covered[0][0] == (dt.date.min if from_start else lo)
    assert covered[-1][1] == hi
    for (_a, b), (c, _d) in zip(covered, covered[1:], strict=False):
        assert c == b + dt.timedelta(days=1)


def test_split_without_rollups_is_the_days():
    with daily_only():
        assert split(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [
            ("day", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        ]
    assert split(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == [
        ("year", dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    ]
    assert split(dt.date(2026, 3, 15), dt.date(2026, 6, 2)) == [
        ("day", dt.date(2026, 3, 15), dt.date(2026, 3, 31)),
        ("month", dt.date(2026, 4, 1), dt.date(2026, 5, 1)),
        ("day", dt.date(2026, 6, 1), dt.date(2026, 6, 2)),
    ]


def test_the_triggers_know_every_column():
    migration = importlib.import_module("motcua.reports.migrations.0003_rollups")
    assert tuple(migration.COLUMNS) == tuple(FLOW_COLUMNS)
    assert [f.name for f in FlowRollup._meta.get_fields() if f.name in FLOW_COLUMNS] == list(
        FLOW_COLUMNS
    )


def test_emptying_both_tables_in_any_order_leaves_both_empty(world):
    """A test database's flush (DELETE FROM each table on SQLite, in no set order) or any
    clean-up: deleting the daily rows after the rollup appends nothing for keys the rollup no
    longer has."""
    agency = world["agencies"]["trade"].pk
    for rollup_first in (True, False):
        flows_add(
            agency_id=agency,
            procedure_code=CODES[0],
            channel="desk",
            deltas={
                (dt.date(2026, 3, 2), 0): {"received": 1},
                (dt.date(2026, 3, 2), 4): {"timed": 1},
            },
        )
        assert FlowRollup.objects.exists()
        if rollup_first:
            FlowRollup.objects.all().delete()
        DailyFlow.objects.all().delete()
        FlowRollup.objects.all().delete() if not rollup_first else None
        assert not FlowRollup.objects.exists() and not DailyFlow.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_deadlock_between_a_late_acceptance_and_todays_transition(world, postgres_only):
    """PostgreSQL, two connections: T1 (an online submission accepted today) writes the
    submission's day, then today's row; T2 (another transition of the same agency ×
    procedure × channel) writes today's row in between and keeps it locked a while. The
    rollup rows are only appended, so T2 never waits for T1; T1 waits for T2's commit and
    both commit (with rollup rows locked after each day row this was a deadlock)."""
    key = {
        "agency_id": world["agencies"]["trade"].pk,
        "procedure_code": CODES[0],
        "channel": "online",
    }
    submitted, today = dt.date(2026, 12, 1), dt.date(2026, 12, 5)
    t1_first, t2_wrote = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def t1() -> None:
        try:
            with transaction.atomic():
                flows_add(**key, deltas={(submitted, 0): {"received": 1, "open_delta": 1}})
                t1_first.set()
                assert t2_wrote.wait(10)
                flows_add(**key, deltas={(today, 0): {"overdue_delta": 1}})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def t2() -> None:
        try:
            assert t1_first.wait(10)
            with transaction.atomic():
                flows_add(**key, deltas={(today, 0): {"resolved_early": 1, "open_delta": -1}})
                t2_wrote.set()
                time.sleep(0.5)  # T1 now asks for today's row
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=t1), threading.Thread(target=t2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    rollup_equals_daily()
    assert DailyFlow.objects.get(day=today).overdue_delta == 1
