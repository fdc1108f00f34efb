from decimal import Decimal

from motcua.catalog.specs import procedure_spec_parse

KNOWN = {"H11.05", "H11.01.01", "*communes"}


def test_valid_procedure_parses(promotion_raw):
    spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors == {}
    assert spec is not None
    assert spec.code == "2.000004"
    assert spec.amount == Decimal(5)
    assert spec.unit == "working_days"
    assert [s.budget_hours for s in spec.steps] == [Decimal(4), Decimal(28), Decimal(4), Decimal(4)]
    assert spec.fees_known is False


def test_every_problem_is_reported_at_once(promotion_raw):
    promotion_raw["code"] = "2-4"
    promotion_raw["processing_time"] = {"amount": "abc", "unit": "weeks"}
    promotion_raw["agencies"] = ["H99"]
    promotion_raw["documents"] = []
    promotion_raw["steps"][1]["budget_hours"] = "-3"
    spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert spec is None
    assert set(errors) == {
        "code",
        "processing_time.unit",
        "processing_time.amount",
        "agencies[1]",
        "documents",
        "steps[2].budget_hours",
    }
    assert "“2-4” is not a valid procedure code" in errors["code"][0]
    assert "weeks" in errors["processing_time.unit"][0]


def test_budgets_must_add_up_to_the_regulated_time(promotion_raw):
    promotion_raw["steps"][1]["budget_hours"] = "20"
    spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert spec is None
    assert errors == {
        "steps": [
            "The step budgets add up to 32 working hours, but the regulated "
            "time is 40 working hours."
        ]
    }


def test_fractional_days(promotion_raw):
    promotion_raw["processing_time"]["amount"] = "10.5"
    promotion_raw["steps"][1]["budget_hours"] = "72"
    spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors == {}
    assert spec is not None and spec.amount == Decimal("10.5")


def test_same_day_needs_no_amount_and_budgets_of_one_day(birth_raw):
    spec, errors = procedure_spec_parse(birth_raw, agency_codes=KNOWN)
    assert errors == {}
    assert spec is not None and spec.amount is None and spec.unit == "same_day"


def test_amount_required_for_working_days(promotion_raw):
    promotion_raw["processing_time"]["amount"] = None
    _spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors["processing_time.amount"] == ["The processing time is required for this unit."]


def test_provisional_codes(promotion_raw):
    promotion_raw["code"] = "DB.000001"
    _spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert "code" in errors
    promotion_raw["code_is_provisional"] = True
    spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors == {}
    assert spec is not None and spec.code_is_provisional


def test_localised_national_code_is_valid(promotion_raw):
    promotion_raw["code"] = "2.000004.000.00.00.H11"
    _spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors == {}


def test_variable_fee_needs_its_case(promotion_raw):
    promotion_raw["fees_known"] = True
    promotion_raw["fees"] = [{"name": "Phí thẩm định", "kind": "fee", "amount_vnd": None}]
    _spec, errors = procedure_spec_parse(promotion_raw, agency_codes=KNOWN)
    assert errors == {"fees[1].case": ["Say what the amount depends on when it is not fixed."]}
