"""Vietnamese identifiers (core.identifiers): the cases checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from motcua.core import clock
from motcua.core.identifiers import (
    id_number_problem,
    phone_normalize,
    phone_problem,
    tax_code_problem,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "dob", "ok"),
    [
        ("011090001234", None, True),  # Điện Biên (011), man born 1990
        ("011090001234", dt.date(1990, 5, 17), True),
        ("011090001234", dt.date(1991, 5, 17), False),  # birth year contradicts
        ("001305001234", None, True),  # Hà Nội (001), woman born 2005 (3 = 2000s, female)
        ("003090001234", None, False),  # 003 is not a province code
        ("01109000123", None, False),  # 11 digits
        ("01109000123a", None, False),
    ],
)
def test_id_number(value, dob, ok):
    assert (id_number_problem(value, dob) is None) is ok


def test_id_number_birth_year_in_the_future():
    with clock.at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        assert id_number_problem("011227001234") is not None  # born 2027
        assert id_number_problem("011225001234") is None  # born 2025


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        # 0100109106: 31·0+29·1+23·0+19·0+17·1+13·0+7·9+5·1+3·0 = 114; 114 mod 11 = 4;
        # 10 − 4 = 6, the last digit.
        ("0100109106", True),
        ("0100109106-001", True),  # a branch
        ("0100109107", False),  # check digit
        ("5600123456", False),  # 428 mod 11 = 10 → check digit 0, not 6
        ("011090001234", True),  # a personal ID number as tax code (from 01/07/2025)
        ("12", False),
    ],
)
def test_tax_code(value, ok):
    assert (tax_code_problem(value) is None) is ok


def test_phones():
    assert phone_problem("0215 382 111") is None  # a landline
    assert phone_problem("0912.345.678") is None
    assert phone_problem("12345") is not None
    assert phone_normalize("+84 912 345 678") == "0912345678"
    assert phone_normalize("0215382111") is None  # a landline gets no SMS
