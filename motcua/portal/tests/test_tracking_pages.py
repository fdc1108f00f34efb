"""Public tracking with the PIN or the phone's last digits (rate-limited, remembered in the
session): the portal's tracking page over `dossiers.api.public_track_with_factor`."""

from __future__ import annotations

import dataclasses
import re

import pytest

from motcua.dossiers.tests.conftest import ORG, at, receive, world  # noqa: F401
from motcua.portal.tests.proven import proven

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def test_tracking_with_the_pin(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    response = client.get("/tra-cuu-ho-so/", {"ma": d.code, "pin": d.lookup_pin})
    html = response.content.decode()
    assert response.status_code == 200
    assert d.code in html and d.procedure_name in html
    assert d.applicant_name not in html and d.phone not in html and "DESK" not in html
    assert proven(client)[0] == [d.code]


def test_tracking_with_the_last_four_digits_of_the_phone(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))  # phone 0215382111
    assert client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": "2111"}).status_code == 200
    assert proven(client)[0] == [d.code]
    assert client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": " 2111 "}).status_code == 200


def test_a_wrong_factor_is_refused_and_nothing_is_remembered(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    for wrong in ("2112", "382111", "000000", "21", "abcd"):
        response = client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": wrong})
        assert response.status_code == 404
        assert d.procedure_name not in response.content.decode()
    assert proven(client)[0] == []


def test_no_phone_no_phone_factor(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0), applicant=dataclasses.replace(ORG, phone=""))
    assert client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": "0000"}).status_code == 404


def test_tracking_is_rate_limited_per_address(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    codes = [
        client.get("/tra-cuu-ho-so/", {"ma": f"X-{i}", "pin": "1234"}).status_code
        for i in range(21)
    ]
    assert codes[:20] == [404] * 20 and codes[20] == 429
    # Even the right PIN is refused until the window passes.
    assert client.get("/tra-cuu-ho-so/", {"ma": d.code, "pin": d.lookup_pin}).status_code == 429


def test_guessing_one_code_from_many_addresses_is_stopped(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    for i in range(20):
        response = client.get(
            f"/tra-cuu-ho-so/{d.code}/", {"pin": f"{i:04d}"}, REMOTE_ADDR=f"10.0.0.{i}"
        )
        assert response.status_code == 404
    blocked = client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": "2111"}, REMOTE_ADDR="10.0.1.1")
    assert blocked.status_code == 429
    assert proven(client)[0] == []


def test_the_timeline_is_plain_language(client, world, receive):  # noqa: F811
    from motcua.dossiers.tests.conftest import act

    u = world["users"]
    d = receive(at(2026, 3, 2, 9, 0))
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    response = client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": d.lookup_pin})
    timeline = response.context["timeline"]
    # Two internal handovers read as one sentence, at the first one's time.
    assert [at_ for at_, _t in timeline] == [at(2026, 3, 2, 9, 0), at(2026, 3, 2, 10, 0)]
    assert timeline[0][1] == response.context["timeline"][0][1] != "accept"
    assert "forward" not in [text for _a, text in timeline]
    html = response.content.decode()
    # No officer names (ignoring random tokens such as the CSRF field's value).
    visible = re.sub(r"<input[^>]*>", "", html)
    assert not re.search(r"\bCV\b|\bLD\b", visible)
