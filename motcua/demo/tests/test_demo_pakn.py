"""The demo feedback (motcua/demo/pakn.py): the `pakn` desk account, nine feedbacks in their
states, two published without the sender's data, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.demo import loader
from motcua.demo.loader import demo_load
from motcua.pakn.api import feedback_list_for_officer, feedback_published_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def light_demo(monkeypatch: Any) -> None:
    monkeypatch.setattr("motcua.demo.dossiers.demo_dossiers_load", lambda **kw: ["dossiers"])
    monkeypatch.setattr(loader, "_demo_payments", list)
    monkeypatch.setattr(loader, "_demo_ratings", list)
    monkeypatch.setattr(loader, "_demo_signatures", list)
    monkeypatch.setattr(loader, "demo_surveys_qa_load", list)
    monkeypatch.setattr(loader, "demo_simplification_load", list)


def test_the_demo_feedback(light_demo, django_user_model):
    lines = demo_load()
    assert "feedback: 9 new of 9 (desk account pakn)" in lines
    desk = django_user_model.objects.get(username="pakn")
    assert desk.two_factor_exempt
    total, rows = feedback_list_for_officer(user=desk, limit=50)
    states = sorted(r.status for r in rows)
    assert total == 9
    assert states == sorted(
        ["published", "published", "approved", "answered", "in_progress", "awaiting_sender",
         "forwarded", "refused", "submitted"]
    )  # fmt: skip
    assert sum(1 for r in rows if r.overdue) >= 1
    count, items = feedback_published_search(q="khuyen mai")
    assert count == 1 and "Trần Văn Bình" not in items[0].question
    assert "0912 000 111" not in items[0].question and "***" in items[0].question
    # Again: nothing more (the markers say it was loaded; the keys would too).
    from motcua.demo.pakn import demo_pakn_load

    assert demo_pakn_load() == ["feedback: 0 new of 9 (desk account pakn)"]
