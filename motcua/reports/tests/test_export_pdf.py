"""The official report as a PDF (Biểu số 06/VPCP/KSTT), read back with pdftotext: the header
block, the official headings and their numbering (1)–(13) on every page of the form, one row
per group, the totals equal to the API's JSON, the signature lines, the page numbers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from motcua.reports.data import GroupBy, ResolutionReport, ResolutionRow
from motcua.reports.exports import FORM_FIGURES, resolution_pdf, resolution_pdf_html
from motcua.reports.tests.test_api import WEEK, get, history  # noqa: F401 - the fixture


def pdf_text(content: bytes, tmp_path: Path, *, layout: bool = True) -> list[str]:
    """The text of each page (pdftotext; pages split on form feeds)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603
    return out.split("\f")[:-1]


def vi(value: int) -> str:
    """A count as the PDF prints it: 1.234."""
    return f"{value:,}".replace(",", ".")


def numbers_of(line: str) -> list[str]:
    return re.findall(r"-?\d[\d.]*", line)


@pytest.mark.parametrize("group_by", ["agency", "procedure"])
@pytest.mark.usefixtures("history")
def test_the_pdf_through_the_api_matches_the_json(group_by, tmp_path):
    params = {**WEEK, "group_by": group_by}
    data = get("giamsat", params).json()
    response = get("giamsat", {**params, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bieu-06-20260302-20260306.pdf"'
    assert response.content.startswith(b"%PDF-")
    pages = pdf_text(response.content, tmp_path)
    form = pages[0]
    flat = " ".join(form.split())
    assert "Biểu số 06/VPCP/KSTT" in flat
    assert "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Điện Biên" in flat
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in flat
    assert "Kỳ báo cáo: Từ ngày 02/03/2026 đến ngày 06/03/2026" in flat
    assert "(Từ ngày 02/03/2026 đến ngày 06/03/2026)" in flat
    assert "Đơn vị tính: Số hồ sơ TTHC" in flat
    for heading in (
        "STT",
        "Số hồ sơ nhận giải quyết",
        "Kết quả giải quyết",
        "Trong kỳ",
        "Từ kỳ",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
        "Trực",
        "Trước",
        "Đúng",
        "Quá",
    ):
        assert heading in flat, heading
    numbering = next(line for line in form.splitlines() if "(1)" in line)
    assert re.findall(r"\((\d+)\)", numbering) == [str(n) for n in range(1, 14)]
    for row in data["rows"]:
        assert row["label"].split()[0] in flat
    total = next(line for line in form.splitlines() if "Tổng cộng" in line)
    assert numbers_of(total) == [vi(data["total"][name]) for name in FORM_FIGURES]
    assert data["total"]["received_total"] > 0
    assert "NGƯỜI LẬP BIỂU" in flat and "THỦ TRƯỞNG ĐƠN VỊ" in flat
    assert "(Ký, ghi rõ họ tên)" in flat and "(Ký tên, đóng dấu)" in flat
    assert re.search(r"Điện Biên, ngày \d\d tháng \d+ năm \d{4}", flat)
    # The extra columns on a page of their own, with the same total row.
    assert "CHỈ TIÊU BỔ SUNG" in pages[-1]
    assert len(pages) == 2
    assert "Trang 1/2" in pages[0] and "Trang 2/2" in pages[1]


@pytest.mark.usefixtures("history")
def test_the_pdf_is_refused_like_the_json():
    assert get(None, {**WEEK, "format": "pdf"}).status_code == 401
    assert get("dan", {**WEEK, "format": "pdf"}).status_code == 403
    refused = get("ld", {**WEEK, "agency": "H11.07", "format": "pdf"})
    assert refused.status_code == 403 and not refused.content.startswith(b"%PDF")


def _row(i: int) -> ResolutionRow:
    online, direct, carried = 1000 + i, 20 * i, i % 7
    early, on_time, late = 500 + i, 3 * i, i % 5
    resolved = early + on_time + late
    open_ = online + direct + carried - resolved
    return ResolutionRow(
        key=f"2.{i:06d}",
        label=f"Thủ tục số {i}",
        received_total=online + direct + carried,
        received_online=online,
        received_direct=direct,
        received_carried_over=carried,
        resolved_total=resolved,
        resolved_early=early,
        resolved_on_time=on_time,
        resolved_late=late,
        in_progress_total=open_,
        in_progress_not_due=open_ - 1,
        in_progress_overdue=1,
        on_time_rate=0.875,
    )


def _big_report(rows: int) -> ResolutionReport:
    items = [_row(i) for i in range(1, rows + 1)]
    total = ResolutionRow(key="", label="")
    for name in FORM_FIGURES:
        setattr(total, name, sum(getattr(r, name) for r in items))
    return ResolutionReport(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31), GroupBy.PROCEDURE, items, total
    )


ARGS = {
    "unit_name": "Sở Tư pháp",
    "period_label": "Quý I năm 2026",
    "recipient_name": "Văn phòng Ủy ban nhân dân tỉnh",
    "place": "Điện Biên",
    "signed_on": dt.date(2026, 4, 2),
    "preparer": "Nguyễn Văn An",
    "head": "Lò Thị Bình",
}


def test_a_long_report_repeats_the_headings_and_numbers_its_pages(tmp_path):
    report = _big_report(70)
    content = resolution_pdf(report=report, extras=False, **ARGS)
    pages = pdf_text(content, tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        flat = " ".join(page.split())
        assert "Số hồ sơ nhận giải quyết" in flat and "Kết quả giải quyết" in flat, number
        numbering = next(line for line in page.splitlines() if "(1)" in line)
        assert re.findall(r"\((\d+)\)", numbering) == [str(n) for n in range(1, 14)]
        assert f"Trang {number}/{len(pages)}" in flat
        if number > 1:  # the page number at the top from page 2 (Nghị định 30/2020)
            assert page.strip().splitlines()[0].strip() == str(number)
    text = "\n".join(pages)
    flat = " ".join(text.split())
    # Every row once, in order, with its figures; the totals equal the sums.
    found = [int(m) for m in re.findall(r"2\.0000(\d\d) - Thủ tục số", text)]
    assert found == list(range(1, 71))
    seventh = next(line for line in text.splitlines() if "2.000007 - Thủ tục số 7 " in line + " ")
    assert numbers_of(seventh)[-11:] == [vi(getattr(report.rows[6], n)) for n in FORM_FIGURES]
    total = next(line for line in text.splitlines() if "Tổng cộng" in line)
    assert numbers_of(total) == [vi(getattr(report.total, n)) for n in FORM_FIGURES]
    assert numbers_of(total)[0] == "122.395"  # thousands with a dot
    flat = " ".join(" ".join(pdf_text(content, tmp_path, layout=False)).split())
    assert "Đơn vị nhận báo cáo: Văn phòng Ủy ban nhân dân tỉnh" in flat
    assert "Kỳ báo cáo: Quý I năm 2026" in flat
    assert "Điện Biên, ngày 02 tháng 4 năm 2026" in flat
    assert "Nguyễn Văn An" in flat and "Lò Thị Bình" in flat
    assert "CHỈ TIÊU BỔ SUNG" not in flat


def test_the_same_report_gives_the_same_bytes_and_loads_nothing_else():
    report = _big_report(3)
    first = resolution_pdf(report=report, **ARGS)
    assert resolution_pdf(report=report, **ARGS) == first
    html = resolution_pdf_html(report=report, **ARGS)
    urls = set(re.findall(r'url\("([^"]+)"\)', html))
    assert urls and all(u.startswith("file://") and u.endswith(".ttf") for u in urls)
    assert "<tfoot" not in html  # a tfoot would repeat "Tổng cộng" on every page


def test_the_extras_page_holds_the_rates(tmp_path):
    report = _big_report(2)
    pages = pdf_text(resolution_pdf(report=report, **ARGS), tmp_path, layout=False)
    extras = " ".join(pages[-1].split())
    assert "CHỈ TIÊU BỔ SUNG" in extras
    assert "Tỷ lệ giải quyết trước hạn và đúng hạn" in extras
    assert "87,50%" in extras  # the Vietnamese decimal comma
