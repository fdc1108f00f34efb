"""`/healthz`: a constant answer through the whole middleware stack, with no query."""

from __future__ import annotations

import json

import pytest
from django.urls import resolve


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    # Through the normal middleware stack: the CSP and security headers are there.
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    # No session is started for a probe.
    assert "sessionid" not in response.cookies


def test_healthz_is_public_and_read_only(client, db):
    assert getattr(resolve("/healthz").func, "motcua_access", None) == "public"
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
