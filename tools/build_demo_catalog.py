"""Build the demo procedure catalog (motcua/catalog/demo/procedures.json). Dev-only.

    .venv/bin/python tools/build_demo_catalog.py [SOURCE] [--check]

SOURCE is the collected source file (default ../shared/data/procedures.json, relative to the
repository root). The output is a self-contained copy in the exchange format of
docs/catalog-format.md: the project never reads SOURCE at run time. Re-running on the same
SOURCE rewrites the output byte for byte; with --check nothing is written and the exit status
says whether the committed file is up to date.

Mapping rules and every procedure left out are documented in motcua/catalog/demo/README.md.
The internal steps are a demo template, not facts from the source. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "procedures.json"
OUTPUT = ROOT / "motcua" / "catalog" / "demo" / "procedures.json"
FORMAT = "motcua.catalog/1"
PROVISIONAL_PREFIX = "DB"

# Điện Biên demo agencies (placeholders created by the demo loader).
AGENCIES = {
    "H11": "UBND tỉnh Điện Biên",
    "H11.01": "Văn phòng UBND tỉnh",
    "H11.01.01": "Trung tâm Phục vụ hành chính công tỉnh",
    "H11.02": "Sở Nội vụ",
    "H11.03": "Sở Tư pháp",
    "H11.04": "Sở Tài chính",
    "H11.04.01": "Phòng Đăng ký kinh doanh (Sở Tài chính)",
    "H11.05": "Sở Công Thương",
    "H11.06": "Sở Nông nghiệp và Môi trường",
    "H11.06.01": "Văn phòng Đăng ký đất đai",
    "H11.07": "Sở Xây dựng",
    "H11.08": "Sở Khoa học và Công nghệ",
    "H11.09": "Sở Giáo dục và Đào tạo",
    "H11.10": "Sở Y tế",
    "H11.11": "Sở Văn hóa, Thể thao và Du lịch",
    "H11.12": "Sở Dân tộc và Tôn giáo",
}
ALL_COMMUNES = "*communes"
PROVINCE_DESK = "H11.01.01"

UNITS = {
    "ngày làm việc": "working_days",
    "ngày": "days",
    "giờ làm việc": "working_hours",
    "giờ": "working_hours",
}
ALLOWED_UNITS = {"working_days", "days", "working_hours", "same_day"}
LEVELS = {
    "tỉnh": "province",
    "xã": "commune",
    "tỉnh/xã": "province_commune",
    "tỉnh/xã (áp dụng chung)": "province_commune",
}
LEVEL_ORDER = {"province": 0, "commune": 1, "province_commune": 2}
ONLINE = {"toàn trình": "full", "một phần": "partial"}
NATIONAL_CODE = re.compile(r"^([0-9]\.[0-9]{6})(\.[0-9A-Z]+)*$")
# A processing-time note that means "within the day" (amount and unit are null in the source).
SAME_DAY = re.compile(r"^(ngay trong ngày|trong ngày|ngay sau khi nhận đủ)", re.IGNORECASE)
CONDITION_WORDS = ("nếu có", "trường hợp", "đối với")

# Source agency text -> demo agency, first match wins. None = not carried (the reason is given).
AGENCY_RULES: list[tuple[re.Pattern[str], str | None, str]] = [
    (
        re.compile(r"Công an", re.I),
        None,
        "decided by the police since 31/7/2025 (Nghị quyết 223/2025), not a provincial department",
    ),
    (re.compile(r"^Nhà trường", re.I), None, "decided by the school, not a state agency"),
    (
        re.compile(r"có sổ gốc", re.I),
        None,
        "decided by whichever agency or organisation keeps the register (cơ quan, tổ chức có sổ "
        "gốc), not one state agency",
    ),
    (re.compile(r"đăng ký kinh doanh cấp tỉnh|Phòng Đăng ký kinh doanh", re.I), "H11.04.01", ""),
    (re.compile(r"đăng ký kinh doanh cấp xã", re.I), ALL_COMMUNES, ""),
    (re.compile(r"Văn phòng Đăng ký đất đai", re.I), "H11.06.01", ""),
    (re.compile(r"^(Ủy ban nhân dân|UBND) cấp xã", re.I), ALL_COMMUNES, ""),
    (re.compile(r"Sở Công Thương", re.I), "H11.05", ""),
    (re.compile(r"Sở Tài chính", re.I), "H11.04", ""),
    (re.compile(r"Sở Nội vụ", re.I), "H11.02", ""),
    (re.compile(r"Sở Tư pháp", re.I), "H11.03", ""),
    (re.compile(r"Sở Nông nghiệp", re.I), "H11.06", ""),
    (re.compile(r"Sở Xây dựng", re.I), "H11.07", ""),
    (re.compile(r"Sở Khoa học", re.I), "H11.08", ""),
    (re.compile(r"Sở Giáo dục", re.I), "H11.09", ""),
    (re.compile(r"Sở Y tế", re.I), "H11.10", ""),
    (re.compile(r"Sở Văn hóa", re.I), "H11.11", ""),
    (re.compile(r"Sở Dân tộc", re.I), "H11.12", ""),
]
# Decided by the provincial People's Committee, prepared by the department (noted, and the
# demo approve step is the department leader's).
DECIDED_BY_PROVINCE = re.compile(
    r"^(Ủy ban nhân dân|UBND) (tỉnh|thành phố)|thẩm quyền "
    r"(quyết định: )?UBND tỉnh",
    re.I,
)
# Source agency texts that say nothing beyond the demo agency: no "Cơ quan thực hiện theo
# nguồn" note for them. Any other text is kept in the notes.
PLAIN_AGENCY_TEXTS = {*AGENCIES.values(), "Ủy ban nhân dân cấp xã", "UBND cấp xã"}
# Co-implementers named by the source that are not state agencies: said in the notes, not carried.
NON_STATE_COIMPLEMENTER = re.compile(r"tổ chức hành nghề công chứng", re.I)

# --- Curation: decisions a rule cannot make, keyed by source id and checked against the name
# prefix so that a changed source fails loudly instead of being mis-mapped. -----------------

# (source id, document number) -> (name prefix, "mandatory" | "conditional" | "drop", condition)
DOCUMENT_DECISIONS: dict[tuple[int, int], tuple[str, str, str]] = {
    (12, 2): (
        "Bản sao giấy tờ pháp lý của cá nhân",
        "conditional",
        "Không phải nộp nếu chủ doanh nghiệp tư nhân kê khai số định danh cá nhân theo "
        "khoản 1 Điều 11 NĐ 168/2025/NĐ-CP",
    ),
    # "đối với công ty TNHH một thành viên …" narrows the content, it is not a condition.
    (13, 1): ("Hồ sơ đăng ký công ty TNHH", "mandatory", ""),
    # Not a document: a statement of what is *not* required. Kept in the notes.
    (13, 2): ("Không bao gồm bản sao giấy tờ pháp lý", "drop", ""),
    (30, 2): (
        "Bản chính Giấy xác nhận tình trạng hôn nhân",
        "conditional",
        "Nếu người yêu cầu không đăng ký thường trú tại xã làm thủ tục; không phải nộp nếu "
        "đã có thông tin trong CSDL hộ tịch điện tử/CSDL quốc gia về dân cư",
    ),
    (31, 2): (
        "Tờ khai/biểu mẫu điện tử",
        "conditional",
        "Khi nộp qua Cổng DVC quốc gia hoặc VNeID",
    ),
    (43, 2): (
        "Văn bản đề nghị, cam kết",
        "conditional",
        "Trường hợp khoản 4 Điều 75 NĐ 163/2025/NĐ-CP",
    ),
    # "đối với đơn thuốc" names the document copied, it is not a condition.
    (44, 2): ("Bản sao có chứng thực hoặc bản sao có chữ ký", "mandatory", ""),
    # "tương ứng từng trường hợp" = the dossier of the applicant's case: always required.
    (45, 1): ("01 bộ hồ sơ tương ứng từng trường hợp", "mandatory", ""),
    (67, 2): (
        "Bản sao quyết định công nhận tổ chức tôn giáo",
        "conditional",
        "Khi chuyển trụ sở đến tỉnh khác",
    ),
}

# source id -> (name prefix, agency, level, note) where the source's agency (and level) field is
# empty but the record itself says who decides after the July 2025 reorganisation.
AGENCY_DECISIONS: dict[int, tuple[str, str, str, str]] = {
    # Notes: "Sau 01/7/2025 thẩm quyền chuyển UBND cấp xã (NĐ 139/2025)".
    4: (
        "Cấp lại Giấy phép bán lẻ rượu",
        ALL_COMMUNES,
        "commune",
        "Cơ quan thực hiện: nguồn không nêu; theo ghi chú của nguồn, từ 01/7/2025 thẩm quyền "
        "thuộc UBND cấp xã (NĐ 139/2025), nên danh mục demo ghi cấp xã.",
    ),
}

# source id -> (name prefix, note): decided by the provincial People's Committee although the
# source's agency field names only the department. The record's own source (the internal process
# approved by QĐ 2028/QĐ-UBND Cao Bằng) shows the department preparing and the province deciding.
PROVINCE_DECIDES: dict[int, tuple[str, str]] = {
    56: (
        "Thủ tục thành lập tổ chức thanh niên xung phong cấp tỉnh",
        "Thẩm quyền quyết định: UBND tỉnh (quy trình nội bộ QĐ 2028/QĐ-UBND Cao Bằng: Sở Nội vụ "
        "thẩm định, Văn phòng UBND tỉnh trình lãnh đạo UBND tỉnh phê duyệt); Sở tiếp nhận, thẩm "
        "định và trình. Quy trình demo: bước phê duyệt do lãnh đạo Sở.",
    ),
    57: (
        "Thủ tục công nhận tài liệu lưu trữ có giá trị đặc biệt",
        "Thẩm quyền quyết định: Chủ tịch UBND tỉnh (quy trình nội bộ QĐ 2028/QĐ-UBND Cao Bằng: "
        "Sở Nội vụ trình Chủ tịch UBND tỉnh ban hành quyết định công nhận); Sở tiếp nhận, thẩm "
        "định và trình. Quy trình demo: bước phê duyệt do lãnh đạo Sở.",
    ),
}

# source id -> (name prefix, applicant kinds, reason) where the keyword rule is wrong or silent.
APPLICANT_DECISIONS: dict[int, tuple[str, list[str], str]] = {
    # The owner of a doanh nghiệp tư nhân is an individual (the source's document list asks for
    # "giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân").
    12: ("Đăng ký thành lập doanh nghiệp tư nhân", ["person"], ""),
    # The applicant is "cơ sở nhập khẩu" (first document: "Đơn đề nghị của cơ sở nhập khẩu").
    43: ("Cho phép nhập khẩu thuốc", ["organisation"], ""),
}
APPLICANT_ORGANISATION = (
    "thương nhân",
    "doanh nghiệp",
    "tổ chức tôn giáo",
    "cơ sở trợ giúp xã hội",
    "dịch vụ lưu trữ",
    "giám định cổ vật",
    "trung tâm đổi mới sáng tạo",
    "thanh niên xung phong",
)
APPLICANT_PERSON = (
    "khai sinh",
    "kết hôn",
    "khai tử",
    "học sinh",
    "giấy phép hành nghề",
    "đăng ký hành nghề",
    "chứng chỉ nghiệp vụ",
    "khuyết tật",
    "hưu trí xã hội",
    "sinh con",
    "thi tuyển công chức",
    "viên chức",
    "hộ gia đình, cá nhân",
)
APPLICANT_BOTH = ("tổ chức, cá nhân", "cá nhân, nhóm cá nhân")

# Procedures that in reality involve another demo agency: a consult step (in parallel), its
# budget taken out of review. source id -> (name prefix, agency, title, hours, note)
CONSULTS: dict[int, tuple[str, str, str, Decimal, str]] = {
    32: (
        "Cấp giấy phép xây dựng mới",
        "H11.07",
        "Lấy ý kiến Sở Xây dựng",
        Decimal(24),
        "Bước lấy ý kiến Sở Xây dựng minh họa việc lấy ý kiến cơ quan quản lý nhà nước về các "
        "lĩnh vực liên quan khi thẩm định hồ sơ cấp phép xây dựng (Điều 102 Luật Xây dựng).",
    ),
    # Điều 42 of the source's Quy chế (QĐ 138/2025/QĐ-UBND Đồng Tháp), step 2: 2 days.
    42: (
        "Xác định lại diện tích đất ở",
        "H11.06.01",
        "Văn phòng Đăng ký đất đai cung cấp hồ sơ cấp Giấy chứng nhận lần đầu",
        Decimal(16),
        "Bước lấy ý kiến Văn phòng Đăng ký đất đai theo Điều 42 Quy chế ban hành kèm QĐ "
        "138/2025/QĐ-UBND Đồng Tháp: cơ quan quản lý đất đai cấp xã đề nghị Chi nhánh Văn phòng "
        "Đăng ký đất đai cung cấp hồ sơ cấp Giấy chứng nhận lần đầu (2 ngày); việc Chi nhánh "
        "chỉnh lý hồ sơ địa chính sau khi cấp (2 ngày) không tách thành bước riêng.",
    ),
}

RESULT_KINDS: list[tuple[str, str]] = [
    ("giấy phép", "licence"),
    ("giấy chứng nhận", "certificate"),
    ("giấy khai sinh", "certificate"),
    ("trích lục", "certificate"),
    ("chứng chỉ", "certificate"),
    ("phiếu", "certificate"),
    ("quyết định", "decision"),
    ("văn bản", "document"),
    ("xác nhận", "confirmation"),
]

# source id -> (name prefix, field, reason) where the source gives no field. Inferred from the
# procedure's name and agency: the national catalog files business registration by the
# provincial business registration office (Phòng Đăng ký kinh doanh) under "Thành lập và hoạt
# động doanh nghiệp", as it files #16 and #17 of the source (the commune's registration of
# household businesses) under "Thành lập và hoạt động của hộ kinh doanh". A record with no field
# and no decision here is left out: the portal lists procedures by field.
FIELD_DECISIONS: dict[int, tuple[str, str, str]] = {
    12: (
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Thành lập và hoạt động doanh nghiệp",
        "business registration at Phòng Đăng ký kinh doanh",
    ),
    13: (
        "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
        "Thành lập và hoạt động doanh nghiệp",
        "business registration at Phòng Đăng ký kinh doanh",
    ),
}

# The demo is Điện Biên's catalog. The source collects records of other provinces: text naming
# another province (its fees, its own decisions, its proposals) is not Điện Biên's and stays out
# of every text the portal and the public API show; it is kept in `notes`, which only catalog
# editors see. The 33 other provinces and cities of 2025 (vietnam-provinces) and the names of the
# provinces merged in 2025, which older texts still use.
DEMO_PROVINCE = "Điện Biên"
OTHER_PROVINCES = (
    # 2025
    "Hà Nội", "Cao Bằng", "Tuyên Quang", "Lai Châu", "Sơn La", "Lào Cai", "Thái Nguyên",
    "Lạng Sơn", "Quảng Ninh", "Bắc Ninh", "Phú Thọ", "Hải Phòng", "Hưng Yên", "Ninh Bình",
    "Thanh Hóa", "Thanh Hoá", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng",
    "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Khánh Hoà", "Đắk Lắk", "Lâm Đồng", "Đồng Nai",
    "Hồ Chí Minh", "Tây Ninh", "Đồng Tháp", "Vĩnh Long", "An Giang", "Cần Thơ", "Cà Mau",
    # merged in 2025
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Hòa Bình", "Hoà Bình", "Vĩnh Phúc", "Bắc Giang",
    "Hải Dương", "Thái Bình", "Hà Nam", "Nam Định", "Quảng Bình", "Quảng Nam", "Kon Tum",
    "Bình Định", "Phú Yên", "Ninh Thuận", "Bình Thuận", "Đắk Nông", "Bình Phước",
    "Bình Dương", "Bà Rịa", "Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Sóc Trăng", "Hậu Giang", "Kiên Giang", "Bạc Liêu",
)  # fmt: skip
OTHER_PROVINCE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(n) for n in OTHER_PROVINCES) + r")(?!\w)"
)
# "(bản crawl: github.com/…)": where the collector kept its copy of a page, not a source.
CRAWL_NOTE = re.compile(r"\s*\(bản crawl: [^()]*\)")
DEMO_STEPS_NOTE = (
    "[Demo] Các bước xử lý nội bộ và thời gian từng bước là quy trình mẫu, không lấy từ nguồn."
)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def fmt(value: Decimal) -> str:
    """A decimal as the format's decimal string: no exponent, no trailing zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


