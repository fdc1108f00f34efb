import pytest

from motcua.core import clock
from motcua.dossiers.api import (
    deadline_sweep,
    deadline_view,
    dossiers_near_due,
    dossiers_overdue,
    worklist_for_user,
)
from motcua.dossiers.models import Notice
from motcua.dossiers.tasks import deadline_sweep_task

from .conftest import act, at


def test_deadline_view_states(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))  # due Mon 09/03 09:00
    with clock.at(at(2026, 3, 2, 10, 0)):
        view = deadline_view(dossier=d)
        assert (view.state, view.remaining_seconds) == ("ok", 39 * 3600)
    with clock.at(at(2026, 3, 6, 10, 0)):  # 6.5 working hours left ≤ 8
        assert deadline_view(dossier=d).state == "near_due"
        assert [x.pk for x in dossiers_near_due()] == [d.pk]
    with clock.at(at(2026, 3, 9, 10, 0)):
        view = deadline_view(dossier=d)
        assert (view.state, view.remaining_seconds) == ("overdue", -3600)
        assert [x.pk for x in dossiers_overdue()] == [d.pk]
        assert list(dossiers_overdue(agency_ids={world["agencies"]["build"].pk})) == []


def test_worklist_overdue_first_and_role_queue(world, receive):
    u = world["users"]
    first = receive(at(2026, 3, 2, 9, 0))
    second = receive(at(2026, 3, 3, 9, 0))
    act(second, u["desk"], "forward", at(2026, 3, 3, 10, 0))  # to the specialists' queue
    act(first, u["desk"], "forward", at(2026, 3, 3, 10, 5), to_user=u["cv"].pk)
    steps = list(worklist_for_user(user=u["cv"]))
    assert [s.dossier_id for s in steps] == [second.pk, first.pk]  # by due time
    assert steps[0].assignee is None and steps[1].assignee == u["cv"]
    assert list(worklist_for_user(user=u["cv_build"])) == []
    from motcua.dossiers.api import worklist_page

    assert worklist_page(user=u["cv"]) == steps
    assert worklist_page(user=u["cv"], offset=1, limit=1) == steps[1:]
    assert worklist_page(user=u["cv_build"]) == []


