"""The transition hook adds one statement to a transition that moves a dossier between the
report's buckets (intake, a supplement request, the result), and none to a handover; it
reads nothing (ADR 0027). Counted with CaptureQueriesContext, with and without the hook, on
SQLite and PostgreSQL."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import pdf_bytes
from motcua.calendar.api import working_calendar_get
from motcua.dossiers.api import transition_hook_add, transition_hook_remove
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.tests.conftest import act, at
from motcua.reports.services import facts_record_transition

PDF = UploadedFile(name="kq.pdf", content=pdf_bytes("KET QUA"))


def _statements(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def _history(world, receive, minute):
    """Statements of each step of one dossier's life."""
    u = world["users"]
    out = {}
    box = {}
    out["intake"] = _statements(lambda: box.setdefault("d", receive(at(2026, 3, 2, 9, minute))))
    d = box["d"]
    out["forward"] = _statements(
        lambda: act(d, u["desk"], "forward", at(2026, 3, 2, 10, minute), to_user=u["cv"].pk)
    )
    out["request_supplement"] = _statements(
        lambda: act(
            d, u["cv"], "request_supplement", at(2026, 3, 3, 9, minute), items=["a"], reason="r"
        )
    )
    out["receive_supplement"] = _statements(
        lambda: act(d, u["desk"], "receive_supplement", at(2026, 3, 3, 14, minute))
    )
    out["forward_to_leader"] = _statements(
        lambda: act(d, u["cv"], "forward", at(2026, 3, 4, 9, minute), to_user=u["ld"].pk)
    )
    out["approve"] = _statements(
        lambda: act(d, u["ld"], "approve", at(2026, 3, 4, 10, minute), result=PDF)
    )
    return out


def test_one_statement_per_bucket_change_none_per_handover(world, receive, settings):
    settings.MOTCUA_REFERENCE_RECHECK_SECONDS = 3600.0  # as in production: calendar cached
    working_calendar_get()
    _history(world, receive, 0)  # warm the caches
    transition_hook_remove(facts_record_transition)
    try:
        without = _history(world, receive, 1)
    finally:
        transition_hook_add(facts_record_transition)
    with_hook = _history(world, receive, 2)
    added = {step: len(with_hook[step]) - len(without[step]) for step in without}
    assert added == {
        "intake": 1,
        "forward": 0,
        "request_supplement": 1,
        "receive_supplement": 1,
        "forward_to_leader": 0,
        "approve": 1,
    }
    for step, sqls in with_hook.items():
        upserts = [s for s in sqls if "reports_dailyflow" in s]
        assert len(upserts) == added[step], step
        assert all(s.startswith("INSERT") and "ON CONFLICT" in s for s in upserts)
