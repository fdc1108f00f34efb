"""Public shapes of the documents app (stdlib only): what each official form needs.

The dossiers app builds these from its rows and calls ``documents.api``/``rendering`` with
them; documents never imports dossiers. All dataclasses are frozen and keyword-only.

Datetimes should be timezone-aware (they are printed in ``settings.TIME_ZONE``, Vietnam time);
a naive datetime is taken as already local. Texts are printed as given (after NFC
normalisation): pass Vietnamese with its diacritics.

Forms (domain.md §2.1): TT 03/2025/TT-VPCP Phụ lục I, Mẫu 01–07, for dossiers received from
01/07/2025 (Decree 118/2025); TT 01/2018/TT-VPCP Mẫu 01–06 for older dossiers.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

# Decree 118/2025/NĐ-CP took effect on this date; dossiers received before it keep the
# TT 01/2018/TT-VPCP titles and numbering.
EDITION_2025_FROM = dt.date(2025, 7, 1)


class FormEdition(enum.Enum):
    """Which circular's form set a document follows."""

    TT01_2018 = "tt01_2018"  # Thông tư 01/2018/TT-VPCP (Decree 61/2018)
    TT03_2025 = "tt03_2025"  # Thông tư 03/2025/TT-VPCP (Decree 118/2025)

    @property
    def circular(self) -> str:
        return _CIRCULARS[self]


_CIRCULARS = {
    FormEdition.TT01_2018: "Thông tư số 01/2018/TT-VPCP",
    FormEdition.TT03_2025: "Thông tư số 03/2025/TT-VPCP",
}


def edition_for(day: dt.date | dt.datetime | None) -> FormEdition:
    """The edition for a dossier received on ``day``: 2018 before 01/07/2025, else 2025.

    ``None`` (no receipt date known) gives the current edition. A datetime is compared by its
    own date, so pass a local (Vietnam) datetime or a date."""
    if day is None:
        return FormEdition.TT03_2025
    if isinstance(day, dt.datetime):
        day = day.date()
    return FormEdition.TT01_2018 if day < EDITION_2025_FROM else FormEdition.TT03_2025


class FormKind(enum.Enum):
    """The seven forms of TT 03/2025 Phụ lục I, by their 2025 number."""

    RECEIPT = "receipt"  # 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    COMPLETION_REQUEST = "completion_request"  # 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # 04 Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết
    STOP_NOTICE = "stop_notice"  # 05 Thông báo dừng giải quyết hồ sơ
    CONTROL_SHEET = "control_sheet"  # 06 Phiếu kiểm soát quá trình giải quyết hồ sơ
    TRACKING_LEDGER = "tracking_ledger"  # 07 Sổ theo dõi hồ sơ

    @property
    def number(self) -> str:
        """The form number in TT 03/2025, two digits ("01"…"07")."""
        return _NUMBERS_2025[self]

    def number_in(self, edition: FormEdition) -> str | None:
        """The form number in ``edition``; ``None`` when that edition has no such form (the
        stop notice did not exist in TT 01/2018)."""
        if edition is FormEdition.TT03_2025:
            return _NUMBERS_2025[self]
        return _NUMBERS_2018.get(self)

    def file_name(self, code: str) -> str:
        """The file name a rendered form is stored and downloaded under: its Vietnamese name
        without diacritics and the dossier code, e.g. giay-tiep-nhan-H11.01.01-250702-0001.pdf
        (ASCII only, safe in every browser and file system)."""
        return f"{_FILE_STEMS[self]}-{code}.pdf"

    def title(self, edition: FormEdition = FormEdition.TT03_2025) -> str:
        """The official title, upper-case as printed."""
        if edition is FormEdition.TT01_2018 and self in _TITLES_2018:
            return _TITLES_2018[self]
        return _TITLES_2025[self]


