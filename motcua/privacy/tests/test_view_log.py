"""The view log is written cheaply (one INSERT, no read, no lock) and read per dossier and per
officer, only by supervisors and province admins, only for the dossiers they may see."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.api import role_grant
from motcua.accounts.data import Role
from motcua.core.errors import ValidationFailed
from motcua.privacy.api import (
    personal_data_reveal_check,
    personal_data_view_record,
    personal_data_views,
    personal_data_views_record,
)

from .conftest import PASSWORD, PERSON, at


@pytest.fixture
def d(receive):
    return receive(at(2026, 3, 2, 9, 0), applicant=PERSON)


def test_one_insert_and_nothing_else(world, d, django_assert_num_queries):
    desk = world["users"]["desk"]
    with django_assert_num_queries(1) as captured:
        personal_data_view_record(user=desk, dossier=d, reason="handling")
    [query] = captured.captured_queries
    assert query["sql"].startswith("INSERT")
    assert "FOR UPDATE" not in query["sql"]
    with django_assert_num_queries(1):
        personal_data_views_record(user=desk, dossiers=[d, d], reason="handling")


def test_read_only_by_supervisors_of_the_dossiers_agencies(world, d, django_user_model):
    users = world["users"]
    personal_data_view_record(user=users["desk"], dossier=d, reason="handling")
    personal_data_view_record(user=users["cv"], dossier=d, reason="supervision", note="x")
    province = django_user_model.objects.create_user(username="gs", password=PASSWORD)
    role_grant(user=province, role=Role.SUPERVISOR, agency=world["agencies"]["root"])
    elsewhere = django_user_model.objects.create_user(username="gs2", password=PASSWORD)
    role_grant(user=elsewhere, role=Role.SUPERVISOR, agency=world["agencies"]["build"])
    assert [v.user_id for v in personal_data_views(reader=province)] == [
        users["cv"].pk,
        users["desk"].pk,
    ]
    assert [v.reason for v in personal_data_views(reader=province, username="desk")] == ["handling"]
    assert list(personal_data_views(reader=elsewhere)) == []  # not his agencies' dossier
    assert list(personal_data_views(reader=users["desk"])) == []  # not a reader


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("", "", "reason"), ("handling", "", "reason"), ("other", "short", "note")],
)
def test_a_reason_is_required(reason: str, note: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        personal_data_reveal_check(reason=reason, note=note)
    assert list(err.value.field_errors) == [field]


def test_admin_sets_the_retention_through_the_service(admin_client: Any, world, orm) -> None:
    procedure = orm.Procedure.objects.get(code="2.000004")
    response = admin_client.post(
        f"/admin/catalog/procedure/{procedure.pk}/change/",
        {"code": "2.000004", "retention_years": "7"},
    )
    assert response.status_code == 302, response.content[:2000]
    procedure.refresh_from_db()
    assert procedure.retention_years == 7
    entry = orm.AuditEntry.objects.get(action="procedure.retention_set")
    assert entry.data == {"before": None, "after": 7}
