"""Fixtures of the accounts tests: a local OpenID Connect provider wired into the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from motcua.accounts.tests.oidc_provider import LocalOidcProvider
from motcua.integrations import sms


@pytest.fixture(autouse=True)
def _clean_outboxes() -> Iterator[None]:
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()
    cache.clear()


@pytest.fixture(scope="session")
def _oidc_server() -> Iterator[LocalOidcProvider]:
    provider = LocalOidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_provider(_oidc_server: LocalOidcProvider, settings: Any) -> LocalOidcProvider:
    """The local provider, reset, with the portal configured to use it."""
    p = _oidc_server
    p.id_token_overrides = {}
    p.sign_with_unpublished_key = False
    p.tamper_id_token = False
    p.token_requests.clear()
    p.user_claims = {
        "sub": "vneid-001",
        "name": "Lò Thị Thu",
        "id_number": "011190001234",
        "birthdate": "1990-04-12",
        "phone_number": "0912345678",
    }
    settings.MOTCUA_OIDC_ISSUER = p.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = p.client_id
    settings.MOTCUA_OIDC_CLIENT_SECRET = p.client_secret
    return p