_FILE_STEMS = {
    FormKind.RECEIPT: "giay-tiep-nhan",
    FormKind.COMPLETION_REQUEST: "phieu-yeu-cau-bo-sung",
    FormKind.REFUSAL: "phieu-tu-choi",
    FormKind.APOLOGY: "phieu-xin-loi",
    FormKind.STOP_NOTICE: "thong-bao-dung-giai-quyet",
    FormKind.CONTROL_SHEET: "phieu-kiem-soat",
    FormKind.TRACKING_LEDGER: "so-theo-doi-ho-so",
}
_NUMBERS_2025 = {
    FormKind.RECEIPT: "01",
    FormKind.COMPLETION_REQUEST: "02",
    FormKind.REFUSAL: "03",
    FormKind.APOLOGY: "04",
    FormKind.STOP_NOTICE: "05",
    FormKind.CONTROL_SHEET: "06",
    FormKind.TRACKING_LEDGER: "07",
}
_NUMBERS_2018 = {
    FormKind.RECEIPT: "01",
    FormKind.COMPLETION_REQUEST: "02",
    FormKind.REFUSAL: "03",
    FormKind.APOLOGY: "04",
    FormKind.CONTROL_SHEET: "05",
    FormKind.TRACKING_LEDGER: "06",
}
_TITLES_2025 = {
    FormKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormKind.COMPLETION_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormKind.APOLOGY: "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    FormKind.STOP_NOTICE: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    FormKind.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    FormKind.TRACKING_LEDGER: "SỔ THEO DÕI HỒ SƠ",
}
_TITLES_2018 = {
    FormKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormKind.COMPLETION_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormKind.APOLOGY: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    FormKind.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    FormKind.TRACKING_LEDGER: "SỔ THEO DÕI HỒ SƠ",
}


class Timeliness(enum.Enum):
    """Result of a handover on the control sheet (same values as the dossier outcome)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}[self.value]


class ReturnMethod(enum.Enum):
    """How the applicant receives the result (same values as the dossier's return method)."""

    DESK = "desk"
    POST = "post"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {
            "desk": "Trực tiếp",
            "post": "Bưu chính công ích",
            "online": "Trực tuyến",
        }[self.value]


@dataclass(frozen=True, kw_only=True)
class AgencyHeader:
    """Top-left block of the form, and the place on the date line.

    ``name`` is the issuing unit (e.g. "Trung tâm Phục vụ hành chính công xã Mường Phăng"),
    ``parent_name`` the unit above it ("Ủy ban nhân dân xã Mường Phăng"); both are printed
    upper-case. ``place`` is the locality of "<place>, ngày … tháng … năm …"."""

    name: str
    parent_name: str = ""
    place: str = ""


@dataclass(frozen=True, kw_only=True)
class Authorisation:
    """When the submitter acts for someone: the person who authorised them (người ủy quyền)
    and the authorisation paper (giấy tờ ủy quyền)."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    document: str = ""  # e.g. "Giấy ủy quyền số 15/GUQ ngày 01/7/2025"


@dataclass(frozen=True, kw_only=True)
class Applicant:
    """The person or organisation the dossier is from. ``id_number`` is the personal
    identification number (số định danh cá nhân) or, for an organisation, its tax /
    registration code (số định danh tổ chức)."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    authorisation: Authorisation | None = None


@dataclass(frozen=True, kw_only=True)
class DocumentItem:
    """One paper of the dossier: its name and how many originals and copies were received."""

    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True, kw_only=True)
