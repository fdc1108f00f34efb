"""The government's yearly civil-service holiday schedules, as data (stdlib only).

Source: /work/shared/domain.md §9.2 (2025) and §9.3 (2026). These tables are authoritative
over the `holidays` package where the two differ. Add a year by adding a tuple of
`DecisionDay` rows to `DECISIONS` (and a test); `calendar_seed` picks it up.

Weekend dates inside a holiday break are listed too: they change nothing in the arithmetic
but give the days list a reason ("Tết Nguyên đán Bính Ngọ" rather than "Saturday").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.calendar.data import CalendarDayKind

DAY_OFF = CalendarDayKind.DAY_OFF
WORKING_DAY = CalendarDayKind.WORKING_DAY


@dataclass(frozen=True, slots=True)
class DecisionDay:
    date: dt.date
    kind: CalendarDayKind
    reason: str
    legal_reference: str


def _span(
    first: dt.date, last: dt.date, reason: str, ref: str, kind: CalendarDayKind = DAY_OFF
) -> tuple[DecisionDay, ...]:
    days = (last - first).days + 1
    return tuple(DecisionDay(first + dt.timedelta(days=i), kind, reason, ref) for i in range(days))


_D = dt.date

# 2025: Công văn 8726/VPCP-KGVX ngày 26/11/2024 (domain.md §9.2).
_REF_2025 = "Công văn 8726/VPCP-KGVX ngày 26/11/2024"
_2025: tuple[DecisionDay, ...] = (
    *_span(_D(2025, 1, 1), _D(2025, 1, 1), "Tết Dương lịch", _REF_2025),
    *_span(_D(2025, 1, 25), _D(2025, 2, 2), "Tết Nguyên đán Ất Tỵ", _REF_2025),
    *_span(_D(2025, 4, 5), _D(2025, 4, 7), "Giỗ Tổ Hùng Vương", _REF_2025),
    DecisionDay(_D(2025, 4, 26), WORKING_DAY, "Làm bù cho thứ Sáu 02/05/2025", _REF_2025),
    *_span(_D(2025, 4, 30), _D(2025, 4, 30), "Ngày Chiến thắng (30/4)", _REF_2025),
    *_span(_D(2025, 5, 1), _D(2025, 5, 1), "Ngày Quốc tế Lao động (1/5)", _REF_2025),
    DecisionDay(_D(2025, 5, 2), DAY_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)", _REF_2025),
    *_span(_D(2025, 5, 3), _D(2025, 5, 4), "Nghỉ lễ 30/4 – 1/5", _REF_2025),
    *_span(_D(2025, 8, 30), _D(2025, 9, 2), "Quốc khánh", _REF_2025),
)

# 2026: Công văn 9859/VPCP-KGVX and Thông báo 9441/TB-BNV (domain.md §9.3).
_REF_2026 = "Công văn 9859/VPCP-KGVX; Thông báo 9441/TB-BNV"
_2026: tuple[DecisionDay, ...] = (
    *_span(_D(2026, 1, 1), _D(2026, 1, 1), "Tết Dương lịch", _REF_2026),
    *_span(_D(2026, 2, 14), _D(2026, 2, 22), "Tết Nguyên đán Bính Ngọ", _REF_2026),
    DecisionDay(_D(2026, 4, 26), DAY_OFF, "Giỗ Tổ Hùng Vương", _REF_2026),
    DecisionDay(_D(2026, 4, 27), DAY_OFF, "Nghỉ bù Giỗ Tổ Hùng Vương", _REF_2026),
    DecisionDay(_D(2026, 4, 30), DAY_OFF, "Ngày Chiến thắng (30/4)", _REF_2026),
    DecisionDay(_D(2026, 5, 1), DAY_OFF, "Ngày Quốc tế Lao động (1/5)", _REF_2026),
    *_span(_D(2026, 5, 2), _D(2026, 5, 3), "Nghỉ lễ 30/4 – 1/5", _REF_2026),
    DecisionDay(_D(2026, 8, 22), WORKING_DAY, "Làm bù cho thứ Hai 31/08/2026", _REF_2026),
    *_span(_D(2026, 8, 29), _D(2026, 8, 30), "Quốc khánh", _REF_2026),
    DecisionDay(
        _D(2026, 8, 31),
        DAY_OFF,
        "Quốc khánh (nghỉ hoán đổi, làm bù thứ Bảy 22/08/2026)",
        _REF_2026,
    ),
    *_span(_D(2026, 9, 1), _D(2026, 9, 2), "Quốc khánh", _REF_2026),
)

DECISIONS: dict[int, tuple[DecisionDay, ...]] = {2025: _2025, 2026: _2026}
