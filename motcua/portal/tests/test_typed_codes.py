"""Dossier codes as people type them (lower case, spaces, en dashes, full-width characters)
find the dossier on every public page that takes one (issue 17, item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.tests.conftest import act, at, receive, world  # noqa: F401
from motcua.feedback.tests.conftest import PDF
from motcua.portal.public_dossiers import _code_key
from motcua.portal.tests.proven import proven

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def dossier(receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    assert d.code == "H11.01.01-260302-0001"
    return d


def _sloppy(code: str) -> str:
    """The code as typed on a phone: lower case, an en dash, a space, around spaces."""
    head, day, seq = code.split("-")
    return f"  {head.lower()}\u2013{day} {seq} "


def test_tracking_finds_a_lower_case_code_with_the_pin(client, dossier):
    page = client.get("/tra-cuu-ho-so/", {"ma": _sloppy(dossier.code), "pin": dossier.lookup_pin})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{dossier.code}"' in html  # the form shows the code as printed
    assert "Đang giải quyết" in html or "Đã tiếp nhận" in html
    assert proven(client)[0] == [dossier.code]


def test_tracking_by_path_and_by_phone_digits(client, dossier):
    url = f"/tra-cuu-ho-so/{dossier.code.lower()}/"
    assert client.get(url, {"pin": dossier.lookup_pin}).status_code == 200
    client.cookies.pop("motcua_proven", None)
    assert client.get(url, {"pin": "2111"}).status_code == 200  # ORG's phone 0215382111


def test_wrong_tries_in_any_spelling_count_against_the_one_code(client, dossier):
    from motcua.core import ratelimit

    for typed in (dossier.code, dossier.code.lower(), _sloppy(dossier.code)):
        assert client.get("/tra-cuu-ho-so/", {"ma": typed, "pin": "9999"}).status_code == 404
    assert ratelimit.attempts(key=_code_key(dossier.code)) == 3


def test_the_kiosk_reads_a_lower_case_code(client, dossier):
    page = client.get("/kiosk/", {"ma": _sloppy(dossier.code)})
    assert page.status_code == 200
    assert f'<p class="kiosk-code">{dossier.code}</p>' in page.content.decode()


def test_the_rating_page_takes_the_code_as_typed(client, world, dossier):  # noqa: F811
    u = world["users"]
    act(dossier, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(dossier, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    act(dossier, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    client.get(f"/tra-cuu-ho-so/{dossier.code}/", {"pin": dossier.lookup_pin})
    typed = reverse("portal:rate_dossier", args=[dossier.code.lower()])
    response = client.get(typed)
    assert response.status_code == 302
    assert response["Location"] == f"/danh-gia/{dossier.code}/"
    assert client.get(response["Location"]).status_code == 200


def test_the_fee_page_takes_the_code_as_typed(client, dossier):
    client.get(f"/tra-cuu-ho-so/{dossier.code}/", {"pin": dossier.lookup_pin})
    typed = reverse("portal:pay_dossier", args=[dossier.code.lower()])
    response = client.get(typed)
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/thanh-toan/"
    assert client.get(response["Location"]).status_code == 200


def test_the_phone_digit_lookup_reads_the_code_as_typed(dossier):
    from motcua.dossiers.api import public_track_with_factor

    found = public_track_with_factor(code=_sloppy(dossier.code), factor="2111")
    assert found is not None and found.code == dossier.code
    assert public_track_with_factor(code=_sloppy(dossier.code), factor="2112") is None
