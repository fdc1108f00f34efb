"""The desk's search reads a dossier code as people type it (issue 17, item 6)."""

from __future__ import annotations

import pytest

from .conftest import PERSON, at, at_time

NOON = at(2026, 3, 2, 12, 0)


@pytest.fixture
def two(receive):
    return receive(at(2026, 3, 2, 9, 0)), receive(at(2026, 3, 2, 9, 30), applicant=PERSON)


@pytest.mark.parametrize(
    "q",
    [
        "h11.01.01-260302-0002",
        "H11.01.01 260302 0002",
        "h11.01.01\u2013260302\u20140002",
        "260302 0002",
        "\uff12\uff16\uff10\uff13\uff10\uff12\uff0d\uff10\uff10\uff10\uff12",  # full-width
    ],
)
def test_search_finds_a_code_typed_loosely(as_user, two, q):
    with at_time(NOON):
        html = as_user("cv").get("/desk/tra-cuu/", {"q": q}).content.decode()
    assert two[1].code in html and two[0].code not in html
    assert "1 hồ sơ" in html


def test_names_are_still_searched_as_typed(as_user, two):
    with at_time(NOON):
        html = as_user("cv").get("/desk/tra-cuu/", {"q": "lo van minh"}).content.decode()
    assert two[1].code in html and two[0].code not in html
