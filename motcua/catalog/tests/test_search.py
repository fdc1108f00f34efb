import pytest

from motcua.catalog.api import procedure_search


def _codes(q, **kw):
    return [v.procedure.code for v in procedure_search(q=q, **kw)]


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khuyen mai",
        "khuyen mai dang ky",
        "ĐĂNG KÝ KHUYẾN MẠI",
        "Đăng   ký khuyến",
        "DANG KY hoat dong",
        "2.000004",
    ],
)
def test_accent_and_case_insensitive_all_words_any_order(catalog, query):
    assert _codes(query) == ["2.000004"]


def test_every_word_must_match(catalog):
    assert _codes("dang ky khuyen mai sinh") == []
    assert _codes("dang ky") == ["2.000004", "1.001193"]  # hoat < khai


def test_d_with_stroke_matches_d(catalog):
    assert _codes("đang ky khai sinh") == ["1.001193"]
    assert _codes("dang ky khai sinh") == ["1.001193"]


def test_filters_by_agency_and_field(catalog):
    assert _codes("", agency_code="H11.05") == ["2.000004"]
    assert _codes("", agency_code="H11.03325") == ["1.001193"]
    assert _codes("", field_code="ho-tich") == ["1.001193"]
    assert _codes("", agency_code="H11") == ["2.000004", "1.001193"]


def test_drafts_are_not_public(agencies, promotion_raw):
    from motcua.catalog.api import procedure_draft_save
    from motcua.catalog.specs import procedure_spec_parse

    spec, _e = procedure_spec_parse(promotion_raw, agency_codes={"H11.05", "H11.01.01"})
    procedure_draft_save(spec=spec, actor=None)
    assert _codes("") == []