class ReceiptData:
    """Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    header: AgencyHeader
    number: str  # "125/TNHS-TTPVHCC"
    code: str  # the dossier code (mã hồ sơ)
    applicant: Applicant
    procedure_name: str  # Nội dung yêu cầu giải quyết
    documents: tuple[DocumentItem, ...]
    sets: int = 1  # Số lượng hồ sơ (bộ)
    regulated_time: str  # "05 ngày làm việc"
    received_at: dt.datetime
    appointment_at: dt.datetime
    result_at: str  # Đăng ký nhận kết quả tại
    officer_name: str  # Người tiếp nhận hồ sơ
    tracking_url: str  # encoded in the QR code
    # The tracking PIN (printed beside the QR code: with the code it opens the tracking page).
    lookup_pin: str = ""
    # The tracking page's address, printed for those who type it (defaults to tracking_url
    # without its query).
    tracking_page: str = ""
    desk_name: str = ""  # the receiving centre's line; defaults to header.name
    ledger_book: str = ""  # Vào Sổ theo dõi hồ sơ, Quyển số …
    ledger_entry: str = ""  # … Số thứ tự
    issued_on: dt.date | None = None  # date line; defaults to the local date of received_at
    edition: FormEdition | None = None  # defaults to edition_for(received_at)


@dataclass(frozen=True, kw_only=True)
class CompletionRequestData:
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    header: AgencyHeader
    number: str  # "12/PBS-TTPVHCC"
    issued_on: dt.date
    applicant: Applicant  # Hồ sơ của; address, phone, email
    procedure_name: str
    items: tuple[str, ...]  # Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau
    reason: str
    contact_name: str  # "Ông/Bà liên hệ với … số điện thoại …"
    contact_phone: str
    officer_name: str  # Người hướng dẫn
    code: str = ""  # the dossier code when one exists (printed small, not on the official form)
    received_at: dt.datetime | None = None  # chooses the edition; else issued_on does
    edition: FormEdition | None = None


@dataclass(frozen=True, kw_only=True)
class RefusalData:
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    header: AgencyHeader
    number: str  # "7/PTC-TTPVHCC"
    issued_on: dt.date
    applicant: Applicant
    procedure_name: str
    reasons: tuple[str, ...]
    officer_name: str  # Người tiếp nhận hồ sơ
    code: str = ""  # Mã hồ sơ (nếu có)
    desk_name: str = ""  # defaults to header.name
    received_at: dt.datetime | None = None
    edition: FormEdition | None = None


@dataclass(frozen=True, kw_only=True)
class ApologyData:
    """Mẫu 04 — Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết (2018: Phiếu xin lỗi và
    hẹn lại ngày trả kết quả). Issued by the deciding agency, signed by its head."""

    header: AgencyHeader  # the deciding agency
    number: str  # "3/PXL"
    issued_on: dt.date
    addressee: str  # Kính gửi
    applicant: Applicant
    procedure_name: str
    code: str
    received_at: dt.datetime
    original_appointment_at: dt.datetime
    reason: str
    new_appointment_at: dt.datetime | dt.date
    signer_name: str
    # As printed above the signature; "\n" splits lines, e.g. "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
    agency_name: str = ""  # "(tên cơ quan, đơn vị)" in the text; defaults to header.name
    edition: FormEdition | None = None


@dataclass(frozen=True, kw_only=True)
class StopNoticeData:
    """Mẫu 05 — Thông báo dừng giải quyết hồ sơ (TT 03/2025 Art 7). The official fields are
    UNCONFIRMED (domain.md §13.2); this is our layout: who asked, when, why, which dossier."""

    header: AgencyHeader
    number: str  # "2/TB-TTPVHCC"
    issued_on: dt.date
    applicant: Applicant
    procedure_name: str
    code: str
    received_at: dt.datetime
    request_date: dt.date  # the day the applicant asked to stop
    reason: str
    signer_name: str
    signer_title: str = "NGƯỜI TIẾP NHẬN HỒ SƠ"
    desk_name: str = ""  # defaults to header.name


@dataclass(frozen=True, kw_only=True)
class Handover:
    """One row of the control sheet: unit and person handing over → unit and person
    receiving, when, and the result at that moment."""

    from_agency: str
    from_person: str = ""
    to_agency: str
    to_person: str = ""
    at: dt.datetime
    timeliness: Timeliness | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ControlSheetData:
    """Mẫu 06 (2018: Mẫu 05) — Phiếu kiểm soát quá trình giải quyết hồ sơ."""

    header: AgencyHeader
    number: str  # "125/PKS-TTPVHCC"
    code: str
    deciding_agency: str  # Cơ quan (bộ phận) giải quyết hồ sơ
    received_at: dt.datetime  # Ngày nhận
    appointment_at: dt.datetime  # Hẹn trả kết quả
    rows: tuple[Handover, ...]
    coordinating_agencies: tuple[str, ...] = ()  # Cơ quan phối hợp giải quyết hồ sơ
    issued_on: dt.date | None = None  # defaults to the local date of received_at
    edition: FormEdition | None = None


@dataclass(frozen=True, kw_only=True)
class LedgerRow:
    """One dossier in the tracking ledger."""

    index: int  # STT
    code: str
    procedure_name: str
    applicant_name: str
    address: str = ""
    phone: str = ""
    deciding_agency: str
    received_at: dt.datetime
    appointment_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    return_method: ReturnMethod | None = None
    signature: str = ""  # Ký nhận: name of who signed for the result, or blank for ink


@dataclass(frozen=True, kw_only=True)
class LedgerData:
    """Mẫu 07 (2018: Mẫu 06) — Sổ theo dõi hồ sơ, kept per field or group of fields."""

    header: AgencyHeader
    number: str  # "01/STD-TTPVHCC"
    issued_on: dt.date
    rows: tuple[LedgerRow, ...]
    field_name: str = ""  # Lĩnh vực (the ledger is kept per field or group of fields)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    edition: FormEdition | None = None  # a ledger spans dossiers: pick it, or issued_on decides


FormData = (
    ReceiptData
    | CompletionRequestData
    | RefusalData
    | ApologyData
    | StopNoticeData
    | ControlSheetData
    | LedgerData
)

DATA_TYPES: dict[FormKind, type] = {
    FormKind.RECEIPT: ReceiptData,
    FormKind.COMPLETION_REQUEST: CompletionRequestData,
    FormKind.REFUSAL: RefusalData,
    FormKind.APOLOGY: ApologyData,
    FormKind.STOP_NOTICE: StopNoticeData,
    FormKind.CONTROL_SHEET: ControlSheetData,
    FormKind.TRACKING_LEDGER: LedgerData,
}
