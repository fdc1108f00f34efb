from motcua.core import clock
from motcua.dossiers.api import (
    Notice,
    deadline_sweep,
    deadline_view,
    dossiers_near_due,
    dossiers_overdue,
    worklist_for_user,
)
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
        assert deadline_sweep_task.apply().get() == {"near_due": 0, "overdue": 1, "escalated": 1}
        assert deadline_sweep_task.apply().get() == {"near_due": 0, "overdue": 0, "escalated": 0}
    kinds = sorted(Notice.objects.values_list("user__username", "kind"))
    assert kinds == [("cv", "near_due"), ("cv", "overdue"), ("ld", "escalated")]


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
