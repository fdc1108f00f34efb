"""A history built by hand through the real services, with the report's figures worked out by
hand (2026 calendar; office 07:30–11:30, 13:30–17:30; the promotion procedure: 5 working days
= 40 working hours, decided by Sở Công Thương H11.05).

Period 1 is Mon 2 – Fri 6 March 2026, period 2 Mon 9 – Fri 13 March.

  A  desk,   received 2 Mar 09:00 (due 9 Mar 09:00), approved 4 Mar 09:00          early
  B  postal, received 2 Mar 09:00, supplement asked twice (3, 4 Mar) and received,
             approved 5 Mar 10:00 — before its appointment, but a second request      late
  C  desk,   received 2 Mar, apology on 4 Mar with a new date 12 Mar 16:00,
             approved 11 Mar 09:00 (period 2) — before the new date                   late
  D  desk,   received 2 Mar, withdrawn 3 Mar                        on time (withdrawn)
  E  online, received 2 Mar, liên thông to Sở Xây dựng 3 Mar, approved 4 Mar 10:00
             — counted once, under the deciding agency                               early
  F  desk,   received Thu 26 Feb 09:00 (due Thu 5 Mar 09:00): carried over into
             period 1, overdue at its end, approved Mon 9 Mar 10:00 (period 2)         late
  H  desk,   received 3 Mar 09:00 (due 10 Mar), supplement asked 5 Mar (waiting at the
             end of period 1), received 10 Mar (restart: due 17 Mar), still in progress
  I  desk,   received 3 Mar, cancelled by the leader 4 Mar          on time (cancelled)
  J  desk,   received 2 Mar, refused after review 3 Mar 09:00        early (refused)
  G  online through the portal, submitted Thu 5 Mar 10:00, accepted Mon 9 Mar 08:00: received
             at the submission's time (period 1), due Thu 12 Mar 10:00, overdue at the end
             of period 2
  K  refused at intake on 2 Mar: never received, not counted.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import pdf_bytes
from motcua.core import clock
from motcua.dossiers.api import dossier_accept, dossier_submit_online
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import ALL_DOCS, ORG, act, at
from motcua.reports.api import facts_rebuild, resolution_report
from motcua.reports.models import FLOW_COLUMNS, DailyFlow

PDF = UploadedFile(name="ket-qua.pdf", content=pdf_bytes("KET QUA"))
P1 = (dt.date(2026, 3, 2), dt.date(2026, 3, 6))
P2 = (dt.date(2026, 3, 9), dt.date(2026, 3, 13))


def _to_approval(d, u, when_forward, when_review):
    act(d, u["desk"], "forward", when_forward)
    act(d, u["cv"], "take", when_forward)
    act(d, u["cv"], "forward", when_review, to_user=u["ld"].pk)


@pytest.fixture
def history(world, receive):
    u = world["users"]
    f = receive(at(2026, 2, 26, 9, 0))
    assert f.appointment_at == at(2026, 3, 5, 9, 0)

    a = receive(at(2026, 3, 2, 9, 0))
    _to_approval(a, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    act(a, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)

    b = receive(at(2026, 3, 2, 9, 0), channel="postal")
    act(b, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(b, u["cv"], "request_supplement", at(2026, 3, 3, 9, 0), items=["a"], reason="r")
    act(b, u["desk"], "receive_supplement", at(2026, 3, 3, 14, 0))
    act(b, u["cv"], "request_supplement", at(2026, 3, 4, 9, 0), items=["b"], reason="r")
    act(b, u["desk"], "receive_supplement", at(2026, 3, 4, 14, 0))
    act(b, u["cv"], "forward", at(2026, 3, 5, 9, 0), to_user=u["ld"].pk)
    b = act(b, u["ld"], "approve", at(2026, 3, 5, 10, 0), result=PDF)
    assert b.outcome == "late"

    c = receive(at(2026, 3, 2, 9, 0))
    _to_approval(c, u, at(2026, 3, 2, 10, 0), at(2026, 3, 3, 10, 0))
    act(
        c,
        u["ld"],
        "apologize",
        at(2026, 3, 4, 9, 0),
        new_appointment="2026-03-12T16:00:00+07:00",
        reason="Cần xác minh thêm",
    )

    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0))
    act(d, u["desk"], "withdraw", at(2026, 3, 3, 9, 0), reason="Công dân xin rút hồ sơ")

    e = receive(at(2026, 3, 2, 9, 0), channel="online")
    act(e, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(e, u["cv"], "transfer", at(2026, 3, 3, 9, 0), agency="H11.07", budget_hours="16")
    act(e, u["cv_build"], "take", at(2026, 3, 4, 8, 0))
    act(e, u["cv_build"], "forward", at(2026, 3, 4, 9, 0), to_user=u["ld"].pk)
    e = act(e, u["ld"], "approve", at(2026, 3, 4, 10, 0), result=PDF)
    assert e.outcome == "early"

    h = receive(at(2026, 3, 3, 9, 0))
    act(h, u["desk"], "forward", at(2026, 3, 3, 10, 0), to_user=u["cv"].pk)
    act(h, u["cv"], "request_supplement", at(2026, 3, 5, 9, 0), items=["a"], reason="r")

    i = receive(at(2026, 3, 3, 9, 0))
    act(i, u["ld"], "cancel", at(2026, 3, 4, 10, 0), reason="Trùng hồ sơ")

    j = receive(at(2026, 3, 2, 9, 0))
    act(j, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    j = act(j, u["cv"], "reject", at(2026, 3, 3, 9, 0), reason="Thể lệ trái quy định")
    assert j.outcome == "early"

    receive(at(2026, 3, 2, 9, 0), decision="refuse", checklist=[], note="Không thuộc thẩm quyền")

    with clock.at(at(2026, 3, 5, 10, 0)):
        g = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    with clock.at(at(2026, 3, 9, 8, 0)):
        g = dossier_accept(dossier_id=g.pk, actor=u["desk"], checklist=ALL_DOCS)
    assert (g.received_at, g.appointment_at) == (at(2026, 3, 5, 10, 0), at(2026, 3, 12, 10, 0))

    # Period 2.
    _to_approval(f, u, at(2026, 3, 9, 8, 0), at(2026, 3, 9, 9, 0))
    f = act(f, u["ld"], "approve", at(2026, 3, 9, 10, 0), result=PDF)
    assert f.outcome == "late"
    c = act(c, u["ld"], "approve", at(2026, 3, 11, 9, 0), result=PDF)
    assert c.outcome == "late"
    h = act(h, u["desk"], "receive_supplement", at(2026, 3, 10, 9, 0))
    assert h.appointment_at == at(2026, 3, 17, 9, 0)
    return world


def _figures(row, names):
    return {n: getattr(row, n) for n in names}


NAMES = [
    "received_total",
    "received_online",
    "received_direct",
    "received_carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_not_due",
    "in_progress_overdue",
    "withdrawn",
    "cancelled",
    "refused",
    "waiting_supplement",
    "supplement_requests",
]


def _expect(**kw):
    base = dict.fromkeys(NAMES, 0)
    base.update(kw)
    return base


PERIOD_1 = _expect(
    received_total=10,
    received_online=2,
    received_direct=7,
    received_carried_over=1,
    resolved_total=6,
    resolved_early=3,
    resolved_on_time=2,
    resolved_late=1,
    in_progress_total=4,
    in_progress_not_due=3,
    in_progress_overdue=1,
    withdrawn=1,
    cancelled=1,
    refused=1,
    waiting_supplement=1,
    supplement_requests=3,
)
PERIOD_2 = _expect(
    received_total=4,
    received_carried_over=4,
    resolved_total=2,
    resolved_late=2,
    in_progress_total=2,
    in_progress_not_due=1,
    in_progress_overdue=1,
)
BOTH = _expect(
    received_total=10,
    received_online=2,
    received_direct=7,
    received_carried_over=1,
    resolved_total=8,
    resolved_early=3,
    resolved_on_time=2,
    resolved_late=3,
    in_progress_total=2,
    in_progress_not_due=1,
    in_progress_overdue=1,
    withdrawn=1,
    cancelled=1,
    refused=1,
    supplement_requests=3,
)


@pytest.mark.parametrize("rebuilt", [False, True], ids=["incremental", "rebuilt"])
def test_hand_computed_figures(history, rebuilt):
    if rebuilt:
        before = flow_rows()
        with CaptureQueriesContext(connection) as ctx:
            facts_rebuild(chunk=3)
        assert flow_rows() == before
        # 10 received dossiers, 3 a chunk: 4 chunks of two queries and an empty one, then one
        # streamed read each of the paid payments and of the signed results (ADR 0029); the
        # calendar, the fees, the ratings, the table, the correction, the count (and
        # savepoints): nothing per dossier.
        reads = [q for q in ctx.captured_queries if "dossiers_" in q["sql"]]
        assert len(reads) == 9 + 2
    one = resolution_report(date_from=P1[0], date_to=P1[1])
    assert _figures(one.total, NAMES) == PERIOD_1
    assert [r.key for r in one.rows] == ["H11.05"]  # E (liên thông) counted once, here
    assert _figures(one.rows[0], NAMES) == PERIOD_1
    assert one.total.on_time_rate == round(5 / 6, 4)
    assert one.total.online_rate == round(2 / 9, 4)
    two = resolution_report(date_from=P2[0], date_to=P2[1])
    assert _figures(two.total, NAMES) == PERIOD_2
    assert two.total.received_carried_over == one.total.in_progress_total
    both = resolution_report(date_from=P1[0], date_to=P2[1])
    assert _figures(both.total, NAMES) == BOTH


def test_processing_time_in_working_days(history):
    # Resolved on Wed 4 Mar: A (Mon 09:00 → Wed 09:00 = 6.5 + 8 + 1.5 = 16 working hours)
    # and E (→ Wed 10:00: 17 h); I was cancelled that day (not timed). Regulated: 40 h each.
    report = resolution_report(date_from=dt.date(2026, 3, 4), date_to=dt.date(2026, 3, 4))
    total = report.total
    assert (total.resolved_early, total.resolved_on_time, total.cancelled) == (2, 1, 1)
    assert total.timed == 2
    assert total.avg_processing_working_days == round(33 / 16, 2)
    assert total.avg_processing_working_days_without_pauses == round(33 / 16, 2)
    assert total.regulated_working_days == 5.0
    # B on Thu 5 Mar: Mon 09:00 → Thu 10:00 = 6.5 + 8 + 8 + 2.5 = 25 h, of which paused
    # Tue 09:00–14:00 and Wed 09:00–14:00 (2.5 + 0.5 h each).
    b = resolution_report(date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 5)).total
    assert (b.timed, b.resolved_late) == (1, 1)
    assert b.avg_processing_working_days == round(25 / 8, 2)
    assert b.avg_processing_working_days_without_pauses == round(19 / 8, 2)
    # Medians, to the nearest half working day: B alone, 25 h = 3.125 → 3.0 days with the
    # paused time, 19 h = 2.375 → 2.5 without.
    assert (b.median_processing_working_days, b.median_processing_working_days_without_pauses) == (
        3.0,
        2.5,
    )
    # Period 1: J 8 h (1.0), A 16 h (2.0), E 17 h (2.125 → 2.0), B 19 h / 25 h (2.5 / 3.0):
    # the lower median of four is the second, 2.0 both ways. Period 2: F and C.
    one = resolution_report(date_from=P1[0], date_to=P1[1]).total
    assert one.median_processing_working_days == 2.0
    assert one.median_processing_working_days_without_pauses == 2.0
    assert total.median_processing_working_days == 2.0  # A 2.0, E 2.125


def test_group_by_procedure_field_level_and_agency_filter(history, agencies):
    for group_by in ("procedure", "field", "level", "agency"):
        report = resolution_report(date_from=P1[0], date_to=P1[1], group_by=group_by)
        assert len(report.rows) == 1
        assert _figures(report.rows[0], NAMES) == PERIOD_1
    province = resolution_report(date_from=P1[0], date_to=P1[1], agency_ids=[agencies["root"].pk])
    assert _figures(province.total, NAMES) == PERIOD_1
    build = resolution_report(date_from=P1[0], date_to=P1[1], agency_ids=[agencies["build"].pk])
    assert build.rows == [] and build.total.received_total == 0
    other = resolution_report(date_from=P1[0], date_to=P1[1], procedure_code="9.999999")
    assert other.total.received_total == 0


def flow_rows():
    """The fact table's rows that count something (the upserts leave rows whose deltas
    cancelled out at zero: the rebuild does not write those)."""
    fields = ("day", "agency_id", "procedure_code", "channel", "duration", *FLOW_COLUMNS)
    return {row for row in DailyFlow.objects.values_list(*fields) if any(row[5:])}
