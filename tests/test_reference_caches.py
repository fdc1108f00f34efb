"""Reference-data caches (core/recheck.py) and the precompiled INSERT (core/fastinsert.py)
that keep the intake path short."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import recheck

pytestmark = pytest.mark.django_db


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    settings.MOTCUA_REFERENCE_RECHECK_SECONDS = 2.0
    fake = FakeClock()
    monkeypatch.setattr(recheck.time, "monotonic", fake)
    from motcua.calendar.selectors import working_calendar_cache_clear
    from motcua.catalog.selectors import procedure_cache_clear

    procedure_cache_clear()
    working_calendar_cache_clear()
    yield fake
    procedure_cache_clear()
    working_calendar_cache_clear()


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def test_procedure_version_is_rechecked_only_after_the_interval(catalog, clock):
    from motcua.catalog.api import procedure_get_current

    first, n_first = _queries(lambda: procedure_get_current(code="2.000004"))
    assert n_first >= 1
    again, n_again = _queries(lambda: procedure_get_current(code="2.000004"))
    assert n_again == 0 and again.pk == first.pk
    assert [d.position for d in again.documents.all()] == [1, 2]
    clock.now += 2.5
    _, n_later = _queries(lambda: procedure_get_current(code="2.000004"))
    assert n_later == 1  # the freshness check, the version itself is still loaded


def test_a_version_published_in_this_process_is_seen_at_once(catalog, clock):
    from motcua.catalog.api import procedure_draft_start, procedure_get_current, procedure_publish

    v1 = procedure_get_current(code="2.000004")
    draft = procedure_draft_start(procedure=v1.procedure, actor=None)
    procedure_publish(version=draft, actor=None)
    v2 = procedure_get_current(code="2.000004")
    assert (v2.pk, v2.number) == (draft.pk, 2)


def test_a_change_made_elsewhere_is_seen_after_the_interval(agencies, clock):
    from motcua.calendar.api import working_calendar_get
    from motcua.calendar.models import CalendarDay

    day = dt.date(2026, 12, 7)  # a Monday
    assert working_calendar_get().is_working_day(day)
    # Another process writes the row (no service here, so no cache clear in this process).
    CalendarDay.objects.create(date=day, kind="day_off", reason="Nghỉ bù", source="admin")
    assert working_calendar_get().is_working_day(day)  # within the interval: not asked yet
    clock.now += 2.5
    assert not working_calendar_get().is_working_day(day)


def test_recheck_zero_asks_every_time(settings):
    settings.MOTCUA_REFERENCE_RECHECK_SECONDS = 0
    r = recheck.Recheck()
    r.checked("x")
    assert not r.fresh("x")


def test_fastinsert_writes_what_the_orm_reads_back(agencies):
    from motcua.core.fastinsert import insert
    from motcua.core.models import AuditEntry

    rows = [
        AuditEntry(
            actor_label=f"cán bộ {i}",
            action="x.y",
            object_type="t",
            object_id=str(i),
            data={"ý": [i, "đ"]},
        )
        for i in range(3)
    ]
    insert(rows)
    assert all(r.pk for r in rows) and len({r.pk for r in rows}) == 3
    for r in rows:
        back = AuditEntry.objects.get(pk=r.pk)
        assert (back.actor_label, back.object_id, back.data) == (r.actor_label, r.object_id, r.data)
        assert back.at is not None and back.at == r.at  # auto_now_add through pre_save
        assert not r._state.adding
