"""The worklist reads only the columns it shows (dossiers.worklist_rows, ADR 0043): its rows
render exactly as they did from full Dossier, Agency and User objects (worklist_page)."""

from __future__ import annotations

import pytest

from motcua.desk.views import worklist as worklist_view
from motcua.dossiers.api import step_deadline_view, worklist_page, worklist_rows
from motcua.privacy.api import applicant_view

from .conftest import ORG, PERSON, act, at, at_time


@pytest.fixture
def busy(receive, users):
    """Steps of both kinds of applicant, some assigned, some in a role queue, one paused."""
    late = receive(at(2026, 3, 2, 9, 0), PERSON)
    org = receive(at(2026, 3, 2, 9, 30), ORG)
    queued = receive(at(2026, 3, 3, 8, 0), PERSON)
    act(late, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(org, users["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=users["cv"].pk)
    act(queued, users["desk"], "forward", at(2026, 3, 3, 9, 0))  # the specialists' queue
    receive(at(2026, 3, 3, 8, 30), ORG)  # still at the desk
    return users


def _table(html: str) -> str:
    return html.split('id="h-steps"', 1)[1].split("</table>", 1)[0]


@pytest.mark.parametrize(("who", "count"), [("cv", 3), ("desk", 1)])
def test_the_rows_render_as_from_full_objects(as_user, busy, monkeypatch, who, count):
    client = as_user(who)
    with at_time(at(2026, 3, 4, 9, 0)):
        lean = client.get("/desk/?han=&giao=").content.decode()
        monkeypatch.setattr(
            worklist_view,
            "worklist_rows",
            lambda *, user, limit: worklist_page(user=user, limit=limit),
        )
        full = client.get("/desk/?han=&giao=").content.decode()
    assert _table(lean) == _table(full)
    assert _table(lean).count("<tr class=") == count  # rows were compared, not empty tables


def test_the_rows_hold_the_same_values(busy):
    user = busy["cv"]
    with at_time(at(2026, 3, 4, 9, 0)):
        full = worklist_page(user=user, limit=50)
        lean = worklist_rows(user=user, limit=50)
        assert [s.pk for s in lean] == [s.pk for s in full] and len(full) == 3
        for a, b in zip(full, lean, strict=True):
            assert (b.title, b.status, b.due_at, b.assignee_id) == (
                a.title,
                a.status,
                a.due_at,
                a.assignee_id,
            )
            assert b.agency.name == a.agency.name and b.dossier.code == a.dossier.code
            assert step_deadline_view(step=b) == step_deadline_view(step=a)
            assert applicant_view(b.dossier, masked=True) == applicant_view(a.dossier, masked=True)
    assert worklist_rows(user=user, offset=1, limit=1)[0].pk == full[1].pk
