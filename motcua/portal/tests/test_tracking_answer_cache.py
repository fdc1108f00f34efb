"""The tracking page keeps a found dossier's rendered answer, keyed by everything it is made of
(ADR 0049): a repeat lookup of an unchanged dossier is one statement and no render; anything
that changes the answer changes the key. Each test below fails if the key misses that change
(an event, a payment, a rating, a result, the day), or if the answer is served without the
second factor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.core import clock
from motcua.dossiers.tests.conftest import act, at, receive, world  # noqa: F401
from motcua.portal import public_dossiers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    from django.core.cache import cache

    cache.clear()
    public_dossiers._answers.clear()
    yield
    public_dossiers._answers.clear()


@pytest.fixture
def dossier(receive):  # noqa: F811
    return receive(at(2026, 3, 2, 9, 0))


def _lookup(client, dossier, pin=None, when=None):
    """The page and the number of statements it took (a new visitor each time)."""
    client.cookies.clear()
    with clock.at(when or at(2026, 3, 3, 9, 0)), CaptureQueriesContext(connection) as ctx:
        page = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": pin or dossier.lookup_pin})
    return page, len(ctx.captured_queries)


def _fresh_render(client, dossier, settings, when=None):
    """The same lookup rendered whole, nothing kept (as with DEBUG)."""
    settings.DEBUG = True
    try:
        return _lookup(client, dossier, when=when)[0]
    finally:
        settings.DEBUG = False


def _events_shown(page):
    return page.content.decode().count("<li><time ")


def _text(page):
    html = page.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_repeat_lookup_is_one_statement_and_the_same_answer(client, dossier, settings):
    first, n1 = _lookup(client, dossier)
    second, n2 = _lookup(client, dossier)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (n1, n2) == (2, 1)  # the dossier's row and its events; then the row alone
    assert _text(second) == _text(first) == _text(_fresh_render(client, dossier, settings))
    assert len(public_dossiers._answers) == 1


def test_the_same_code_with_a_wrong_pin_is_refused_though_its_answer_is_kept(client, dossier):
    assert _lookup(client, dossier)[0].status_code == 200
    wrong = "000000" if dossier.lookup_pin != "000000" else "111111"
    page, statements = _lookup(client, dossier, pin=wrong)
    assert page.status_code == 404
    assert dossier.procedure_name not in page.content.decode()
    assert statements == 1
    assert len(public_dossiers._answers) == 1  # a wrong factor keeps nothing


def test_a_new_event_is_shown(client, world, dossier, settings):  # noqa: F811
    """Asking other agencies changes no shown column (status, dates): only the head of the
    dossier's event chain tells the answer changed."""
    from motcua.dossiers.api import public_track_lookup

    u = world["users"]
    act(dossier, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    before, _n = _lookup(client, dossier)
    assert _lookup(client, dossier)[1] == 1  # kept
    state = public_track_lookup(code=dossier.code, factor=dossier.lookup_pin).state
    act(
        dossier, u["cv"], "consult", at(2026, 3, 2, 11, 0),
        agencies=["H11.07"], question="Ý kiến về địa điểm", budget_hours="8",
    )  # fmt: skip
    new_state = public_track_lookup(code=dossier.code, factor=dossier.lookup_pin).state
    changed = [i for i, (a, b) in enumerate(zip(state, new_state, strict=True)) if a != b]
    assert len(changed) == 1  # the chain's head alone
    after, statements = _lookup(client, dossier)
    assert statements == 2  # not the kept answer: the events were read again
    assert _events_shown(after) == _events_shown(before) + 1
    assert _text(after) == _text(_fresh_render(client, dossier, settings))


def test_a_payment_is_shown(client, dossier, settings):
    before, _n = _lookup(client, dossier)
    pay = reverse("portal:pay_dossier", args=[dossier.code])
    assert pay not in before.content.decode()
    assert _lookup(client, dossier)[1] == 1
    now = clock.now()
    apps.get_model("payments", "Payment").objects.create(
        dossier=dossier,
        order_ref="T1",
        amount_vnd=1,
        gateway="sandbox",
        status="paid",
        created_at=now,
        expires_at=now,
    )  # the dossier's row is not touched
    after, statements = _lookup(client, dossier)
    assert statements == 2
    assert pay in after.content.decode()
    assert _text(after) == _text(_fresh_render(client, dossier, settings))


def test_a_rating_is_shown(client, dossier, settings):
    type(dossier).objects.filter(pk=dossier.pk).update(status="result_ready")
    before, _n = _lookup(client, dossier)
    rate = reverse("portal:rate_dossier", args=[dossier.code])
    assert rate in before.content.decode()
    assert _lookup(client, dossier)[1] == 1
    apps.get_model("feedback", "RatingReceipt").objects.create(
        dossier_id=dossier.pk, rated_on=dt.date(2026, 3, 3)
    )  # the dossier's row is not touched
    after, statements = _lookup(client, dossier)
    assert statements == 2
    assert rate not in after.content.decode()
    assert _text(after) == _text(_fresh_render(client, dossier, settings))


def test_a_new_result_is_a_new_answer(client, dossier):
    _lookup(client, dossier)
    assert _lookup(client, dossier)[1] == 1
    dossier.documents.create(
        kind="result", name="kq.pdf", file="x/kq.pdf", sha256="0" * 64, size=1,
        content_type="application/pdf",
    )  # fmt: skip
    assert _lookup(client, dossier)[1] == 2


def test_a_new_day_is_a_new_answer(client, dossier):
    _lookup(client, dossier, when=at(2026, 3, 3, 9, 0))
    assert _lookup(client, dossier, when=at(2026, 3, 3, 16, 0))[1] == 1
    assert _lookup(client, dossier, when=at(2026, 3, 4, 9, 0))[1] == 2


def test_the_language_is_part_of_the_answer(client, dossier, settings):
    vi, _n = _lookup(client, dossier)
    client.cookies.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with clock.at(at(2026, 3, 3, 9, 0)), CaptureQueriesContext(connection) as ctx:
        en = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "pin": dossier.lookup_pin})
    assert en.status_code == 200
    assert 'lang="en"' in en.content.decode() and 'lang="vi"' in vi.content.decode()
    assert len(public_dossiers._answers) == 2 and len(ctx.captured_queries) == 2


def test_the_kept_answers_are_bounded(client, dossier, monkeypatch):
    monkeypatch.setattr(public_dossiers, "_ANSWERS_MAX", 1)
    _lookup(client, dossier, when=at(2026, 3, 3, 9, 0))
    _lookup(client, dossier, when=at(2026, 3, 4, 9, 0))
    assert len(public_dossiers._answers) == 1
