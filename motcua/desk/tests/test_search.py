"""Search by code, applicant name (accents ignored), ID number or tax code; paginated."""

from __future__ import annotations

import pytest

from motcua.desk.views import search as search_view

from .conftest import PERSON, at, at_time

NOON = at(2026, 3, 2, 12, 0)


@pytest.fixture
def two(receive):
    org = receive(at(2026, 3, 2, 9, 0))
    person = receive(at(2026, 3, 2, 9, 30), applicant=PERSON)
    return org, person


@pytest.mark.parametrize(
    ("q", "which"),
    [
        ("H11.01.01-260302-0002", 1),
        ("260302-0001", 0),
        ("lo van minh", 1),
        ("Mường Thanh", 0),
        ("011095001234", 1),
        ("0100109106", 0),
    ],
)
def test_search_finds_by_code_name_id_or_tax_code(as_user, two, q, which):
    with at_time(NOON):
        html = as_user("cv").get("/desk/tra-cuu/", {"q": q}).content.decode()
    assert two[which].code in html
    assert two[1 - which].code not in html
    assert "1 hồ sơ" in html


def test_search_filters_by_status(as_user, two):
    with at_time(NOON):
        html = as_user("desk").get("/desk/tra-cuu/", {"status": "processing"}).content.decode()
    assert "0 hồ sơ" in html
    assert "Không có hồ sơ nào bạn được xem khớp với nội dung tìm." in html


def test_search_is_paginated_and_keeps_the_query(as_user, two, monkeypatch):
    monkeypatch.setattr(search_view, "PAGE_SIZE", 1)
    client = as_user("desk")
    with at_time(NOON):
        first = client.get("/desk/tra-cuu/", {"q": "H11"}).content.decode()
        second = client.get("/desk/tra-cuu/", {"q": "H11", "trang": "2"}).content.decode()
    assert "Trang 1 / 2" in first and 'href="?q=H11&amp;trang=2"' in first
    assert two[1].code in first and two[0].code in second  # newest received first


def test_search_shows_only_what_the_officer_may_see(as_user, two):
    with at_time(NOON):
        html = as_user("cv_build").get("/desk/tra-cuu/", {"q": "H11"}).content.decode()
    assert "0 hồ sơ" in html
