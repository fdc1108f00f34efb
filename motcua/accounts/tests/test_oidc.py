"""Sign-in with the national e-ID (OpenID Connect) against the local provider the tests start:
the whole browser round trip with Django's test client, and the answers that must be refused."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from motcua.accounts.api import applicant_prefill, citizen_is_verified
from motcua.accounts.models import CitizenProfile, User
from motcua.core.links import public_url

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
    assert query["redirect_uri"] == public_url("/dang-nhap/vneid/callback/")
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


# --- linking an existing account to the e-ID ------------------------------------------------


@pytest.fixture
def password_citizen(db):
    """A citizen who signed up with an e-mail address and typed a (different) ID number."""
    from motcua.accounts.services.profiles import citizen_profile_import

    user = User.objects.create_user(username="hoa", password="pw-12345-x", full_name="Lo Thi Thu")
    citizen_profile_import(
        user=user,
        email="hoa@example.vn",
        phone="",
        verified=True,
        full_name="Lo Thi Thu",
        id_number="011190009999",
    )
    return user


def test_a_signed_in_citizen_links_the_e_id_and_both_ways_reach_one_account(
    client, password_citizen, oidc_provider
):
    from motcua.core.models import AuditEntry

    client.force_login(password_citizen)
    page = client.get("/tai-khoan/").content.decode()
    assert f'href="{START}?lien-ket=1"' in page
    response = _round_trip(client, oidc_provider, START + "?lien-ket=1")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    profile = CitizenProfile.objects.get(user=password_citizen)
    assert (profile.oidc_issuer, profile.oidc_subject) == (oidc_provider.issuer, "vneid-001")
    assert profile.identity_verified_at is not None
    # The e-ID is the authority on identity: its ID number and name replace what was typed.
    assert profile.id_number == "011190001234"
    password_citizen.refresh_from_db()
    assert password_citizen.full_name == "Lò Thị Thu"
    assert password_citizen.has_usable_password()  # the password still works too
    record = AuditEntry.objects.get(action="citizen.linked_eid")
    assert record.data["replaced"]["id_number"] == "011190009999"
    assert f"{START}?lien-ket=1" not in client.get("/tai-khoan/").content.decode()
    # Signing in with the e-ID now reaches this account, not a new one.
    client.logout()
    _round_trip(client, oidc_provider)
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == password_citizen.pk


def test_an_e_id_linked_to_another_account_is_refused(client, password_citizen, oidc_provider):
    _round_trip(client, oidc_provider)  # the e-ID's own account, created at its first sign-in
    eid_user = User.objects.exclude(pk=password_citizen.pk).get()
    client.logout()
    client.force_login(password_citizen)
    response = _round_trip(client, oidc_provider, START + "?lien-ket=1")
    assert response.status_code == 409
    assert 'data-code="eid_linked_elsewhere"' in response.content.decode()
    profile = CitizenProfile.objects.get(user=password_citizen)
    assert profile.oidc_subject == "" and profile.id_number == "011190009999"
    assert CitizenProfile.objects.get(user=eid_user).oidc_subject == "vneid-001"


def test_linking_needs_the_same_account_signed_in_at_the_end(
    client, password_citizen, oidc_provider
):
    client.force_login(password_citizen)
    response = client.get(START + "?lien-ket=1")
    authorize = response["Location"]
    # Signed out (or into another account) while at the provider: the session that started the
    # linking is gone, so the answer matches nothing (and the view also checks the user).
    client.logout()
    back = urllib.parse.urlsplit(_provider_answer(oidc_provider, authorize))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert 'data-code="oidc_bad_state"' in response.content.decode()
    assert CitizenProfile.objects.get(user=password_citizen).oidc_subject == ""
    assert User.objects.count() == 1  # and no e-ID account was created either
