"""The income per working hour from 2024 (domain.md §6): 40,000 đ per hour, 8 hours a day, the
GSO figure used by the provinces' 2025 simplification plans (Đồng Nai QĐ 2816/QĐ-UBND of
20/11/2025). Seen in provincial decisions, not in the GSO source itself: `confirmed` is off
and the figure is a dated setting the province admin can change (ADR 0039).

Written by migration 0002 (with the historical model) and, in tests, after a transactional
test case has flushed the tables (`income_rate` fixture in the root conftest)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

SEED_2024: dict[str, Any] = {
    "hourly_income_vnd": 40000,
    "hours_per_day": Decimal(8),
    "source": "Thu nhập bình quân 1 giờ làm việc năm 2024 (Tổng cục Thống kê) theo "
    "QĐ 2816/QĐ-UBND ngày 20/11/2025 của UBND tỉnh Đồng Nai",
    "confirmed": False,
}


def income_rate_seed(model: Any) -> None:
    """The 2024 rate, unless a rate from that day exists (`model`: IncomeRate, or the
    migration's historical model)."""
    model.objects.get_or_create(valid_from=datetime.date(2024, 1, 1), defaults=SEED_2024)
