import datetime

import pytest

from motcua.accounts.api import agency_list, agency_upsert, province_import, role_grant
from motcua.accounts.data import AgencyKind, Role
from motcua.accounts.models import Agency, RoleAssignment
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEntry


@pytest.mark.parametrize("code", ["H11", "H11.05", "H11.01.01", "G09.20", "H55.242", "A00.0Z"])
def test_valid_electronic_ids(db, code):
    assert agency_upsert(code=code, name="X", kind=AgencyKind.DEPARTMENT).code == code


@pytest.mark.parametrize(
    "code", ["h11", "Z11", "H1", "H11.", "H11..2", "000.00.15.H38", "H11." + "1" * 40]
)
def test_invalid_electronic_ids_are_refused(db, code):
    with pytest.raises(ValidationFailed) as exc:
        agency_upsert(code=code, name="X", kind=AgencyKind.DEPARTMENT)
    assert "code" in exc.value.field_errors
    assert not Agency.objects.exists()


def test_effective_dates(db):
    old = agency_upsert(
        code="H11.90",
        name="Sở Kế hoạch và Đầu tư",
        kind=AgencyKind.DEPARTMENT,
        valid_from=datetime.date(2004, 1, 1),
        valid_to=datetime.date(2025, 2, 28),
    )
    new = agency_upsert(code="H11.04", name="Sở Tài chính", kind=AgencyKind.DEPARTMENT)
    new.predecessors.add(old)
    assert list(agency_list(on=datetime.date(2025, 1, 1))) == [old]
    assert list(agency_list(on=datetime.date(2025, 8, 1))) == [new]
    assert list(old.successors.all()) == [new]
    with pytest.raises(ValidationFailed):
        agency_upsert(
            code="H11.91",
            name="X",
            kind=AgencyKind.DEPARTMENT,
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2024, 1, 1),
        )


def test_import_dien_bien(db):
    report = province_import(province_code=11, eid="H11")
    assert report.communes == 45
    assert report.departments == 13
    center = Agency.objects.get(code="H11.01.01")
    assert center.kind == AgencyKind.PROVINCE_SERVICE_CENTER
    trade = Agency.objects.get(code="H11.05")
    assert (trade.name, trade.receiving_desk) == ("Sở Công Thương", center)
    commune = Agency.objects.get(admin_unit_code=3325, kind=AgencyKind.COMMUNE)
    assert commune.name == "Ủy ban nhân dân xã Mường Phăng"
    assert commune.receiving_desk.kind == AgencyKind.COMMUNE_SERVICE_CENTER
    # Idempotent.
    again = province_import(province_code=11, eid="H11")
    assert again.communes == 45
    assert Agency.objects.count() == 1 + 13 + 2 + 1 + 45 * 2


def test_import_unknown_province(db):
    with pytest.raises(ValueError, match="Unknown province code 99"):
        province_import(province_code=99)


def test_roles_are_held_in_agencies(db, django_user_model):
    user = django_user_model.objects.create_user(username="u")
    agency = agency_upsert(code="H11.05", name="Sở Công Thương", kind=AgencyKind.DEPARTMENT)
    role_grant(user=user, role=Role.SPECIALIST, agency=agency)
    role_grant(user=user, role=Role.LEADER, agency=agency)
    role_grant(user=user, role=Role.LEADER, agency=agency)  # idempotent
    assert RoleAssignment.objects.filter(user=user).count() == 2
    assert AuditEntry.objects.filter(action="role.granted").count() == 2
    with pytest.raises(ValidationFailed):
        role_grant(user=user, role=Role.LEADER, agency=None)
    with pytest.raises(ValidationFailed):
        role_grant(user=user, role=Role.CITIZEN, agency=agency)
