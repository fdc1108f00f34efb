"""OpenID Connect client for sign-in with the national e-ID (VNeID-style).

Authorization code flow with state, nonce and PKCE (S256). The provider is found through
`<issuer>/.well-known/openid-configuration`; the id_token's signature is checked against the
provider's JWKS (Authlib), and its issuer, audience, expiry and nonce are checked.

Settings: MOTCUA_OIDC_ISSUER (empty: disabled), MOTCUA_OIDC_CLIENT_ID,
MOTCUA_OIDC_CLIENT_SECRET, MOTCUA_OIDC_SCOPES, MOTCUA_OIDC_TOKEN_AUTH_METHOD,
MOTCUA_OIDC_ID_TOKEN_ALGORITHMS, MOTCUA_OIDC_USE_USERINFO, MOTCUA_OIDC_TIMEOUT,
MOTCUA_OIDC_CLAIMS (which claim holds what; the VNeID names are UNCONFIRMED)."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied

logger = logging.getLogger(__name__)

DISCOVERY_TTL = 60 * 60
JWKS_TTL = 10 * 60
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class OidcError(PermissionDenied):
    """The e-ID sign-in failed; `message` is user-facing, details are logged."""


@dataclass(frozen=True)
class OidcStart:
    """Where to send the browser, and what to keep in the session until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class OidcIdentity:
    issuer: str
    subject: str
    claims: dict[str, Any]


def oidc_enabled() -> bool:
    """Whether sign-in with the national e-ID is configured (issuer and client id set)."""
    return bool(settings.MOTCUA_OIDC_ISSUER and settings.MOTCUA_OIDC_CLIENT_ID)


def _fail(detail: str, message: str | None = None, code: str = "oidc_failed") -> OidcError:
    logger.warning("e-ID sign-in refused: %s", detail)
    return OidcError(
        message or _("Signing in with the national e-ID did not work. Try again later."),
        code=code,
    )


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return url
    raise _fail(f"refusing a non-HTTPS provider URL {url!r}")


def _http(
    url: str, *, data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by _check_url
        _check_url(url), data=body, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.MOTCUA_OIDC_TIMEOUT
        ) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise _fail(f"{url} answered {exc.code}: {detail}") from exc
    except (OSError, ValueError) as exc:
        raise _fail(f"{url} could not be read: {exc}") from exc
    if not isinstance(payload, dict):
        raise _fail(f"{url} did not answer a JSON object")
    return payload


