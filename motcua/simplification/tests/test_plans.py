"""Plans: the state machine (draft → submitted → approved → applied), who may do what (deny
by default), the audit trail, applying through the catalog's drafts, the dossiers a year from
the reports' statistics, and planned against actual after applying."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.api import procedure_get_current, procedure_versions
from motcua.core.errors import Conflict, PermissionDenied
from motcua.simplification.api import (
    plan_apply,
    plan_approve,
    plan_create,
    plan_follow_up,
    plan_get,
    plan_return,
    plan_submit,
    plan_update,
)
from motcua.simplification.data import ItemInput

from .conftest import CODES

TODAY = dt.date(2026, 6, 1)
SHORTEN = ItemInput(procedure=CODES[0], change="shorten_time", processing_working_days=Decimal(7))


def _plan(people, items=None):
    return plan_create(
        name="Phương án thử", items=items or [SHORTEN], actor=people["editor"], today=TODAY
    )


def _actions(orm, plan):
    return list(
        orm.AuditEntry.objects.filter(object_type="simplification.plan", object_id=str(plan.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_whole_way_audited(procedures, people, orm):
    plan = _plan(people)
    assert plan.state == "draft"
    plan = plan_update(
        plan=plan,
        name="Phương án 2026",
        items=[SHORTEN, ItemInput(procedure=CODES[1], change="abolish")],
        actor=people["editor"],
        today=TODAY,
    )
    assert plan.items.count() == 2
    plan = plan_submit(plan=plan, actor=people["editor"])
    assert plan.state == "submitted" and plan.submitted_by == people["editor"]
    plan = plan_approve(plan=plan, actor=people["admin"], decision="QĐ 12/QĐ-UBND")
    assert plan.state == "approved" and plan.approved_by == people["admin"]
    plan = plan_apply(plan=plan, actor=people["editor"])
    assert plan.state == "applied" and plan.applied_at is not None
    assert _actions(orm, plan) == [
        "simplification.plan_created",
        "simplification.plan_updated",
        "simplification.plan_submitted",
        "simplification.plan_approved",
        "simplification.plan_applied",
    ]
    created = orm.AuditEntry.objects.filter(action="simplification.plan_created").get()
    assert created.data == {"items": 1, "before": 32_000_000, "after": 22_400_000}


def test_applying_drafts_new_versions_and_never_touches_the_published(procedures, people):
    published = procedure_get_current(code=CODES[0])
    plan = _plan(
        people,
        [
            SHORTEN,
            ItemInput(procedure=CODES[1], change="abolish"),
            ItemInput(procedure=CODES[2], change="drop_documents", documents=(2,)),
        ],
    )
    plan_submit(plan=plan, actor=people["editor"])
    plan_approve(plan=plan, actor=people["admin"])
    plan_apply(plan=plan, actor=people["admin2"])
    items = list(plan_get(pk=plan.pk).items.order_by("position"))
    draft = procedure_versions(code=CODES[0]).get(status="draft")
    assert items[0].applied_version_id == draft.pk
    assert draft.processing_amount == Decimal(7)
    budgets = [s.budget_hours for s in draft.steps.order_by("position")]
    assert sum(budgets) == Decimal(56) and all(b > 0 for b in budgets)
    # The published version is as it was, and still current.
    again = procedure_get_current(code=CODES[0])
    assert again.pk == published.pk and again.processing_amount == Decimal(10)
    # Abolished: no draft, and the item says why.
    assert items[1].applied_version_id is None and "bãi bỏ" in items[1].applied_note
    assert not procedure_versions(code=CODES[1]).filter(status="draft").exists()
    dropped = procedure_versions(code=CODES[2]).get(status="draft")
    assert [d.name for d in dropped.documents.all()] == [
        "Đăng ký thực hiện chương trình khuyến mại (Mẫu số 02)"
    ]


def test_applying_refused_when_a_draft_exists_nothing_changed(procedures, people):
    from motcua.catalog.api import procedure_draft_start

    plan = _plan(people)
    plan_submit(plan=plan, actor=people["editor"])
    plan_approve(plan=plan, actor=people["admin"])
    current = procedure_get_current(code=CODES[0])
    procedure_draft_start(procedure=current.procedure, actor=None)
    with pytest.raises(Conflict) as err:
        plan_apply(plan=plan, actor=people["editor"])
    assert "items[0].procedure" in err.value.field_errors
    assert plan_get(pk=plan.pk).state == "approved"


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("create", "officer"),
        ("create", "nobody"),
        ("submit", "officer"),
        ("approve", "editor"),  # an agency admin is no province admin
        ("approve", "admin"),  # submitted it himself
        ("return", "editor"),
        ("apply", "officer"),
    ],
)
def test_deny_by_default(procedures, people, step, who):
    plan = plan_create(name="P", items=[SHORTEN], actor=people["admin"], today=TODAY)
    if step in ("approve", "return"):
        plan_submit(plan=plan, actor=people["admin"])
    if step == "apply":
        plan_submit(plan=plan, actor=people["admin"])
        plan_approve(plan=plan, actor=people["admin2"])
    calls = {
        "create": lambda: plan_create(name="Q", items=[SHORTEN], actor=people[who], today=TODAY),
        "submit": lambda: plan_submit(plan=plan, actor=people[who]),
        "approve": lambda: plan_approve(plan=plan, actor=people[who]),
        "return": lambda: plan_return(plan=plan, actor=people[who]),
        "apply": lambda: plan_apply(plan=plan, actor=people[who]),
    }
    state = plan_get(pk=plan.pk).state
    with pytest.raises(PermissionDenied):
        calls[step]()
    assert plan_get(pk=plan.pk).state == state


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("draft", "approve"),
        ("draft", "apply"),
        ("submitted", "submit"),
        ("submitted", "apply"),
        ("submitted", "update"),
        ("approved", "submit"),
        ("approved", "return"),
        ("approved", "update"),
        ("applied", "apply"),
        ("applied", "approve"),
    ],
)
def test_transitions_out_of_order_conflict(procedures, people, state, step):
    plan = _plan(people)
    if state != "draft":
        plan_submit(plan=plan, actor=people["editor"])
    if state in ("approved", "applied"):
        plan_approve(plan=plan, actor=people["admin"])
    if state == "applied":
        plan_apply(plan=plan, actor=people["editor"])
    calls = {
        "submit": lambda: plan_submit(plan=plan, actor=people["editor"]),
        "approve": lambda: plan_approve(plan=plan, actor=people["admin2"]),
        "return": lambda: plan_return(plan=plan, actor=people["admin2"]),
        "apply": lambda: plan_apply(plan=plan, actor=people["editor"]),
        "update": lambda: plan_update(
            plan=plan, name="X", items=[SHORTEN], actor=people["editor"], today=TODAY
        ),
    }
    with pytest.raises(Conflict):
        calls[step]()
    assert plan_get(pk=plan.pk).state == state


def test_sent_back_returns_to_draft(procedures, people, orm):
    plan = _plan(people)
    plan_submit(plan=plan, actor=people["editor"])
    plan = plan_return(plan=plan, actor=people["admin"], reason="Bổ sung số liệu")
    assert plan.state == "draft" and plan.submitted_by is None
    assert "simplification.plan_returned" in _actions(orm, plan)


# --- With the reports' statistics: the hand-built March 2026 history ---------------------

from motcua.dossiers.tests.conftest import receive, world  # noqa: E402, F401
from motcua.reports.tests.test_hand_built import history  # noqa: E402, F401


@pytest.fixture
def stats_people(history, people):  # noqa: F811
    from motcua.simplification.api import cost_inputs_save

    cost_inputs_save(
        code="2.000004",
        visits=0,
        hours_per_visit=Decimal(0),
        travel_hours_per_visit=Decimal(0),
        default_document_hours=Decimal(0),
        dossiers_per_year=500,
        actor=None,
    )
    return people


def test_dossiers_a_year_from_the_statistics(stats_people):
    from motcua.reports.api import resolution_report
    from motcua.simplification.selectors import dossiers_per_year

    day = dt.date(2026, 3, 31)
    n, source = dossiers_per_year(code="2.000004", today=day)
    report = resolution_report(
        date_from=dt.date(2025, 4, 1), date_to=day, procedure_code="2.000004"
    ).total
    assert source == "statistics"
    assert n == report.received_online + report.received_direct == 10  # A–J and G; not K
    # An item's own figure overrides the statistics; with none received, the entered one.
    assert dossiers_per_year(code="2.000004", today=day, entered=3) == (3, "entered")
    assert dossiers_per_year(code="2.000004", today=dt.date(2027, 6, 1)) == (500, "entered")


def test_planned_against_actual_after_applying(stats_people, orm):
    from motcua.reports.api import resolution_report

    people = stats_people
    plan = plan_create(
        name="Khuyến mại",
        items=[
            ItemInput(
                procedure="2.000004", change="shorten_time", processing_working_days=Decimal(4)
            )
        ],
        actor=people["editor"],
        today=dt.date(2026, 3, 31),
    )
    item = plan.items.get()
    assert (item.volume_source, item.dossiers_per_year) == ("statistics", 10)
    plan_submit(plan=plan, actor=people["editor"])
    plan_approve(plan=plan, actor=people["admin"])
    plan_apply(plan=plan, actor=people["editor"])
    orm.Plan.objects.filter(pk=plan.pk).update(applied_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    plan = plan_get(pk=plan.pk)
    rows = plan_follow_up(plan=plan, today=dt.date(2026, 3, 31))
    assert [(r.months, r.reached, r.due) for r in rows] == [
        (3, False, "2026-06-01"),
        (6, False, "2026-09-01"),
        (12, False, "2027-03-01"),
    ]
    actual = resolution_report(
        date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), procedure_code="2.000004"
    ).total
    assert actual.avg_processing_working_days is not None
    first = rows[0]
    assert first.planned_days == Decimal(4)
    assert first.actual_days == actual.avg_processing_working_days
    assert first.received == actual.received_online + actual.received_direct
    hours = Decimal(str(actual.avg_processing_working_days)) * 8
    assert (
        first.actual_per_year == int((hours * 40_000).quantize(Decimal(1))) * item.dossiers_per_year
    )
    assert first.planned_per_year == 4 * 8 * 40_000 * item.dossiers_per_year
