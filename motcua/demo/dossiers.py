"""Demo dossiers for `make run`: a few hundred dossiers of Điện Biên in every state, made
through the real services at chosen instants (`clock.at`), over the last eight weeks.

How it works: for each scenario (returned early, overdue, paused, consulted, transferred…) a
plan is drawn — a procedure of a department or commune, an applicant, and a timeline of
actions by the officers who hold the steps' roles, at office hours of working days, computed
on the real working calendar so the end state and the outcome come out as intended. Then
every action of every plan is run in time order through `dossier_intake`,
`dossier_submit_online` and `dossier_act`, so codes, appointments, step deadlines, events and
outcomes are all the services' own. Seeded: the same day gives the same dossiers."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import translation
from django.utils.html import format_html

from motcua.accounts.api import User, agency_get_by_code, commune_choices, role_grant
from motcua.accounts.data import Role
from motcua.calendar.api import WorkingCalendar, working_calendar_get
from motcua.catalog.api import procedure_search
from motcua.core import clock, jobs
from motcua.demo.loader import demo_password  # loader imports this module lazily: no cycle
from motcua.documents.api import font_uris, place_date, render_html_pdf
from motcua.dossiers.api import (
    Dossier,
    DossierStatus,
    deadline_sweep,
    dossier_act,
    dossier_intake,
    dossier_submit_online,
    dossiers_near_due,
    dossiers_overdue,
)
from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile

SEED = 20250701
WINDOW_DAYS = 56  # eight weeks
PROVINCE_DESK = "H11.01.01"
DIEN_BIEN = 11
H = 3600  # seconds in an hour

# --------------------------------------------------------------------------------------------
# Officers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Officer:
    username: str
    full_name: str
    role: Role
    agency_code: str


# The demo accounts of loader.py that work on dossiers (created there).
BASE_OFFICERS = [
    Officer("desk", "Nguyễn Thị Mai", Role.DESK_OFFICER, PROVINCE_DESK),
    Officer("chuyenvien", "Trần Văn Hùng", Role.SPECIALIST, "H11.05"),
    Officer("lanhdao", "Lò Văn Thắng", Role.LEADER, "H11.05"),
]
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


def _commune_officers() -> list[Officer]:
    out = []
    for c in DEMO_COMMUNES:
        out += [
            Officer(f"mc.{c.slug}", c.desk, Role.DESK_OFFICER, c.centre),
            Officer(f"cv.{c.slug}", c.specialist, Role.SPECIALIST, c.code),
            Officer(f"ld.{c.slug}", c.leader, Role.LEADER, c.code),
        ]
    return out


# Departments whose procedures get dossiers, and their share of the demo.
DEPARTMENT_WEIGHTS = {"H11.05": 0.30, "H11.06.01": 0.17, "H11.02": 0.07, "H11.10": 0.12}
COMMUNE_WEIGHT = 0.34

# Who is consulted, by deciding department ("commune" = any demo commune).
CONSULTED = {
    "H11.05": [["H11.07"], ["H11.07", "H11.06.01"]],
    "H11.06.01": [["commune"]],
    "H11.02": [["H11.04"]],
    "H11.10": [["H11.04"], ["H11.07"]],
    "commune": [["H11.07"], ["H11.06.01"]],
}

# --------------------------------------------------------------------------------------------
# Applicants: names, ID numbers, tax codes, addresses of Điện Biên
# --------------------------------------------------------------------------------------------

FAMILY = (
    ["Lò", "Quàng", "Lường", "Cà", "Tòng", "Vì", "Lò", "Quàng", "Lường", "Cầm"]
    + ["Giàng", "Sùng", "Mùa", "Thào", "Vàng", "Lầu", "Hạng"]
    + ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Nguyễn"]
)
HMONG = {"Giàng", "Sùng", "Mùa", "Thào", "Vàng", "Lầu", "Hạng"}
MALE = [
    "Văn Hùng",
    "Văn Dũng",
    "Văn Thắng",
    "Văn Minh",
    "Văn Tuấn",
    "Văn Cường",
    "Văn Hải",
    "Văn Sáu",
    "Văn Khánh",
    "Văn Chiến",
    "Văn Đức",
    "Minh Quân",
    "Quốc Việt",
    "Văn Pâng",
    "Văn Ngọc",
    "Đức Anh",
    "Văn Thanh",
    "Văn Bun",
]
FEMALE = [
    "Thị Hoa",
    "Thị Lan",
    "Thị Mai",
    "Thị Hương",
    "Thị Thu",
    "Thị Xuân",
    "Thị Dung",
    "Thị Ly",
    "Thị Sinh",
    "Thị Phương",
    "Thị Ngọc",
    "Thị Hằng",
    "Thị Yến",
    "Thị Ánh",
    "Thị Chăm",
    "Thu Trang",
]
HMONG_MALE = ["A Páo", "A Chứ", "A Dình", "A Sử", "A Lử", "A Giàng", "A Tủa", "A Thái"]
HMONG_FEMALE = ["Thị Mỷ", "Thị Dợ", "Thị Say", "Thị Chá", "Thị Pày", "Thị Sua"]
HAMLETS = [
    "Him Lam",
    "Noong Bua",
    "Phiêng Lơi",
    "Co Mỵ",
    "Na Hai",
    "Púng Tôm",
    "Bánh",
    "Tà Lèng",
    "Nậm Ti",
    "Huổi Hẹ",
    "Pá Khoang",
    "Che Căn",
    "Mường Phăng",
    "Kéo",
    "Hồng Lứu",
    "Hua Ná",
    "Phai Cố",
    "Co Pao",
]
ORG_NAMES = {
    "H11.05": [
        "Công ty Cổ phần Thủy điện Nậm Mức",
        "Công ty TNHH Điện lực Tây Bắc",
        "Công ty Cổ phần Thủy điện Sông Mã",
        "Công ty TNHH Năng lượng Mường Chà",
        "Công ty TNHH Thương mại Mường Thanh",
        "Công ty Cổ phần Xăng dầu Him Lam",
        "Công ty TNHH Siêu thị Điện Biên Phủ",
        "Công ty Cổ phần Điện mặt trời Thanh Nưa",
    ],
    "H11.06.01": [
        "Công ty Cổ phần Đầu tư Phát triển Mường Ảng",
        "Công ty TNHH Bất động sản Noong Bua",
        "Hợp tác xã Nông sản Thanh An",
        "Công ty TNHH Xây dựng Hồng Lứu",
    ],
    "H11.02": [
        "Công ty TNHH Dịch vụ Lưu trữ Tây Bắc",
        "Công ty Cổ phần Tư vấn Lưu trữ Điện Biên",
        "Hội Cựu thanh niên xung phong tỉnh Điện Biên",
    ],
    "H11.10": [
        "Công ty Cổ phần Dược phẩm Điện Biên",
        "Công ty TNHH Thiết bị Y tế Mường Thanh",
        "Phòng khám Đa khoa Hồng Phúc",
        "Công ty TNHH Dược liệu Tủa Chùa",
    ],
    "commune": [
        "Hợp tác xã Rượu Mông Pê Mường Phăng",
        "Hợp tác xã Chè Shan tuyết Tủa Chùa",
        "Công ty TNHH Xây dựng Him Lam",
        "Hợp tác xã Cà phê Mường Ảng",
        "Công ty TNHH Thương mại Tuần Giáo",
        "Hợp tác xã Nông nghiệp sạch Thanh Xương",
    ],
}
OTHER_PROVINCES = ["012", "014", "001", "015", "036", "037", "038"]  # Lai Châu, Sơn La, HN…
PHONE_PREFIXES = [
    "091",
    "094",
    "088",
    "096",
    "097",
    "098",
    "086",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "081",
    "082",
    "083",
    "084",
    "085",
    "070",
    "076",
    "077",
    "078",
    "079",
    "056",
    "058",
    "059",
    "0215",
]
TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFD", text)
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn")
    return folded.replace("đ", "d").replace("Đ", "D")


def _id_number(rng: random.Random, born: dt.date, female: bool, province: str = "011") -> str:
    century = (born.year // 100 - 19) * 2 + (1 if female else 0)
    return f"{province}{century}{born.year % 100:02d}{rng.randrange(1_000_000):06d}"


def _tax_code(rng: random.Random) -> str:
    while True:
        digits = [5, 6] + [rng.randrange(10) for _ in range(7)]
        check = 10 - sum(w * d for w, d in zip(TAX_WEIGHTS, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


@dataclass(frozen=True)
class Person:
    name: str
    female: bool
    born: dt.date
    id_number: str


@dataclass(frozen=True)
class Applicant:
    data: ApplicantData
    receiver_name: str  # who collects the result: the person, or the representative
    receiver_id: str


class Applicants:
    def __init__(self, rng: random.Random, communes: list[tuple[int, str]]) -> None:
        self.rng = rng
        self.communes = communes
        self.commune_names = dict(communes)

    def person(self, *, adult_from: int = 1952, adult_to: int = 2006) -> Person:
        rng = self.rng
        family = rng.choice(FAMILY)
        female = rng.random() < 0.5
        if family in HMONG:
            given = rng.choice(HMONG_FEMALE if female else HMONG_MALE)
        else:
            given = rng.choice(FEMALE if female else MALE)
        born = dt.date(rng.randint(adult_from, adult_to), rng.randint(1, 12), rng.randint(1, 28))
        province = "011" if rng.random() < 0.85 else rng.choice(OTHER_PROVINCES)
        return Person(f"{family} {given}", female, born, _id_number(rng, born, female, province))

    def phone(self) -> str:
        prefix = self.rng.choice(PHONE_PREFIXES)
        return prefix + "".join(str(self.rng.randrange(10)) for _ in range(10 - len(prefix)))

    def address(self, commune_code: int) -> str:
        name = self.commune_names[commune_code]
        where = name[0].lower() + name[1:]
        if name.startswith("Phường"):
            street = f"Tổ dân phố {self.rng.randint(1, 18)}"
        else:
            street = f"Bản {self.rng.choice(HAMLETS)}"
        return f"{street}, {where}, tỉnh Điện Biên"

    def make(self, *, kinds: list[str], commune_code: int | None, dept: str) -> Applicant:
        rng = self.rng
        code = commune_code if commune_code is not None else rng.choice(self.communes)[0]
        kind = (
            "organisation"
            if "person" not in kinds or ("organisation" in kinds and rng.random() < 0.35)
            else "person"
        )
        if kind == "person":
            p = self.person()
            email = ""
            if rng.random() < 0.3:
                email = _ascii(p.name).lower().replace(" ", "") + f"{p.born.year % 100}@gmail.com"
            data = ApplicantData(
                kind="person",
                full_name=p.name,
                id_number=p.id_number,
                date_of_birth=p.born,
                phone=self.phone(),
                email=email,
                address=self.address(code),
                commune_code=code,
            )
            return Applicant(data, p.name, p.id_number)
        rep = self.person(adult_to=1995)
        name = rng.choice(ORG_NAMES.get(dept, ORG_NAMES["commune"]))
        domain = "".join(_ascii(w).lower() for w in name.split()[-2:])
        data = ApplicantData(
            kind="organisation",
            name=name,
            tax_code=_tax_code(rng),
            representative=rep.name,
            phone=self.phone(),
            email=f"lienhe@{domain}.vn",
            address=self.address(code),
            commune_code=code,
        )
        return Applicant(data, rep.name, rep.id_number)


# The citizen demo account (loader.DEMO_ACCOUNTS "congdan"): her own online dossiers.
CONGDAN = Applicant(
    ApplicantData(
        kind="person",
        full_name="Quàng Thị Hoa",
        id_number="011188004217",
        date_of_birth=dt.date(1988, 4, 12),
        phone="0912555318",
        email="quangthihoa88@gmail.com",
        address="Tổ dân phố 7, phường Mường Thanh, tỉnh Điện Biên",
        commune_code=3334,
    ),
    "Quàng Thị Hoa",
    "011188004217",
)

# --------------------------------------------------------------------------------------------
# Words of the officers
# --------------------------------------------------------------------------------------------

SUPPLEMENT_ITEMS = {
    "H11.05": [
        "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
        "Danh sách trích ngang chuyên gia tư vấn chính kèm bằng cấp",
        "Bản vẽ mặt bằng bố trí thiết bị, sơ đồ đấu nối",
    ],
    "H11.06.01": [
        "Bản gốc Giấy chứng nhận quyền sử dụng đất đã cấp",
        "Mảnh trích đo địa chính thửa đất",
        "Hợp đồng chuyển nhượng quyền sử dụng đất có công chứng",
    ],
    "H11.02": [
        "Bản sao văn bằng, chứng chỉ có chứng thực",
        "Phiếu lý lịch tư pháp số 1",
        "Giấy chứng nhận đủ sức khỏe",
    ],
    "H11.10": [
        "Bản sao chứng chỉ hành nghề có chứng thực",
        "Giấy xác nhận quá trình thực hành",
        "Tài liệu kỹ thuật của thuốc",
    ],
    "commune": [
        "Giấy xác nhận tình trạng hôn nhân",
        "Bản chính giấy tờ để đối chiếu",
        "Bản vẽ thiết kế xây dựng có chữ ký của chủ đầu tư",
        "Giấy tờ chứng minh nơi cư trú",
    ],
}
SUPPLEMENT_REASONS = [
    "Thành phần hồ sơ chưa đầy đủ theo quy định.",
    "Giấy tờ nộp kèm hết hiệu lực, đề nghị bổ sung bản còn hiệu lực.",
    "Thông tin trong tờ khai không khớp với giấy tờ kèm theo.",
]
REFUSE_REASONS = [
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan; hướng dẫn nộp tại cơ quan có "
    "thẩm quyền.",
    "Người nộp không xuất trình được bản chính để đối chiếu.",
    "Hồ sơ đã được giải quyết trước đó, không có căn cứ giải quyết lại.",
    "Người yêu cầu không thuộc đối tượng thực hiện thủ tục.",
]
COMPLETION_MISSING = [
    "Bản sao Căn cước của người ủy quyền",
    "Văn bản ủy quyền có chứng thực",
    "Tờ khai theo mẫu (ký, ghi rõ họ tên)",
]
WITHDRAW_REASONS = [
    "Công dân có đơn đề nghị rút hồ sơ.",
    "Tổ chức có văn bản đề nghị dừng giải quyết để điều chỉnh phương án.",
    "Người nộp đề nghị rút hồ sơ do thay đổi nhu cầu.",
]
CANCEL_REASONS = [
    "Phát hiện giấy tờ trong hồ sơ có dấu hiệu giả mạo; chuyển cơ quan công an xem xét.",
    "Phát sinh tranh chấp liên quan, dừng giải quyết theo quy định.",
    "Đối tượng không còn đủ điều kiện theo quy định khi thẩm định thực tế.",
]
REJECT_REASONS = [
    "Không đủ điều kiện theo quy định; có văn bản trả lời nêu rõ lý do.",
    "Kết quả thẩm định thực tế không đạt yêu cầu.",
]
SEND_BACK_REASONS = [
    "Đề nghị rà soát lại căn cứ pháp lý trong dự thảo kết quả.",
    "Dự thảo còn sai thông tin người yêu cầu, đề nghị chỉnh sửa.",
]
APOLOGY_REASONS = [
    "Phải xác minh thực địa nhưng đường đến bản bị sạt lở do mưa lớn.",
    "Chờ ý kiến của cơ quan có liên quan quá thời hạn.",
    "Khối lượng hồ sơ tăng đột biến, cần thêm thời gian thẩm định.",
]
QUESTIONS = [
    "Đề nghị cho ý kiến về sự phù hợp quy hoạch và an toàn công trình.",
    "Đề nghị cho ý kiến về hiện trạng sử dụng đất và nguồn gốc thửa đất.",
    "Đề nghị cho ý kiến về nội dung liên quan thuộc lĩnh vực quản lý.",
]
ANSWERS = [
    "Thống nhất, không có ý kiến khác.",
    "Đồng ý; đề nghị bổ sung phương án phòng cháy chữa cháy khi triển khai.",
    "Thửa đất không có tranh chấp, phù hợp quy hoạch sử dụng đất.",
]

# --------------------------------------------------------------------------------------------
# Procedures and tracks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInfo:
    position: int
    kind: str
    role: str
    agency: str  # resolved agency code
    budget: Decimal  # working hours


@dataclass(frozen=True)
class Track:
    """One procedure as handled by one deciding agency through one desk."""

    code: str
    name: str
    dept: str  # department code, or "commune"
    deciding: str
    receiving: str
    commune: int | None
    amount: Decimal | None
    unit: str
    online: bool
    kinds: list[str]
    documents: list[tuple[int, bool]]  # (position, mandatory)
    restart: bool
    steps: list[StepInfo]  # main steps, intake first, return last

    @property
    def middle(self) -> list[StepInfo]:
        return self.steps[1:-1]


def _tracks() -> list[Track]:
    versions = procedure_search().prefetch_related("documents", "steps__agency", "agencies")
    tracks = []
    for v in versions:
        agencies = [a.code for a in v.agencies.all()]
        docs = [(d.position, d.requirement == "mandatory") for d in v.documents.all()]
        common: dict[str, Any] = {
            "code": v.procedure.code,
            "name": v.name,
            "amount": v.processing_amount,
            "unit": v.processing_unit,
            "online": v.online_level in ("full", "partial"),
            "kinds": list(v.applicant_kinds or ["person", "organisation"]),
            "documents": docs,
            "restart": v.restart_on_supplement,
        }
        raw = [
            (s.position, s.kind, s.role, s.agency.code if s.agency else None, s.budget_hours)
            for s in v.steps.all()
        ]
        if [r[1] for r in raw][:1] != ["intake"] or [r[1] for r in raw][-1:] != ["return"]:
            continue
        if v.level == "province" and len(agencies) == 1 and agencies[0] in DEPARTMENT_WEIGHTS:
            dept = agencies[0]
            places: list[tuple[str, str, int | None]] = [(dept, PROVINCE_DESK, None)]
        elif v.level in ("commune", "province_commune"):
            dept = "commune"
            places = [(c.code, c.centre, c.admin_code) for c in DEMO_COMMUNES if c.code in agencies]
        else:
            continue
        for deciding, receiving, commune in places:
            steps = [
                StepInfo(p, k, r, a or (receiving if k in ("intake", "return") else deciding), b)
                for p, k, r, a, b in raw
            ]
            tracks.append(
                Track(
                    dept=dept,
                    deciding=deciding,
                    receiving=receiving,
                    commune=commune,
                    steps=steps,
                    **common,
                )
            )
    return tracks


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------


@dataclass
class Op:
    actor: str | None
    action: str
    at: dt.datetime | None = None
    soon: float | None = None  # at most this many working hours after the previous action
    lead: float | None = None  # at most this many working hours before the next fixed one
    payload: dict[str, Any] = field(default_factory=dict)
    to_user: str | None = None
    result: bool = False  # attach a result PDF
    file: bool = False  # attach a supplement PDF


@dataclass
class Plan:
    scenario: str
    track: Track
    applicant: Applicant
    channel: str
    ops: list[Op]
    expect: str = ""  # intended outcome
    citizen: bool = False  # submitted by the demo citizen account
    dossier_id: int | None = None


class Infeasible(Exception):
    """This procedure and start time cannot give the scenario before now."""


def _pdf(lines: Iterable[str]) -> bytes:
    """A small valid one-page PDF (Helvetica, ASCII text)."""

    def esc(s: str) -> str:
        return _ascii(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({esc(line)}) Tj 0 -20 Td" for line in lines)
    content = f"BT /F1 12 Tf 56 780 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _result_pdf(dossier: Dossier, signer_name: str, at: dt.datetime) -> bytes:
    """The demo's result document: a Vietnamese A4 page (the documents app's HTML → PDF, with
    its fonts), issued by the deciding agency and dated the day it is approved, which is the
    day it is signed (the demo signs it at that moment: loader._demo_signatures). The lower
    part of the page is left free for the signature stamps."""
    agency = dossier.deciding_agency
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    fonts = font_uris()
    html = format_html(
        """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Kết quả giải quyết hồ sơ {code}</title>