def oidc_provider_config() -> dict[str, Any]:
    """The provider's discovery document (cached for an hour). Its issuer must be exactly the
    configured one."""
    issuer = settings.MOTCUA_OIDC_ISSUER
    key = f"motcua:oidc:discovery:{issuer}"
    config = cache.get(key)
    if config is None:
        config = _http(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if config.get("issuer") != issuer:
            raise _fail(f"discovery issuer {config.get('issuer')!r} is not {issuer!r}")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not config.get(name):
                raise _fail(f"discovery document lacks {name}")
        cache.set(key, config, DISCOVERY_TTL)
    return dict(config)


def oidc_start(*, redirect_uri: str) -> OidcStart:
    """The authorization request: a fresh state, nonce and PKCE verifier."""
    if not oidc_enabled():
        raise _fail("OIDC is not configured", _("Sign-in with the national e-ID is not available."))
    config = oidc_provider_config()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    query = {
        "response_type": "code",
        "client_id": settings.MOTCUA_OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.MOTCUA_OIDC_SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    endpoint = _check_url(config["authorization_endpoint"])
    separator = "&" if "?" in endpoint else "?"
    return OidcStart(
        url=endpoint + separator + urllib.parse.urlencode(query),
        state=state,
        nonce=nonce,
        code_verifier=verifier,
    )


def _jwks(config: Mapping[str, Any], *, refresh: bool = False) -> Any:
    key = f"motcua:oidc:jwks:{config['jwks_uri']}"
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _http(config["jwks_uri"])
        cache.set(key, jwks, JWKS_TTL)
    try:
        return JsonWebKey.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise _fail(f"the provider's JWKS cannot be read: {exc}") from exc


def _id_token_claims(id_token: str, *, config: Mapping[str, Any], nonce: str) -> dict[str, Any]:
    issuer = settings.MOTCUA_OIDC_ISSUER
    jwt = JsonWebToken(list(settings.MOTCUA_OIDC_ID_TOKEN_ALGORITHMS))
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": settings.MOTCUA_OIDC_CLIENT_ID},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    claims = None
    for refresh in (False, True):  # the provider may have rotated its keys
        try:
            claims = jwt.decode(id_token, _jwks(config, refresh=refresh), claims_options=options)
            break
        except (JoseError, ValueError) as exc:
            if refresh:
                raise _fail(
                    f"id_token signature not valid: {exc}",
                    _("The answer of the national e-ID could not be trusted (bad signature)."),
                    code="oidc_bad_signature",
                ) from exc
    assert claims is not None
    try:
        claims.validate(now=int(time.time()), leeway=60)
    except JoseError as exc:
        wrong_nonce = "nonce" in str(exc)
        raise _fail(
            f"id_token claims not valid: {exc}",
            _("The answer of the national e-ID does not belong to this sign-in. Start again.")
            if wrong_nonce
            else _("The answer of the national e-ID could not be trusted. Start again."),
            code="oidc_bad_nonce" if wrong_nonce else "oidc_bad_claims",
        ) from exc
    audiences = claims.get("aud")
    if (
        isinstance(audiences, list)
        and len(audiences) > 1
        and claims.get("azp") != settings.MOTCUA_OIDC_CLIENT_ID
    ):
        raise _fail("id_token has several audiences and azp is not us")
    return dict(claims)


def oidc_finish(
    *,
    params: Mapping[str, str],
    expected_state: str,
    nonce: str,
    code_verifier: str,
    redirect_uri: str,
) -> OidcIdentity:
    """Check the provider's answer (state, or its error), exchange the code (PKCE), check the
    id_token, and read the userinfo. Raises OidcError with a user-facing message."""
    if not oidc_enabled():
        raise _fail("OIDC is not configured", _("Sign-in with the national e-ID is not available."))
    state = params.get("state") or ""
    if not expected_state or not secrets.compare_digest(state, expected_state):
        raise _fail(
            "state does not match the session",
            _("This sign-in answer does not match the sign-in you started. Start again."),
            code="oidc_bad_state",
        )
    if params.get("error"):
        raise _fail(
            f"provider error {params.get('error')!r}: {params.get('error_description', '')!r}",
            _("The national e-ID did not sign you in (cancelled or refused)."),
            code="oidc_provider_error",
        )
    code = params.get("code") or ""
    if not code:
        raise _fail("no code in the answer")
    config = oidc_provider_config()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    client_id = settings.MOTCUA_OIDC_CLIENT_ID
    secret = settings.MOTCUA_OIDC_CLIENT_SECRET
    if settings.MOTCUA_OIDC_TOKEN_AUTH_METHOD == "client_secret_post":
        form |= {"client_id": client_id, "client_secret": secret}
    else:
        pair = f"{urllib.parse.quote(client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    tokens = _http(config["token_endpoint"], data=form, headers=headers)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise _fail("the token answer has no id_token")
    claims = _id_token_claims(id_token, config=config, nonce=nonce)
    access_token = tokens.get("access_token")
    if settings.MOTCUA_OIDC_USE_USERINFO and config.get("userinfo_endpoint") and access_token:
        info = _http(
            config["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}
        )
        if info.get("sub") != claims["sub"]:
            raise _fail("userinfo sub differs from the id_token's")
        claims = {**info, **claims}
    return OidcIdentity(
        issuer=settings.MOTCUA_OIDC_ISSUER, subject=str(claims["sub"]), claims=claims
    )
