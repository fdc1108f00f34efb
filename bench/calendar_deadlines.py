"""Deadline computation vs numpy.busday_offset on the same calendar, in one run.

Target (DESIGN.md §5): ≥ 0.5 × numpy's speed. Both sides are called once per deadline from
Python (the way the system computes a deadline: one dossier at a time); numpy's vectorised
throughput is printed too, for context. The calendar is the real one seeded from the
`holidays` package for 2025–2028 without make-up working Saturdays (numpy cannot express a
working Saturday), so both sides can be checked to give the same dates."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

import holidays
import numpy as np

from motcua.calendar.api import TimeUnit, WorkingCalendar

N = 100_000


def _calendar() -> tuple[WorkingCalendar, list[dt.date]]:
    days_off = sorted(holidays.country_holidays("VN", years=range(2025, 2029)))
    return WorkingCalendar.from_text(days_off=days_off), days_off


def run() -> dict[str, float]:
    cal, days_off = _calendar()
    rng = random.Random(42)
    base = dt.date(2025, 1, 1)
    starts: list[dt.date] = []
    while len(starts) < N:
        d = base + dt.timedelta(days=rng.randrange(0, 3 * 365))
        if cal.is_working_day(d):
            starts.append(d)
    offsets = [rng.randint(1, 30) for _ in range(N)]
    holidays_np = np.array(days_off, dtype="datetime64[D]")
    bdc = np.busdaycalendar(weekmask="1111100", holidays=holidays_np)
    starts_np = [np.datetime64(d, "D") for d in starts]

    # Warm up both.
    for i in range(1000):
        cal.add_working_days(starts[i], offsets[i])
        np.busday_offset(starts_np[i], offsets[i], roll="forward", busdaycal=bdc)

    t0 = time.perf_counter()
    ours = [cal.add_working_days(starts[i], offsets[i]) for i in range(N)]
    t_ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    theirs = [
        np.busday_offset(starts_np[i], offsets[i], roll="forward", busdaycal=bdc) for i in range(N)
    ]
    t_np = time.perf_counter() - t0

    arr = np.array(starts_np)
    off = np.array(offsets)
    t0 = time.perf_counter()
    np.busday_offset(arr, off, roll="forward", busdaycal=bdc)
    t_vec = time.perf_counter() - t0

    mismatches = sum(1 for a, b in zip(ours, theirs, strict=True) if np.datetime64(a, "D") != b)

    tz = cal.tz
    instants = [dt.datetime.combine(d, dt.time(9, 15), tz) for d in starts[:20_000]]
    t0 = time.perf_counter()
    for i, start in enumerate(instants):
        cal.deadline(start, Decimal(offsets[i]), TimeUnit.WORKING_DAYS)
    t_deadline = time.perf_counter() - t0

    ours_rate = N / t_ours
    np_rate = N / t_np
    print("== deadline computation (calendar 2025–2028, VN holidays, Mon–Fri)")
    print(f"motcua add_working_days   {ours_rate:>12,.0f} /s  ({t_ours * 1e6 / N:.2f} µs each)")
    print(f"numpy.busday_offset       {np_rate:>12,.0f} /s  ({t_np * 1e6 / N:.2f} µs each)")
    print(f"numpy vectorised          {N / t_vec:>12,.0f} /s  (one call for {N:,})")
    print(
        f"motcua deadline() with office hours, 09:15 start: "
        f"{len(instants) / t_deadline:,.0f} /s ({t_deadline * 1e6 / len(instants):.2f} µs)"
    )
    print(f"ratio motcua / numpy (per call): {ours_rate / np_rate:.2f}  (target ≥ 0.5)")
    print(f"same dates as numpy: {N - mismatches:,} / {N:,}")
    return {"ratio": ours_rate / np_rate, "mismatches": float(mismatches)}


if __name__ == "__main__":
    run()