<style>
@font-face {{ font-family: "Noto Serif Motcua"; src: url("{serif}"); }}
@font-face {{ font-family: "Noto Serif Motcua"; font-weight: bold; src: url("{serif_bold}"); }}
@font-face {{ font-family: "Noto Serif Motcua"; font-style: italic; src: url("{serif_italic}"); }}
@page {{ size: A4; margin: 20mm 20mm 48mm 25mm; }}
body {{ font-family: "Noto Serif Motcua", serif; font-size: 13pt; line-height: 1.4; }}
table.head {{ width: 100%; border-collapse: collapse; text-align: center; font-size: 11pt; }}
table.head td {{ vertical-align: top; width: 42%; padding: 0; }}
table.head td + td {{ width: 58%; }}
.b {{ font-weight: bold; }}
.date {{ text-align: right; font-style: italic; margin: 10pt 0 18pt; }}
h1 {{ text-align: center; font-size: 14pt; margin: 0 0 14pt; }}
p {{ margin: 0 0 6pt; text-align: justify; }}
.sign {{ margin-left: 50%; text-align: center; margin-top: 18pt; }}
.note {{ font-size: 10pt; font-style: italic; margin-top: 24pt; }}
</style></head><body>
<table class="head"><tr>
<td>{parent}<br><span class="b">{agency}</span></td>
<td><span class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</span><br>
<span class="b">Độc lập - Tự do - Hạnh phúc</span></td>
</tr></table>
<p class="date">{place_date}</p>
<h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1>
<p>Thủ tục: {procedure}</p>
<p>Mã hồ sơ: <span class="b">{code}</span></p>
<p>Tổ chức, cá nhân đề nghị: {applicant}</p>
<p>Địa chỉ: {address}</p>
<p>Sau khi xem xét hồ sơ theo quy định, {agency_name} chấp thuận đề nghị của tổ chức, cá nhân
nêu trên. Văn bản này là kết quả giải quyết thủ tục hành chính, có giá trị từ ngày ký.</p>
<div class="sign"><p class="b">THỦ TRƯỞNG CƠ QUAN</p>
<p><i>(Chữ ký số)</i></p><p class="b">{signer}</p></div>
<p class="note">Văn bản mẫu của dữ liệu trình diễn, do hệ thống tạo.</p>
</body></html>""",
        code=dossier.code or "",
        serif=fonts["serif_regular"],
        serif_bold=fonts["serif_bold"],
        serif_italic=fonts["serif_italic"],
        parent=parent.upper(),
        agency=agency.name.upper(),
        place_date=place_date(str(getattr(settings, "MOTCUA_PROVINCE_NAME", "")), at),
        procedure=dossier.procedure_name,
        applicant=dossier.applicant_name,
        address=dossier.address or "…",
        agency_name=agency.name,
        signer=signer_name,
    )
    return render_html_pdf(html=str(html))


class Planner:
    """Draws plans whose timelines fit before now, on the working calendar."""

    def __init__(
        self,
        *,
        now: dt.datetime,
        cal: WorkingCalendar,
        rng: random.Random,
        tracks: list[Track],
        applicants: Applicants,
    ) -> None:
        self.now = now
        self.cal = cal
        self.tz = cal.tz
        self.rng = rng
        self.tracks = tracks
        self.applicants = applicants
        self.horizon = self._last_office_instant(now - dt.timedelta(minutes=5))
        today = now.astimezone(self.tz).date()
        self.days = [
            today - dt.timedelta(days=i)
            for i in range(WINDOW_DAYS, -1, -1)
            if cal.is_working_day(today - dt.timedelta(days=i))
        ]
        self.officers: dict[tuple[str, str], str] = {
            (o.role.value, o.agency_code): o.username
            for o in BASE_OFFICERS + EXTRA_OFFICERS + _commune_officers()
        }

    # ---- time ------------------------------------------------------------------------------

    def _session_bounds(self, d: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        return [
            (dt.datetime.combine(d, s, self.tz), dt.datetime.combine(d, e, self.tz))
            for s, e in self.cal.sessions
        ]

    def _last_office_instant(self, t: dt.datetime) -> dt.datetime:
        local = t.astimezone(self.tz)
        d = local.date()
        while True:
            if self.cal.is_working_day(d):
                for s, e in reversed(self._session_bounds(d)):
                    if s <= local < e:
                        return local
                    if local >= e:
                        return e - dt.timedelta(minutes=1)
            d -= dt.timedelta(days=1)
            local = dt.datetime.combine(d, dt.time(23, 59), self.tz)

    def advance(self, t: dt.datetime, seconds: float) -> dt.datetime:
        """`seconds` of working time after `t` (no 15:00 cut-off: an officer's action)."""
        local = t.astimezone(self.tz)
        d = local.date()
        left = dt.timedelta(seconds=int(seconds))
        for _ in range(800):
            if self.cal.is_working_day(d):
                for s, e in self._session_bounds(d):
                    if local >= e:
                        continue
                    begin = max(local, s)
                    if left <= e - begin:
                        return begin + left
                    left -= e - begin
            d += dt.timedelta(days=1)
            local = dt.datetime.combine(d, dt.time(0), self.tz)
        raise Infeasible("too far")

    def work(self, a: dt.datetime, b: dt.datetime) -> int:
        return self.cal.working_seconds_between(a, b)

    def between(self, a: dt.datetime, b: dt.datetime, fraction: float) -> dt.datetime:
        return self.advance(a, self.work(a, b) * fraction)

    def office_time(self, d: dt.date) -> dt.datetime:
        sessions = self._session_bounds(d)
        s, e = sessions[0] if self.rng.random() < 0.6 or len(sessions) == 1 else sessions[1]
        span = int((e - s).total_seconds()) - 15 * 60
        return s + dt.timedelta(seconds=5 * 60 + self.rng.randrange(max(span, 60)))

    def intake_time(self, recent: int | None) -> dt.datetime:
        days = self.days[-recent:] if recent else self.days
        for _ in range(20):
            t = self.office_time(self.rng.choice(days))
            if t <= self.horizon:
                return t
        raise Infeasible("no office time")

    def online_time(self, recent_days: int) -> dt.datetime:
        """Online submissions come at any hour, weekends too."""
        ago = dt.timedelta(days=self.rng.uniform(0, recent_days))
        t = (self.now - ago).astimezone(self.tz)
        hour = self.rng.choice([6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 19, 20, 21, 22])
        t = t.replace(hour=hour, minute=self.rng.randrange(60), second=0, microsecond=0)
        if t > self.now - dt.timedelta(minutes=10):
            t -= dt.timedelta(days=1)
        return t

    def appointment(self, tr: Track, received: dt.datetime) -> dt.datetime:
        return self.cal.deadline(received, tr.amount if tr.amount is not None else 1, tr.unit)

    def finish(self, start: dt.datetime, due: dt.datetime, outcome: str) -> dt.datetime:
        """When processing ends so that the outcome is `outcome` (early, on_time, late)."""
        rng = self.rng
        if outcome == "early":
            for _ in range(8):
                f = self.between(start, due, rng.uniform(0.25, 0.9))
                if f.astimezone(self.tz).date() < due.astimezone(self.tz).date() and f > start:
                    return f
            raise Infeasible("cannot be early")
        if outcome == "on_time":
            local_due = due.astimezone(self.tz)
            day_open = dt.datetime.combine(local_due.date(), self.cal.opening_time, self.tz)
            lo = max(day_open, self.advance(start, 1800))
            if lo >= due:
                raise Infeasible("no room on the due date")
            f = self.between(lo, due, rng.uniform(0.15, 0.9))
            if f >= due or f.astimezone(self.tz).date() != local_due.date():
                raise Infeasible("not on the due date")
            return f
        return self.advance(due, rng.uniform(1, 28) * H)

    def hand_over(self, after: dt.datetime) -> dt.datetime:
        """When the applicant collects the result (before now)."""
        room = self.work(after, self.horizon)
        if room < 1200:
            raise Infeasible("no time to return")
        wait = self.rng.uniform(0.2, 4) if self.rng.random() < 0.7 else self.rng.uniform(4, 24)
        return self.advance(after, min(room - 300, wait * H))

    def state_now(self, tr: Track, received: dt.datetime, due: dt.datetime) -> str:
        if due < self.now:
            return "overdue"
        total = self.work(self.cal.clock_start(received), due)
        left = self.work(self.now, due)
        return "near_due" if left <= max(8 * H, int(total * 0.2)) else "ok"

    def resolve(self, ops: list[Op], end: dt.datetime) -> list[Op]:
        """Give each action without a time one between its neighbours' (or `end`), in order
        and at office hours; raise Infeasible if they do not fit."""
        times = [op.at for op in ops]
        first = times[0]
        if first is None:
            raise Infeasible("no start")
        i = 1
        while i < len(ops):
            if times[i] is not None:
                i += 1
                continue
            j = i
            while j < len(ops) and times[j] is None:
                j += 1
            a = times[i - 1]
            b = times[j] if j < len(ops) else end
            assert a is not None and b is not None
            if b <= a:
                raise Infeasible("anchors out of order")
            span = self.work(a, b)
            fractions = sorted(self.rng.uniform(0.06, 0.94) for _ in range(j - i))
            prev = a
            for k, frac in enumerate(fractions):
                offset = span * frac
                lead = ops[i + k].lead
                if lead is not None and j < len(ops):
                    offset = max(offset, span - self.rng.uniform(0.1, 1.0) * lead * H)
                t = self.advance(a, offset)
                cap = ops[i + k].soon
                if cap is not None:
                    t = min(t, self.advance(prev, self.rng.uniform(0.05, 1.0) * cap * H))
                t = max(t, self.advance(prev, self.rng.randint(180, 900)))
                times[i + k] = t
                prev = t
            i = j
        done: list[dt.datetime] = [t for t in times if t is not None]
        if any(b <= a for a, b in zip(done, done[1:], strict=False)) or done[-1] > self.horizon:
            raise Infeasible("does not fit")
        for op, t in zip(ops, done, strict=True):
            op.at = t
        return ops

    # ---- officers and common sequences -----------------------------------------------------

    def officer(self, role: str, agency: str) -> str:
        return self.officers[(role, agency)]

    def desk(self, tr: Track) -> str:
        return self.officer("desk_officer", tr.receiving)

    def leader(self, tr: Track) -> str:
        return self.officer("leader", tr.deciding)

    def intake(self, tr: Track, t0: dt.datetime, decision: str = "accept", **kw: Any) -> Op:
        return Op(self.desk(tr), "intake", at=t0, payload={"decision": decision, **kw})

    def to_review(self, tr: Track, *, queue: bool) -> list[Op]:
        first = tr.middle[0]
        worker = self.officer(first.role, first.agency)
        note = {"note": "Hồ sơ đầy đủ, chuyển xử lý."}
        if queue:
            return [Op(self.desk(tr), "forward", soon=3, payload=note), Op(worker, "take", soon=6)]
        return [Op(self.desk(tr), "forward", soon=3, payload=note, to_user=worker)]

    def to_leader(self, tr: Track, start: int = 0, first_actor: str | None = None) -> list[Op]:
        """Forward from the middle step `start` through the others to the approve step."""
        ops = []
        mids = tr.middle
        for k in range(start, len(mids) - 1):
            cur, nxt = mids[k], mids[k + 1]
            actor = (
                first_actor if k == start and first_actor else self.officer(cur.role, cur.agency)
            )
            note = "Trình lãnh đạo ký." if nxt.kind == "approve" else "Chuyển bước tiếp theo."
            ops.append(
                Op(
                    actor,
                    "forward",
                    payload={"note": note},
                    to_user=self.officer(nxt.role, nxt.agency),
                    lead=float(nxt.budget) * 1.5 if nxt.kind == "approve" else None,
                )
            )
        return ops

    def approve(self, tr: Track, at: dt.datetime) -> Op:
        last = tr.middle[-1]
        return Op(
            self.officer(last.role, last.agency),
            "approve",
            at=at,
            result=True,
            payload={"note": "Đồng ý, ký ban hành."},
        )

    def hand(self, tr: Track, app: Applicant, at: dt.datetime, method: str = "") -> Op:
        method = method or ("post" if self.rng.random() < 0.12 else "desk")
        payload: dict[str, Any] = {"method": method}
        if method == "desk":
            payload["receiver_name"] = app.receiver_name
            payload["receiver_id_number"] = app.receiver_id
        return Op(self.desk(tr), "return_result", at=at, payload=payload)

    def supplement(self, tr: Track) -> Op:
        worker = tr.middle[0]
        items = self.rng.sample(SUPPLEMENT_ITEMS[tr.dept], k=self.rng.randint(1, 2))
        return Op(
            self.officer(worker.role, worker.agency),
            "request_supplement",
            payload={"items": items, "reason": self.rng.choice(SUPPLEMENT_REASONS)},
        )

    def receive_supplement(self, tr: Track, at: dt.datetime | None = None) -> Op:
        return Op(
            self.desk(tr),
            "receive_supplement",
            at=at,
            file=True,
            payload={"note": "Người nộp đã bổ sung đủ giấy tờ."},
        )

    def consulted(self, tr: Track) -> list[str]:
        choice = self.rng.choice(CONSULTED[tr.dept])
        codes = []
        for c in choice:
            if c == "commune":
                c = self.rng.choice(DEMO_COMMUNES).code
            if c != tr.deciding:
                codes.append(c)
        if not codes:
            raise Infeasible("nobody to consult")
        return codes

    def consult(self, tr: Track, codes: list[str]) -> Op:
        worker = tr.middle[0]
        return Op(
            self.officer(worker.role, worker.agency),
            "consult",
            payload={
                "agencies": codes,
                "question": self.rng.choice(QUESTIONS),
                "budget_hours": self.rng.choice(["8", "16", "24"]),
            },
        )

    def answer(self, code: str) -> Op:
        return Op(
            self.officer("specialist", code),
            "answer_consultation",
            payload={"answer": self.rng.choice(ANSWERS)},
        )

    # ---- scenarios ------------------------------------------------------------------------
    # Each takes the track, the applicant and a start (intake at the desk, or the online
    # submission) and returns the actions, or raises Infeasible.

    def s_returned(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 1800), due, o)
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=self.rng.random() < 0.3)]
        ops += [*self.to_leader(tr), self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def s_result_ready(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 1800), due, o)
        if self.work(f, self.horizon) > 40 * H:
            raise Infeasible("results wait a few days at most")
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self.to_leader(tr)]
        return self.resolve([*ops, self.approve(tr, f)], self.horizon)

    def _open(self, tr: Track, t0: dt.datetime, state: str) -> None:
        if state and self.state_now(tr, t0, self.appointment(tr, t0)) != state:
            raise Infeasible("not in the wanted deadline state")

    def s_review(self, tr: Track, app: Applicant, t0: dt.datetime, state: str) -> list[Op]:
        self._open(tr, t0, state)
        queue = self.rng.random() < 0.35
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=queue)]
        if queue and self.rng.random() < 0.5:
            ops = ops[:-1]  # still in the specialists' queue, nobody took it
        return self.resolve(ops, self.horizon)

    def s_approve(self, tr: Track, app: Applicant, t0: dt.datetime, state: str) -> list[Op]:
        self._open(tr, t0, state)
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self.to_leader(tr)]
        return self.resolve(ops, self.horizon)

    def s_received(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        return self.resolve([self.intake(tr, t0)], self.horizon)

    def s_paused(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), self.supplement(tr)]
        return self.resolve(ops, self.horizon)

    def s_supplemented(
        self, tr: Track, app: Applicant, t0: dt.datetime, o: str, times: int = 1
    ) -> list[Op]:
        if not tr.restart:
            raise Infeasible("planned for versions that restart the clock")
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False)]
        due = self.appointment(tr, t0)
        start = t0
        for _ in range(times):
            ts = self.between(
                self.advance(start, 1800), min(due, self.horizon), self.rng.uniform(0.15, 0.6)
            )
            tr_ = self.advance(ts, self.rng.uniform(4, 40) * H)
            req = self.supplement(tr)
            req.at = ts
            ops += [req, self.receive_supplement(tr, tr_)]
            due = self.appointment(tr, tr_)
            start = tr_
        f = self.finish(self.advance(start, 1800), due, o)
        ops += [*self.to_leader(tr), self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def s_two_supplements(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        return self.s_supplemented(tr, app, t0, o, times=2)

    def s_consult_open(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        codes = self.consulted(tr)
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), self.consult(tr, codes)]
        if len(codes) > 1:
            ops.append(self.answer(codes[0]))  # one answered, one still open
        return self.resolve(ops, self.horizon)

    def s_consult_done(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 3 * H), due, o)
        codes = self.consulted(tr)
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), self.consult(tr, codes)]
        ops += [self.answer(c) for c in codes]
        ops += [*self.to_leader(tr), self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def _transfer(self, tr: Track) -> list[Op]:
        worker = tr.middle[0]
        return [
            Op(
                self.officer(worker.role, worker.agency),
                "transfer",
                payload={
                    "agency": "H11.04",
                    "budget_hours": self.rng.choice(["16", "24"]),
                    "note": "Chuyển Sở Tài chính xác định giá đất cụ thể, nghĩa vụ tài chính.",
                },
            ),
            Op(self.officer("specialist", "H11.04"), "take", soon=8),
        ]

    def s_transfer_open(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self._transfer(tr)]
        if self.rng.random() < 0.4:
            ops = ops[:-1]  # not yet taken at the finance department
        return self.resolve(ops, self.horizon)

    def s_transfer_done(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 3 * H), due, o)
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self._transfer(tr)]
        ops += self.to_leader(tr, first_actor=self.officer("specialist", "H11.04"))
        ops += [self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def _apology(self, tr: Track, t0: dt.datetime) -> tuple[Op, dt.datetime, dt.datetime]:
        due = self.appointment(tr, t0)
        room = self.work(t0, due) - 10 * H  # sent at least one working day before the due time
        if room < 2 * H:
            raise Infeasible("too short for an apology")
        ta = self.advance(t0, self.rng.uniform(0.4, 0.9) * room)
        new_day = self.advance(due, self.rng.choice([2, 3, 5]) * 8 * H).astimezone(self.tz)
        new_due = dt.datetime.combine(new_day.date(), self.cal.closing_time, self.tz)
        op = Op(
            self.leader(tr),
            "apologize",
            at=ta,
            payload={"new_appointment": new_due, "reason": self.rng.choice(APOLOGY_REASONS)},
        )
        return op, due, new_due

    def s_apology_open(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        op, _due, _new = self._apology(tr, t0)
        return self.resolve(
            [self.intake(tr, t0), *self.to_review(tr, queue=False), op], self.horizon
        )

    def s_apology_done(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        op, due, new_due = self._apology(tr, t0)
        f = self.between(due, new_due, self.rng.uniform(0.1, 0.9))
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), op, *self.to_leader(tr)]
        ops += [self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def s_sent_back(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 3 * H), due, o)
        back = Op(
            self.leader(tr),
            "send_back",
            payload={
                "to_position": tr.middle[0].position,
                "reason": self.rng.choice(SEND_BACK_REASONS),
            },
        )
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self.to_leader(tr), back]
        ops += [*self.to_leader(tr), self.approve(tr, f), self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def s_rejected(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        f = self.finish(self.advance(t0, 1800), due, o)
        last = tr.middle[-1]
        reject = Op(
            self.officer(last.role, last.agency),
            "reject",
            at=f,
            payload={"reason": self.rng.choice(REJECT_REASONS)},
        )
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False), *self.to_leader(tr)]
        ops += [reject, self.hand(tr, app, self.hand_over(f))]
        return self.resolve(ops, self.horizon)

    def s_withdrawn(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False)]
        if self.rng.random() < 0.4:
            ops.append(self.supplement(tr))
        ops.append(
            Op(self.desk(tr), "withdraw", payload={"reason": self.rng.choice(WITHDRAW_REASONS)})
        )
        return self.resolve(ops, self.horizon)

    def s_cancelled(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ops = [self.intake(tr, t0), *self.to_review(tr, queue=False)]
        if self.rng.random() < 0.5:
            ops += self.to_leader(tr)
        ops.append(
            Op(self.leader(tr), "cancel", payload={"reason": self.rng.choice(CANCEL_REASONS)})
        )
        return self.resolve(ops, self.horizon)

    def s_refused(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        op = self.intake(tr, t0, "refuse", note=self.rng.choice(REFUSE_REASONS))
        return self.resolve([op], self.horizon)

    def s_completion(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        missing = [] if any(m for _p, m in tr.documents) else [self.rng.choice(COMPLETION_MISSING)]
        op = self.intake(
            tr,
            t0,
            "request_completion",
            missing=missing,
            note="Hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02).",
        )
        return self.resolve([op], self.horizon)

    # Online: t0 is the submission time (any hour); the desk decides at office hours.

    def _submit(self, t0: dt.datetime) -> Op:
        return Op(None, "submit", at=t0)

    def s_online_waiting(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        if t0 > self.now - dt.timedelta(minutes=10):
            raise Infeasible("in the future")
        return [self._submit(t0)]

    def s_online_completion(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ask = Op(
            self.desk(tr),
            "request_completion",
            soon=8,
            payload={
                "missing": [self.rng.choice(COMPLETION_MISSING)],
                "note": "Đề nghị bổ sung trước khi tiếp nhận.",
            },
        )
        return self.resolve([self._submit(t0), ask], self.horizon)

    def s_online_refused(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        refuse = Op(
            self.desk(tr), "refuse", soon=8, payload={"reason": self.rng.choice(REFUSE_REASONS)}
        )
        return self.resolve([self._submit(t0), refuse], self.horizon)

    def s_online_withdrawn(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        withdraw = Op(
            self.desk(tr),
            "withdraw",
            soon=8,
            payload={"reason": "Người nộp đề nghị rút hồ sơ trực tuyến đã nộp nhầm."},
        )
        return self.resolve([self._submit(t0), withdraw], self.horizon)

    def s_online_review(self, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
        ops = [self._submit(t0), Op(self.desk(tr), "accept", soon=6)]
        ops += self.to_review(tr, queue=self.rng.random() < 0.5)
        return self.resolve(ops, self.horizon)

    def s_online_returned(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        due = self.appointment(tr, t0)
        start = self.advance(t0, 1800)
        f = self.finish(start, due, o)
        ops = [self._submit(t0), Op(self.desk(tr), "accept", soon=6)]
        ops += [*self.to_review(tr, queue=False), *self.to_leader(tr), self.approve(tr, f)]
        ops.append(self.hand(tr, app, self.hand_over(f), method="online"))
        return self.resolve(ops, self.horizon)

    def s_online_completed(self, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
        """Asked to complete online, completed a few days later, then accepted."""
        ask = Op(
            self.desk(tr),
            "request_completion",
            soon=8,
            payload={"missing": [self.rng.choice(COMPLETION_MISSING)]},
        )
        accepted = self.office_time(self.cal.add_working_days(t0.date(), self.rng.randint(2, 5)))
        due = self.appointment(tr, accepted)
        f = self.finish(self.advance(accepted, 1800), due, o)
        ops = [self._submit(t0), ask, Op(self.desk(tr), "accept", at=accepted)]
        ops += [*self.to_review(tr, queue=False), *self.to_leader(tr), self.approve(tr, f)]
        ops.append(self.hand(tr, app, self.hand_over(f), method="online"))
        return self.resolve(ops, self.horizon)


# (scenario, variant, count, online, recent working days to start in, departments or None)
Scenario = tuple[str, str, int, bool, int | None, set[str] | None]
SCENARIOS: list[Scenario] = [
    ("returned", "early", 72, False, None, None),
    ("returned", "on_time", 32, False, None, None),
    ("returned", "late", 22, False, None, None),
    ("result_ready", "early", 8, False, None, None),
    ("result_ready", "on_time", 5, False, None, None),
    ("result_ready", "late", 5, False, None, None),
    ("review", "ok", 24, False, None, None),
    ("review", "near_due", 6, False, None, None),
    ("review", "overdue", 12, False, None, None),
    ("approve", "ok", 10, False, None, None),
    ("approve", "near_due", 4, False, None, None),
    ("approve", "overdue", 6, False, None, None),
    ("received", "", 12, False, 2, None),
    ("paused", "", 14, False, None, None),
    ("supplemented", "early", 5, False, None, None),
    ("supplemented", "on_time", 3, False, None, None),
    ("supplemented", "late", 2, False, None, None),
    ("two_supplements", "late", 3, False, None, None),
    ("consult_open", "", 5, False, 15, None),
    ("consult_done", "early", 5, False, None, None),
    ("transfer_open", "", 3, False, 10, {"H11.06.01"}),
    ("transfer_done", "early", 3, False, None, {"H11.06.01"}),
    ("transfer_done", "late", 1, False, None, {"H11.06.01"}),
    ("apology_open", "", 3, False, None, None),
    ("apology_done", "late", 4, False, None, None),
    ("sent_back", "on_time", 3, False, None, None),
    ("sent_back", "early", 2, False, None, None),
    ("rejected", "early", 4, False, None, None),
    ("rejected", "on_time", 2, False, None, None),
    ("withdrawn", "", 6, False, None, None),
    ("cancelled", "", 4, False, None, None),
    ("refused", "", 8, False, None, None),
    ("completion", "", 7, False, None, None),
    ("online_waiting", "", 10, True, 3, None),
    ("online_completion", "", 4, True, 20, None),
    ("online_refused", "", 2, True, 30, None),
    ("online_withdrawn", "", 2, True, 30, None),
    ("online_review", "", 4, True, 10, None),
    ("online_returned", "early", 6, True, None, None),
    ("online_returned", "on_time", 2, True, None, None),
    ("online_completed", "early", 2, True, 40, None),
]


def _pick_track(planner: Planner, tracks: list[Track]) -> Track:
    weights = []
    by_dept = Counter(t.dept for t in tracks)
    for t in tracks:
        share = COMMUNE_WEIGHT if t.dept == "commune" else DEPARTMENT_WEIGHTS[t.dept]
        weights.append(share / by_dept[t.dept])
    return planner.rng.choices(tracks, weights=weights)[0]


def _plans(planner: Planner) -> tuple[list[Plan], int]:
    rng = planner.rng
    plans: list[Plan] = []
    skipped = 0
    citizen_done: set[str] = set()  # the demo citizen has one dossier of each online kind
    for name, variant, count, online, recent, depts in SCENARIOS:
        build: Callable[..., list[Op]] = getattr(planner, f"s_{name}")
        candidates = [
            t
            for t in planner.tracks
            if (t.online or not online) and (depts is None or t.dept in depts)
        ]
        for _ in range(count):
            plan = None
            for _attempt in range(200):
                tr = _pick_track(planner, candidates)
                citizen = online and name not in citizen_done and "person" in tr.kinds
                app = (
                    CONGDAN
                    if citizen
                    else planner.applicants.make(
                        kinds=tr.kinds, commune_code=tr.commune, dept=tr.dept
                    )
                )
                try:
                    if online:
                        t0 = planner.online_time(recent or WINDOW_DAYS)
                    else:
                        t0 = planner.intake_time(recent)
                    ops = build(tr, app, t0, variant)
                except Infeasible:
                    continue
                channel = "online" if online else ("postal" if rng.random() < 0.08 else "desk")
                plan = Plan(name, tr, app, channel, ops, expect=variant, citizen=citizen)
                if citizen:
                    citizen_done.add(name)
                break
            if plan is None:
                skipped += 1
            else:
                plans.append(plan)
    return plans, skipped


# --------------------------------------------------------------------------------------------
# Running the plans through the services
# --------------------------------------------------------------------------------------------


class Runner:
    def __init__(self, users: dict[str, User], tz: dt.tzinfo) -> None:
        self.users = users
        self.tz = tz

    def _attachment(self, plan: Plan) -> list[UploadedFile]:
        who = plan.applicant.data.full_name or plan.applicant.data.name
        lines = [f"To khai: {plan.track.name[:80]}", f"Nguoi nop: {who}"]
        return [UploadedFile(name="to-khai.pdf", content=_pdf(lines), checklist_position=None)]

    def run(self, plan: Plan, op: Op) -> None:
        tr = plan.track
        assert op.at is not None
        with clock.at(op.at):
            if op.action == "intake":
                decision = op.payload["decision"]
                docs = list(tr.documents)
                if decision == "request_completion":
                    mandatory = [p for p, m in docs if m]
                    if mandatory:
                        docs = [(p, m) for p, m in docs if p != mandatory[0]]
                checklist = [
                    ChecklistItem(position=p, received=True, originals=1) for p, _m in docs
                ]
                dossier = dossier_intake(
                    actor=self.users[op.actor or ""],
                    procedure_code=tr.code,
                    channel=plan.channel,
                    applicant=plan.applicant.data,
                    decision=decision,
                    checklist=checklist,
                    missing=op.payload.get("missing", ()),
                    note=op.payload.get("note", ""),
                    receiving_agency_code=tr.receiving,
                    deciding_agency_code=tr.deciding,
                )
                plan.dossier_id = dossier.pk
                return
            if op.action == "submit":
                dossier = dossier_submit_online(
                    applicant_user=self.users["congdan"] if plan.citizen else None,
                    procedure_code=tr.code,
                    applicant=plan.applicant.data,
                    files=self._attachment(plan),
                    deciding_agency_code=tr.deciding,
                )
                plan.dossier_id = dossier.pk
                return
            assert plan.dossier_id is not None
            payload = dict(op.payload)
            if op.to_user:
                payload["to_user"] = self.users[op.to_user].pk
            if op.result:
                dossier = Dossier.objects.select_related(
                    "deciding_agency__parent", "procedure_version"
                ).get(pk=plan.dossier_id)
                signer = self.users[op.actor or ""]
                payload["result"] = UploadedFile(
                    name=f"ket-qua-{dossier.code}.pdf",
                    content=_result_pdf(dossier, signer.full_name or signer.username, op.at),
                )
            elif op.file:
                code = Dossier.objects.filter(pk=plan.dossier_id).values_list("code", flat=True)
                content = _pdf(
                    [
                        "BO SUNG",
                        f"Ho so: {code.first()}",
                        tr.name[:90],
                        f"Ngay: {op.at.astimezone(self.tz):%d/%m/%Y}",
                    ]
                )
                payload["file"] = UploadedFile(name="bo-sung.pdf", content=content)
            dossier_act(
                dossier_id=plan.dossier_id,
                actor=self.users[op.actor or ""],
                action=op.action,
                payload=payload,
            )


def _accounts() -> tuple[dict[str, User], list[Officer]]:
    hashed = make_password(demo_password())  # once: hashing is slow on purpose
    extra = EXTRA_OFFICERS + _commune_officers()
    for o in extra:
        user, _created = User.objects.get_or_create(username=o.username)
        user.full_name = o.full_name
        user.password = hashed
        user.save()
        agency = agency_get_by_code(code=o.agency_code)
        if agency is None:  # pragma: no cover - the province import creates them all
            raise RuntimeError(f"Unknown agency {o.agency_code}")
        role_grant(user=user, role=o.role, agency=agency)
    names = [o.username for o in BASE_OFFICERS + extra] + ["congdan"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    return users, extra


def _summary(now: dt.datetime, plans: list[Plan], skipped: int) -> list[str]:
    ids = [p.dossier_id for p in plans]
    qs = Dossier.objects.filter(pk__in=ids)
    by_status = Counter(qs.values_list("status", flat=True))
    outcomes = Counter(
        qs.filter(status__in=["result_ready", "returned"]).values_list("outcome", flat=True)
    )
    with clock.at(now):
        overdue = dossiers_overdue().filter(pk__in=ids).count()
        near = dossiers_near_due().filter(pk__in=ids).count()
    scen = Counter(p.scenario for p in plans)
    parts = [f"{by_status.get(s.value, 0)} {s.value}" for s in DossierStatus]
    lines = [
        f"{len(plans)} demo dossiers over the last {WINDOW_DAYS // 7} weeks: " + ", ".join(parts),
        f"  outcomes of processed dossiers: {outcomes.get('early', 0)} early, "
        f"{outcomes.get('on_time', 0)} on time, {outcomes.get('late', 0)} late; "
        f"in progress: {overdue} overdue, {near} near due",
        f"  {scen['consult_open'] + scen['consult_done']} with consultations, "
        f"{scen['transfer_open'] + scen['transfer_done']} transferred (liên thông), "
        f"{scen['apology_open'] + scen['apology_done']} with an apology (form 04), "
        f"{scen['sent_back']} sent back, {scen['rejected']} refused after review",
    ]
    if skipped:
        lines.append(f"  ({skipped} planned dossiers did not fit the calendar and were skipped)")
    return lines


def demo_dossiers_load(*, now: dt.datetime | None = None, seed: int = SEED) -> list[str]:
    """Create the demo officers and dossiers. Returns what was done, line by line."""
    now = now or clock.now()
    # Forms (receipts, form 02…05) and result signatures are rendered on first use, not here.
    with translation.override("vi"), jobs.suppressed():
        users, extra = _accounts()
        cal = working_calendar_get()
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        planner = Planner(
            now=now,
            cal=cal,
            rng=rng,
            tracks=_tracks(),
            applicants=Applicants(rng, commune_choices(province_code=DIEN_BIEN)),
        )
        plans, skipped = _plans(planner)
        runner = Runner(users, cal.tz)
        steps = sorted(
            ((op.at, i, k) for i, p in enumerate(plans) for k, op in enumerate(p.ops)),
            key=lambda x: (x[0], x[1], x[2]),
        )
        for _at, i, k in steps:
            runner.run(plans[i], plans[i].ops[k])
        with clock.at(now):
            sweep = deadline_sweep()
        lines = _summary(now, plans, skipped)
    lines.append(
        f"  deadline warnings sent: {sweep.near_due} near due, {sweep.overdue} overdue, "
        f"{sweep.escalated} escalated"
    )
    lines.append(f"Officer accounts for the demo dossiers (password: {demo_password()}):")
    for o in extra:
        lines.append(f"  {o.username:<15} {o.role.value:<13} @ {o.agency_code}  {o.full_name}")
    return lines
