"""Deadline cases on the real 2025–2026 calendars, computed by hand (shared by tests)."""

from __future__ import annotations

from motcua.calendar.data import TimeUnit

from .conftest import at

WD = TimeUnit.WORKING_DAYS
WH = TimeUnit.WORKING_HOURS
DAYS = TimeUnit.DAYS
SAME = TimeUnit.SAME_DAY

# (id, received at, amount, unit, due at). Sessions 07:30-11:30 and 13:30-17:30, cut-off 15:00.
HAND_CASES = [
    # Tết Bính Ngọ: off Sat 14 – Sun 22/02/2026. Fri 10:00 → 5.5 h left on Friday, then
    # Mon 23 (8 h), Tue 24 (8 h), and 2.5 h on Wed 25 → 10:00.
    ("tet_2026_3_working_days", at(2026, 2, 13, 10), "3", WD, at(2026, 2, 25, 10)),
    # Hùng Kings 2026: Sun 26/04 → Mon 27/04 off. Fri 24/04 09:00: 6.5 h Fri, 8 h Tue 28,
    # 1.5 h Wed 29.
    ("hung_kings_2026_2_working_days", at(2026, 4, 24, 9), "2", WD, at(2026, 4, 29, 9)),
    # ... and Thu 30/04 + Fri 01/05 off too: the third day ends on Mon 04/05.
    ("hung_kings_and_30_4_2026", at(2026, 4, 24, 9), "3", WD, at(2026, 5, 4, 9)),
    # 2025: Saturday 26/04 is a working day (swapped with Friday 02/05).
    ("working_saturday_26_04_2025_counts", at(2025, 4, 25, 10), "1", WD, at(2025, 4, 26, 10)),
    ("received_on_working_saturday_2025", at(2025, 4, 26, 8), "1", WD, at(2025, 4, 28, 8)),
    ("friday_02_05_2025_is_off", at(2025, 4, 29, 10), "1", WD, at(2025, 5, 5, 10)),
    # 2026: Saturday 22/08 is a working day (swapped with Monday 31/08); 29/08 – 02/09 off.
    ("working_saturday_22_08_2026_counts", at(2026, 8, 21, 10), "1", WD, at(2026, 8, 22, 10)),
    ("quoc_khanh_2026", at(2026, 8, 28, 10), "1", WD, at(2026, 9, 3, 10)),
    # New Year: received Wed 31/12/2025 after 15:00 → clock Fri 02/01/2026 07:30.
    ("new_year_2026_after_cutoff", at(2025, 12, 31, 16), "1", WD, at(2026, 1, 2, 17, 30)),
    # Vietnam Cultural Day (holidays 0.108): Tue 24/11/2026 off.
    ("vietnam_cultural_day_2026", at(2026, 11, 23, 10), "1", WD, at(2026, 11, 25, 10)),
    # Received after 15:00 → clock at 07:30 the next working day; 8 h ends at 17:30 that day.
    ("received_after_cutoff", at(2026, 3, 9, 15, 30), "1", WD, at(2026, 3, 10, 17, 30)),
    # Exactly 15:00 is not "after 15:00": 2.5 h on Monday, 5.5 h on Tuesday.
    ("received_exactly_at_cutoff", at(2026, 3, 9, 15, 0), "1", WD, at(2026, 3, 10, 15, 0)),
    ("received_after_closing", at(2026, 3, 10, 18), "1", WD, at(2026, 3, 11, 17, 30)),
    # Sunday → clock Mon 07:30; two full days end Tue 17:30 (not Wed 07:30).
    ("received_on_sunday", at(2026, 3, 8, 9), "2", WD, at(2026, 3, 10, 17, 30)),
    # Lunch break → clock 13:30.
    ("lunch_break_half_day", at(2026, 3, 10, 12, 15), "0.5", WD, at(2026, 3, 10, 17, 30)),
    ("lunch_break_one_day", at(2026, 3, 10, 12, 15), "1", WD, at(2026, 3, 11, 11, 30)),
    # 0.5 day = 4 h: 09:00–11:30 (2.5 h) + 13:30–15:00 (1.5 h).
    ("half_working_day", at(2026, 3, 11, 9), "0.5", WD, at(2026, 3, 11, 15)),
    # 10.5 days from Mon 09/03 08:00: 10 days → Mon 23/03 08:00, + 4 h → 14:00.
    ("ten_and_a_half_working_days", at(2026, 3, 9, 8), "10.5", WD, at(2026, 3, 23, 14)),
    # Working hours: 1.5 h + 4 h on Tuesday, 2.5 h on Wednesday.
    ("eight_working_hours", at(2026, 3, 10, 10), "8", WH, at(2026, 3, 11, 10)),
    (
        "four_hours_end_at_the_morning_close",
        at(2026, 3, 10, 7, 30),
        "4",
        WH,
        at(2026, 3, 10, 11, 30),
    ),
    ("one_hour_before_opening", at(2026, 3, 10, 6), "1", WH, at(2026, 3, 10, 8, 30)),
    ("one_and_a_half_hours_over_lunch", at(2026, 3, 10, 11), "1.5", WH, at(2026, 3, 10, 14, 30)),
    # Calendar days: Mon 02/03 + 6 = Sun 08/03 → Mon 09/03 at closing time.
    ("calendar_days_sunday_rolls_to_monday", at(2026, 3, 2, 9), "6", DAYS, at(2026, 3, 9, 17, 30)),
    ("calendar_days_into_tet", at(2026, 2, 9, 9), "5", DAYS, at(2026, 2, 23, 17, 30)),
    ("calendar_days_fraction_rounds_up", at(2026, 3, 2, 9), "1.2", DAYS, at(2026, 3, 4, 17, 30)),
    ("calendar_days_from_clock_start", at(2026, 3, 6, 16), "1", DAYS, at(2026, 3, 10, 17, 30)),
    # Within the day.
    ("same_day_before_cutoff", at(2026, 3, 10, 14, 59), "0", SAME, at(2026, 3, 10, 17, 30)),
    ("same_day_after_cutoff", at(2026, 3, 10, 15, 1), "0", SAME, at(2026, 3, 11, 17, 30)),
    ("same_day_friday_before_tet", at(2026, 2, 13, 16), "0", SAME, at(2026, 2, 23, 17, 30)),
]
