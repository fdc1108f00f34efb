"""Sign-in with the national e-ID (OpenID Connect) against the local provider the tests start:
the whole browser round trip with Django's test client, and the answers that must be refused."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from motcua.accounts.api import applicant_prefill, citizen_is_verified
from motcua.accounts.models import CitizenProfile, User

START = "/dang-nhap/vneid/"


def _provider_answer(provider, authorize_url: str) -> str:
    """What the browser does at the provider: open the authorization URL and read where the
    provider sends it back (the provider signs the test user in at once)."""
    parts = urllib.parse.urlsplit(authorize_url)
    assert f"{parts.scheme}://{parts.netloc}" == provider.issuer
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", f"{parts.path}?{parts.query}")
    response = conn.getresponse()
    assert response.status == 302, response.read()
    location = response.getheader("Location")
    conn.close()
    return location


def _round_trip(client, provider, start: str = START):
    response = client.get(start)
    assert response.status_code == 302
    authorize = response["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    assert query["code_challenge_method"] == "S256"
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["redirect_uri"] == "http://testserver/dang-nhap/vneid/callback/"
    back = urllib.parse.urlsplit(_provider_answer(provider, authorize))
    assert back.path == "/dang-nhap/vneid/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_first_e_id_sign_in_creates_a_verified_account(client, db, oidc_provider):
    response = _round_trip(client, oidc_provider)
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"
    user = User.objects.get()
    assert int(client.session["_auth_user_id"]) == user.pk
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.oidc_issuer, profile.oidc_subject) == (oidc_provider.issuer, "vneid-001")
    assert profile.identity_verified_at is not None
    assert not user.has_usable_password()
    assert citizen_is_verified(user)
    assert applicant_prefill(user) == {
        "kind": "person",
        "full_name": "Lò Thị Thu",
        "id_number": "011190001234",
        "date_of_birth": "1990-04-12",
        "phone": "0912345678",
    }
    # the code was exchanged with the client secret (HTTP Basic) and the PKCE verifier
    (token_request,) = oidc_provider.token_requests
    assert token_request["grant_type"] == "authorization_code"
    assert token_request["code_verifier"]
    assert "client_secret" not in token_request
    # the profile page shows it
    page = client.get("/tai-khoan/")
    assert page.status_code == 200
    assert "011190001234" in page.content.decode()


def test_second_sign_in_finds_the_same_account(client, db, oidc_provider):
    _round_trip(client, oidc_provider)
    client.logout()
    oidc_provider.user_claims["name"] = "Lò Thị Thu Hà"
    response = _round_trip(client, oidc_provider, START + "?next=/thu-tuc/")
    assert response["Location"] == "/thu-tuc/"
    user = User.objects.get()
    assert user.full_name == "Lò Thị Thu Hà"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_client_secret_post_also_works(client, db, oidc_provider, settings):
    settings.MOTCUA_OIDC_TOKEN_AUTH_METHOD = "client_secret_post"
    assert _round_trip(client, oidc_provider).status_code == 302
    assert oidc_provider.token_requests[0]["client_secret"] == oidc_provider.client_secret


def _refused(response, code: str) -> None:
    assert response.status_code == 400
    assert f'data-code="{code}"' in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not User.objects.exists()


def test_a_tampered_id_token_is_refused(client, db, oidc_provider):
    oidc_provider.tamper_id_token = True
    _refused(_round_trip(client, oidc_provider), "oidc_bad_signature")


def test_an_id_token_signed_with_an_unknown_key_is_refused(client, db, oidc_provider):
    oidc_provider.sign_with_unpublished_key = True
    _refused(_round_trip(client, oidc_provider), "oidc_bad_signature")


def test_a_wrong_nonce_is_refused(client, db, oidc_provider):
    oidc_provider.id_token_overrides = {"nonce": "replayed-from-another-sign-in"}
    _refused(_round_trip(client, oidc_provider), "oidc_bad_nonce")


@pytest.mark.parametrize(
    ("override", "problem"),
    [({"aud": "another-client"}, "oidc_bad_claims"), ({"exp": 1000}, "oidc_bad_claims")],
)
def test_wrong_audience_or_expired_token_is_refused(client, db, oidc_provider, override, problem):
    oidc_provider.id_token_overrides = override
    _refused(_round_trip(client, oidc_provider), problem)


def test_a_wrong_state_is_refused(client, db, oidc_provider):
    response = client.get(START)
    back = urllib.parse.urlsplit(_provider_answer(oidc_provider, response["Location"]))
    query = dict(urllib.parse.parse_qsl(back.query))
    query["state"] = "forged"
    _refused(
        client.get(back.path + "?" + urllib.parse.urlencode(query)),
        "oidc_bad_state",
    )
    assert oidc_provider.token_requests == []  # the code was never exchanged


def test_a_callback_without_a_started_sign_in_is_refused(client, db, oidc_provider):
    _refused(
        client.get("/dang-nhap/vneid/callback/?code=abc&state=xyz"),
        "oidc_bad_state",
    )


def test_a_provider_error_is_shown(client, db, oidc_provider):
    response = client.get(START)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))["state"]
    _refused(
        client.get(f"/dang-nhap/vneid/callback/?error=access_denied&state={state}"),
        "oidc_provider_error",
    )


def test_a_wrong_client_secret_fails_cleanly(client, db, oidc_provider, settings):
    settings.MOTCUA_OIDC_CLIENT_SECRET = "wrong"
    response = _round_trip(client, oidc_provider)
    assert response.status_code == 400
    assert not User.objects.exists()


def test_the_button_is_hidden_and_the_urls_404_without_an_issuer(client, db, settings):
    settings.MOTCUA_OIDC_ISSUER = ""
    assert "/dang-nhap/vneid/" not in client.get("/dang-nhap/").content.decode()
    assert client.get(START).status_code == 404
    assert client.get("/dang-nhap/vneid/callback/").status_code == 404


def test_the_button_shows_with_an_issuer(client, db, oidc_provider):
    page = client.get("/dang-nhap/").content.decode()
    assert 'href="/dang-nhap/vneid/"' in page
