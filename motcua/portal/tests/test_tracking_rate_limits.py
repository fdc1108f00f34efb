"""Public tracking counts only wrong second factors against a dossier code (core/ratelimit.py,
docs/adr/0016, 0018): each try is counted before it is checked, so tries made at the same
time cannot all pass, and a right one is taken back."""

from __future__ import annotations

import pytest

from motcua.core import ratelimit
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401
from motcua.portal.public_dossiers import FAILURES_PER_CODE, _code_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def test_right_factors_do_not_use_up_the_codes_wrong_tries(client, world, receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    url = f"/tra-cuu-ho-so/{d.code}/"
    for i in range(FAILURES_PER_CODE - 1):
        assert client.get(url, {"pin": "0000"}, REMOTE_ADDR=f"10.0.0.{i}").status_code == 404
    for i in range(5):
        assert client.get(url, {"pin": d.lookup_pin}, REMOTE_ADDR=f"10.0.1.{i}").status_code == 200
    assert ratelimit.attempts(key=_code_key(d.code)) == FAILURES_PER_CODE - 1
    # The last wrong try of the day uses the budget up: then the phone digits are refused,
    # but the right PIN still opens the dossier (guessing cannot lock the owner out).
    assert client.get(url, {"pin": "0000"}, REMOTE_ADDR="10.0.2.1").status_code == 404
    assert client.get(url, {"pin": "2111"}, REMOTE_ADDR="10.0.2.2").status_code == 429
    assert client.get(url, {"pin": d.lookup_pin}, REMOTE_ADDR="10.0.2.2").status_code == 200
