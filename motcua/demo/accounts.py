"""The demo's people: the demo accounts (one per role, `make run` prints them), the officers
who work on the demo dossiers, and the demo communes with their officers. Read by the loader
(which creates the accounts) and by the dossier planner (which gives them work)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

from motcua.accounts.data import Role

#: The province's service centre: the desk of the department procedures.
PROVINCE_DESK = "H11.01.01"


def demo_password() -> str:
    """The password of every demo account (MOTCUA_DEMO_PASSWORD, or "motcua-demo")."""
    return os.environ.get("MOTCUA_DEMO_PASSWORD") or "motcua-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    agency_code: str | None
    staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("desk", "Nguyễn Thị Mai", Role.DESK_OFFICER, PROVINCE_DESK),
    DemoAccount("chuyenvien", "Trần Văn Hùng", Role.SPECIALIST, "H11.05"),
    DemoAccount("lanhdao", "Lò Văn Thắng", Role.LEADER, "H11.05"),
    DemoAccount("congdan", "Quàng Thị Hoa", Role.CITIZEN, None),
    DemoAccount("quantri", "Phạm Minh Quân", Role.PROVINCE_ADMIN, "H11", staff=True),
    DemoAccount("giamsat", "Vũ Thị Giang", Role.SUPERVISOR, "H11"),
    DemoAccount("bientap", "Đỗ Thu Hà", Role.AGENCY_ADMIN, "H11.05"),  # catalog editor
    # The feedback desk (phản ánh, kiến nghị; motcua.pakn, ADR 0040).
    DemoAccount("pakn", "Hoàng Thị Thu", Role.FEEDBACK_OFFICER, PROVINCE_DESK),
]


# The demo citizen's profile (verified), so online forms are prefilled. Invented data:
# the ID number follows the CCCD structure (011 = Điện Biên, 1 = woman born in the 1900s).
DEMO_CITIZEN_PROFILE: dict[str, Any] = {
    "email": "quang.thi.hoa@example.vn",
    "phone": "0915286147",
    "kind": "person",
    "full_name": "Quàng Thị Hoa",
    "id_number": "011188004321",
    "date_of_birth": datetime.date(1988, 6, 15),
    "address": "Số nhà 27, tổ dân phố 9",
    "commune_code": 3127,  # Phường Điện Biên Phủ
}


@dataclass(frozen=True)
class Officer:
    """Someone who works on the demo dossiers: a role in an agency."""

    username: str
    full_name: str
    role: Role
    agency_code: str


#: The roles that take steps of a dossier.
WORKER_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)

# The demo accounts that work on dossiers (created with the others by the loader).
BASE_OFFICERS = [
    Officer(a.username, a.full_name, a.role, a.agency_code)
    for a in DEMO_ACCOUNTS
    if a.role in WORKER_ROLES and a.agency_code
]
# More officers, created with the demo dossiers.
EXTRA_OFFICERS = [
    Officer("cv.datdai", "Lường Văn Dũng", Role.SPECIALIST, "H11.06.01"),
    Officer("ld.datdai", "Đỗ Thị Thanh Hương", Role.LEADER, "H11.06.01"),
    Officer("cv.noivu", "Cà Thị Lan", Role.SPECIALIST, "H11.02"),
    Officer("ld.noivu", "Phạm Quốc Khánh", Role.LEADER, "H11.02"),
    Officer("cv.yte", "Bùi Thị Ngọc Anh", Role.SPECIALIST, "H11.10"),
    Officer("ld.yte", "Tòng Văn Sơn", Role.LEADER, "H11.10"),
    Officer("cv.xaydung", "Hoàng Minh Tuấn", Role.SPECIALIST, "H11.07"),
    Officer("ld.xaydung", "Vì Văn Chung", Role.LEADER, "H11.07"),
    Officer("cv.taichinh", "Ngô Thị Thu Trang", Role.SPECIALIST, "H11.04"),
]


@dataclass(frozen=True)
class DemoCommune:
    slug: str
    admin_code: int
    desk: str
    specialist: str
    leader: str

    @property
    def code(self) -> str:
        return f"H11.{self.admin_code:05d}"

    @property
    def centre(self) -> str:
        return f"{self.code}.01"


DEMO_COMMUNES = [
    DemoCommune("muongthanh", 3334, "Quàng Thị Duyên", "Lê Văn Toàn", "Nguyễn Văn Bình"),
    DemoCommune("muongphang", 3325, "Lò Thị Xuân", "Lò Văn Pâng", "Lường Văn Chiến"),
    DemoCommune("tuangiao", 3253, "Tòng Thị Nga", "Cầm Văn Đôi", "Quàng Văn Hải"),
]


def commune_officers() -> list[Officer]:
    """The desk officer, specialist and leader of each demo commune."""
    out = []
    for c in DEMO_COMMUNES:
        out += [
            Officer(f"mc.{c.slug}", c.desk, Role.DESK_OFFICER, c.centre),
            Officer(f"cv.{c.slug}", c.specialist, Role.SPECIALIST, c.code),
            Officer(f"ld.{c.slug}", c.leader, Role.LEADER, c.code),
        ]
    return out


def demo_usernames() -> list[str]:
    """Every demo account: the accounts of `make run`, the officers of the demo dossiers and
    those of the demo communes (all sign in with the demo password only; ADR 0034)."""
    return [a.username for a in DEMO_ACCOUNTS] + [
        o.username for o in EXTRA_OFFICERS + commune_officers()
    ]