def test_sweep_warns_escalates_once(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    with clock.at(at(2026, 3, 5, 14, 0)):  # review due Thu 05/03 16:00: near due
        report = deadline_sweep()
    assert (report.near_due, report.overdue, report.escalated) == (1, 0, 0)
    with clock.at(at(2026, 3, 6, 9, 0)):
        # (The apology reminder went out with Thursday's sweep: nothing more to remind of.)
        expected = {"near_due": 0, "overdue": 1, "escalated": 1, "apology_due": 0}
        assert deadline_sweep_task.apply().get() == expected
        expected = {"near_due": 0, "overdue": 0, "escalated": 0, "apology_due": 0}
        assert deadline_sweep_task.apply().get() == expected
    kinds = sorted(Notice.objects.values_list("user__username", "kind"))
    assert kinds == [
        ("cv", "near_due"),
        ("cv", "overdue"),
        ("ld", "apology_due"),
        ("ld", "escalated"),
    ]


def test_paused_dossiers_are_not_swept(world, receive):
    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    d = act(d, u["cv"], "request_supplement", at(2026, 3, 3, 9, 0), items=["x"], reason="r")
    with clock.at(at(2026, 3, 20, 9, 0)):
        report = deadline_sweep()
        assert deadline_view(dossier=d).state == "paused"
    assert (report.near_due, report.overdue) == (0, 0)


def test_online_submission_waiting_too_long_warns_the_desk(world):
    from motcua.dossiers.api import dossier_submit_online

    from .conftest import ORG

    with clock.at(at(2026, 3, 2, 16, 0)):  # after 15:00: the 8 hours start Tue 07:30
        d = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    assert (d.status, d.review_due_at) == ("submitted", at(2026, 3, 3, 17, 30))
    assert d.receiving_agency.code == "H11.01.01"
    with clock.at(at(2026, 3, 3, 17, 0)):
        assert deadline_sweep().review_overdue == 0
    with clock.at(at(2026, 3, 4, 8, 0)):
        assert deadline_sweep().review_overdue == 1
        assert deadline_sweep().review_overdue == 0
    assert Notice.objects.get(kind="review_overdue").user.username == "desk"


def test_accepting_an_online_submission_keeps_the_submission_time(world):
    from motcua.dossiers.api import dossier_accept, dossier_submit_online

    from .conftest import ALL_DOCS, ORG

    with clock.at(at(2026, 3, 2, 9, 0)):
        d = dossier_submit_online(applicant_user=None, procedure_code="2.000004", applicant=ORG)
    with clock.at(at(2026, 3, 2, 14, 0)):
        d = dossier_accept(dossier_id=d.pk, actor=world["users"]["desk"], checklist=ALL_DOCS)
    assert (d.status, d.received_at, d.appointment_at) == (
        "received",
        at(2026, 3, 2, 9, 0),
        at(2026, 3, 9, 9, 0),
    )
    assert d.code == "H11.01.01-260302-0001"


def _near_due_agrees(d, start, end, every_minutes=30):
    """At every probe, the stored near-due instant (the list) and the live computation (the
    dossier's deadline view) agree."""
    import datetime as dt

    from motcua.dossiers.models import Dossier

    d = Dossier.objects.get(pk=d.pk)
    t = start
    seen = set()
    while t <= end:
        with clock.at(t):
            live = deadline_view(dossier=d).state == "near_due"
            stored = dossiers_near_due().filter(pk=d.pk).exists()
        assert live == stored, t
        seen.add(live)
        t += dt.timedelta(minutes=every_minutes)
    assert seen == {True, False}


def test_near_due_is_stored_with_the_appointment(world, receive):
    """Due Mon 09/03 09:00 after 40 working hours: near due (8 working hours left) from Fri
    06/03 09:00 — 2.5 + 4 hours on Friday and 1.5 on Monday morning."""
    d = receive(at(2026, 3, 2, 9, 0))
    assert d.near_due_at == at(2026, 3, 6, 9, 0)
    with clock.at(at(2026, 3, 6, 8, 59)):
        assert not dossiers_near_due().exists()
    with clock.at(at(2026, 3, 6, 9, 0)):
        assert [x.pk for x in dossiers_near_due()] == [d.pk]
    _near_due_agrees(d, at(2026, 3, 2, 9, 0), at(2026, 3, 10, 9, 0))


def _apologized(receive, u):
    """Received Mon 02/03 09:00 (due Mon 09/03 09:00), at the leader on Tuesday, who moves the
    appointment to Thu 12/03 16:00 on Wednesday."""
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    return act(
        d,
        u["ld"],
        "apologize",
        at(2026, 3, 4, 9, 0),
        new_appointment="2026-03-12T16:00:00+07:00",
        reason="Cần xác minh thêm",
    )


def test_near_due_follows_an_apology_and_a_resumed_supplement(world, receive):
    u = world["users"]
    late = _apologized(receive, u)
    assert late.near_due_at > at(2026, 3, 6, 9, 0)
    _near_due_agrees(late, at(2026, 3, 4, 9, 0), at(2026, 3, 13, 9, 0))

    paused = receive(at(2026, 3, 2, 9, 0))
    act(paused, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(paused, u["cv"], "request_supplement", at(2026, 3, 3, 9, 0), items=["x"], reason="r")
    with clock.at(at(2026, 3, 20, 9, 0)):
        assert not dossiers_near_due().filter(pk=paused.pk).exists()  # the clock is paused
    paused = act(paused, u["desk"], "receive_supplement", at(2026, 3, 16, 10, 0))
    step = paused.steps.get(status="active")
    assert paused.near_due_at > at(2026, 3, 16, 10, 0)
    assert step.near_due_at is not None and step.near_due_at > at(2026, 3, 16, 10, 0)
    one_day = at(2026, 3, 3, 9, 0) - at(2026, 3, 2, 9, 0)
    _near_due_agrees(paused, at(2026, 3, 16, 10, 0), paused.appointment_at + one_day)


def test_the_sweep_reads_each_step_once_per_warning(world, receive, monkeypatch):
    """Near due once, overdue once: a step already warned of what it is is not read again,
    and a step far from its deadline is not read at all."""
    from motcua.dossiers.models import DossierStep
    from motcua.dossiers.services import sweep

    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    far = receive(at(2026, 3, 5, 9, 0))
    act(far, u["desk"], "forward", at(2026, 3, 5, 10, 0), to_user=u["cv"].pk)
    read = []
    real = sweep._people
    monkeypatch.setattr(sweep, "_people", lambda step, *a: read.append(step.pk) or real(step, *a))
    review = d.steps.get(status="active")
    with clock.at(at(2026, 3, 5, 14, 0)):  # review due Thu 05/03 16:00: near due
        assert deadline_sweep().near_due == 1
        assert deadline_sweep().near_due == 0
    assert read == [review.pk]
    assert DossierStep.objects.get(pk=review.pk).warned == "near_due"
    read.clear()
    with clock.at(at(2026, 3, 6, 9, 0)):
        report = deadline_sweep()
        assert (report.overdue, report.escalated) == (1, 1)
        assert deadline_sweep().overdue == 0
    assert read == [review.pk, review.pk]  # the assignee, then the leaders; once
    assert DossierStep.objects.get(pk=review.pk).warned == "overdue"


def test_a_decreed_day_off_moves_the_stored_near_due_instants(world, receive):
    """The sweep notices a calendar change and computes the near-due instants again: with
    Friday 06/03 a day off, the last 8 working hours before Monday 09:00 start on Thursday
    at 09:00 (1.5 hours on Monday morning, 6.5 on Thursday)."""
    from motcua.calendar.api import calendar_day_set
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services.sweep import near_due_ensure_current

    d = receive(at(2026, 3, 2, 9, 0))
    assert d.near_due_at == at(2026, 3, 6, 9, 0)
    past = receive(at(2026, 2, 2, 9, 0))  # overdue since 09/02: its instant is not read again
    Dossier.objects.filter(pk=past.pk).update(near_due_at=at(2026, 2, 3, 9, 0))
    with clock.at(at(2026, 3, 3, 9, 0)):
        assert near_due_ensure_current() is True  # the first time: nothing known yet
        assert near_due_ensure_current() is False
        calendar_day_set(date=at(2026, 3, 6).date(), kind="day_off", reason="Nghỉ bù")
        assert near_due_ensure_current() is True
    assert Dossier.objects.get(pk=d.pk).near_due_at == at(2026, 3, 5, 9, 0)
    assert Dossier.objects.get(pk=past.pk).near_due_at == at(2026, 2, 3, 9, 0)
    _near_due_agrees(d, at(2026, 3, 3, 9, 0), at(2026, 3, 10, 9, 0))


def test_past_the_appointment_after_hours_is_overdue(world, receive):
    """Due Mon 09/03 09:00 — say the appointment is at 17:30 instead: at 19:00 no working time
    has gone by since, and the dossier is overdue all the same, in its view and in the lists."""
    from motcua.dossiers.models import Dossier

    d = receive(at(2026, 3, 2, 9, 0))
    Dossier.objects.filter(pk=d.pk).update(appointment_at=at(2026, 3, 9, 17, 30))
    d = Dossier.objects.get(pk=d.pk)
    with clock.at(at(2026, 3, 9, 19, 0)):
        view = deadline_view(dossier=d)
        assert (view.state, view.remaining_seconds) == ("overdue", 0)
        assert list(dossiers_overdue()) == [d] and not dossiers_near_due().exists()


def test_leaders_are_reminded_of_the_apology_once_in_time(world, receive):
    """Due Mon 09/03 09:00; the apology must go out one working day before, by Fri 06/03
    09:00; the deciding agency's leaders are reminded a working day earlier, Thu 05/03 09:00,
    once."""
    from motcua.dossiers.models import Dossier

    d = receive(at(2026, 3, 2, 9, 0))
    assert d.apology_remind_at == at(2026, 3, 5, 9, 0)
    with clock.at(at(2026, 3, 5, 8, 59)):
        assert deadline_sweep().apology_due == 0
    with clock.at(at(2026, 3, 5, 9, 15)):
        assert deadline_sweep().apology_due == 1
        assert deadline_sweep().apology_due == 0
    notice = Notice.objects.get(kind="apology_due")
    assert notice.user == world["users"]["ld"] and notice.dossier_id == d.pk
    assert "09:00 06/03/2026" in notice.message and "(form 04)" in notice.message
    assert Dossier.objects.get(pk=d.pk).apology_remind_at is None


def test_no_reminder_once_extended_or_too_late(world, receive):
    u = world["users"]
    extended = _apologized(receive, u)
    assert extended.apology_remind_at is None
    missed = receive(at(2026, 3, 2, 10, 0))
    with clock.at(at(2026, 3, 6, 11, 0)):  # the sweep did not run in time: too late now
        assert deadline_sweep().apology_due == 0
    assert not Notice.objects.filter(kind="apology_due").exists()
    missed.refresh_from_db()
    assert missed.apology_remind_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_once(postgres_only, world, receive):
    """Two sweeps reading the same due reminder at once: the claim lets one of them give it."""
    from conftest import run_at_once
    from motcua.dossiers.services import sweep

    receive(at(2026, 3, 2, 9, 0))  # reminder due Thu 05/03 09:00
    counts = run_at_once(lambda: sweep._remind_apologies(at(2026, 3, 5, 10, 0)))
    assert sorted(counts) == [0, 1]
    assert Notice.objects.filter(kind="apology_due").count() == 1
