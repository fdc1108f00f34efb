"""One sign-in throttle for every door (issue 13, hole 1): the portal's sign-in form (which the
admin site's sign-in also uses) and the API's `POST /api/v1/auth/token` count failures in the
same counters, per account and address, per account and per address
(`accounts/services/signin.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from motcua.accounts.models import ApiToken

PASSWORD = "dung-mat-khau-9"
WRONG = "sai-mat-khau"
HOME = "10.0.0.1"
TOKEN_URL = "/api/v1/auth/token"
VI_THROTTLED = "Đăng nhập sai quá nhiều lần"


@pytest.fixture
def lanhdao(db: Any, django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="lanhdao", password=PASSWORD, full_name="Lãnh đạo", email="lanhdao@example.vn"
    )


@pytest.fixture
def quantri(db: Any, django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="quantri", password=PASSWORD, is_staff=True, is_superuser=True
    )


def token(client: Any, username: str, password: str, address: str = HOME) -> Any:
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        headers={"accept-language": "en"},
        REMOTE_ADDR=address,
    )


def portal(client: Any, username: str, password: str, address: str = HOME, url: str = "") -> Any:
    client.logout()
    return client.post(
        url or "/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


def assert_throttled(response: Any, window_seconds: int = 15 * 60) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "throttled"
    assert body["errors"] == {}
    assert body["detail"].startswith("Too many failed sign-in attempts.")
    assert 0 < int(response["Retry-After"]) <= window_seconds


def test_the_token_endpoint_refuses_after_5_failures_for_an_account_at_an_address(client, lanhdao):
    for _ in range(5):
        response = token(client, "lanhdao", WRONG)
        assert response.status_code == 403
        assert response.json()["code"] == "bad_credentials"
    assert_throttled(token(client, "lanhdao", WRONG))
    # Even the right password, while the lock lasts; no token issued.
    assert_throttled(token(client, "lanhdao", PASSWORD))
    assert not ApiToken.objects.exists()
    # From another address the account still signs in (per account: 20 by default).
    assert token(client, "lanhdao", PASSWORD, address="10.0.0.2").status_code == 200


def test_100_wrong_passwords_are_not_all_checked(client, lanhdao):
    answers = [token(client, "lanhdao", f"{WRONG}-{i}").status_code for i in range(100)]
    assert answers.count(403) == 5
    assert answers.count(429) == 95


def test_the_token_endpoint_refuses_after_n_failures_per_account(client, lanhdao, settings):
    settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    for i in range(3):  # three addresses, one failure each: no pair is near its limit
        assert token(client, "lanhdao", WRONG, address=f"10.0.1.{i}").status_code == 403
    assert_throttled(token(client, "lanhdao", PASSWORD, address="10.0.1.99"))
    # The portal's form refuses it too, from yet another address.
    page = portal(client, "lanhdao", PASSWORD, address="10.0.1.100")
    assert not signed_in(client)
    assert VI_THROTTLED in page.content.decode()


def test_the_token_endpoint_refuses_after_n_failures_per_address(
    client, lanhdao, quantri, settings
):
    settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("khong-co-1", "khong-co-2", "quantri"):  # password spraying
        assert token(client, name, WRONG).status_code == 403
    assert_throttled(token(client, "lanhdao", PASSWORD))
    assert not signed_in(client) and portal(client, "lanhdao", PASSWORD).status_code == 200
    assert not signed_in(client)
    # The same accounts from another address are not blocked.
    assert token(client, "lanhdao", PASSWORD, address="10.0.0.2").status_code == 200


def test_failures_at_the_portal_lock_the_token_endpoint(client, lanhdao):
    for _ in range(5):  # by email address on the portal: the same account
        portal(client, "lanhdao@example.vn", WRONG)
        assert not signed_in(client)
    assert_throttled(token(client, "lanhdao", PASSWORD))
    assert token(client, "lanhdao", PASSWORD, address="10.0.0.2").status_code == 200


def test_failures_at_the_token_endpoint_lock_the_portal(client, lanhdao):
    for _ in range(5):
        assert token(client, "lanhdao", WRONG).status_code == 403
    page = portal(client, "lanhdao@example.vn", PASSWORD)
    assert page.status_code == 200 and not signed_in(client)
    html = page.content.decode()
    assert 'id="login-error"' in html
    assert VI_THROTTLED in html
    portal(client, "lanhdao", PASSWORD, address="10.0.0.2")
    assert signed_in(client)


def test_the_admin_sign_in_is_throttled_with_the_api(client, quantri):
    # The admin's sign-in page sends staff to the portal's form, back to the admin after.
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    admin_form = response["Location"]
    # Failures at the API lock the admin sign-in for that account and address…
    for _ in range(5):
        assert token(client, "quantri", WRONG).status_code == 403
    page = portal(client, "quantri", PASSWORD, url=admin_form)
    assert page.status_code == 200 and not signed_in(client)
    assert VI_THROTTLED in page.content.decode()
    # …and failures at the admin sign-in lock the API (another address, its own count).
    for _ in range(5):
        portal(client, "quantri", WRONG, address="10.0.0.3", url=admin_form)
    assert_throttled(token(client, "quantri", PASSWORD, address="10.0.0.3"))
    # The admin's own form still takes no password.
    client.logout()
    posted = client.post(
        "/admin/login/", {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.4"
    )
    assert posted.status_code == 302 and not signed_in(client)
    portal(client, "quantri", PASSWORD, address="10.0.0.4", url=admin_form)
    assert signed_in(client)


def test_the_right_password_from_a_locked_address_waits_for_the_lock_to_end(client, lanhdao):
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            portal(client, "lanhdao", WRONG)
        traveller.shift(dt.timedelta(minutes=10))
        response = token(client, "lanhdao", PASSWORD)
        assert_throttled(response)
        assert 4 * 60 < int(response["Retry-After"]) <= 5 * 60
        portal(client, "lanhdao", PASSWORD)
        assert not signed_in(client)
        # A success elsewhere (another address) does not unlock this one.
        assert token(client, "lanhdao", PASSWORD, address="10.0.0.2").status_code == 200
        assert_throttled(token(client, "lanhdao", PASSWORD))
        traveller.shift(dt.timedelta(minutes=5, seconds=1))
        assert token(client, "lanhdao", PASSWORD).status_code == 200
        portal(client, "lanhdao", PASSWORD)
        assert signed_in(client)


def test_a_success_before_the_lock_forgets_the_failures_of_that_address(client, lanhdao):
    for _ in range(4):
        assert token(client, "lanhdao", WRONG).status_code == 403
    assert token(client, "lanhdao", PASSWORD).status_code == 200
    for _ in range(4):
        assert token(client, "lanhdao", WRONG).status_code == 403
    assert token(client, "lanhdao", PASSWORD).status_code == 200


def test_the_openapi_document_gives_the_429_of_the_token_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert "429" in responses
    assert responses["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_an_ipv6_address_counts_by_its_64_network(client, lanhdao):
    for i in range(5):  # one subscriber's block: every address of a /64
        assert token(client, "lanhdao", WRONG, address=f"2001:db8:1:2::{i + 1}").status_code == 403
    assert_throttled(token(client, "lanhdao", PASSWORD, address="2001:db8:1:2:ffff::9"))
    assert token(client, "lanhdao", PASSWORD, address="2001:db8:1:3::1").status_code == 200
