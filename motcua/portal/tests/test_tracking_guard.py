"""Guessing a dossier's second factor cannot lock its owner out (issue 17, item 7), the attack
is logged and audited, and the rating page does not tell which codes exist (item 8)."""

from __future__ import annotations

import logging
import re

import pytest

from motcua.core.models import AuditEntry
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401
from motcua.portal.public_dossiers import (
    FAILURES_PER_ADDRESS_CODE,
    FAILURES_PER_CODE,
    LOOKUPS_PER_WINDOW,
)
from motcua.portal.tests.proven import proven

pytestmark = pytest.mark.django_db

WRONG_PIN = "999999"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def dossier(receive):  # noqa: F811
    d = receive(at(2026, 3, 2, 9, 0))
    assert d.lookup_pin != WRONG_PIN and d.phone == "0215382111"
    return d


def _guess(client, d, factor, address):
    return client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": factor}, REMOTE_ADDR=address)


def _use_up_the_codes_budget(client, d):
    """FAILURES_PER_CODE wrong factors from as many addresses (a botnet)."""
    for i in range(FAILURES_PER_CODE):
        assert _guess(client, d, WRONG_PIN if i % 2 else "0000", f"10.1.{i}.1").status_code == 404


def test_the_owners_pin_opens_the_dossier_after_a_flood_of_wrong_guesses(client, dossier):
    _use_up_the_codes_budget(client, dossier)
    # More guesses from more addresses are still answered "no match", never "yes".
    assert _guess(client, dossier, WRONG_PIN, "10.2.0.1").status_code == 404
    owner = _guess(client, dossier, dossier.lookup_pin, "203.0.113.7")
    assert owner.status_code == 200
    assert owner.context["track"].code == dossier.code
    assert proven(client)[0] == [dossier.code]


def test_once_the_budget_is_used_the_phone_digits_no_longer_open_it(client, dossier):
    _use_up_the_codes_budget(client, dossier)
    phone = _guess(client, dossier, "2111", "203.0.113.8")  # the right digits
    assert phone.status_code == 429
    assert "track" not in phone.context
    assert "mã PIN tra cứu in trên giấy tiếp nhận" in phone.content.decode()
    assert proven(client)[0] == []
    # The PIN still does.
    assert _guess(client, dossier, dossier.lookup_pin, "203.0.113.8").status_code == 200


def test_before_that_the_phone_digits_open_it(client, dossier):
    for i in range(FAILURES_PER_CODE - 1):
        assert _guess(client, dossier, "0000", f"10.1.{i}.1").status_code == 404
    assert _guess(client, dossier, "2111", "203.0.113.9").status_code == 200


def test_one_address_has_a_few_wrong_tries_per_code(client, dossier):
    me = "198.51.100.5"
    for _ in range(FAILURES_PER_ADDRESS_CODE):
        assert _guess(client, dossier, WRONG_PIN, me).status_code == 404
    refused = _guess(client, dossier, dossier.lookup_pin, me)
    assert refused.status_code == 429
    assert "track" not in refused.context
    assert proven(client)[0] == []
    # Nobody else is affected: another address, the right PIN.
    assert _guess(client, dossier, dossier.lookup_pin, "198.51.100.6").status_code == 200


def test_right_answers_do_not_use_up_an_addresses_tries(client, dossier):
    me = "198.51.100.7"
    for _ in range(FAILURES_PER_ADDRESS_CODE - 1):
        assert _guess(client, dossier, WRONG_PIN, me).status_code == 404
    for _ in range(3):
        assert _guess(client, dossier, dossier.lookup_pin, me).status_code == 200
    assert _guess(client, dossier, WRONG_PIN, me).status_code == 404  # the last wrong try
    assert _guess(client, dossier, dossier.lookup_pin, me).status_code == 429


def test_the_attack_is_logged_and_audited_once(client, dossier, caplog):
    caplog.set_level(logging.WARNING, logger="motcua.security")
    _use_up_the_codes_budget(client, dossier)
    for i in range(5):
        _guess(client, dossier, WRONG_PIN, f"10.3.{i}.1")
    warnings = [r for r in caplog.records if r.name == "motcua.security"]
    assert len(warnings) == 1
    assert dossier.code in warnings[0].getMessage()
    assert warnings[0].levelno == logging.WARNING
    entry = AuditEntry.objects.get(action="tracking.guessing")
    assert (entry.object_type, entry.object_id) == ("dossiers.dossier", str(dossier.pk))
    assert entry.actor_id is None
    assert entry.data == {
        "failures": FAILURES_PER_CODE,
        "window_hours": 24,
        "last_address": "10.1.19.1",
    }


def test_guessing_a_code_that_does_not_exist_is_logged_without_an_audit_entry(client, caplog):
    caplog.set_level(logging.WARNING, logger="motcua.security")
    for i in range(FAILURES_PER_CODE):
        client.get(
            "/tra-cuu-ho-so/H11.01.01-260302-9999/", {"pin": "0000"}, REMOTE_ADDR=f"10.{i}.0.1"
        )
    assert len([r for r in caplog.records if r.name == "motcua.security"]) == 1
    assert not AuditEntry.objects.filter(action="tracking.guessing").exists()


# --- The rating page (item 8) ---------------------------------------------------------------


def _rating_page(client, code, address="192.0.2.1"):
    """Status and page, with the code and the (per-response masked) CSRF tokens blanked."""
    response = client.get(f"/danh-gia/{code}/", REMOTE_ADDR=address)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, html.replace(code, "CODE")


def test_the_rating_page_answers_alike_for_a_code_that_exists_and_one_that_does_not(
    client, dossier
):
    missing = "H11.01.01-260302-0999"
    assert _rating_page(client, dossier.code) == _rating_page(client, missing)
    status, html = _rating_page(client, missing)
    assert status == 403
    assert dossier.procedure_name not in html
    post_existing = client.post(f"/danh-gia/{dossier.code}/", {"access": "5"})
    post_missing = client.post(f"/danh-gia/{missing}/", {"access": "5"})
    assert post_existing.status_code == post_missing.status_code == 403


def test_the_rating_page_is_throttled_per_address(client, dossier):
    for i in range(LOOKUPS_PER_WINDOW):
        code = f"H11.01.01-260302-{i:04d}"
        assert _rating_page(client, code, "192.0.2.9")[0] == 403
    assert _rating_page(client, dossier.code, "192.0.2.9")[0] == 429
    assert _rating_page(client, dossier.code, "192.0.2.10")[0] == 403
