"""Realistic Vietnamese data for the official forms, and helpers around poppler / zbar."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from motcua.documents.data import (
    AgencyHeader,
    ApologyData,
    Applicant,
    Authorisation,
    CompletionRequestData,
    ControlSheetData,
    DocumentItem,
    FormData,
    FormKind,
    Handover,
    LedgerData,
    LedgerRow,
    ReceiptData,
    RefusalData,
    ReturnMethod,
    StopNoticeData,
    Timeliness,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "H11.03325-250702-0015"
TRACKING_URL = f"https://dichvucong.dienbien.gov.vn/tra-cuu-ho-so?ma={CODE}&lang=vi"

COMMUNE_CENTER = AgencyHeader(
    name="Trung tâm Phục vụ hành chính công xã Mường Phăng",
    parent_name="Ủy ban nhân dân xã Mường Phăng",
    place="Mường Phăng",
)
COMMUNE = AgencyHeader(
    name="Ủy ban nhân dân xã Mường Phăng",
    parent_name="Ủy ban nhân dân tỉnh Điện Biên",
    place="Mường Phăng",
)
ANH = Applicant(
    name="Nguyễn Thị Ngọc Ánh",
    id_number="011190001234",
    address="Bản Phăng 2, xã Mường Phăng, tỉnh Điện Biên",
    phone="0912 345 678",
    email="ngocanh.nguyen@example.vn",
)
ANH_FOR_HER_FATHER = Applicant(
    name="Nguyễn Thị Ngọc Ánh",
    id_number="011190001234",
    address="Bản Phăng 2, xã Mường Phăng, tỉnh Điện Biên",
    phone="0912 345 678",
    email="ngocanh.nguyen@example.vn",
    authorisation=Authorisation(
        name="Nguyễn Văn Đức",
        id_number="011060004321",
        address="Tổ dân phố 5, phường Điện Biên Phủ, tỉnh Điện Biên",
        phone="0987 654 321",
        document="Giấy ủy quyền ngày 30/6/2025, chứng thực tại Ủy ban nhân dân xã Mường Phăng",
    ),
)
DUONG = "Lò Văn Đượng"
HEAD = "Quàng Thị Hương"


def at(day: int, hour: int, minute: int = 0, month: int = 7, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def receipt(*, received_at: dt.datetime | None = None) -> ReceiptData:
    received_at = received_at or at(2, 8, 15)
    return ReceiptData(
        header=COMMUNE_CENTER,
        number="125/TNHS-TTPVHCC",
        code=CODE,
        applicant=ANH_FOR_HER_FATHER,
        procedure_name="Đăng ký khai sinh (thủ tục 1.001193)",
        documents=(
            DocumentItem(name="Tờ khai đăng ký khai sinh", originals=1),
            DocumentItem(name="Giấy chứng sinh", originals=1),
            DocumentItem(name="Giấy chứng nhận kết hôn của cha, mẹ", copies=1),
            DocumentItem(name="Văn bản ủy quyền có chứng thực", originals=1),
        ),
        sets=1,
        regulated_time="Ngay trong ngày làm việc",
        received_at=received_at,
        appointment_at=received_at.replace(hour=16, minute=30),
        result_at="Trung tâm Phục vụ hành chính công xã Mường Phăng (trực tiếp)",
        officer_name=DUONG,
        tracking_url=TRACKING_URL,
        ledger_book="03/2025",
        ledger_entry="0125",
    )


def completion_request() -> CompletionRequestData:
    return CompletionRequestData(
        header=COMMUNE_CENTER,
        number="18/PBS-TTPVHCC",
        issued_on=dt.date(2025, 7, 2),
        applicant=ANH,
        procedure_name="Đăng ký kết hôn",
        items=(
            "Bổ sung Giấy xác nhận tình trạng hôn nhân của bên nữ (bản chính).",
            "Tờ khai đăng ký kết hôn ghi thiếu ngày, tháng, năm sinh của bên nam; đề nghị khai lại.",
            "Xuất trình Căn cước của ông Lò Văn Đượng để đối chiếu.",
        ),
        reason="Hồ sơ chưa đầy đủ thành phần theo Điều 18 Luật Hộ tịch năm 2014.",
        contact_name="bà Quàng Thị Hương, công chức tư pháp - hộ tịch",
        contact_phone="0215 3825 111",
        officer_name=DUONG,
        received_at=at(2, 9, 40),
    )


def refusal() -> RefusalData:
    return RefusalData(
        header=COMMUNE_CENTER,
        number="7/PTC-TTPVHCC",
        issued_on=dt.date(2025, 7, 3),
        applicant=ANH,
        procedure_name="Cấp Giấy phép xây dựng nhà ở riêng lẻ",
        reasons=(
            "Thửa đất thuộc hành lang bảo vệ an toàn lưới điện cao áp, không đủ điều kiện cấp phép.",
            "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Mường Phăng.",
        ),
        officer_name=DUONG,
        code="",
    )


def apology(*, received_at: dt.datetime | None = None) -> ApologyData:
    received_at = received_at or at(2, 8, 15)
    return ApologyData(
        header=COMMUNE,
        number="3/PXL-UBND",
        issued_on=received_at.date() + dt.timedelta(days=6),
        addressee="Bà Nguyễn Thị Ngọc Ánh",
        applicant=ANH,
        procedure_name="Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất",
        code=CODE,
        received_at=received_at,
        original_appointment_at=received_at.replace(hour=16, minute=30) + dt.timedelta(days=7),
        reason="Cần xác minh nguồn gốc thửa đất với Văn phòng đăng ký đất đai tỉnh Điện Biên.",
        new_appointment_at=received_at + dt.timedelta(days=14),
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        signer_name=HEAD,
    )


def stop_notice() -> StopNoticeData:
    return StopNoticeData(
        header=COMMUNE_CENTER,
        number="2/TB-TTPVHCC",
        issued_on=dt.date(2025, 7, 8),
        applicant=ANH,
        procedure_name="Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        code=CODE,
        received_at=at(2, 8, 15),
        request_date=dt.date(2025, 7, 7),
        reason="Người yêu cầu tự nguyện rút hồ sơ để bổ sung giấy tờ chứng minh.",
        signer_name=DUONG,
    )


def control_sheet(*, received_at: dt.datetime | None = None) -> ControlSheetData:
    received_at = received_at or at(2, 8, 15)
    return ControlSheetData(
        header=COMMUNE_CENTER,
        number="125/PKS-TTPVHCC",
        code=CODE,
        deciding_agency="Ủy ban nhân dân xã Mường Phăng",
        coordinating_agencies=(
            "Công an xã Mường Phăng",
            "Văn phòng đăng ký đất đai tỉnh Điện Biên",
        ),
        received_at=received_at,
        appointment_at=received_at + dt.timedelta(days=7),
        rows=(
            Handover(
                from_agency="Trung tâm Phục vụ hành chính công xã Mường Phăng",
                from_person=DUONG,
                to_agency="Phòng Kinh tế xã Mường Phăng",
                to_person="Điêu Chính Tỉnh",
                at=received_at + dt.timedelta(hours=1),
                timeliness=Timeliness.EARLY,
            ),
            Handover(
                from_agency="Phòng Kinh tế xã Mường Phăng",
                from_person="Điêu Chính Tỉnh",
                to_agency="Lãnh đạo Ủy ban nhân dân xã",
                to_person=HEAD,
                at=received_at + dt.timedelta(days=5),
                timeliness=Timeliness.ON_TIME,
                note="Trình ký kết quả",
            ),
            Handover(
                from_agency="Lãnh đạo Ủy ban nhân dân xã",
                from_person=HEAD,
                to_agency="Trung tâm Phục vụ hành chính công xã Mường Phăng",
                to_person=DUONG,
                at=received_at + dt.timedelta(days=8),
                timeliness=Timeliness.LATE,
                note="Quá hạn 01 ngày, đã có Phiếu xin lỗi",
            ),
        ),
    )


LEDGER_PEOPLE = (
    ("Nguyễn Thị Ngọc Ánh", "Bản Phăng 2, xã Mường Phăng"),
    ("Lò Văn Đượng", "Bản Co Thón, xã Mường Phăng"),
    ("Công ty TNHH Thương mại Hoàng Đức", "Số 12 đường Võ Nguyên Giáp, phường Điện Biên Phủ"),
    ("Quàng Thị Hương", "Bản Khá, xã Mường Phăng"),
)


def ledger(*, rows: int = 4, issued_on: dt.date = dt.date(2025, 7, 31)) -> LedgerData:
    items = []
    for i in range(rows):
        name, address = LEDGER_PEOPLE[i % len(LEDGER_PEOPLE)]
        received = at(
            1 + i % 28, 8 + i % 8, (7 * i) % 60, month=issued_on.month, year=issued_on.year
        )
        returned = received + dt.timedelta(days=3) if i % 3 else None
        items.append(
            LedgerRow(
                index=i + 1,
                code=f"H11.03325-{received:%y%m%d}-{i + 1:04d}",
                procedure_name="Đăng ký khai sinh" if i % 2 else "Chứng thực bản sao từ bản chính",
                applicant_name=name,
                address=address,
                phone=f"0912 000 {i:03d}",
                deciding_agency="Ủy ban nhân dân xã Mường Phăng",
                received_at=received,
                appointment_at=received + dt.timedelta(days=5),
                returned_at=returned,
                return_method=(ReturnMethod.DESK, ReturnMethod.POST, ReturnMethod.ONLINE)[i % 3],
                signature=name if returned else "",
            )
        )
    return LedgerData(
        header=COMMUNE_CENTER,
        number="01/STD-TTPVHCC",
        issued_on=issued_on,
        field_name="Hộ tịch; Chứng thực",
        period_start=issued_on.replace(day=1),
        period_end=issued_on,
        rows=tuple(items),
    )


SAMPLES = {
    FormKind.RECEIPT: receipt,
    FormKind.COMPLETION_REQUEST: completion_request,
    FormKind.REFUSAL: refusal,
    FormKind.APOLOGY: apology,
    FormKind.STOP_NOTICE: stop_notice,
    FormKind.CONTROL_SHEET: control_sheet,
    FormKind.TRACKING_LEDGER: ledger,
}


def sample(kind: FormKind) -> FormData:
    data: FormData = SAMPLES[kind]()  # type: ignore[operator]
    return data


# --- tools ---------------------------------------------------------------------------------


def tool(name: str) -> str:
    """Path of a command-line tool. Without it: fail under CI (CI=true or
    MOTCUA_REQUIRE_BROWSER, as the root conftest's `_require`), else skip with the reason."""
    path = shutil.which(name)
    if path is None:
        package = {"zbarimg": "zbar-tools"}.get(name, "poppler-utils")
        reason = f"{name} not installed (apt-get install {package})"
        if os.environ.get("CI") == "true" or os.environ.get("MOTCUA_REQUIRE_BROWSER"):
            pytest.fail(f"{name} is required in CI: {reason}")
        pytest.skip(reason)
    return path


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def run(*args: str) -> str:
    done = subprocess.run(list(args), check=True, capture_output=True, timeout=120)
    return done.stdout.decode("utf-8")


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    flags = ["-layout"] if layout else []
    return nfc(run(tool("pdftotext"), *flags, "-enc", "UTF-8", str(path), "-"))


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    for line in run(tool("pdfinfo"), str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo printed no page count")


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb) for each font pdffonts lists."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    rows = run(tool("pdffonts"), str(path)).splitlines()[2:]
    result = []
    for row in rows:
        parts = row.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end.
        result.append((parts[0], parts[-5]))
    return result


def decode_symbols(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR / barcode zbarimg finds on page 1 at 200 dpi, one string per symbol."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    run(
        tool("pdftoppm"),
        "-r",
        "200",
        "-png",
        "-f",
        "1",
        "-l",
        "1",
        str(path),
        str(tmp_path / "scan"),
    )
    image = next(tmp_path.glob("scan*.png"))
    out = run(tool("zbarimg"), "--raw", "-q", str(image))
    return [line for line in out.splitlines() if line]


@pytest.fixture
def vn_time_zone(settings: object) -> None:
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"  # type: ignore[attr-defined]
