"""The rating pages (portal) and the satisfaction page (desk): anonymous, aggregates only."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.conftest import at
from motcua.feedback.models import Rating, RatingReceipt

pytestmark = pytest.mark.django_db

ANSWERS = {"access": "5", "procedure": "4", "staff": "5", "result": "4", "comment": "Nhanh gọn"}


def _track(client, d, factor):
    return client.get(f"/tra-cuu-ho-so/{d.code}/", {"pin": factor})


def test_a_visitor_rates_after_proving_the_pin(client, finished):
    d = finished()
    assert client.get(f"/danh-gia/{d.code}/").status_code == 403  # not proved yet
    page = _track(client, d, d.lookup_pin)
    assert f'href="/danh-gia/{d.code}/"' in page.content.decode()
    form = client.get(f"/danh-gia/{d.code}/")
    html = form.content.decode()
    assert form.status_code == 200
    assert 'type="radio" id="access-5" name="access" value="5"' in html
    assert html.count("<fieldset") == 5
    done = client.post(f"/danh-gia/{d.code}/", ANSWERS)
    assert done.status_code == 302 and done["Location"] == f"/danh-gia/{d.code}/cam-on/"
    assert client.get(done["Location"]).status_code == 200
    assert (Rating.objects.count(), RatingReceipt.objects.count()) == (1, 1)
    again = client.post(f"/danh-gia/{d.code}/", ANSWERS)
    assert again.status_code == 200 and "portal/rating/already_rated.html" in [
        t.name for t in again.templates
    ]
    assert Rating.objects.count() == 1
    # Once rated, the tracking page no longer offers it.
    assert f'href="/danh-gia/{d.code}/"' not in _track(client, d, d.lookup_pin).content.decode()


def test_missing_answers_are_shown_next_to_the_question(client, finished):
    d = finished()
    _track(client, d, d.lookup_pin)
    response = client.post(f"/danh-gia/{d.code}/", {**ANSWERS, "staff": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#staff-1"' in html and 'aria-describedby="staff-error"' in html
    assert 'value="5" checked' in html  # what was chosen is kept
    assert "Nhanh gọn" in html
    assert Rating.objects.count() == 0


def test_rating_waits_for_the_result(client, world, receive):
    d = receive(at(2026, 3, 2, 9, 0))
    _track(client, d, d.lookup_pin)
    assert client.get(f"/danh-gia/{d.code}/").status_code == 409
    assert client.post(f"/danh-gia/{d.code}/", ANSWERS).status_code == 409
    assert Rating.objects.count() == 0
    # A code that does not exist is answered like one the visitor may not rate.
    assert client.get("/danh-gia/KHONG-CO/").status_code == 403


def test_the_signed_in_applicant_rates_without_a_pin(client, world, django_user_model):
    import dataclasses

    from motcua.core import clock
    from motcua.dossiers.api import dossier_accept, dossier_submit_online
    from motcua.dossiers.tests.conftest import ORG, act

    from .conftest import PDF

    u = world["users"]
    citizen = django_user_model.objects.create_user(username="cd", password="pw-12345-x")
    with clock.at(at(2026, 3, 2, 9, 0)):
        d = dossier_submit_online(
            applicant_user=citizen,
            procedure_code="2.000004",
            applicant=dataclasses.replace(ORG, email="a@b.vn"),
        )
        d = dossier_accept(dossier_id=d.pk, actor=u["desk"])
    act(d, u["desk"], "forward", at(2026, 3, 2, 10, 0), to_user=u["cv"].pk)
    act(d, u["cv"], "forward", at(2026, 3, 3, 10, 0), to_user=u["ld"].pk)
    act(d, u["ld"], "approve", at(2026, 3, 4, 9, 0), result=PDF)
    client.force_login(citizen)
    assert client.post(f"/danh-gia/{d.code}/", ANSWERS).status_code == 302
    assert Rating.objects.get().channel == "online"
