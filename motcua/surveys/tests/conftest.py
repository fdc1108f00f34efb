"""Fixtures of the surveys tests: the agency tree and catalog of the root conftest, returned
dossiers written directly (the population a sample is drawn from), and the people."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
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
        "supervisor": user("giamsat", Role.SUPERVISOR, agencies["root"]),
        "trade_admin": user("qtcongthuong", Role.AGENCY_ADMIN, agencies["trade"]),
        "officer": user("canbo", Role.SPECIALIST, agencies["trade"]),
        "nobody": user("khach", None, None),
    }


@pytest.fixture
def returned(catalog: Any, agencies: dict[str, Any], orm: Any):
    """Write a dossier of `agency` returned on `day` (no email when `email` is None)."""
    version = orm.ProcedureVersion.objects.filter(procedure__code="2.000004").first()
    counter = {"n": 0}

    def _returned(
        agency: Any,
        day: dt.date,
        *,
        phone: str = "0912345678",
        email: str | None = "a@example.vn",
        status: str = "returned",
    ) -> Any:
        counter["n"] += 1
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        return orm.Dossier.objects.create(
            code=f"T-{counter['n']:05d}",
            procedure_version=version,
            procedure_code="2.000004",
            procedure_name="Đăng ký hoạt động khuyến mại",
            receiving_agency=agencies["center"],
            deciding_agency=agency,
            channel="desk",
            status=status,
            applicant_kind="person",
            applicant_name=f"Người nộp {counter['n']}",
            phone=phone,
            email=email or "",
            finished_at=when,
            returned_at=when if status == "returned" else None,
        )

    return _returned
