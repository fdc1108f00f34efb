"""The signed-in citizen's notification list (public tracking by PIN or phone digits:
motcua/portal/tests/test_tracking_pages.py)."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.core import clock
from motcua.dossiers.api import dossier_submit_online
from motcua.dossiers.tests.conftest import ORG, at
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _online(citizen, email):
    with clock.at(at(2026, 3, 2, 9, 0)):
        return dossier_submit_online(
            applicant_user=citizen,
            procedure_code="2.000004",
            applicant=dataclasses.replace(ORG, email=email),
        )


def test_the_notification_list_shows_only_my_notifications(
    client, world, django_user_model, django_capture_on_commit_callbacks
):
    me = django_user_model.objects.create_user(username="toi", password="pw-12345-x")
    other = django_user_model.objects.create_user(username="ban", password="pw-12345-x")
    with django_capture_on_commit_callbacks(execute=True):
        mine = _online(me, "toi@example.vn")
        theirs = _online(other, "ban@example.vn")
    client.force_login(me)
    response = client.get("/thong-bao/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["n"].dossier_id for r in rows] == [mine.pk]
    assert rows[0]["new"] is True
    assert Notification.objects.get(dossier=mine, channel="portal").read_at is not None
    assert Notification.objects.get(dossier=theirs, channel="portal").read_at is None
    # Seen once: no longer new.
    assert client.get("/thong-bao/").context["rows"][0]["new"] is False


def test_the_notification_list_needs_sign_in(client, db):
    response = client.get("/thong-bao/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
