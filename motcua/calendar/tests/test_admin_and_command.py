"""The admin goes through the services (audited); manage.py seed_calendar."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.calendar.data import CalendarSeedResult
from motcua.calendar.models import CalendarDay
from motcua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/workcalendar/calendarday/"


def test_admin_add_is_audited_with_the_admin_as_actor(
    admin_client: Client, admin_user: Any
) -> None:
    response = admin_client.post(
        f"{CHANGELIST}add/",
        {"date": "10/03/2026", "kind": "day_off", "reason": "Nghỉ đột xuất", "legal_reference": ""},
    )

    assert response.status_code == 302
    row = CalendarDay.objects.get()
    assert (row.date, row.kind, row.reason, row.source) == (
        dt.date(2026, 3, 10),
        "day_off",
        "Nghỉ đột xuất",
        "admin",
    )
    # Besides the sign-in and the admin's own log entry (both audited by signals, ADR 0035).
    entry = (
        AuditEntry.objects.exclude(action__startswith="signin.")
        .exclude(action__startswith="admin.")
        .get()
    )
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "calendar_day.create",
        admin_user.pk,
        str(row.pk),
    )
    assert AuditEntry.objects.filter(action="admin.addition", object_id=str(row.pk)).exists()


def test_admin_edit_of_a_seeded_row_makes_it_an_admin_row(
    admin_client: Client, seeded: CalendarSeedResult
) -> None:
    row = CalendarDay.objects.get(date=dt.date(2026, 2, 16))

    response = admin_client.post(
        f"{CHANGELIST}{row.pk}/change/",
        {"kind": "working_day", "reason": "Trực Tết", "legal_reference": "QĐ 5/QĐ-UBND"},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.reason, row.legal_reference, row.source) == (
        "working_day",
        "Trực Tết",
        "QĐ 5/QĐ-UBND",
        "admin",
    )
    assert AuditEntry.objects.filter(action="calendar_day.update").count() == 1


def test_admin_delete_and_bulk_delete_are_audited(
    admin_client: Client, seeded: CalendarSeedResult
) -> None:
    one = CalendarDay.objects.get(date=dt.date(2026, 1, 1))
    response = admin_client.post(f"{CHANGELIST}{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    pks = list(
        CalendarDay.objects.filter(date__year=2025, date__month=4).values_list("pk", flat=True)
    )
    response = admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks], "post": "yes"},
    )
    assert response.status_code == 302

    assert not CalendarDay.objects.filter(date=dt.date(2026, 1, 1)).exists()
    assert not CalendarDay.objects.filter(date__year=2025, date__month=4).exists()
    assert AuditEntry.objects.filter(action="calendar_day.delete").count() == 1 + len(pks)


def test_admin_changelist_filters_by_year(admin_client: Client, seeded: CalendarSeedResult) -> None:
    response = admin_client.get(CHANGELIST, {"year": "2025", "kind": "working_day"})

    assert response.status_code == 200
    assert list(response.context["cl"].queryset.values_list("date", flat=True)) == [
        dt.date(2025, 4, 26)
    ]


def test_seed_calendar_command_defaults_to_this_year_and_next() -> None:
    out = StringIO()
    with time_machine.travel(dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC), tick=False):
        # 01:00 on 01/01/2026 in Hanoi: the years are 2026 and 2027
        call_command("seed_calendar", stdout=out)

    text = out.getvalue()
    assert text.startswith("Seeded the working-day calendar for 2026, 2027:\n")
    assert "  created: " in text
    assert CalendarDay.objects.filter(date__year=2026).count() == 23
    assert CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2025).exists()


def test_seed_calendar_command_with_years_is_idempotent() -> None:
    call_command("seed_calendar", "--years", "2025", stdout=StringIO())
    out = StringIO()

    call_command("seed_calendar", "--years", "2025", stdout=out)

    assert "  created: 0\n" in out.getvalue()
    assert "  unchanged: 23\n" in out.getvalue()
    assert CalendarDay.objects.count() == 23


def test_seed_calendar_command_rejects_bad_years() -> None:
    with pytest.raises(CommandError):
        call_command("seed_calendar", "--years", "1800", stdout=StringIO())
