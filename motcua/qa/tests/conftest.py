"""Fixtures of the Q&A tests: the catalog (2.000004 implemented by Sở Công Thương, 1.001193
by the communes) and people in and out of the implementing agency."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(catalog: Any, agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    def user(username: str, role: Role | None, agency: Any) -> Any:
        u = django_user_model.objects.create(
            username=username,
            password=make_password("pw-12345-x"),
            full_name=username.title(),
            two_factor_exempt=True,
        )
        if role is not None:
            role_grant(user=u, role=role, agency=agency)
        return u

    return {
        "admin": user("quantri", Role.PROVINCE_ADMIN, agencies["root"]),
        "trade_admin": user("bientap", Role.AGENCY_ADMIN, agencies["trade"]),
        "trade_officer": user("canbo", Role.SPECIALIST, agencies["trade"]),
        "build_officer": user("canboxd", Role.SPECIALIST, agencies["build"]),
        "build_admin": user("qtxd", Role.AGENCY_ADMIN, agencies["build"]),
        "citizen": user("congdan", Role.CITIZEN, None),
    }
