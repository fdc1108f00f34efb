"""Hypothesis: random action sequences keep the invariants. The status is always in the
table; paused time is never negative; exactly one outcome once processed and returned;
replaying the events gives the current status; a refused action changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import pdf_bytes
from motcua.core import clock
from motcua.core.errors import ApplicationError
from motcua.dossiers.api import TRANSITIONS, dossier_act
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.workflow import Action

from .conftest import ALL_DOCS, ORG, at

PDF = UploadedFile(name="kq.pdf", content=pdf_bytes("KET QUA"))
ACTIONS = [a for a in Action if a not in (Action.ACCEPT, Action.REQUEST_COMPLETION, Action.REFUSE)]


def _payload(action: Action, dossier: Dossier) -> dict[str, object]:
    appointment = dossier.appointment_at or clock.now()
    return {
        Action.SEND_BACK: {"to_position": 2, "reason": "r"},
        Action.CONSULT: {"agencies": ["H11.07"], "question": "q", "budget_hours": "4"},
        Action.ANSWER_CONSULTATION: {"answer": "a"},
        Action.TRANSFER: {"agency": "H11.07", "budget_hours": "8", "note": "n"},
        Action.REQUEST_SUPPLEMENT: {"items": ["x"], "reason": "r"},
        Action.COMPLETE: {"result": PDF},
        Action.APPROVE: {"result": PDF},
        Action.REJECT: {"reason": "r"},
        Action.APOLOGIZE: {"new_appointment": appointment + dt.timedelta(days=5), "reason": "r"},
        Action.RETURN_RESULT: {"method": "post"},
        Action.WITHDRAW: {"reason": "r"},
        Action.CANCEL: {"reason": "r"},
    }.get(action, {})


def _check(dossier: Dossier) -> None:
    dossier.refresh_from_db()
    assert dossier.status in TRANSITIONS
    assert dossier.paused_seconds >= 0
    processed = dossier.status in ("result_ready", "returned")
    assert (dossier.outcome in ("early", "on_time", "late")) is processed
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("at", "id"))
    state = ""
    for event in events:
        assert event.from_status == state
        state = event.to_status
    assert state == dossier.status
    open_main = DossierStep.objects.filter(
        dossier=dossier, parent__isnull=True, status__in=["active", "waiting"]
    ).count()
    assert open_main <= 1
    if dossier.status in ("received", "processing", "supplement_requested"):
        assert open_main == 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 30)), max_size=14))
def test_random_action_sequences_keep_the_invariants(world, receive, steps):
    with transaction.atomic():
        dossier = receive(at(2026, 3, 2, 9, 0), applicant=ORG, checklist=ALL_DOCS)
        now = at(2026, 3, 2, 9, 0)
        for action, hours in steps:
            now += dt.timedelta(hours=hours)
            before = (dossier.status, DossierEvent.objects.filter(dossier=dossier).count())
            with clock.at(now):
                try:
                    dossier = dossier_act(
                        dossier_id=dossier.pk,
                        actor=None,
                        action=action,
                        payload=_payload(action, dossier),
                    )
                except ApplicationError:
                    dossier.refresh_from_db()
                    after = (dossier.status, DossierEvent.objects.filter(dossier=dossier).count())
                    assert after == before
            _check(dossier)
        transaction.set_rollback(True)
