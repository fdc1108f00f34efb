"""Every /api/ error is JSON {"detail", "code", "errors"} (issue 17 item 19): bodies Django
cannot read, unknown addresses, wrong methods, CSRF, unexpected exceptions — while the site's
pages keep their HTML error pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.rest.v1 import calendar as calendar_api

from .conftest import intake_body

EN = {"Accept-Language": "en"}


def _json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "code", "errors"}
    return body


@pytest.fixture
def raw() -> Client:
    """A client that gets the 500 response instead of the exception."""
    return Client(raise_request_exception=False)


def test_a_25_mb_json_body_is_413_json(db, raw):
    body = json.dumps({"username": "x" * (25 * 1024 * 1024), "password": "y"})
    response = raw.post("/api/v1/auth/token", body, content_type="application/json", headers=EN)
    assert _json_error(response, 413) == {
        "detail": "The request body is larger than 20 MB.",
        "code": "too_large",
        "errors": {},
    }


def test_a_25_mb_intake_is_413_json_and_nothing_is_received(orm, world, api):
    desk = api("desk")
    body = json.dumps(intake_body(note="x" * (25 * 1024 * 1024)))
    response = desk.post("/api/v1/dossiers", raw=body)
    assert _json_error(response, 413)["code"] == "too_large"
    assert orm.Dossier.objects.count() == 0


def test_multipart_without_a_boundary_is_400_json(db, raw):
    response = raw.post(
        "/api/v1/verify", b"--x\r\n", content_type="multipart/form-data", headers=EN
    )
    assert _json_error(response, 400) == {
        "detail": "The request body could not be read (a multipart body needs its boundary "
        "in the Content-Type header).",
        "code": "malformed_body",
        "errors": {},
    }


def test_a_multipart_body_that_cannot_be_parsed_is_400_json(db, raw):
    response = raw.post(
        "/api/v1/verify",
        "x" * (1024 * 1024),
        content_type="multipart/form-data; boundary=x",
        headers=EN,
    )
    assert _json_error(response, 400)["code"] == "malformed_body"


@pytest.mark.parametrize("body", [b"{bad", b'{"username": "\xff\xfe"}'])
def test_a_body_that_is_not_json_is_400_json(db, raw, body):
    response = raw.post("/api/v1/auth/token", body, content_type="application/json", headers=EN)
    assert _json_error(response, 400) == {
        "detail": "The request body is not valid JSON.",
        "code": "malformed_json",
        "errors": {},
    }


def test_in_vietnamese_by_default(db, raw):
    response = raw.post("/api/v1/auth/token", b"{bad", content_type="application/json")
    assert _json_error(response, 400)["detail"] == "Nội dung yêu cầu không phải JSON hợp lệ."
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/dossiers/a/b/c", "/api/nope", "/api/"])
def test_an_unknown_api_address_is_404_json(db, raw, path):
    response = raw.get(path, headers=EN)
    assert _json_error(response, 404) == {
        "detail": "There is nothing at this address.",
        "code": "not_found",
        "errors": {},
    }


def test_a_wrong_method_is_405_json_with_allow(db, raw):
    response = raw.delete("/api/v1/auth/token", headers=EN)
    assert _json_error(response, 405) == {
        "detail": "This address does not accept this method.",
        "code": "method_not_allowed",
        "errors": {},
    }
    assert response["Allow"] == "POST"


def test_a_signed_in_post_without_the_csrf_token_is_403_json(orm, world, django_user_model):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["users"]["desk"])
    response = browser.post(
        "/api/v1/dossiers", json.dumps(intake_body()), content_type="application/json", headers=EN
    )
    assert _json_error(response, 403) == {
        "detail": "The request was refused: the CSRF token is missing or wrong. Send it with "
        "a signed-in session, or authenticate with a bearer token.",
        "code": "csrf_failed",
        "errors": {},
    }
    assert orm.Dossier.objects.count() == 0
    # A signed-in GET needs no token; a POST with the token (as the site's pages send) works.
    assert browser.get("/api/v1/auth/me", headers=EN).json()["username"] == "desk"
    browser.get("/")  # its language form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/dossiers",
        json.dumps(intake_body()),
        content_type="application/json",
        headers={**EN, "X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content
    assert orm.Dossier.objects.count() == 1


def test_an_unexpected_exception_is_500_json_and_logged(db, raw, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(calendar_api, "working_calendar_get", broken)
    response = raw.get(
        "/api/v1/calendar/deadline",
        {"start": "2026-03-02T09:00:00+07:00", "amount": "1", "unit": "working_days"},
        headers=EN,
    )
    assert _json_error(response, 500) == {
        "detail": "An unexpected error occurred. It was logged; try again later.",
        "code": "server_error",
        "errors": {},
    }
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in logged] == [
        ("ERROR", "Internal Server Error: /api/v1/calendar/deadline")
    ]
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is RuntimeError


def test_pages_keep_their_html_error_pages(db, raw):
    response = raw.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Không tìm thấy trang" in response.content.decode()
