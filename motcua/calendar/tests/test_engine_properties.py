"""Properties of WorkingCalendar (hypothesis), checked against a slow day-by-day reference."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.calendar.data import TimeUnit
from motcua.calendar.engine import WorkingCalendar

from .conftest import ICT

YEAR_START = dt.date(2025, 11, 1)
YEAR_END = dt.date(2027, 3, 31)
SPAN = (YEAR_END - YEAR_START).days

SESSION_SETS = [
    ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 30))),
    ((dt.time(8, 0), dt.time(17, 0)),),
    (
        (dt.time(7, 0), dt.time(11, 0)),
        (dt.time(13, 0), dt.time(16, 45)),
        (dt.time(18, 0), dt.time(19, 10)),
    ),
]
CUTOFFS = [dt.time(15, 0), dt.time(11, 0), dt.time(16, 45), dt.time(23, 0)]

dates = st.integers(min_value=0, max_value=SPAN).map(lambda i: YEAR_START + dt.timedelta(days=i))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    weekend = draw(st.sampled_from([frozenset({5, 6}), frozenset({6}), frozenset({4, 5})]))
    off = draw(st.frozensets(dates, max_size=60))
    working = draw(st.frozensets(dates, max_size=12)) - off
    sessions = draw(st.sampled_from(SESSION_SETS))
    cutoff = draw(st.sampled_from(CUTOFFS))
    assume(cutoff >= sessions[0][0])
    return WorkingCalendar(
        weekend=weekend,
        days_off=off,
        working_days=working,
        sessions=sessions,
        cutoff=cutoff,
        roll_forward=True,
    )


@st.composite
def instants(draw: st.DrawFn) -> dt.datetime:
    day = draw(dates)
    special = [dt.time(h, m) for h, m in ((7, 30), (11, 30), (13, 30), (15, 0), (17, 30), (0, 0))]
    t = draw(
        st.one_of(
            st.sampled_from(special),
            st.times().map(lambda t: t.replace(microsecond=0)),
        )
    )
    tz = draw(st.sampled_from([ICT, dt.UTC]))
    return dt.datetime.combine(day, t, tzinfo=ICT).astimezone(tz)


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(40), places=2)
working_units = st.sampled_from([TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS])


def unit_seconds(calendar: WorkingCalendar, unit: TimeUnit) -> int:
    return calendar.working_day_seconds if unit is TimeUnit.WORKING_DAYS else 3600


def expected_seconds(calendar: WorkingCalendar, amount: Decimal, unit: TimeUnit) -> int:
    return math.ceil(amount * unit_seconds(calendar, unit))


def in_a_session(calendar: WorkingCalendar, instant: dt.datetime) -> bool:
    t = instant.astimezone(calendar.tz).time()
    return any(s <= t <= e for s, e in calendar.sessions)


# --- slow references: walk day by day, session by session ------------------------------


def ref_working_seconds(calendar: WorkingCalendar, a: dt.datetime, b: dt.datetime) -> int:
    if b <= a:
        return 0
    total = dt.timedelta()
    day = a.astimezone(ICT).date()
    last = b.astimezone(ICT).date()
    while day <= last:
        if calendar.is_working_day(day):
            for s, e in calendar.sessions:
                lo = max(dt.datetime.combine(day, s, tzinfo=ICT), a)
                hi = min(dt.datetime.combine(day, e, tzinfo=ICT), b)
                if hi > lo:
                    total += hi - lo
        day += dt.timedelta(days=1)
    return int(total.total_seconds())


def ref_deadline(calendar: WorkingCalendar, start: dt.datetime, seconds: int) -> dt.datetime:
    begin = calendar.clock_start(start)
    remaining = dt.timedelta(seconds=seconds)
    day = begin.date()
    while True:
        if calendar.is_working_day(day):
            for s, e in calendar.sessions:
                lo = max(dt.datetime.combine(day, s, tzinfo=ICT), begin)
                hi = dt.datetime.combine(day, e, tzinfo=ICT)
                if hi <= lo:
                    continue
                if remaining <= hi - lo:
                    return lo + remaining
                remaining -= hi - lo
        day += dt.timedelta(days=1)


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), start=instants(), amount=amounts, unit=working_units)
def test_working_deadline_matches_reference_and_invariants(
    calendar: WorkingCalendar, start: dt.datetime, amount: Decimal, unit: TimeUnit
) -> None:
    due = calendar.deadline(start, amount, unit)
    begin = calendar.clock_start(start)
    seconds = expected_seconds(calendar, amount, unit)

    assert due == ref_deadline(calendar, start, seconds)
    assert calendar.is_working_day(due.astimezone(ICT).date())
    assert in_a_session(calendar, due)
    assert due > begin >= start
    assert calendar.working_seconds_between(begin, due) == seconds
    assert due.utcoffset() == dt.timedelta(hours=7)


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=instants())
def test_clock_start_is_on_a_working_day_in_a_session_and_idempotent(
    calendar: WorkingCalendar, start: dt.datetime
) -> None:
    begin = calendar.clock_start(start)

    assert begin >= start
    assert calendar.is_working_day(begin.date())
    t = begin.time()
    assert any(s <= t < e for s, e in calendar.sessions)
    assert t <= calendar.cutoff
    assert calendar.clock_start(begin) == begin
    local = start.astimezone(ICT)
    if calendar.is_working_day(local.date()) and local.time() <= calendar.cutoff:
        # received before the cut-off: no working time is lost before the clock starts
        assert calendar.working_seconds_between(start, begin) == 0
    else:
        # otherwise the clock starts at the opening of the next working day
        assert begin.date() > local.date()
        assert begin.time() == calendar.opening_time


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=instants(), amount=amounts)
def test_calendar_days_and_same_day_land_at_closing_on_a_working_day(
    calendar: WorkingCalendar, start: dt.datetime, amount: Decimal
) -> None:
    begin = calendar.clock_start(start)
    due = calendar.deadline(start, amount, TimeUnit.DAYS)
    same_day = calendar.deadline(start, amount, TimeUnit.SAME_DAY)

    assert calendar.is_working_day(due.date())
    assert due.time() == calendar.closing_time
    nominal = begin.date() + dt.timedelta(days=math.ceil(amount))
    assert due.date() == calendar.working_day_on_or_after(nominal)
    assert same_day == dt.datetime.combine(begin.date(), calendar.closing_time, tzinfo=ICT)


@settings(max_examples=200, deadline=None)
@given(
    calendar=calendars(),
    start=instants(),
    a1=amounts,
    a2=amounts,
    unit=st.sampled_from(list(TimeUnit)),
)
def test_deadline_is_monotonic_in_amount(
    calendar: WorkingCalendar, start: dt.datetime, a1: Decimal, a2: Decimal, unit: TimeUnit
) -> None:
    low, high = sorted((a1, a2))
    assume(low < high)

    d_low = calendar.deadline(start, low, unit)
    d_high = calendar.deadline(start, high, unit)

    if unit in (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS) and expected_seconds(
        calendar, low, unit
    ) < expected_seconds(calendar, high, unit):
        assert d_low < d_high
    else:
        assert d_low <= d_high


@settings(max_examples=200, deadline=None)
@given(calendar=calendars(), start=instants(), amount=amounts, unit=working_units, data=st.data())
def test_a_day_off_inside_the_span_moves_the_deadline(
    calendar: WorkingCalendar,
    start: dt.datetime,
    amount: Decimal,
    unit: TimeUnit,
    data: st.DataObject,
) -> None:
    begin = calendar.clock_start(start)
    due = calendar.deadline(start, amount, unit)
    span = [
        begin.date() + dt.timedelta(days=i) for i in range(1, (due.date() - begin.date()).days + 1)
    ]
    candidates = [d for d in span if calendar.is_working_day(d)]
    assume(candidates)
    day = data.draw(st.sampled_from(candidates))
    changed = WorkingCalendar(
        weekend=calendar.weekend,
        days_off=calendar.days_off | {day},
        working_days=calendar.working_days - {day},
        sessions=calendar.sessions,
        cutoff=calendar.cutoff,
    )

    new_due = changed.deadline(start, amount, unit)

    assert new_due > due
    assert changed.is_working_day(new_due.date()) is not False
    assert changed.working_seconds_between(begin, new_due) == expected_seconds(
        calendar, amount, unit
    )


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), a=instants(), b=instants(), c=instants())
def test_working_seconds_match_reference_and_add_up(
    calendar: WorkingCalendar, a: dt.datetime, b: dt.datetime, c: dt.datetime
) -> None:
    a, b, c = sorted((a, b, c))

    assert calendar.working_seconds_between(a, c) == ref_working_seconds(calendar, a, c)
    assert calendar.working_seconds_between(a, c) == calendar.working_seconds_between(
        a, b
    ) + calendar.working_seconds_between(b, c)
    assert calendar.working_seconds_between(c, a) == 0


@settings(max_examples=300, deadline=None)
@given(
    calendar=calendars(),
    a=instants(),
    b=instants(),
    pauses=st.lists(st.tuples(instants(), instants()), max_size=4),
)
def test_pauses_are_subtracted_once_and_never_go_negative(
    calendar: WorkingCalendar,
    a: dt.datetime,
    b: dt.datetime,
    pauses: list[tuple[dt.datetime, dt.datetime]],
) -> None:
    a, b = sorted((a, b))
    pauses = [tuple(sorted(p)) for p in pauses]  # type: ignore[misc]
    total = calendar.working_seconds_between(a, b)

    result = calendar.working_seconds_between(a, b, pauses)

    # reference: working time of [a, b] minus the working time of the union of pauses
    points = sorted({a, b, *[x for p in pauses for x in p if a <= x <= b]})
    paused = 0
    for lo, hi in zip(points, points[1:], strict=False):
        if any(p0 <= lo and hi <= p1 for p0, p1 in pauses):
            paused += calendar.working_seconds_between(lo, hi)
    assert result == total - paused
    assert 0 <= result <= total
    assert calendar.working_seconds_between(a, b, pauses + pauses) == result


@settings(max_examples=300, deadline=None)
@given(
    calendar=calendars(),
    due=instants(),
    seconds=st.one_of(
        st.integers(min_value=0, max_value=40 * 9 * 3600),
        st.sampled_from([0, 3600, 8 * 3600, 4 * 3600]),
    ),
    probe=instants(),
)
def test_time_left_from_is_the_earliest_instant_with_that_much_left(
    calendar: WorkingCalendar, due: dt.datetime, seconds: int, probe: dt.datetime
) -> None:
    """time_left_from(due, s) is exactly where "at most s of work left until due" starts:
    at it and after it (up to due) the working time left is <= s, one second before it more;
    a probe anywhere agrees with the direct computation."""
    start = calendar.time_left_from(due, seconds)
    assert start <= due
    assert calendar.working_seconds_between(start, due) <= seconds
    assert calendar.working_seconds_between(start - dt.timedelta(seconds=1), due) > seconds
    left = calendar.working_seconds_between(probe, due)
    assert (probe >= start) == (left <= seconds)


@settings(max_examples=300, deadline=None)
@given(
    calendar=calendars(),
    start=instants(),
    seconds=st.one_of(
        st.integers(min_value=1, max_value=40 * 9 * 3600),
        st.sampled_from([1, 3600, 4 * 3600, 8 * 3600]),
    ),
)
def test_add_working_seconds_walks_exactly_that_much_work(
    calendar: WorkingCalendar, start: dt.datetime, seconds: int
) -> None:
    """add_working_seconds(t, s) is the earliest instant with s of work since t: inside an
    office session or at a session's end, and one second before it there is less."""
    end = calendar.add_working_seconds(start, seconds)
    assert end > start
    assert calendar.working_seconds_between(start, end) == seconds
    assert calendar.working_seconds_between(start, end - dt.timedelta(seconds=1)) == seconds - 1
    assert in_a_session(calendar, end)
    assert calendar.is_working_day(end.astimezone(calendar.tz).date())


@settings(max_examples=300, deadline=None)
@given(calendar=calendars(), day=dates, n=st.integers(min_value=1, max_value=45))
def test_add_working_days_matches_a_day_by_day_walk(
    calendar: WorkingCalendar, day: dt.date, n: int
) -> None:
    expected, left = day, n
    while left:
        expected += dt.timedelta(days=1)
        left -= calendar.is_working_day(expected)
    assert calendar.add_working_days(day, n) == expected
    nxt = day + dt.timedelta(days=1)
    while not calendar.is_working_day(nxt):
        nxt += dt.timedelta(days=1)
    assert calendar.next_working_day(day) == nxt