@dataclass
class Skipped:
    id: int
    name: str
    reasons: list[str]


@dataclass
class Build:
    procedures: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # per-procedure mapping remarks, printed


# --- field mappers ---------------------------------------------------------------------------


def map_agency(text: str | None) -> tuple[str | None, str]:
    if not text:
        return None, "the source gives no implementing agency"
    for pattern, code, reason in AGENCY_RULES:
        if pattern.search(text):
            return code, reason
    return None, f"agency “{text}” matches no demo agency"


def map_processing_time(pt: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    if pt is None:
        return None, "the source gives no processing time"
    note = nfc(pt.get("note") or "")
    unit_src, amount = pt.get("unit"), pt.get("amount")
    if unit_src is None and amount is None:
        if SAME_DAY.match(note):
            return {"amount": None, "unit": "same_day", "note": note}, ""
        return None, f"no processing time that fits a unit (source: “{note}”)"
    if unit_src not in UNITS or amount is None:
        return None, f"processing time {amount!r} {unit_src!r} has no allowed unit"
    return {"amount": fmt(Decimal(str(amount))), "unit": UNITS[unit_src], "note": note}, ""


def required_hours(pt: dict[str, Any]) -> Decimal:
    if pt["unit"] == "same_day":
        return Decimal(8)
    amount = Decimal(pt["amount"])
    return amount if pt["unit"] == "working_hours" else amount * 8


def split_budget(total: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """Template split (intake, review, approve, return) that adds up exactly to total."""
    if total >= 24:
        intake = ret = Decimal(4)
        approve = Decimal(8) if total >= 40 else Decimal(4)
    else:
        intake = ret = Decimal("0.5") if total <= 4 else Decimal(1)
        approve = ((total - intake - ret) * Decimal("0.25")).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    review = total - intake - ret - approve
    return intake, review, approve, ret


def parse_copies(text: str | None, name: str) -> tuple[int, int, str]:
    """(originals, copies, how) from the source's copy text; how = "" when parsed."""
    if text:
        t = nfc(text)
        orig = re.search(r"Bản chính:\s*(\d+)", t, re.I)
        copy = re.search(r"Bản sao:\s*(\d+)", t, re.I)
        if orig or copy:
            return (int(orig.group(1)) if orig else 0), (int(copy.group(1)) if copy else 0), ""
        orig = re.fullmatch(r"(\d+)\s+bản chính", t, re.I)
        copy = re.fullmatch(r"(\d+)\s+bản sao", t, re.I)
        if orig:
            return int(orig.group(1)), 0, ""
        if copy:
            return 0, int(copy.group(1)), ""
        return 1, 0, f"default 1 original (source: “{t}”)"
    if re.match(r"bản sao\b", name, re.I):
        return 0, 1, "1 copy (source gives no count; the name says it is a copy)"
    return 1, 0, "default 1 original (source gives no count)"


def set_count(text: str | None) -> str | None:
    """The dossier count ("02 bộ hồ sơ") when the copy text gives one."""
    if text and re.fullmatch(r"\d+\s+bộ(\s+hồ sơ)?", nfc(text), re.I):
        return nfc(text)
    return None


def auto_condition(name: str) -> str:
    """The clause of a document name that states its condition."""
    for part in re.findall(r"\(([^()]*)\)", name):
        if any(w in part.lower() for w in CONDITION_WORDS):
            return part[0].upper() + part[1:]
    return name


def map_documents(
    pid: int, docs: list[dict[str, Any]], remarks: list[str]
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(documents, notes to add, dossier counts)."""
    out: list[dict[str, Any]] = []
    extra_notes: list[str] = []
    counts: list[str] = []
    for i, doc in enumerate(docs, start=1):
        name = nfc(doc["name"])
        decision = DOCUMENT_DECISIONS.get((pid, i))
        if decision is not None and not name.startswith(decision[0]):
            raise SystemExit(
                f"source #{pid} document {i} changed: “{name[:60]}”; review DOCUMENT_DECISIONS"
            )
        flagged = any(w in name.lower() for w in CONDITION_WORDS)
        if decision is not None:
            requirement, condition = decision[1], decision[2]
        elif flagged:
            requirement, condition = "conditional", auto_condition(name)
        else:
            requirement, condition = "mandatory", ""
        if requirement == "drop":
            extra_notes.append(f"Nguồn ghi kèm thành phần hồ sơ: “{name}”.")
            remarks.append(f"#{pid} doc {i}: not a document, moved to notes")
            continue
        count = set_count(doc.get("copies"))
        if count and count not in counts:
            counts.append(count)
        originals, copies, how = parse_copies(doc.get("copies"), name)
        if how:
            remarks.append(f"#{pid} doc {i}: {how}")
        out.append(
            {
                "name": name,
                "originals": originals,
                "copies": copies,
                "requirement": requirement,
                "condition": condition,
                "template_url": "",
            }
        )
    return out, extra_notes, counts


def other_province(text: str) -> str | None:
    """The first other province that `text` names, if any."""
    m = OTHER_PROVINCE.search(text)
    return m.group(1) if m else None


def map_fees(fees: list[dict[str, Any]] | None) -> tuple[bool, list[dict[str, Any]], list[str]]:
    """(fees_known, fees, notes). A fee line naming another province is that province's fee
    (set by its People's Council): left out, and said in the notes. When every line is left
    out, Điện Biên's fee is not in the source: fees_known is false."""
    if fees is None:
        return False, [], []
    out = []
    dropped = []
    for fee in fees:
        name = nfc(fee["name"])
        note = nfc(fee.get("note") or "")
        amount = fee.get("amount_vnd")
        if other_province(f"{name} {note}"):
            shown = "?" if amount is None else f"{int(amount):,}".replace(",", ".")
            dropped.append(f"{name}: {shown} đồng" + (f" ({note})" if note else ""))
            continue
        out.append(
            {
                "name": name,
                "kind": "charge" if "lệ phí" in name.lower() else "fee",
                "amount_vnd": None if amount is None else int(amount),
                "case": note,
            }
        )
    notes = []
    if dropped:
        notes.append(
            "Phí, lệ phí của tỉnh khác trong nguồn, không đưa vào danh mục: "
            + "; ".join(dropped)
            + "."
        )
        if not out:
            notes.append(f"Mức phí, lệ phí của {DEMO_PROVINCE}: nguồn không nêu.")
    return bool(out) or not fees, out, notes


def local_processing_note(note: str) -> tuple[str, list[str]]:
    """The processing-time note without its bracketed remarks about another province (e.g.
    "(Đồng Nai đề xuất giảm còn 03 ngày làm việc)"), and the notes saying what was removed."""
    moved: list[str] = []

    def drop(m: re.Match[str]) -> str:
        if other_province(m.group(0)):
            moved.append(m.group(0).strip())
            return ""
        return m.group(0)

    kept = re.sub(r"\s*\([^()]*\)", drop, note).strip()
    return kept, [f"Ghi chú thời hạn của tỉnh nguồn, không đưa vào danh mục: {m}." for m in moved]


def local_legal_basis(items: list[str]) -> tuple[list[str], list[str]]:
    """The legal basis without the acts of another province (its own decisions are not
    Điện Biên's basis), and the notes naming them."""
    kept = [x for x in items if not other_province(x)]
    moved = [x for x in items if other_province(x)]
    notes = [
        f"Văn bản của tỉnh khác trong nguồn, không phải căn cứ tại {DEMO_PROVINCE}: {x}."
        for x in moved
    ]
    return kept, notes


def map_field(p: dict[str, Any]) -> tuple[str | None, str]:
    """The procedure's field (lĩnh vực): the source's, or a curated one where it gives none."""
    decision = FIELD_DECISIONS.get(p["id"])
    if decision is not None:
        if p.get("field") or not nfc(p["name"]).startswith(decision[0]):
            raise SystemExit(f"source #{p['id']} changed; review FIELD_DECISIONS")
        return decision[1], ""
    if p.get("field"):
        return nfc(p["field"]), ""
    return None, "the source gives no field (lĩnh vực) and none is curated"


def map_result(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    name = nfc(text)
    low = name.lower()
    for prefix, kind in RESULT_KINDS:
        if low.startswith(prefix):
            return {"name": name, "kind": kind}
    return {"name": name, "kind": "other"}


def map_applicants(p: dict[str, Any]) -> list[str]:
    decision = APPLICANT_DECISIONS.get(p["id"])
    if decision is not None:
        if not p["name"].startswith(decision[0]):
            raise SystemExit(f"source #{p['id']} changed; review APPLICANT_DECISIONS")
        return decision[1]
    text = " ".join(nfc(p.get(k) or "") for k in ("name", "notes", "agency")).lower()
    org = any(w in text for w in APPLICANT_ORGANISATION)
    person = any(w in text for w in APPLICANT_PERSON)
    if any(w in text for w in APPLICANT_BOTH) or org == person:
        return ["person", "organisation"]
    return ["organisation"] if org else ["person"]


def make_steps(
    pid: int, name: str, level: str, agency: str, pt: dict[str, Any], decided_by_province: bool
) -> tuple[list[dict[str, Any]], str]:
    total = required_hours(pt)
    intake, review, approve, ret = split_budget(total)
    # Commune procedures (and province_commune ones whose only state agency is the commune) are
    # received and decided at the commune: null = the deciding commune.
    desk = None if level == "commune" or agency == ALL_COMMUNES else PROVINCE_DESK
    dept = None if agency == ALL_COMMUNES else agency
    consult = CONSULTS.get(pid)
    note = ""
    steps = [
        {
            "kind": "intake",
            "title": "Tiếp nhận hồ sơ",
            "role": "desk_officer",
            "agency": desk,
            "budget_hours": fmt(intake),
        }
    ]
    if consult is not None:
        if not name.startswith(consult[0]):
            raise SystemExit(f"source #{pid} changed; review CONSULTS")
        share = min(consult[3], review / 2)
        review -= share
        steps.append(
            {
                "kind": "review",
                "title": "Thẩm định hồ sơ",
                "role": "specialist",
                "agency": dept,
                "budget_hours": fmt(review),
            }
        )
        steps.append(
            {
                "kind": "consult",
                "title": consult[2],
                "role": "specialist",
                "agency": consult[1],
                "budget_hours": fmt(share),
            }
        )
        note = consult[4]
    else:
        steps.append(
            {
                "kind": "review",
                "title": "Thẩm định hồ sơ",
                "role": "specialist",
                "agency": dept,
                "budget_hours": fmt(review),
            }
        )
    approve_title = (
        "Lãnh đạo Sở phê duyệt, trình UBND tỉnh ký"
        if decided_by_province
        else "Phê duyệt, ký kết quả"
    )
    steps.append(
        {
            "kind": "approve",
            "title": approve_title,
            "role": "leader",
            "agency": dept,
            "budget_hours": fmt(approve),
        }
    )
    steps.append(
        {
            "kind": "return",
            "title": "Trả kết quả",
            "role": "desk_officer",
            "agency": desk,
            "budget_hours": fmt(ret),
        }
    )
    return steps, note


# --- build -----------------------------------------------------------------------------------


def build(source: dict[str, Any]) -> Build:
    b = Build()
    seen_codes: dict[str, int] = {}
    # Provisional codes number every source record without a code, in source order, whether it
    # is carried or not: changing which records are carried does not renumber the others.
    provisional_numbers = {
        p["id"]: i
        for i, p in enumerate((p for p in source["procedures"] if not p.get("code")), start=1)
    }
    for p in source["procedures"]:
        pid, name = p["id"], nfc(p["name"])
        reasons: list[str] = []

        agency: str | None
        level: str | None
        agency_decision = AGENCY_DECISIONS.get(pid)
        if agency_decision is not None:
            if not name.startswith(agency_decision[0]) or p.get("agency"):
                raise SystemExit(f"source #{pid} changed; review AGENCY_DECISIONS")
            agency, level = agency_decision[1], agency_decision[2]
            b.remarks.append(f"#{pid}: agency and level from the record's notes ({agency})")
        else:
            agency, agency_reason = map_agency(p.get("agency"))
            if agency is None:
                reasons.append(agency_reason)
            level = LEVELS.get(nfc(p.get("level") or ""))
            if level is None:
                reasons.append("the source gives no level")
        pt, pt_reason = map_processing_time(p.get("processing_time"))
        if pt is None:
            reasons.append(pt_reason)
        field_name, field_reason = map_field(p)
        if field_name is None:
            reasons.append(field_reason)
        elif pid in FIELD_DECISIONS:
            b.remarks.append(f"#{pid}: field “{field_name}” ({FIELD_DECISIONS[pid][2]})")
        national = None
        if p.get("code"):
            m = NATIONAL_CODE.match(nfc(p["code"]))
            if m is None:
                reasons.append(f"code “{p['code']}” is not a national code")
            else:
                national = m.group(1)
                if national in seen_codes:
                    reasons.append(
                        f"same national code {national} as source #"
                        f"{seen_codes[national]}, which is kept"
                    )
        if reasons:
            b.skipped.append(Skipped(pid, name, reasons))
            continue
        assert agency is not None
        assert level is not None
        assert pt is not None
        assert field_name is not None
        if national:
            seen_codes[national] = pid

        notes: list[str] = [nfc(p["notes"])] if p.get("notes") else []
        if p.get("province"):
            notes.append(f"Tỉnh nguồn: {nfc(p['province'])}.")
        if national is None:
            code = f"{PROVISIONAL_PREFIX}.{provisional_numbers[pid]:06d}"
            notes.append("Mã TTHC tạm: nguồn không nêu mã TTHC.")
        else:
            code = national
            if nfc(p["code"]) != national:
                notes.append(
                    f"Mã trong nguồn: {nfc(p['code'])} (phiên bản địa phương của tỉnh nguồn)."
                )
        pt["note"], pt_notes = local_processing_note(pt["note"])
        notes.extend(pt_notes)
        if pt["unit"] == "same_day" and pt["note"].lower().startswith("ngay sau khi"):
            notes.append(
                "Thời hạn ghi “ngay sau khi nhận đủ giấy tờ” được biểu diễn là “trong ngày”."
            )
            b.remarks.append(f"#{pid}: “ngay sau khi nhận đủ” mapped to same_day")

        # No document list in the source (null or empty): documents_known false, no documents;
        # the portal says the list is not published. Nothing is invented.
        documents, doc_notes, counts = map_documents(pid, p.get("documents") or [], b.remarks)
        documents_known = bool(documents)
        if p.get("documents") and not documents:
            b.remarks.append(f"#{pid}: every source document was dropped; documents_known false")
        notes.extend(doc_notes)
        if counts:
            notes.append(f"Số lượng hồ sơ theo nguồn: {', '.join(counts)}.")

        agency_text = nfc(p.get("agency") or "")
        province_decision = PROVINCE_DECIDES.get(pid)
        if province_decision is not None and not name.startswith(province_decision[0]):
            raise SystemExit(f"source #{pid} changed; review PROVINCE_DECIDES")
        decided_by_province = bool(DECIDED_BY_PROVINCE.search(agency_text))
        if decided_by_province:
            notes.append(
                "Thẩm quyền quyết định: UBND tỉnh; Sở tiếp nhận, thẩm định và trình "
                "(nguồn: “" + agency_text + "”). Quy trình demo: bước phê duyệt "
                "do lãnh đạo Sở."
            )
        elif province_decision is not None:
            decided_by_province = True
            notes.append(province_decision[1])
        elif agency_decision is not None:
            notes.append(agency_decision[3])
        elif agency_text not in PLAIN_AGENCY_TEXTS:
            notes.append("Cơ quan thực hiện theo nguồn: " + agency_text + ".")
        if NON_STATE_COIMPLEMENTER.search(agency_text):
            notes.append(
                "Danh mục demo chỉ ghi UBND cấp xã: tổ chức hành nghề công chứng không phải cơ "
                "quan nhà nước."
            )

        steps, consult_note = make_steps(pid, name, level, agency, pt, decided_by_province)
        if consult_note:
            notes.append(consult_note)
        notes.append(DEMO_STEPS_NOTE)

        fees_known, fees, fee_notes = map_fees(p.get("fees"))
        legal_basis, law_notes = local_legal_basis([nfc(x) for x in (p.get("legal_basis") or [])])
        # Before the demo note, which stays last.
        notes[-1:-1] = fee_notes + law_notes
        if fee_notes or law_notes or pt_notes:
            b.remarks.append(f"#{pid}: text of another province moved to the notes")
        online = p.get("online_level")
        b.procedures.append(
            {
                "code": code,
                "code_is_provisional": national is None,
                "name": name,
                "field": field_name,
                "level": level,
                "agencies": [agency],
                "processing_time": pt,
                "fees_known": fees_known,
                "fees": fees,
                "documents_known": documents_known,
                "documents": documents,
                "result": map_result(p.get("result")),
                "legal_basis": legal_basis,
                "online_level": ONLINE[online] if online else None,
                "applicant_kinds": map_applicants(p),
                "restart_on_supplement": True,
                "steps": steps,
                "source": CRAWL_NOTE.sub("", nfc(p.get("source") or "")),
                "notes": " ".join(notes),
            }
        )
    by_code: dict[str, list[int]] = {}
    for p in source["procedures"]:
        m = NATIONAL_CODE.match(nfc(p.get("code") or ""))
        if m:
            by_code.setdefault(m.group(1), []).append(p["id"])
    b.remarks += [
        f"national code {c} is used by source records " + ", ".join(f"#{i}" for i in ids)
        for c, ids in by_code.items()
        if len(ids) > 1
    ]
    b.procedures.sort(key=lambda x: (LEVEL_ORDER[x["level"]], x["code"]))
    return b


def render(procedures: list[dict[str, Any]]) -> bytes:
    text = json.dumps({"format": FORMAT, "procedures": procedures}, ensure_ascii=False, indent=1)
    return (unicodedata.normalize("NFC", text) + "\n").encode("utf-8")


# --- check -----------------------------------------------------------------------------------


def check(procedures: list[dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    codes = Counter(p["code"] for p in procedures)
    errors += [f"code {c} appears {n} times" for c, n in codes.items() if n > 1]
    for p in procedures:
        where = f"{p['code']}"
        if not isinstance(p["documents_known"], bool):
            errors.append(f"{where}: documents_known is not a boolean")
        if p["documents_known"] and not p["documents"]:
            errors.append(f"{where}: documents_known true but no document")
        if not p["documents_known"] and p["documents"]:
            errors.append(f"{where}: documents listed but documents_known false")
        if not p["steps"]:
            errors.append(f"{where}: no step")
        pt = p["processing_time"]
        if pt["unit"] not in ALLOWED_UNITS:
            errors.append(f"{where}: unit {pt['unit']}")
        if (pt["amount"] is None) != (pt["unit"] == "same_day"):
            errors.append(f"{where}: amount {pt['amount']} with unit {pt['unit']}")
        budgets = [Decimal(s["budget_hours"]) for s in p["steps"]]
        if any(b <= 0 or b.as_tuple().exponent < -2 for b in budgets):  # type: ignore[operator]
            errors.append(f"{where}: a budget is not positive with at most 2 decimals")
        if sum(budgets, Decimal(0)) != required_hours(pt):
            errors.append(
                f"{where}: budgets add up to {sum(budgets)}, required {required_hours(pt)}"
            )
        for a in p["agencies"]:
            if a != ALL_COMMUNES and a not in AGENCIES:
                errors.append(f"{where}: unknown agency {a}")
        for s in p["steps"]:
            if s["agency"] is not None and s["agency"] not in AGENCIES:
                errors.append(f"{where}: unknown step agency {s['agency']}")
            at_commune = p["level"] == "commune" or p["agencies"] == [ALL_COMMUNES]
            if at_commune and s["kind"] != "consult" and s["agency"] is not None:
                errors.append(f"{where}: commune step with agency {s['agency']}")
        if p["fees"] and not p["fees_known"]:
            errors.append(f"{where}: fees listed but fees_known false")
        for f in p["fees"]:
            if f["amount_vnd"] is None and not f["case"]:
                errors.append(f"{where}: fee {f['name']} without amount or case")
        for d in p["documents"]:
            if d["requirement"] == "conditional" and not d["condition"]:
                errors.append(f"{where}: conditional document without condition")
        if p["code_is_provisional"] != bool(re.fullmatch(r"[A-Z]{2}\.\d{6}", p["code"])):
            errors.append(f"{where}: code/provisional mismatch")
        if not p["field"]:
            errors.append(f"{where}: no field")
        # What the portal and the public API show: every key but the editors' source and notes.
        public = {k: v for k, v in p.items() if k not in ("source", "notes")}
        for text in _strings(public):
            if other_province(text):
                errors.append(f"{where}: public text names {other_province(text)}: {text[:60]}")
        if "bản crawl" in p["source"] or "github.com" in p["source"]:
            errors.append(f"{where}: crawl note in the source")
    for text in _strings(procedures):
        if unicodedata.normalize("NFC", text) != text:
            errors.append(f"not NFC: {text[:40]}")
    return errors


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def report(b: Build, total_source: int) -> None:
    procs = b.procedures
    print(f"source procedures: {total_source}; carried: {len(procs)}; left out: {len(b.skipped)}")
    for title, key in (
        ("unit", lambda p: p["processing_time"]["unit"]),
        ("level", lambda p: p["level"]),
    ):
        counts = Counter(key(p) for p in procs)
        print(f"by {title}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    agencies = Counter(a for p in procs for a in p["agencies"])
    print(
        "by agency: "
        + ", ".join(
            f"{k} ({AGENCIES.get(k, 'all communes')}) {v}" for k, v in sorted(agencies.items())
        )
    )
    unknown = sum(1 for p in procs if not p["documents_known"])
    print(
        f"documents_known false: {unknown}; fees_known false: "
        f"{sum(1 for p in procs if not p['fees_known'])}; "
        f"with a consult step: {sum(1 for p in procs if any(s['kind'] == 'consult' for s in p['steps']))}"
    )
    print("left out:")
    for s in b.skipped:
        print(f"  #{s.id} {s.name[:90]}: " + "; ".join(s.reasons))
    print("mapping remarks:")
    for r in b.remarks:
        print(f"  {r}")


ONLINE_FORMS = ROOT / "motcua" / "catalog" / "demo" / "online_forms.json"


def apply_online_forms(procedures: list[dict[str, Any]]) -> None:
    """Merge the curated demo overlay (online_forms.json): the online form fields of a few
    procedures and an online level the source leaves empty (with a note saying so)."""
    overlay = json.loads(ONLINE_FORMS.read_text(encoding="utf-8"))
    by_code = {p["code"]: p for p in procedures}
    for code, level in overlay.get("online_level", {}).items():
        p = by_code[code]  # a KeyError stops the script when the source changed
        if p["online_level"] is None:
            p["online_level"] = level["value"]
            p["notes"] = (p["notes"] + " " + level["note"]).strip()
    for code, fields in overlay.get("form_fields", {}).items():
        by_code[code]["form_fields"] = fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when the output file is not up to date",
    )
    args = parser.parse_args(argv)
    source = json.loads(args.source.read_text(encoding="utf-8"))
    b = build(source)
    apply_online_forms(b.procedures)
    content = render(b.procedures)
    errors = check(json.loads(content)["procedures"])
    report(b, len(source["procedures"]))
    if errors:
        print("CHECK FAILED:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    if args.check:
        current = OUTPUT.read_bytes() if OUTPUT.exists() else b""
        if current != content:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date", file=sys.stderr)
            return 1
        print("check: OK, output up to date")
        return 0
    OUTPUT.write_bytes(content)
    print(f"check: OK; wrote {OUTPUT.relative_to(ROOT)} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
