"""Services: calendar_day_set / calendar_day_remove / calendar_seed (DB, audited)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar.data import CalendarSeedResult
from motcua.calendar.models import CalendarDay
from motcua.calendar.services import (
    calendar_day_remove,
    calendar_day_set,
    calendar_seed,
    calendar_seed_plan,
)
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

D = dt.date


def test_calendar_day_set_creates_then_updates_and_audits() -> None:
    row = calendar_day_set(date=D(2026, 3, 10), kind="day_off", reason="Nghỉ đột xuất")

    assert (row.kind, row.reason, row.legal_reference, row.source) == (
        "day_off",
        "Nghỉ đột xuất",
        "",
        "admin",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor_label) == (
        "calendar_day.create",
        "workcalendar.calendarday",
        str(row.pk),
        "system",
    )
    assert entry.data["date"] == "2026-03-10"

    updated = calendar_day_set(
        date=D(2026, 3, 10),
        kind="day_off",
        reason="Nghỉ đột xuất (bão)",
        legal_reference="Quyết định 1/QĐ-UBND",
    )

    assert updated.pk == row.pk
    assert CalendarDay.objects.count() == 1
    last = AuditEntry.objects.order_by("-id").first()
    assert last is not None
    assert last.action == "calendar_day.update"
    assert last.data["before"]["reason"] == "Nghỉ đột xuất"
    assert last.data["after"]["reason"] == "Nghỉ đột xuất (bão)"


def test_calendar_day_set_without_change_writes_no_audit() -> None:
    calendar_day_set(date=D(2026, 3, 10), kind="day_off", reason="Nghỉ")
    calendar_day_set(date=D(2026, 3, 10), kind="day_off", reason="Nghỉ")

    assert AuditEntry.objects.count() == 1


def test_calendar_day_set_rejects_bad_input_and_writes_nothing() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        calendar_day_set(date=D(2026, 3, 10), kind="holiday", reason="  ", source="internet")

    assert set(excinfo.value.field_errors) == {"kind", "reason", "source"}
    assert CalendarDay.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_calendar_day_remove() -> None:
    row = calendar_day_set(date=D(2026, 3, 10), kind="day_off", reason="Nghỉ")

    assert calendar_day_remove(date=D(2026, 3, 10)) is True
    assert calendar_day_remove(date=D(2026, 3, 10)) is False
    assert CalendarDay.objects.count() == 0
    assert list(AuditEntry.objects.order_by("id").values_list("action", "object_id")) == [
        ("calendar_day.create", str(row.pk)),
        ("calendar_day.delete", str(row.pk)),
    ]


def test_seed_plan_prefers_the_decisions_and_keeps_package_only_days() -> None:
    plan = calendar_seed_plan(year=2026)

    assert len(plan) == 23
    assert plan[D(2026, 2, 14)] == (
        "day_off",
        "Tết Nguyên đán Bính Ngọ",
        "Công văn 9859/VPCP-KGVX; Thông báo 9441/TB-BNV",
        "decision",
    )
    assert plan[D(2026, 8, 22)][0:1] == ("working_day",)
    assert plan[D(2026, 8, 31)][0] == "day_off"
    assert plan[D(2026, 11, 24)] == ("day_off", "Ngày Văn hóa Việt Nam", "", "holidays_package")
    assert len(calendar_seed_plan(year=2025)) == 23
    assert calendar_seed_plan(year=2025)[D(2025, 4, 26)][0] == "working_day"


def test_seed_plan_of_a_year_without_decision_uses_the_package() -> None:
    plan = calendar_seed_plan(year=2027)

    assert plan[D(2027, 2, 6)] == ("day_off", "Tết Nguyên Đán", "", "holidays_package")
    assert plan[D(2027, 5, 3)][0] == "day_off"  # 1/5 falls on a Saturday: observed Monday
    assert {v[3] for v in plan.values()} == {"holidays_package"}


def test_seed_creates_rows_and_is_idempotent(seeded: CalendarSeedResult) -> None:
    assert seeded.years == (2025, 2026)
    assert len(seeded.created) == 46
    assert (seeded.updated, seeded.unchanged, seeded.removed, seeded.kept_admin) == ((), (), (), ())
    assert CalendarDay.objects.count() == 46
    assert AuditEntry.objects.filter(action="calendar_day.create").count() == 46
    tet = CalendarDay.objects.get(date=D(2026, 2, 17))
    assert (tet.kind, tet.reason, tet.source) == ("day_off", "Tết Nguyên đán Bính Ngọ", "decision")
    saturday = CalendarDay.objects.get(date=D(2025, 4, 26))
    assert (saturday.kind, saturday.legal_reference) == (
        "working_day",
        "Công văn 8726/VPCP-KGVX ngày 26/11/2024",
    )
    culture = CalendarDay.objects.get(date=D(2026, 11, 24))
    assert (culture.kind, culture.reason, culture.source) == (
        "day_off",
        "Ngày Văn hóa Việt Nam",
        "holidays_package",
    )

    again = calendar_seed(years=[2026, 2025])

    assert (again.created, again.updated, again.removed) == ((), (), ())
    assert len(again.unchanged) == 46
    assert CalendarDay.objects.count() == 46
    assert AuditEntry.objects.count() == 46


def test_seed_never_overwrites_admin_rows(seeded: CalendarSeedResult) -> None:
    calendar_day_set(date=D(2026, 2, 16), kind="working_day", reason="Trực Tết")
    calendar_day_set(date=D(2026, 3, 10), kind="day_off", reason="Nghỉ đột xuất")

    result = calendar_seed(years=[2026])

    assert result.kept_admin == (D(2026, 2, 16),)
    assert result.removed == ()
    row = CalendarDay.objects.get(date=D(2026, 2, 16))
    assert (row.kind, row.reason, row.source) == ("working_day", "Trực Tết", "admin")
    assert CalendarDay.objects.filter(date=D(2026, 3, 10)).exists()


def test_seed_repairs_edited_seeded_rows_and_removes_stale_ones(seeded: CalendarSeedResult) -> None:
    CalendarDay.objects.filter(date=D(2026, 2, 17)).update(reason="sai")
    calendar_day_set(date=D(2026, 6, 1), kind="day_off", reason="cũ", source="decision")

    result = calendar_seed(years=[2026])

    assert result.updated == (D(2026, 2, 17),)
    assert result.removed == (D(2026, 6, 1),)
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).reason == "Tết Nguyên đán Bính Ngọ"
    assert not CalendarDay.objects.filter(date=D(2026, 6, 1)).exists()


@pytest.mark.parametrize("years", [[], [1900], [2026, 3000]])
def test_seed_rejects_unsupported_years(years: list[int]) -> None:
    with pytest.raises(ValidationFailed):
        calendar_seed(years=years)

    assert CalendarDay.objects.count() == 0
