"""Import a province and its communes from the `vietnam-provinces` package (2025 data), and
create its departments under their 2025 names.

Electronic IDs are placeholders (`code_is_placeholder=True`) until the province's official
list (Decision 20/2020/QĐ-TTg, re-issued after the 2025 mergers) is loaded: the province gets
`--eid` (default `H` + its two-digit national code, e.g. H11 for Điện Biên), departments
`<eid>.NN`, communes `<eid>.<5-digit national commune code>` and their service centres
`<commune eid>.01`. domain.md §2.3: the full level-1 table is UNCONFIRMED."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from motcua.accounts.data import AgencyKind
from motcua.accounts.models import Agency, User
from motcua.accounts.services.agencies import agency_upsert

REORGANISATION = datetime.date(2025, 7, 1)

# Provincial departments after the 2025 reorganisation (Decree 45/2025/NĐ-CP names).
# (suffix, name, units under it)
DEPARTMENTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("01", "Văn phòng Ủy ban nhân dân tỉnh", []),
    ("02", "Sở Nội vụ", []),
    ("03", "Sở Tư pháp", []),
    ("04", "Sở Tài chính", [("01", "Phòng Đăng ký kinh doanh")]),
    ("05", "Sở Công Thương", []),
    ("06", "Sở Nông nghiệp và Môi trường", [("01", "Văn phòng Đăng ký đất đai")]),
    ("07", "Sở Xây dựng", []),
    ("08", "Sở Khoa học và Công nghệ", []),
    ("09", "Sở Giáo dục và Đào tạo", []),
    ("10", "Sở Y tế", []),
    ("11", "Sở Văn hóa, Thể thao và Du lịch", []),
    ("12", "Sở Dân tộc và Tôn giáo", []),
    ("13", "Thanh tra tỉnh", []),
]
SERVICE_CENTER_SUFFIX = "01.01"


@dataclass
class ProvinceImportReport:
    province: Agency
    service_center: Agency | None
    departments: int
    communes: int


def _province(code: int) -> Province:
    try:
        return Province.from_code(ProvinceCode(code))
    except ValueError as exc:
        raise ValueError(f"Unknown province code {code} (expected one of the 34 codes).") from exc


@transaction.atomic
def province_import(
    *,
    province_code: int,
    eid: str | None = None,
    with_departments: bool = True,
    actor: User | None = None,
) -> ProvinceImportReport:
    """Create or update the province, its communes (each with a public administration service
    centre) and, optionally, its departments and the provincial service centre. Idempotent."""
    province = _province(province_code)
    root_code = eid or f"H{int(province.code):02d}"
    root = agency_upsert(
        code=root_code,
        name=f"Ủy ban nhân dân {province.division_type.value} {province.name}"
        if province.division_type == VietNamDivisionType.TINH
        else f"Ủy ban nhân dân {province.name}",
        kind=AgencyKind.PROVINCE,
        admin_unit_code=int(province.code),
        valid_from=REORGANISATION,
        code_is_placeholder=eid is None,
        actor=actor,
    )
    center = None
    departments = 0
    if with_departments:
        office_code = f"{root_code}.01"
        center_code = f"{root_code}.{SERVICE_CENTER_SUFFIX}"
        # The centre is created first so departments can name it as their receiving desk.
        office = agency_upsert(
            code=office_code,
            name=DEPARTMENTS[0][1],
            kind=AgencyKind.DEPARTMENT,
            parent=root,
            valid_from=REORGANISATION,
            code_is_placeholder=True,
            actor=actor,
        )
        center = agency_upsert(
            code=center_code,
            name="Trung tâm Phục vụ hành chính công tỉnh",
            kind=AgencyKind.PROVINCE_SERVICE_CENTER,
            parent=office,
            valid_from=REORGANISATION,
            code_is_placeholder=True,
            actor=actor,
        )
        for suffix, name, units in DEPARTMENTS:
            dept = agency_upsert(
                code=f"{root_code}.{suffix}",
                name=name,
                kind=AgencyKind.DEPARTMENT,
                parent=root,
                receiving_desk=center,
                valid_from=REORGANISATION,
                code_is_placeholder=True,
                actor=actor,
            )
            departments += 1
            for unit_suffix, unit_name in units:
                agency_upsert(
                    code=f"{dept.code}.{unit_suffix}",
                    name=unit_name,
                    kind=AgencyKind.UNIT,
                    parent=dept,
                    receiving_desk=center,
                    valid_from=REORGANISATION,
                    code_is_placeholder=True,
                    actor=actor,
                )
        Agency.objects.filter(pk=root.pk).update(receiving_desk=center)
    communes = 0
    for ward in Ward.iter_all():
        if ward.province_code != province.code:
            continue
        commune_code = f"{root_code}.{int(ward.code):05d}"
        commune = agency_upsert(
            code=commune_code,
            name=f"Ủy ban nhân dân {ward.name[0].lower()}{ward.name[1:]}",
            kind=AgencyKind.COMMUNE,
            parent=root,
            admin_unit_code=int(ward.code),
            valid_from=REORGANISATION,
            code_is_placeholder=True,
            actor=actor,
        )
        commune_center = agency_upsert(
            code=f"{commune_code}.01",
            name=f"Trung tâm Phục vụ hành chính công {ward.name[0].lower()}{ward.name[1:]}",
            kind=AgencyKind.COMMUNE_SERVICE_CENTER,
            parent=commune,
            admin_unit_code=int(ward.code),
            valid_from=REORGANISATION,
            code_is_placeholder=True,
            actor=actor,
        )
        Agency.objects.filter(pk=commune.pk).update(receiving_desk=commune_center)
        communes += 1
    return ProvinceImportReport(
        province=root, service_center=center, departments=departments, communes=communes
    )


def commune_choices(*, province_code: int) -> list[tuple[int, str]]:
    """(national commune code, name) of a province's communes, for address forms."""
    return sorted(
        ((int(w.code), w.name) for w in Ward.iter_all() if int(w.province_code) == province_code),
        key=lambda item: item[1],
    )


def province_communes() -> list[tuple[int, str]]:
    """`commune_choices` of the province this installation serves (MOTCUA_PROVINCE_CODE)."""
    return commune_choices(province_code=int(getattr(settings, "MOTCUA_PROVINCE_CODE", 11)))


@functools.lru_cache(maxsize=1)
def _commune_names() -> dict[int, str]:
    return {int(w.code): w.name for w in Ward.iter_all()}


def commune_name(code: int | None) -> str:
    """The name of a commune from its national code ("" when unknown or None)."""
    return _commune_names().get(code, "") if code is not None else ""
