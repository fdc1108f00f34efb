"""Working-day arithmetic: pure, ORM-free and fast.

A `WorkingCalendar` knows the weekly rest days, the dated overrides (days off and make-up
working days), the office sessions, the 15:00 cut-off and the time zone. It answers:

* is a date a working day, which is the next one;
* when does the clock start for something received at an instant (`clock_start`);
* when is something due (`deadline`), in working days, working hours, calendar days or
  "within the day";
* how much working time lies between two instants, minus pauses
  (`working_seconds_between`).

The rules are written down in docs/adr/0004-working-day-calendar.md.

Performance: nothing here loops per minute or per day. Whole weeks are skipped with
arithmetic on date ordinals, and only the dated overrides inside a span are visited (found
by bisection), the way numpy.busday_offset works. Working time between two instants is the
difference of a cumulative "working microseconds since year 1" function, O(log n) each.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from types import MappingProxyType
from zoneinfo import ZoneInfo

from motcua.calendar.data import DayInfo, TimeUnit

__all__ = [
    "DEFAULT_SESSIONS",
    "ENGLISH_WEEKDAY_NAMES",
    "WorkingCalendar",
    "parse_sessions",
    "parse_time",
]

_US = 1_000_000  # microseconds in a second
_HOUR_US = 3600 * _US

DEFAULT_SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 30)),
)
ENGLISH_WEEKDAY_NAMES: Mapping[int, str] = MappingProxyType(
    {
        0: "Monday",
        1: "Tuesday",
        2: "Wednesday",
        3: "Thursday",
        4: "Friday",
        5: "Saturday",
        6: "Sunday",
    }
)

Pause = tuple[dt.datetime, dt.datetime]


def parse_time(text: str) -> dt.time:
    """Parse "HH:MM" (or "HH:MM:SS") into a naive time. Raises ValueError."""
    value = text.strip()
    if not value or value.count(":") not in (1, 2):
        raise ValueError(f"Not a time of day (HH:MM): {text!r}")
    parsed = dt.time.fromisoformat(value)
    if parsed.tzinfo is not None:
        raise ValueError(f"A time of day must not carry a time zone: {text!r}")
    return parsed


def parse_sessions(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """Parse "07:30-11:30,13:30-17:30" into ((07:30, 11:30), (13:30, 17:30)). Raises ValueError."""
    sessions: list[tuple[dt.time, dt.time]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        start, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"An office session must look like HH:MM-HH:MM: {part!r}")
        sessions.append((parse_time(start), parse_time(end)))
    if not sessions:
        raise ValueError("At least one office session is needed.")
    return tuple(sessions)


def _tod_us(value: dt.time | dt.datetime) -> int:
    """Microseconds since midnight of a (wall-clock) time of day."""
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US + value.microsecond


def _time_of(tod_us: int) -> dt.time:
    seconds, micro = divmod(tod_us, _US)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return dt.time(hour, minute, second, micro)


def _require_aware(value: dt.datetime, name: str) -> None:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _to_decimal(amount: Decimal | int | str) -> Decimal:
    if isinstance(amount, bool):
        raise ValueError("amount must be a number")
    if isinstance(amount, float):
        amount = repr(amount)
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"amount is not a number: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError("amount must be a finite number")
    return value


@dataclass(frozen=True)
class WorkingCalendar:
    """A working-day calendar. Immutable; build one per set of rules and share it.

    ``days_off`` are dates that are not working days although their weekday is (holidays,
    decreed days off); ``working_days`` are dates that are working days although their
    weekday is a rest day (make-up working Saturdays). A date may not be in both. Dates in
    ``days_off`` that fall on a weekend, or in ``working_days`` that fall on a weekday, are
    allowed (they only carry a reason).
    """

    weekend: frozenset[int] = frozenset({5, 6})
    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()
    reasons: Mapping[dt.date, str] = field(default_factory=dict)
    sessions: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_SESSIONS
    cutoff: dt.time = dt.time(15, 0)
    tz: dt.tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    roll_forward: bool = True
    #: Names given as the reason of an ordinary rest day (index = weekday, Monday = 0).
    #: Values are str()-ed when asked for, so lazy translations work.
    weekday_names: Mapping[int, str] = field(default_factory=lambda: ENGLISH_WEEKDAY_NAMES)

    # Derived, precomputed in __post_init__.
    _bounds: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _open_us: int = field(init=False, repr=False, compare=False)
    _close_us: int = field(init=False, repr=False, compare=False)
    _cutoff_us: int = field(init=False, repr=False, compare=False)
    _bound_times: dict[int, dt.time] = field(init=False, repr=False, compare=False)
    _wpw: int = field(init=False, repr=False, compare=False)
    _work_weekdays: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _prefix: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _hol: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _mk: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _exc: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _exc_is_mk: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    _exc_before: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        weekend = frozenset(int(d) for d in self.weekend)
        if not weekend <= set(range(7)):
            raise ValueError("Weekend days are weekday numbers 0 (Monday) to 6 (Sunday).")
        if len(weekend) >= 7:
            raise ValueError("At least one weekday must be a working day.")
        days_off = frozenset(self.days_off)
        working_days = frozenset(self.working_days)
        both = days_off & working_days
        if both:
            raise ValueError(f"Dates both off and working: {sorted(both)}")
        sessions = tuple((s, e) for s, e in self.sessions)
        if not sessions:
            raise ValueError("At least one office session is needed.")
        bounds: list[tuple[int, int]] = []
        for start, end in sessions:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("Office sessions are naive wall-clock times.")
            s, e = _tod_us(start), _tod_us(end)
            if s >= e:
                raise ValueError(f"An office session must end after it starts: {start}-{end}")
            if bounds and s < bounds[-1][1]:
                raise ValueError("Office sessions must be in order and must not overlap.")
            bounds.append((s, e))
        if not isinstance(self.tz, dt.tzinfo):
            raise ValueError("tz must be a tzinfo")
        if self.cutoff.tzinfo is not None:
            raise ValueError("The cut-off is a naive wall-clock time.")
        if _tod_us(self.cutoff) < bounds[0][0]:
            raise ValueError("The cut-off must not be before the first session opens.")

        setattr_(self, "weekend", weekend)
        setattr_(self, "days_off", days_off)
        setattr_(self, "working_days", working_days)
        setattr_(self, "sessions", sessions)
        setattr_(self, "_bounds", tuple(bounds))
        setattr_(self, "_day_us", sum(e - s for s, e in bounds))
        setattr_(self, "_open_us", bounds[0][0])
        setattr_(self, "_close_us", bounds[-1][1])
        setattr_(self, "_cutoff_us", _tod_us(self.cutoff))
        times = {_tod_us(t): t for pair in sessions for t in pair}
        setattr_(self, "_bound_times", times)
        work_weekdays = tuple(d for d in range(7) if d not in weekend)
        setattr_(self, "_work_weekdays", work_weekdays)
        setattr_(self, "_wpw", len(work_weekdays))
        prefix = [0]
        for d in range(7):
            prefix.append(prefix[-1] + (d not in weekend))
        setattr_(self, "_prefix", tuple(prefix))
        # Only the overrides that change the weekly pattern matter for counting.
        hol = sorted(d.toordinal() for d in days_off if d.weekday() not in weekend)
        mk = sorted(d.toordinal() for d in working_days if d.weekday() in weekend)
        setattr_(self, "_hol", tuple(hol))
        setattr_(self, "_mk", tuple(mk))
        merged = sorted([(o, False) for o in hol] + [(o, True) for o in mk])
        setattr_(self, "_exc", tuple(o for o, _ in merged))
        setattr_(self, "_exc_is_mk", tuple(m for _, m in merged))
        # Working days strictly before each override (non-decreasing): lets `_nth_working`
        # find the gap between overrides that holds the answer by bisection.
        setattr_(self, "_exc_before", tuple(self._wd_before(o) for o, _ in merged))

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_text(
        cls,
        *,
        sessions: str = "07:30-11:30,13:30-17:30",
        cutoff: str = "15:00",
        weekend: Iterable[int] = (5, 6),
        days_off: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        reasons: Mapping[dt.date, str] | None = None,
        tz: str | dt.tzinfo = "Asia/Ho_Chi_Minh",
        roll_forward: bool = True,
        weekday_names: Mapping[int, str] = ENGLISH_WEEKDAY_NAMES,
    ) -> WorkingCalendar:
        """Build a calendar from setting-style values ("07:30-11:30,13:30-17:30", "15:00")."""
        return cls(
            weekend=frozenset(weekend),
            days_off=frozenset(days_off),
            working_days=frozenset(working_days),
            reasons=dict(reasons or {}),
            sessions=parse_sessions(sessions),
            cutoff=parse_time(cutoff),
            tz=ZoneInfo(tz) if isinstance(tz, str) else tz,
            roll_forward=roll_forward,
            weekday_names=weekday_names,
        )

    # ------------------------------------------------------------------ properties

    @property
    def working_day_seconds(self) -> int:
        """Length of a working day in seconds (sum of the office sessions; 8 h by default)."""
        return self._day_us // _US

    @property
    def opening_time(self) -> dt.time:
        """When the first office session of a working day opens."""
        return self.sessions[0][0]

    @property
    def closing_time(self) -> dt.time:
        """When the last office session of a working day closes."""
        return self.sessions[-1][1]

    # ------------------------------------------------------------------ days

    def is_working_day(self, d: dt.date) -> bool:
        """True when `d` is a working day (weekday default, then the dated overrides)."""
        if d in self.working_days:
            return True
        if d in self.days_off:
            return False
        return d.weekday() not in self.weekend

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d`."""
        return dt.date.fromordinal(self._nth_after(d.toordinal(), 1))

    def working_day_on_or_after(self, d: dt.date) -> dt.date:
        """`d` itself if it is a working day, else the next working day."""
        return d if self.is_working_day(d) else self.next_working_day(d)

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after `d` (n >= 0; n = 0 gives `working_day_on_or_after(d)`)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return self.working_day_on_or_after(d)
        return dt.date.fromordinal(self._nth_after(d.toordinal(), n))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days d with start <= d < end (0 when end <= start)."""
        if end <= start:
            return 0
        return self._wd_before(end.toordinal()) - self._wd_before(start.toordinal())

    def day_info(self, d: dt.date) -> DayInfo:
        """Whether `d` is a working day and why: the override's reason, the weekday's name
        for an ordinary rest day, or "" for an ordinary working day."""
        working = self.is_working_day(d)
        reason = self.reasons.get(d) or ""
        if not reason and not working and d.weekday() in self.weekend:
            reason = self.weekday_names.get(d.weekday(), "")
        return DayInfo(date=d, working=working, reason=str(reason))

    def days(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """`day_info` for every date from `start` to `end`, both included."""
        if end < start:
            raise ValueError("end must not be before start")
        first = start.toordinal()
        return [self.day_info(dt.date.fromordinal(o)) for o in range(first, end.toordinal() + 1)]

    # ------------------------------------------------------------------ instants

    def clock_start(self, instant: dt.datetime) -> dt.datetime:
        """When the clock starts for something received at `instant` (aware).

        Inside an office session of a working day, at or before the cut-off: `instant`
        itself. Before the first session of a working day: that day's opening. Between two
        sessions: the next session's opening. After the cut-off, after closing, or on a
        non-working day: the opening of the next working day. The result is in `tz`.
        """
        _require_aware(instant, "instant")
        local = instant.astimezone(self.tz)
        d = local.date()
        if self.is_working_day(d):
            tod = _tod_us(local)
            if tod <= self._cutoff_us:
                for s, e in self._bounds:
                    if tod < e:
                        return local if tod >= s else self._instant(d, s)
        return self._instant(self.next_working_day(d), self._open_us)

    def deadline(
        self, start: dt.datetime, amount: Decimal | int | str, unit: TimeUnit | str
    ) -> dt.datetime:
        """When something received at `start` is due, as an aware datetime in `tz`.

        * working_days: walk amount x (working-day length) of working time through the
          office sessions of working days from `clock_start(start)`;
        * working_hours: walk amount hours the same way;
          (an end exactly at a session's end stays there: 17:30, not 07:30 the next day;
          the walk is rounded up to the whole second);
        * days: the clock-start date + ceil(amount) calendar days, at closing time; moved
          to the next working day when that day is not one and `roll_forward` is on;
        * same_day: closing time of the clock-start date (amount is ignored).

        Raises ValueError for a naive `start`, an unknown unit, or an amount that is not a
        number > 0 (except for same_day).
        """
        unit = TimeUnit(unit)
        begin = self.clock_start(start)
        if unit is TimeUnit.SAME_DAY:
            return self._instant(begin.date(), self._close_us)
        value = _to_decimal(amount)
        if value <= 0:
            raise ValueError("amount must be greater than 0")
        try:
            if unit is TimeUnit.DAYS:
                days = int(value.to_integral_value(rounding=ROUND_CEILING))
                due = begin.date() + dt.timedelta(days=days)
                if self.roll_forward and not self.is_working_day(due):
                    due = self.next_working_day(due)
                return self._instant(due, self._close_us)
            per_unit = self._day_us if unit is TimeUnit.WORKING_DAYS else _HOUR_US
            seconds = (value * per_unit / _US).to_integral_value(rounding=ROUND_CEILING)
            return self._walk(begin, int(seconds) * _US)
        except OverflowError as exc:
            raise ValueError("amount is too large") from exc

    def working_seconds_between(
        self, a: dt.datetime, b: dt.datetime, pauses: Iterable[Pause] = ()
    ) -> int:
        """Working time, in whole seconds, inside the office sessions of working days
        between `a` and `b`, minus the working time inside `pauses`.

        Pauses are (start, end) pairs of aware datetimes; they may overlap each other or
        reach outside [a, b]. The result is never negative (0 when b <= a).
        """
        _require_aware(a, "a")
        _require_aware(b, "b")
        clipped: list[tuple[dt.datetime, dt.datetime]] = []
        for p_start, p_end in pauses:
            _require_aware(p_start, "pause start")
            _require_aware(p_end, "pause end")
            lo, hi = max(p_start, a), min(p_end, b)
            if hi > lo:
                clipped.append((lo, hi))
        if b <= a:
            return 0
        total = self._cum_us(b) - self._cum_us(a)
        clipped.sort()
        cur_lo: dt.datetime | None = None
        cur_hi: dt.datetime | None = None
        for lo, hi in clipped:
            if cur_hi is not None and cur_lo is not None and lo <= cur_hi:
                cur_hi = max(cur_hi, hi)
                continue
            if cur_lo is not None and cur_hi is not None:
                total -= self._cum_us(cur_hi) - self._cum_us(cur_lo)
            cur_lo, cur_hi = lo, hi
        if cur_lo is not None and cur_hi is not None:
            total -= self._cum_us(cur_hi) - self._cum_us(cur_lo)
        return max(0, total) // _US

    def time_left_from(self, due: dt.datetime, seconds: int) -> dt.datetime:
        """The earliest instant from which at most `seconds` of working time are left until
        `due`: `working_seconds_between(t, due) <= seconds` exactly for t at or after it.

        The inverse of the working time left, so that "near due" can be stored once per
        deadline and queried with an index instead of computed for every open dossier.
        The non-working time just before the answer does not count: when the last
        `seconds` of work start at a day's opening, the answer is the previous working
        day's closing time. In `tz`; `seconds` below 0 count as 0."""
        _require_aware(due, "due")
        target = self._cum_us(due) - max(0, int(seconds)) * _US
        if target <= 0:
            return self._instant(dt.date.fromordinal(1), 0)
        return self._at_cum(target)

    def add_working_seconds(self, instant: dt.datetime, seconds: int) -> dt.datetime:
        """The instant `seconds` of working time after `instant`, walking the office sessions
        of working days from `instant` itself: no cut-off and no clock start, unlike
        `deadline` (an officer's next action, not a dossier received). An end exactly at a
        session's end stays there (17:30, not 07:30 the next day);
        `working_seconds_between(instant, result) == seconds`. 0 seconds give `instant`
        (in `tz`). Raises ValueError for a naive `instant` or seconds below 0."""
        _require_aware(instant, "instant")
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        local = instant.astimezone(self.tz)
        if seconds == 0:
            return local
        return self._at_cum(self._cum_us(local) + int(seconds) * _US)

    # ------------------------------------------------------------------ internals

    def _instant(self, d: dt.date, tod_us: int) -> dt.datetime:
        t = self._bound_times.get(tod_us)
        if t is None:
            t = _time_of(tod_us)
        return dt.datetime.combine(d, t, tzinfo=self.tz)

    def _within(self, tod_us: int) -> int:
        """Working microseconds of a working day before wall-clock time `tod_us`."""
        done = 0
        for s, e in self._bounds:
            if tod_us <= s:
                break
            done += (e if tod_us >= e else tod_us) - s
        return done

    def _at_offset(self, d: dt.date, offset_us: int) -> dt.datetime:
        """The instant of day `d` after `offset_us` (0 < offset <= day length) of work.
        An offset that ends exactly at a session's end gives that end."""
        for s, e in self._bounds:
            length = e - s
            if offset_us <= length:
                return self._instant(d, s + offset_us)
            offset_us -= length
        raise AssertionError("offset beyond the working day")  # pragma: no cover

    def _at_cum(self, target_us: int) -> dt.datetime:
        """The instant where the working time counted from ordinal day 1 reaches `target_us`
        (> 0; the inverse of `_cum_us`). The end of a working day is its closing time."""
        full_days, rest = divmod(target_us, self._day_us)
        if rest == 0:  # the end of the full_days-th working day
            day = self._nth_after(0, full_days)
            return self._instant(dt.date.fromordinal(day), self._close_us)
        day = self._nth_after(0, full_days + 1)
        return self._at_offset(dt.date.fromordinal(day), rest)

    def _walk(self, begin: dt.datetime, total_us: int) -> dt.datetime:
        d = begin.date()
        used = self._within(_tod_us(begin))
        left_today = self._day_us - used
        if total_us <= left_today:
            return self._at_offset(d, used + total_us)
        full_days, rest = divmod(total_us - left_today, self._day_us)
        if rest == 0:
            full_days -= 1
            rest = self._day_us
        target = self._nth_after(d.toordinal(), full_days + 1)
        return self._at_offset(dt.date.fromordinal(target), rest)

    def _cum_us(self, instant: dt.datetime) -> int:
        """Working microseconds from the start of ordinal day 1 up to `instant`."""
        local = instant.astimezone(self.tz)
        d = local.date()
        before = self._wd_before(d.toordinal()) * self._day_us
        if self.is_working_day(d):
            before += self._within(_tod_us(local))
        return before

    # Weekly-pattern arithmetic on date ordinals (ordinal 1 = Monday 0001-01-01).

    def _pattern_upto(self, o: int) -> int:
        """Pattern working days (weekday not in weekend) with ordinal in [1, o]."""
        q, r = divmod(o, 7)
        return q * self._wpw + self._prefix[r]

    def _wd_before(self, o: int) -> int:
        """Working days with ordinal in [1, o)."""
        return (
            self._pattern_upto(o - 1)
            - bisect.bisect_left(self._hol, o)
            + bisect.bisect_left(self._mk, o)
        )

    def _nth_after(self, a: int, k: int) -> int:
        """Ordinal of the k-th (k >= 1) working day strictly after ordinal `a`."""
        return self._nth_working(self._wd_before(a + 1) + k)

    def _nth_working(self, w: int) -> int:
        """Ordinal of the w-th (w >= 1) working day counted from ordinal 1.

        Bisects the overrides for the gap that holds it (O(log n) whatever the number of
        holidays loaded: `_at_cum` counts from ordinal 0, through every override of every
        year), then counts weekly-pattern days inside the gap arithmetically."""
        before = self._exc_before
        j = bisect.bisect_left(before, w)  # the first override with >= w working days before it
        if j == 0:
            actual = pattern = 0
        else:
            e = self._exc[j - 1]
            actual = before[j - 1]  # working days before the override
            if self._exc_is_mk[j - 1]:
                actual += 1  # a make-up day works, outside the weekly pattern
                if actual == w:
                    return e
            pattern = self._pattern_upto(e)
        # In the gap only the weekly pattern counts: the day whose pattern count is p.
        p = w - actual + pattern
        q, r = divmod(p - 1, self._wpw)
        return 7 * q + 1 + self._work_weekdays[r]
