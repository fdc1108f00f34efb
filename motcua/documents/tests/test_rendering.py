"""The official forms, rendered to PDF and read back with poppler (text, fonts, pages) and zbar
(QR / Code 128): accents intact, codes decodable, output deterministic, 2018 titles for old
dossiers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from motcua.documents import barcodes
from motcua.documents.data import (
    EDITION_2025_FROM,
    Applicant,
    FormEdition,
    FormKind,
    ReceiptData,
    edition_for,
)
from motcua.documents.rendering import (
    FONT_FILES,
    _LocalOnlyFetcher,
    date_long,
    datetime_long,
    render_form,
    render_form_html,
)
from motcua.documents.tests import conftest as samples
from motcua.documents.tests.conftest import (
    CODE,
    TRACKING_URL,
    at,
    decode_symbols,
    nfc,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    run,
    sample,
    tool,
)

pytestmark = pytest.mark.usefixtures("vn_time_zone")
ROOT = Path(__file__).resolve().parents[3]


def flat(text: str) -> str:
    """Whitespace collapsed, so a phrase wrapped over two lines still matches."""
    return re.sub(r"\s+", " ", text)


def assert_texts(text: str, *needles: str) -> None:
    haystack = flat(nfc(text))
    missing = [n for n in needles if flat(nfc(n)) not in haystack]
    assert not missing, f"missing {missing!r} in:\n{text}"


COMMON = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

# Texts each form must show, besides the national name: the official wording and the data.
EXPECTED: dict[FormKind, tuple[str, ...]] = {
    FormKind.RECEIPT: (
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "ỦY BAN NHÂN DÂN XÃ MƯỜNG PHĂNG",
        "Số: 125/TNHS-TTPVHCC",
        "Mường Phăng, ngày 02 tháng 7 năm 2025",
        f"Mã hồ sơ: {CODE}",
        "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: Nguyễn Thị Ngọc Ánh",
        "Số định danh cá nhân/tổ chức: 011190001234",
        "Địa chỉ: Bản Phăng 2, xã Mường Phăng, tỉnh Điện Biên",
        "Số điện thoại: 0912 345 678",
        "Email: ngocanh.nguyen@example.vn",
        "Người ủy quyền: Nguyễn Văn Đức; số định danh cá nhân: 011060004321",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (thủ tục 1.001193)",
        "Thành phần hồ sơ nộp gồm:",
        "Giấy chứng nhận kết hôn của cha, mẹ",
        "Số lượng hồ sơ: 01 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định là: Ngay trong ngày làm việc",
        "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 02 tháng 7 năm 2025",
        "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 02 tháng 7 năm 2025",
        "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công xã Mường Phăng",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 03/2025, Số thứ tự: 0125",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "Lò Văn Đượng",
    ),
    FormKind.COMPLETION_REQUEST: (
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Số: 18/PBS-TTPVHCC",
        "Mường Phăng, ngày 02 tháng 7 năm 2025",
        "Hồ sơ của: Nguyễn Thị Ngọc Ánh",
        "Nội dung yêu cầu giải quyết: Đăng ký kết hôn",
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
        "1. Bổ sung Giấy xác nhận tình trạng hôn nhân của bên nữ (bản chính).",
        "3. Xuất trình Căn cước của ông Lò Văn Đượng để đối chiếu.",
        "Lý do: Hồ sơ chưa đầy đủ thành phần theo Điều 18 Luật Hộ tịch năm 2014.",
        "Ông/Bà liên hệ với bà Quàng Thị Hương, công chức tư pháp - hộ tịch số điện thoại"
        " 0215 3825 111 để được hướng dẫn./.",
        "NGƯỜI HƯỚNG DẪN",
        "Lò Văn Đượng",
    ),
    FormKind.REFUSAL: (
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Số: 7/PTC-TTPVHCC",
        "Mường Phăng, ngày 03 tháng 7 năm 2025",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Ngọc Ánh",
        "Số định danh cá nhân/tổ chức: 011190001234",
        "Mã hồ sơ (nếu có):",
        "Nội dung yêu cầu giải quyết: Cấp Giấy phép xây dựng nhà ở riêng lẻ",
        "Qua xem xét, Trung tâm Phục vụ hành chính công xã Mường Phăng thông báo không tiếp"
        " nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "Thửa đất thuộc hành lang bảo vệ an toàn lưới điện cao áp",
        "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Mường Phăng.",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ),
    FormKind.APOLOGY: (
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
        "Số: 3/PXL-UBND",
        "Mường Phăng, ngày 08 tháng 7 năm 2025",
        "Kính gửi: Bà Nguyễn Thị Ngọc Ánh",
        "Ngày 02 tháng 7 năm 2025, Ủy ban nhân dân xã Mường Phăng tiếp nhận giải quyết hồ sơ"
        " đề nghị giải quyết thủ tục hành chính Chứng thực hợp đồng chuyển nhượng quyền sử"
        " dụng đất",
        "số định danh: 011190001234",
        f"mã số hồ sơ: {CODE}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 09 tháng 7 năm 2025",
        "Tuy nhiên đến nay, Ủy ban nhân dân xã Mường Phăng chưa trả kết quả giải quyết hồ sơ",
        "Lý do: Cần xác minh nguồn gốc thửa đất với Văn phòng đăng ký đất đai tỉnh Điện Biên.",
        "xin trân trọng gửi lời xin lỗi đến Ông (Bà)/Tổ chức",
        "sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà/Tổ chức vào ngày 16 tháng 7 năm 2025",
        "Mong nhận được sự thông cảm của Ông/Bà/Tổ chức vì sự chậm trễ này./.",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Quàng Thị Hương",
    ),
    FormKind.STOP_NOTICE: (
        "Mẫu số 05",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Số: 2/TB-TTPVHCC",
        "Mường Phăng, ngày 08 tháng 7 năm 2025",
        "Kính gửi: Ông/Bà/Tổ chức Nguyễn Thị Ngọc Ánh",
        f"Mã hồ sơ: {CODE}",
        "Nội dung yêu cầu giải quyết: Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 02 tháng 7 năm 2025",
        "Ngày 07 tháng 7 năm 2025, Ông/Bà/Tổ chức đề nghị dừng giải quyết hồ sơ nêu trên.",
        "Lý do: Người yêu cầu tự nguyện rút hồ sơ để bổ sung giấy tờ chứng minh.",
        "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 08 tháng 7 năm 2025.",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lò Văn Đượng",
    ),
    FormKind.CONTROL_SHEET: (
        "Mẫu số 06",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Số: 125/PKS-TTPVHCC",
        f"Mã số hồ sơ: {CODE}",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Ủy ban nhân dân xã Mường Phăng",
        "Cơ quan phối hợp giải quyết hồ sơ: Công an xã Mường Phăng; Văn phòng đăng ký đất đai"
        " tỉnh Điện Biên",
        "Ngày nhận: 08 giờ 15 phút, ngày 02 tháng 7 năm 2025",
        "Hẹn trả kết quả vào: 08 giờ 15 phút, ngày 09 tháng 7 năm 2025",
        "Tên đơn vị",
        "1. Giao:",
        "2. Nhận:",
        "09 giờ 15 phút,",
        "ngày 02/07/2025",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Người giao",
        "Người nhận",
        "Điêu Chính Tỉnh",
        "Quàng Thị Hương",
        "Kết quả giải quyết hồ sơ do bên nhận nhập thông tin/ghi khi nhận bàn giao hồ sơ.",
    ),
    FormKind.TRACKING_LEDGER: (
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "Số: 01/STD-TTPVHCC",
        "Mường Phăng, ngày 31 tháng 7 năm 2025",
        "Lĩnh vực: Hộ tịch; Chứng thực",
        "Từ ngày 01/07/2025 đến ngày 31/07/2025",
        "STT",
        "Mã hồ sơ",
        "Tên TTHC",
        "Nhận và trả kết quả",
        "Ký nhận",
        "H11.03325-",
        "250702-0002",
        "Chứng thực bản sao",
        "Đăng ký khai sinh",
        "Nguyễn Thị Ngọc",
        "Lò Văn Đượng",
        "0912 000 001",
        "02/07/2025",
        "Trực tiếp",
        "Trực",
        "Sổ theo dõi hồ sơ được lập theo từng lĩnh vực hoặc nhóm lĩnh vực tại Bộ phận Một cửa.",
    ),
}


@pytest.mark.parametrize("kind", list(FormKind), ids=lambda k: k.value)
def test_each_form_shows_its_official_text_and_data_with_accents(kind, tmp_path):
    pdf = render_form(kind=kind, data=sample(kind))

    text = pdf_text(pdf, tmp_path)

    assert pdf.startswith(b"%PDF-")
    assert_texts(text, *COMMON, *EXPECTED[kind])
    assert unicodedata.is_normalized("NFC", text)
    assert "\ufffd" not in text  # no replacement character: every glyph extracted


@pytest.mark.parametrize("kind", list(FormKind), ids=lambda k: k.value)
def test_each_sample_form_fits_on_one_page(kind, tmp_path):
    assert pdf_pages(render_form(kind=kind, data=sample(kind)), tmp_path) == 1


def test_a_long_ledger_runs_over_pages_with_its_header_repeated_and_page_numbers(tmp_path):
    pdf = render_form(kind=FormKind.TRACKING_LEDGER, data=samples.ledger(rows=60))

    pages = pdf_pages(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)

    assert 3 <= pages <= 12
    assert text.count("Nhận và trả kết quả") == pages  # the column headings on every page
    assert text.count("SỔ THEO DÕI HỒ SƠ") == 1
    for index in (1, 30, 60):
        assert f"-{index:04d}" in text
    second_page = text.split("\f")[1]
    assert second_page.strip().startswith("2")  # page numbers from page 2


def test_the_receipt_qr_decodes_to_the_tracking_url_and_the_barcode_to_the_code(tmp_path):
    pdf = render_form(kind=FormKind.RECEIPT, data=samples.receipt())

    symbols = decode_symbols(pdf, tmp_path)

    assert sorted(symbols) == sorted([TRACKING_URL, CODE])
    assert CODE in pdf_text(pdf, tmp_path)  # printed under the barcode too


@pytest.mark.parametrize(
    "code",
    [
        "000.00.15.H38-250702-0015",  # TT 01/2018 format
        "H11.01.01-260125-AA0123456",  # TT 04/2025 centralised format
        "G09.20-251231-9999",
    ],
)
@pytest.mark.parametrize("dpi", [150, 300])
def test_the_barcode_decodes_for_every_code_format_at_low_and_high_resolution(code, dpi, tmp_path):
    url = f"https://dichvucong.gov.vn/p/tracuu?ma={code}&lang=vi"
    data = dataclasses.replace(samples.receipt(), code=code, tracking_url=url)
    path = tmp_path / "r.pdf"
    path.write_bytes(render_form(kind=FormKind.RECEIPT, data=data))

    run(tool("pdftoppm"), "-r", str(dpi), "-png", str(path), str(tmp_path / "p"))
    found = run(tool("zbarimg"), "--raw", "-q", str(next(tmp_path.glob("p*.png")))).split()

    assert sorted(found) == sorted([url, code])


@pytest.mark.parametrize("kind", list(FormKind), ids=lambda k: k.value)
def test_rendering_the_same_data_twice_gives_the_same_bytes(kind):
    first = render_form(kind=kind, data=sample(kind))
    second = render_form(kind=kind, data=sample(kind))

    assert first == second


def test_different_data_gives_a_different_pdf_and_identifier():
    a = render_form(kind=FormKind.RECEIPT, data=samples.receipt())
    b = render_form(kind=FormKind.RECEIPT, data=samples.receipt(received_at=at(3, 9, 0)))

    assert a != b
    ids = [re.search(rb"/ID \[<?\(?([0-9a-f]{32})", pdf) for pdf in (a, b)]
    assert all(ids) and ids[0].group(1) != ids[1].group(1)  # type: ignore[union-attr]


def test_a_fresh_process_without_any_system_font_gives_the_same_bytes(tmp_path):
    """Determinism across processes, and proof that only the bundled fonts are used: with an
    empty Fontconfig (no system fonts at all) the PDF is byte-identical."""
    here = {
        kind: hashlib.sha256(render_form(kind=kind, data=sample(kind))).hexdigest()
        for kind in FormKind
    }
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    script = (
        "import hashlib, django; django.setup()\n"
        "from motcua.documents.data import FormKind\n"
        "from motcua.documents.rendering import render_form\n"
        "from motcua.documents.tests.conftest import sample\n"
        "for kind in FormKind:\n"
        "    pdf = render_form(kind=kind, data=sample(kind))\n"
        "    print(kind.value, hashlib.sha256(pdf).hexdigest())\n"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONWARNINGS": "ignore",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()

    kinds = {kind.value for kind in FormKind}
    lines = [line.split() for line in done.stdout.decode().splitlines()]
    there = {words[0]: words[1] for words in lines if len(words) == 2 and words[0] in kinds}
    assert there == {kind.value: digest for kind, digest in here.items()}


def test_pdf_dates_come_from_the_data_not_the_clock(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(render_form(kind=FormKind.RECEIPT, data=samples.receipt()))

    info = run(tool("pdfinfo"), "-isodates", str(path))

    # received 08:15 on 02/07/2025 Vietnam time = 01:15 UTC
    assert re.search(r"CreationDate:\s+2025-07-02T08:15:00\+07", info) or re.search(
        r"CreationDate:\s+2025-07-02T01:15:00Z", info
    ), info
    assert "ModDate:" in info
    assert "Title:" in info and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in nfc(info)


@pytest.mark.parametrize("kind", [FormKind.RECEIPT, FormKind.TRACKING_LEDGER])
def test_fonts_are_the_bundled_noto_faces_all_embedded(kind, tmp_path):
    fonts = pdf_fonts(render_form(kind=kind, data=sample(kind)), tmp_path)

    names = {name.split("+", 1)[-1] for name, _ in fonts}
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert "Noto-Serif-Motcua" in names  # Noto Serif, regular
    assert "Noto-Serif-Motcua-Bold" in names
    assert all(name.startswith(("Noto-Serif", "Noto-Sans")) for name in names), names


def test_the_receipt_uses_every_bundled_face(tmp_path):
    fonts = pdf_fonts(render_form(kind=FormKind.RECEIPT, data=samples.receipt()), tmp_path)

    names = {name.split("+", 1)[-1] for name, _ in fonts}
    assert names == {
        "Noto-Serif-Motcua",
        "Noto-Serif-Motcua-Bold",
        "Noto-Serif-Motcua-Italic",
        "Noto-Sans-Motcua",
        "Noto-Sans-Motcua-Bold",
    }
    assert all(path.exists() for path in FONT_FILES.values())


# --- 2018 editions -------------------------------------------------------------------------


def test_the_edition_switches_on_1_july_2025():
    assert dt.date(2025, 7, 1) == EDITION_2025_FROM
    assert edition_for(dt.date(2025, 6, 30)) is FormEdition.TT01_2018
    assert edition_for(dt.date(2025, 7, 1)) is FormEdition.TT03_2025
    assert edition_for(dt.datetime(2019, 1, 6, 9, 0)) is FormEdition.TT01_2018
    assert edition_for(None) is FormEdition.TT03_2025


def test_form_numbers_and_titles_of_both_editions():
    assert [k.number for k in FormKind] == ["01", "02", "03", "04", "05", "06", "07"]
    old = FormEdition.TT01_2018
    assert FormKind.APOLOGY.title(old) == "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
    assert FormKind.CONTROL_SHEET.number_in(old) == "05"
    assert FormKind.TRACKING_LEDGER.number_in(old) == "06"
    assert FormKind.STOP_NOTICE.number_in(old) is None


def test_an_apology_for_a_dossier_received_before_july_2025_has_the_2018_title(tmp_path):
    old = samples.apology(received_at=at(30, 14, 5, month=6))

    text = pdf_text(render_form(kind=FormKind.APOLOGY, data=old), tmp_path)

    assert_texts(text, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Mẫu số 04")
    assert "ĐỀ NGHỊ GIA HẠN" not in text
    assert "Chữ ký số" not in text  # the 2018 forms had no digital-signature line


def test_a_dossier_received_on_1_july_2025_gets_the_2025_title(tmp_path):
    new = samples.apology(received_at=at(1, 7, 30))

    text = pdf_text(render_form(kind=FormKind.APOLOGY, data=new), tmp_path)

    assert_texts(text, "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")


def test_the_edition_follows_the_local_date_not_the_utc_date(tmp_path):
    # 30/6/2025 17:30 UTC is 01/7/2025 00:30 in Vietnam: a 2025 dossier.
    utc = dt.datetime(2025, 6, 30, 17, 30, tzinfo=dt.UTC)
    text = pdf_text(
        render_form(kind=FormKind.APOLOGY, data=samples.apology(received_at=utc)), tmp_path
    )

    assert_texts(text, "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")


@pytest.mark.parametrize(
    ("kind", "number"), [(FormKind.CONTROL_SHEET, "05"), (FormKind.RECEIPT, "01")]
)
def test_old_dossiers_get_the_2018_form_numbers(kind, number, tmp_path):
    received = at(15, 9, 0, month=3, year=2024)
    data = SAMPLES_AT[kind](received_at=received)

    text = pdf_text(render_form(kind=kind, data=data), tmp_path)

    assert_texts(text, f"Mẫu số {number}", kind.title(FormEdition.TT01_2018))


def test_an_old_ledger_is_the_2018_mau_06(tmp_path):
    data = samples.ledger(issued_on=dt.date(2024, 12, 31))

    text = pdf_text(render_form(kind=FormKind.TRACKING_LEDGER, data=data), tmp_path)

    assert_texts(text, "Mẫu số 06", "SỔ THEO DÕI HỒ SƠ")


def test_an_explicit_edition_wins_over_the_date(tmp_path):
    data = dataclasses.replace(samples.apology(), edition=FormEdition.TT01_2018)

    text = pdf_text(render_form(kind=FormKind.APOLOGY, data=data), tmp_path)

    assert_texts(text, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")


SAMPLES_AT = {
    FormKind.CONTROL_SHEET: samples.control_sheet,
    FormKind.RECEIPT: samples.receipt,
}


# --- text, HTML, safety --------------------------------------------------------------------


def test_decomposed_input_comes_out_composed(tmp_path):
    name = "Ủy ban nhân dân xã Mường Phăng"
    applicant = Applicant(name=unicodedata.normalize("NFD", "Lò Văn Đượng"))
    data = dataclasses.replace(
        samples.refusal(), applicant=applicant, reasons=(unicodedata.normalize("NFD", name),)
    )

    html = render_form_html(kind=FormKind.REFUSAL, data=data)
    text = pdf_text(render_form(kind=FormKind.REFUSAL, data=data), tmp_path)

    assert unicodedata.is_normalized("NFC", html)
    assert "Lò Văn Đượng" in text and name in text


def test_the_html_preview_is_a_complete_escaped_document():
    data = dataclasses.replace(
        samples.receipt(), applicant=Applicant(name='Lò Văn Đượng <img src="http://x/y">')
    )

    html = render_form_html(kind=FormKind.RECEIPT, data=data)

    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html
    assert "Lò Văn Đượng &lt;img src=&quot;http://x/y&quot;&gt;" in html
    assert 'src="http://x/y"' not in html
    assert html.count('src="data:image/svg+xml;base64,') == 2  # QR and barcode
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html


def test_the_renderer_loads_only_the_bundled_fonts_and_data_uris():
    fetcher = _LocalOnlyFetcher()

    for url in ("http://example.com/a.css", "file:///etc/passwd", "https://dichvucong.gov.vn/"):
        with pytest.raises(ValueError, match="refusing"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,eGluIGNow6Bv").read() == "xin chào".encode()
    assert fetcher.fetch(FONT_FILES["serif_regular"].as_uri()).read(4) == b"\x00\x01\x00\x00"


def test_the_wrong_shape_for_a_kind_is_a_type_error():
    with pytest.raises(TypeError, match="RECEIPT needs ReceiptData"):
        render_form(kind=FormKind.RECEIPT, data=samples.refusal())


def test_dates_follow_decree_30_and_vietnam_time():
    assert date_long(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert date_long(dt.date(2025, 2, 28)) == "ngày 28 tháng 02 năm 2025"
    assert date_long(dt.date(2025, 12, 25)) == "ngày 25 tháng 12 năm 2025"
    utc = dt.datetime(2025, 7, 1, 20, 5, tzinfo=dt.UTC)
    assert datetime_long(utc) == "03 giờ 05 phút, ngày 02 tháng 7 năm 2025"


def test_svg_helpers_give_standalone_deterministic_svg():
    for svg in (barcodes.qr_svg(TRACKING_URL), barcodes.code128_svg(CODE)):
        assert svg.startswith("<svg ")
        assert 'xmlns="http://www.w3.org/2000/svg"' in svg
        assert "<?xml" not in svg and "<!--" not in svg
    assert barcodes.qr_svg(TRACKING_URL) == barcodes.qr_svg(TRACKING_URL)
    assert barcodes.code128_svg(CODE) == barcodes.code128_svg(CODE)
    with pytest.raises(ValueError):
        barcodes.code128_svg("")
    with pytest.raises(ValueError):
        barcodes.qr_svg("")


def test_receipt_data_is_frozen_and_keyword_only():
    data = samples.receipt()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.code = "X"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ReceiptData(samples.COMMUNE_CENTER)  # type: ignore[misc]
