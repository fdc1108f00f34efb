"""The demo's simplification plans (issue 15): after the demo load the desk's plan pages and
the portal's summary are not empty; the cost inputs are marked estimated; loading again adds
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.demo.loader import demo_load
from motcua.demo.simplification import APPROVED, DRAFT, demo_simplification_load
from motcua.demo.tests.test_demo_loader import light_demo  # noqa: F401
from motcua.simplification.api import plan_figures, plan_list


@pytest.mark.django_db
def test_demo_plans(income_rate: None, light_demo: Any, orm: Any) -> None:  # noqa: F811
    done = demo_load()
    assert any(line.startswith("simplification: plan") for line in done), done
    plans = {p.name: p for p in plan_list()}
    assert plans[APPROVED].state == "approved"
    assert plans[DRAFT].state == "draft"
    rows, total = plan_figures(plans[APPROVED])
    assert len(rows) == 3 and total.saving > 0
    assert all(item.estimated for item, _f in rows)
    assert orm.CostInputs.objects.filter(estimated=True).count() == 5
    demo_simplification_load()
    assert plan_list().count() == 2
