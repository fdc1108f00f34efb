"""One normaliser for the dossier codes people type (issue 17, item 6)."""

from __future__ import annotations

import pytest

from motcua.core.identifiers import dossier_code_normalize, dossier_code_query

CODE = "H11.01.01-250702-0001"


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        "h11.01.01-250702-0001",
        "  H11.01.01-250702-0001 \n",
        "H11.01.01 250702 0001",
        "H11.01.01 - 250702 - 0001",
        "H11.01.01\u2013250702\u20140001",  # en dash, em dash
        "H11.01.01_250702_0001",
        "H11.01.01\u2212250702\u20110001",  # minus sign, non-breaking hyphen
        "\uff28\uff11\uff11\uff0e\uff10\uff11\uff0e\uff10\uff11\uff0d\uff12\uff15\uff10\uff17"
        "\uff10\uff12\uff0d\uff10\uff10\uff10\uff11",  # full-width, as some phone keyboards type
        "\u200bH11.01.01-250702-0001\ufeff",  # zero-width space and BOM pasted along
        "H11.01.01\u00a0250702\u00a00001",  # no-break spaces
    ],
)
def test_typed_variants_give_the_printed_code(typed):
    assert dossier_code_normalize(typed) == CODE


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "-", "H11.01.01-250702-000\u00e9", "Hồ sơ", "H11/01/01", "#12", "'; DROP"],
)
def test_what_cannot_be_a_code_gives_nothing(typed):
    assert dossier_code_normalize(typed) == ""


def test_the_result_is_short_ascii():
    assert dossier_code_normalize("h" * 200) == ""
    assert dossier_code_normalize("h" * 64) == "H" * 64
    assert dossier_code_normalize(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("h11.01.01\u2013250702", "H11.01.01-250702"),
        ("250702 0001", "250702-0001"),
        ("011095001234", "011095001234"),  # an ID number stays what it is
        ("0100109106", "0100109106"),
        # Names are not codes: left as typed (the search folds accents itself).
        ("Lo Van Minh", None),
        ("Lò Văn Minh", None),
        ("cong ty 2", None),
        ("", None),
    ],
)
def test_a_desk_search_query_becomes_a_code_only_when_it_looks_like_one(typed, query):
    assert dossier_code_query(typed) == query
