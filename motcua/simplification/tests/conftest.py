"""Fixtures of the simplification tests: a catalog of three procedures of 10 working days
(the worked example's), cost inputs that leave only the processing time (so the figures are
the Đồng Nai example's), and the people: a catalog editor, two province admins, an officer."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from conftest import PROMOTION
from motcua.accounts.api import role_grant
from motcua.accounts.data import Role

CODES = ("2.000004", "2.000005", "2.000006")


def ten_days(code: str, name: str) -> dict[str, Any]:
    raw = copy.deepcopy(PROMOTION)
    raw["code"] = code
    raw["name"] = name
    raw["processing_time"] = {"amount": "10", "unit": "working_days", "note": "10 ngày làm việc"}
    raw["fees_known"] = True
    raw["fees"] = [{"name": "Phí thẩm định", "kind": "fee", "amount_vnd": 0, "case": ""}]
    raw["online_level"] = "partial"
    raw["steps"][1]["budget_hours"] = "68"  # 4 + 68 + 4 + 4 = 80 h = 10 working days
    return raw


@pytest.fixture(autouse=True)
def _income_rate_for_database_tests(request: pytest.FixtureRequest) -> None:
    """Every test here that uses the database has the seeded income rate: a transactional
    test elsewhere in the same worker flushes the migration's row, and a test that needs it
    must not depend on the order the tests ran in."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("income_rate")


@pytest.fixture
def procedures(agencies: dict[str, Any], income_rate: None) -> dict[str, Any]:
    from motcua.catalog.api import catalog_import
    from motcua.simplification.api import cost_inputs_save

    raws = [
        ten_days(CODES[0], "Đăng ký hoạt động khuyến mại"),
        ten_days(CODES[1], "Cấp giấy phép kinh doanh rượu"),
        ten_days(CODES[2], "Cấp giấy chứng nhận đủ điều kiện"),
    ]
    content = json.dumps({"procedures": raws}, ensure_ascii=False).encode()
    catalog_import(content=content, filename="c.json", actor=None)
    for code in CODES:
        cost_inputs_save(
            code=code,
            visits=0,
            hours_per_visit=Decimal(0),
            travel_hours_per_visit=Decimal(0),
            default_document_hours=Decimal(0),
            dossiers_per_year=10,
            actor=None,
        )
    return {"raws": raws, "agencies": agencies}


@pytest.fixture
def people(agencies: dict[str, Any], django_user_model: Any) -> dict[str, Any]:
    def user(username: str, role: Role | None, agency: Any) -> Any:
        u = django_user_model.objects.create(
            username=username, password=make_password("pw-12345-x"), full_name=username.title()
        )
        if role is not None:
            role_grant(user=u, role=role, agency=agency)
        return u

    return {
        "editor": user("bientap", Role.AGENCY_ADMIN, agencies["trade"]),
        "admin": user("quantri", Role.PROVINCE_ADMIN, agencies["root"]),
        "admin2": user("quantri2", Role.PROVINCE_ADMIN, agencies["root"]),
        "officer": user("canbo", Role.SPECIALIST, agencies["trade"]),
        "nobody": user("khach", None, None),
    }
