"""The method (domain.md §6) computed by hand: the Đồng Nai worked example, an abolished
procedure, a plan over several procedures, and the errors that name their field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.core.errors import ValidationFailed
from motcua.simplification import costing
from motcua.simplification.api import (
    cost_inputs_save,
    percent_text,
    plan_create,
    plan_figures,
    procedure_compliance_cost,
    totals_sentence,
)
from motcua.simplification.data import CostFacts, DocumentFacts, ItemInput, Rate, percent_rounded

from .conftest import CODES

TODAY = dt.date(2026, 6, 1)
RATE = Rate(hourly_income_vnd=40_000, hours_per_day=Decimal(8), valid_from="2024-01-01")


def _facts(**kw: object) -> CostFacts:
    base: dict[str, object] = {
        "code": "X",
        "name": "X",
        "documents": (),
        "processing_working_days": Decimal(10),
        "visits": 0,
        "hours_per_visit": Decimal(0),
        "travel_hours_per_visit": Decimal(0),
        "fees_vnd": 0,
        "out_of_pocket_vnd": 0,
    }
    base.update(kw)
    return CostFacts(**base)  # type: ignore[arg-type]


def test_worked_example_by_hand_pure():
    before = costing.compliance_cost(_facts(), RATE, dossiers_per_year=10, volume_source="entered")
    after_facts = costing.change_apply(
        _facts(), change="shorten_time", processing_working_days=Decimal(9)
    )
    after = costing.compliance_cost(
        after_facts, RATE, dossiers_per_year=10, volume_source="entered"
    )
    # (10 × 8 h × 40.000 đ) × 10 = 32.000.000; (9 × 8 × 40.000) × 10 = 28.800.000
    assert before.per_dossier == 3_200_000
    assert before.per_year == 32_000_000
    assert after.per_year == 28_800_000
    processing = next(c for c in before.components if c.kind == "processing")
    assert processing.hours == Decimal(80)
    assert processing.formula == "10 ngày làm việc × 8 giờ = 80 giờ × 40.000 đ/giờ = 3.200.000 đ"
    assert before.per_year_formula == ("3.200.000 đ/hồ sơ × 10 hồ sơ/năm = 32.000.000 đ/năm")


def test_every_component_adds_up():
    facts = _facts(
        documents=(
            DocumentFacts(position=1, name="Tờ khai", hours=Decimal("1.5")),
            DocumentFacts(position=2, name="Bản sao", hours=Decimal(2), out_of_pocket_vnd=5_000),
        ),
        visits=2,
        hours_per_visit=Decimal(1),
        travel_hours_per_visit=Decimal("0.5"),
        fees_vnd=100_000,
        out_of_pocket_vnd=20_000,
    )
    cost = costing.compliance_cost(facts, RATE, dossiers_per_year=3, volume_source="entered")
    amounts = {c.label: c.amount_vnd for c in cost.components}
    assert list(amounts.values()) == [60_000, 80_000, 80_000, 40_000, 3_200_000, 100_000, 25_000]
    assert cost.per_dossier == 3_585_000
    assert cost.per_year == 3 * 3_585_000
    assert cost.per_dossier_formula.endswith("= 3.585.000 đ")


def test_worked_example_through_a_plan(procedures, people):
    plan = plan_create(
        name="Phương án 2026",
        items=[
            ItemInput(procedure=CODES[0], change="shorten_time", processing_working_days=Decimal(9))
        ],
        actor=people["editor"],
        today=TODAY,
    )
    rows, total = plan_figures(plan)
    item, figures = rows[0]
    assert (figures.before, figures.after, figures.saving) == (32_000_000, 28_800_000, 3_200_000)
    assert figures.percent == Decimal(10)
    assert item.volume_source == "entered"  # no statistics: the cost inputs' 10 a year
    assert item.dossiers_per_year == 10
    assert percent_text(total) == "10,00 %"
    assert totals_sentence(total) == (
        "Chi phí tuân thủ trước: 32.000.000 đồng/năm; sau: 28.800.000 đồng/năm; tiết kiệm: "
        "3.200.000 đồng/năm; tỷ lệ cắt giảm: 10,00 %"
    )


def test_abolished_after_zero_saving_hundred(procedures, people):
    plan = plan_create(
        name="Bãi bỏ",
        items=[ItemInput(procedure=CODES[1], change="abolish")],
        actor=people["editor"],
        today=TODAY,
    )
    ((_item, figures),) = plan_figures(plan)[0]
    assert figures.after == 0
    assert figures.saving == figures.before == 32_000_000
    assert figures.percent == Decimal(100)


def test_plan_over_several_procedures_adds_up_item_by_item(procedures, people):
    cost_inputs_save(
        code=CODES[2],
        visits=2,
        hours_per_visit=Decimal(1),
        travel_hours_per_visit=Decimal(1),
        default_document_hours=Decimal(0),
        dossiers_per_year=7,
        actor=None,
    )
    plan = plan_create(
        name="Nhiều thủ tục",
        items=[
            ItemInput(
                procedure=CODES[0], change="shorten_time", processing_working_days=Decimal(7)
            ),
            ItemInput(procedure=CODES[1], change="abolish", dossiers_per_year=3),
            ItemInput(procedure=CODES[2], change="move_online"),
        ],
        actor=people["editor"],
        today=TODAY,
    )
    rows, total = plan_figures(plan)
    got = [(f.before, f.after) for _i, f in rows]
    # 10 d = 3.200.000/dossier. Item 1: × 10, after 7 d = 2.240.000 × 10.
    # Item 2: 3 a year (given in the item, overrides), abolished.
    # Item 3: 4 h of visits and travel = 160.000 more; online: no visit; × 7.
    assert got == [
        (32_000_000, 22_400_000),
        (9_600_000, 0),
        (7 * 3_360_000, 7 * 3_200_000),
    ]
    assert total.before == sum(b for b, _a in got) == 65_120_000
    assert total.after == sum(a for _b, a in got) == 44_800_000
    assert total.saving == 20_320_000
    # The plan's per cent is the totals' (not the mean of the items' rounded per cents).
    assert percent_rounded(total.percent) == Decimal("31.20")
    assert rows[1][0].volume_source == "entered"


def test_percent_is_rounded_only_for_display():
    from motcua.simplification.data import Figures

    figures = Figures(before=3, after=2)
    assert figures.percent is not None
    assert figures.percent != Decimal("33.33")  # exact
    assert percent_rounded(figures.percent) == Decimal("33.33")
    total = Figures()
    for _ in range(3):
        total.add(figures)
    assert (total.before, total.after, total.saving) == (9, 6, 3)


def test_zero_volume_names_the_field(procedures, people):
    with pytest.raises(ValidationFailed) as err:
        plan_create(
            name="P",
            items=[ItemInput(procedure=CODES[0], change="abolish", dossiers_per_year=0)],
            actor=people["editor"],
            today=TODAY,
        )
    assert "items[0].dossiers_per_year" in err.value.field_errors
    with pytest.raises(ValidationFailed) as err:
        costing.compliance_cost(_facts(), RATE, dossiers_per_year=0, volume_source="entered")
    assert list(err.value.field_errors) == ["dossiers_per_year"]
    with pytest.raises(ValidationFailed) as err:
        cost_inputs_save(
            code=CODES[0],
            visits=1,
            hours_per_visit=Decimal(1),
            travel_hours_per_visit=Decimal(1),
            dossiers_per_year=0,
            actor=None,
        )
    assert list(err.value.field_errors) == ["dossiers_per_year"]


def test_unknown_volume_names_the_field(procedures, people):
    cost_inputs_save(
        code=CODES[0],
        visits=0,
        hours_per_visit=Decimal(0),
        travel_hours_per_visit=Decimal(0),
        default_document_hours=Decimal(0),
        dossiers_per_year=None,
        actor=None,
    )
    with pytest.raises(ValidationFailed) as err:
        plan_create(
            name="P",
            items=[ItemInput(procedure=CODES[0], change="abolish")],
            actor=people["editor"],
            today=TODAY,
        )
    assert "items[0].dossiers_per_year" in err.value.field_errors
    # The cost per dossier is still known; the year is not.
    cost = procedure_compliance_cost(code=CODES[0], today=TODAY)
    assert cost is not None and cost.per_year is None and cost.per_dossier == 3_200_000


def test_missing_income_basis_names_the_field(procedures, people, orm):
    orm.IncomeRate.objects.all().delete()
    with pytest.raises(ValidationFailed) as err:
        procedure_compliance_cost(code=CODES[0], today=TODAY)
    assert list(err.value.field_errors) == ["hourly_income"]
    assert err.value.code == "no_income_basis"
    with pytest.raises(ValidationFailed) as err:
        plan_create(
            name="P",
            items=[ItemInput(procedure=CODES[0], change="abolish")],
            actor=people["editor"],
            today=TODAY,
        )
    assert list(err.value.field_errors) == ["hourly_income"]


def test_rate_before_2024_is_missing_and_is_dated(procedures, orm):
    with pytest.raises(ValidationFailed):
        procedure_compliance_cost(code=CODES[0], today=dt.date(2023, 12, 31))
    orm.IncomeRate.objects.create(valid_from=dt.date(2026, 1, 1), hourly_income_vnd=50_000)
    assert (
        procedure_compliance_cost(code=CODES[0], today=dt.date(2025, 12, 31)).hourly_income
        == 40_000
    )
    assert procedure_compliance_cost(code=CODES[0], today=TODAY).hourly_income == 50_000


def test_negative_hours_name_the_field(db):
    facts = _facts(
        documents=(DocumentFacts(position=2, name="Tờ khai", hours=Decimal(-1)),),
        hours_per_visit=Decimal("-0.5"),
    )
    with pytest.raises(ValidationFailed) as err:
        costing.compliance_cost(facts, RATE, dossiers_per_year=1, volume_source="entered")
    assert set(err.value.field_errors) == {"documents[2].hours", "hours_per_visit"}
    with pytest.raises(ValidationFailed) as err:
        cost_inputs_save(
            code="1.000001",
            visits=1,
            hours_per_visit=Decimal(1),
            travel_hours_per_visit=Decimal(-2),
            document_hours={3: Decimal(-1)},
            actor=None,
        )
    assert set(err.value.field_errors) == {"travel_hours_per_visit", "document_hours[3]"}


@pytest.mark.parametrize(
    ("change", "kw", "field"),
    [
        (
            "shorten_time",
            {"processing_working_days": Decimal(11)},
            "items[0].processing_working_days",
        ),
        ("shorten_time", {}, "items[0].processing_working_days"),
        (
            "shorten_time",
            {"processing_working_days": Decimal(0)},
            "items[0].processing_working_days",
        ),
        ("drop_documents", {"documents": (7,)}, "items[0].documents"),
        ("drop_documents", {"documents": (1, 2)}, "items[0].documents"),
        ("cut_fee", {"fee_vnd": 0}, "items[0].fee_vnd"),
        ("move_online", {}, "items[0].change"),
        ("nonsense", {}, "items[0].change"),
    ],
)
def test_changes_that_do_not_fit_name_the_field(procedures, people, change, kw, field):
    with pytest.raises(ValidationFailed) as err:
        plan_create(
            name="P",
            items=[ItemInput(procedure=CODES[0], change=change, **kw)],
            actor=people["editor"],
            today=TODAY,
        )
    assert field in err.value.field_errors


def test_unknown_procedure_and_duplicates(procedures, people):
    with pytest.raises(ValidationFailed) as err:
        plan_create(
            name="P",
            items=[
                ItemInput(procedure="9.999999", change="abolish"),
                ItemInput(procedure=CODES[0], change="abolish"),
                ItemInput(
                    procedure=CODES[0], change="shorten_time", processing_working_days=Decimal(5)
                ),
            ],
            actor=people["editor"],
            today=TODAY,
        )
    assert set(err.value.field_errors) == {"items[0].procedure", "items[2].procedure"}


def test_cost_per_dossier_with_defaults_is_estimated(agencies, promotion_raw, income_rate):
    import json

    from motcua.catalog.api import catalog_import

    catalog_import(
        content=json.dumps({"procedures": [promotion_raw]}).encode(), filename="c.json", actor=None
    )
    cost = procedure_compliance_cost(code="2.000004", today=TODAY)
    assert cost is not None
    # 2 documents × 2 h + 1 visit of 1 h + 1 h travel + 5 days × 8 h = 46 h × 40.000
    assert cost.per_dossier == 46 * 40_000
    assert cost.estimated
    assert cost.per_year is None and cost.dossiers_per_year is None
