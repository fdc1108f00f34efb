"""`public_track_with_factor`: a dossier's public view by its code and a second factor, the
receipt's PIN or the last MOTCUA_TRACK_PHONE_DIGITS digits of the applicant's phone. The
portal's tracking page over it (rate limits, session): motcua/portal/tests/test_tracking_pages.py."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.dossiers.api import public_track_with_factor
from motcua.dossiers.tests.conftest import ORG, at

pytestmark = pytest.mark.django_db


def test_the_pin_opens_the_public_view(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    found = public_track_with_factor(code=d.code, factor=d.lookup_pin)
    assert found is not None
    assert (found.code, found.procedure_name, found.status) == (
        d.code,
        d.procedure_name,
        d.status,
    )


def test_the_last_four_digits_of_the_phone_open_it_too(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))  # phone 0215382111
    assert public_track_with_factor(code=d.code, factor="2111") == public_track_with_factor(
        code=d.code, factor=d.lookup_pin
    )
    assert public_track_with_factor(code=d.code, factor=" 2111 ") is not None
    assert public_track_with_factor(code=f" {d.code.lower()} ", factor="2111") is not None


def test_wrong_or_missing_factors_find_nothing(world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    for wrong in ("2112", "382111", "000000", "21", "abcd", "21 11x", "", "   "):
        assert public_track_with_factor(code=d.code, factor=wrong) is None, wrong
    assert public_track_with_factor(code="", factor=d.lookup_pin) is None
    assert public_track_with_factor(code="000.00.00.H00-260302-9999", factor="2111") is None


def test_no_phone_no_phone_factor(world, receive):
    d = receive(at(2026, 3, 2, 9, 0), applicant=dataclasses.replace(ORG, phone=""))
    assert public_track_with_factor(code=d.code, factor="0000") is None
    assert public_track_with_factor(code=d.code, factor=d.lookup_pin) is not None


def test_the_phone_factor_can_be_turned_off(world, receive, settings):
    d = receive(at(2026, 3, 2, 9, 0))
    settings.MOTCUA_TRACK_PHONE_DIGITS = 0
    assert public_track_with_factor(code=d.code, factor="2111") is None
    assert public_track_with_factor(code=d.code, factor=d.lookup_pin) is not None
