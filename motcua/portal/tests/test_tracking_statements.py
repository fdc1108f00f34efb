"""A tracking lookup reads what the page shows in at most 3 statements and writes nothing:
no session row, no UPDATE + COMMIT (ADR 0043). The codes proved are remembered in a signed
cookie, set only when they change."""

from __future__ import annotations

import json
import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401
from motcua.portal.public_dossiers import PROVEN_COOKIE
from motcua.portal.tests.proven import proven

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def dossier(receive):  # noqa: F811
    return receive(at(2026, 3, 2, 9, 0))


def _lookup(client, dossier, pin):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": pin})
    statements = [q["sql"] for q in ctx.captured_queries]
    return page, statements


def _writes(statements):
    words = ("INSERT", "UPDATE", "DELETE", "COMMIT", "SAVEPOINT")
    return [s for s in statements if s.lstrip().upper().startswith(words)]


def test_a_first_lookup_reads_at_most_three_statements_and_writes_nothing(client, dossier):
    page, statements = _lookup(client, dossier, dossier.lookup_pin)
    assert page.status_code == 200
    assert dossier.procedure_name in page.content.decode()
    assert len(statements) <= 3, statements
    assert _writes(statements) == []
    assert not any("django_session" in s for s in statements)
    assert proven(client) == ([dossier.code], [dossier.code])
    assert page.cookies[PROVEN_COOKIE]["httponly"]


def test_a_second_lookup_of_the_same_visitor_sets_no_cookie_and_writes_nothing(client, dossier):
    assert client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin})
    page, statements = _lookup(client, dossier, dossier.lookup_pin)
    assert page.status_code == 200
    assert len(statements) <= 3, statements
    assert _writes(statements) == []
    assert PROVEN_COOKIE not in page.cookies  # nothing changed: nothing written
    assert proven(client) == ([dossier.code], [dossier.code])


def test_a_signed_in_visitor_reads_its_session_but_writes_nothing(client, dossier, world):  # noqa: F811
    client.force_login(next(iter(world["users"].values())))
    client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin})
    page, statements = _lookup(client, dossier, dossier.lookup_pin)
    assert page.status_code == 200
    assert _writes(statements) == []


def test_the_phone_digits_are_remembered_for_rating_only(client, dossier):
    page, statements = _lookup(client, dossier, "2111")  # ORG's phone 0215382111
    assert page.status_code == 200
    assert len(statements) <= 3 and _writes(statements) == []
    assert proven(client) == ([dossier.code], [])


def test_a_wrong_factor_costs_one_statement(client, dossier):
    page, statements = _lookup(client, dossier, "000000" if dossier.lookup_pin != "000000" else "1")
    assert page.status_code == 404
    assert len(statements) == 1 and _writes(statements) == []
    assert PROVEN_COOKIE not in page.cookies


@pytest.mark.parametrize("how", ["plain", "other salt"])
def test_a_forged_cookie_proves_nothing(client, dossier, how):
    value = {"t": [dossier.code], "p": [dossier.code]}
    forged = json.dumps(value) if how == "plain" else signing.dumps(value, salt="another")
    client.cookies[PROVEN_COOKIE] = forged
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert page.status_code == 200  # the page asking for the PIN
    assert dossier.applicant_name not in page.content.decode()
    assert 'name="pin"' in page.content.decode()


def test_the_cookie_opens_the_fee_page_after_the_pin(client, dossier):
    client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin})
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    assert dossier.applicant_name in page.content.decode()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("page", ["track", "kiosk", "track-wrong", "empty"])
def test_the_kept_page_around_the_answer_is_the_whole_page(client, dossier, settings, page):
    """For anonymous visitors only the answer is rendered, into the page kept around it: the
    result is the page rendered whole (as with DEBUG, where nothing is kept), with this
    request's path in the language forms."""
    url, query = {
        "track": ("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin}),
        "kiosk": ("/kiosk/", {"ma": dossier.code}),
        "track-wrong": ("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": "0"}),
        "empty": ("/tra-cuu-ho-so/", {}),
    }[page]
    from motcua.portal import public_dossiers

    public_dossiers._pages.clear()
    kept = [client.get(url, query) for _ in range(2)][-1]
    assert public_dossiers._pages  # the page around the answer was kept and used
    settings.DEBUG = True
    whole = client.get(url, query)
    assert kept.status_code == whole.status_code
    html = kept.content.decode()
    assert _without_tokens(html) == _without_tokens(whole.content.decode())
    assert 'name="csrfmiddlewaretoken" value="csrf' not in html  # a real token
    if query:
        assert f'name="next" type="hidden" value="{url}?ma=' in html


def test_signing_out_forgets_the_proven_dossiers(client, dossier):
    """On a shared computer at the service centre, signing out must leave nothing proved."""
    assert client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin})
    assert proven(client) == ([dossier.code], [dossier.code])
    page = client.post("/dang-xuat/")
    assert page.status_code == 302
    assert page.cookies[PROVEN_COOKIE].value == ""
    assert proven(client) == ([], [])
