"""The official report as Excel (Biểu số 06/VPCP/KSTT), opened with openpyxl: the header
block, the official headings and their numbering (1)–(13), one row per group, the totals
equal to the API's JSON, the signature lines; and the period labels."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from motcua.reports.api import period_label, resolution_report, resolution_xlsx
from motcua.reports.exports import EXTRA_COLUMNS, FORM_FIGURES, HEAD
from motcua.reports.tests.test_api import WEEK, get, history  # noqa: F401 - the fixture

NUMBERS = HEAD + 3  # the numbering row
FIRST = HEAD + 4  # the first row of figures


def _sheet(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book, book.worksheets[0]


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("group_by", ["agency", "procedure", "level", "field"])
@pytest.mark.usefixtures("history")
def test_the_workbook_through_the_api_matches_the_json(group_by):
    params = {**WEEK, "group_by": group_by}
    data = get("giamsat", params).json()
    response = get("giamsat", {**params, "format": "xlsx"})
    assert response.status_code == 200
    book, ws = _sheet(response.content)
    texts = _texts(ws)
    assert ws["A1"].value == "Biểu số 06/VPCP/KSTT"
    assert any(t.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH") for t in texts)
    assert "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Điện Biên" in texts
    assert "(Từ ngày 02/03/2026 đến ngày 06/03/2026)" in texts
    assert "Kỳ báo cáo: Từ ngày 02/03/2026 đến ngày 06/03/2026" in texts
    for heading in (
        "STT",
        "Lĩnh vực, công việc giải quyết theo cấp",
        "Số hồ sơ nhận giải quyết",
        "Trong kỳ",
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước",
        "Kết quả giải quyết",
        "Số hồ sơ đã giải quyết",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Số hồ sơ đang giải quyết",
        "Trong hạn",
    ):
        assert heading in texts, heading
    assert [c.value for c in ws[NUMBERS]][:13] == [f"({n})" for n in range(1, 14)]

    rows = data["rows"]
    for index, row in enumerate(rows):
        cells = [c.value for c in ws[FIRST + index]][:13]
        assert cells[0] == index + 1
        assert row["label"] in cells[1]
        assert cells[2:] == [row[name] for name in FORM_FIGURES]
    total = [c.value for c in ws[FIRST + len(rows)]][:13]
    assert total[1] == "Tổng cộng"
    assert total[2:] == [data["total"][name] for name in FORM_FIGURES]
    assert all(isinstance(v, int) for v in total[2:])  # numbers, not text
    # The identities of the form: (3) = (4) + (5) + (6) = (7) + (11); (7) = (8) + (9) + (10).
    assert total[2] == sum(total[3:6]) == total[6] + total[10]
    assert total[6] == sum(total[7:10]) and total[10] == sum(total[11:13])
    assert "NGƯỜI LẬP BIỂU" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts
    assert any(t.startswith("Điện Biên, ngày ") for t in texts)

    extras = book.worksheets[1]
    last = [c.value for c in extras[extras.max_row]]
    assert last[1] == "Tổng cộng"
    assert last[2:] == [data["total"][name] for _h, name, _f in EXTRA_COLUMNS]


@pytest.mark.usefixtures("history")
def test_an_officers_workbook_names_their_agency():
    response = get("ld", {"from": "2026-03-01", "to": "2026-03-31", "format": "xlsx"})
    _book, ws = _sheet(response.content)
    texts = _texts(ws)
    assert "Đơn vị báo cáo: Sở Công Thương" in texts
    assert "Kỳ báo cáo: Tháng 3 năm 2026" in texts
    assert "(Từ ngày 01/03/2026 đến ngày 31/03/2026)" in texts


@pytest.mark.usefixtures("history")
def test_resolution_xlsx_direct():
    report = resolution_report(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 6))
    content = resolution_xlsx(
        report=report,
        unit_name="Sở Công Thương",
        period_label="Tuần 10",
        recipient_name="Văn phòng UBND tỉnh",
        place="Điện Biên",
        signed_on=dt.date(2026, 3, 9),
        preparer="Nguyễn Văn A",
        head="Trần Thị B",
        extras=False,
    )
    book, ws = _sheet(content)
    assert len(book.worksheets) == 1
    texts = _texts(ws)
    assert "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh" in texts
    assert "Điện Biên, ngày 09 tháng 03 năm 2026" in texts
    assert {"Nguyễn Văn A", "Trần Thị B", "Kỳ báo cáo: Tuần 10"} <= set(texts)
    assert ws.column_dimensions["B"].width >= 30


def test_an_empty_report_still_has_its_totals_row(db):
    report = resolution_report(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31))
    _book, ws = _sheet(resolution_xlsx(report=report, unit_name="X", period_label="Tháng 1"))
    assert [c.value for c in ws[FIRST]][1:4] == ["Tổng cộng", 0, 0]


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        ("2026-03-01", "2026-03-31", "Tháng 3 năm 2026"),
        ("2024-02-01", "2024-02-29", "Tháng 2 năm 2024"),
        ("2026-01-01", "2026-03-31", "Quý I năm 2026"),
        ("2026-10-01", "2026-12-31", "Quý IV năm 2026"),
        ("2026-01-01", "2026-06-30", "6 tháng đầu năm 2026"),
        ("2026-07-01", "2026-12-31", "6 tháng cuối năm 2026"),
        ("2026-01-01", "2026-12-31", "Năm 2026"),
        ("2026-02-01", "2026-03-31", "Từ ngày 01/02/2026 đến ngày 31/03/2026"),
        ("2026-03-02", "2026-03-06", "Từ ngày 02/03/2026 đến ngày 06/03/2026"),
        ("2025-12-01", "2026-01-31", "Từ ngày 01/12/2025 đến ngày 31/01/2026"),
    ],
)
def test_period_label(first, last, label):
    assert (
        period_label(date_from=dt.date.fromisoformat(first), date_to=dt.date.fromisoformat(last))
        == label
    )
