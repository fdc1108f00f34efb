"""The official report as an Excel file or a PDF: Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP;
../../../shared/domain.md §3), in Vietnamese like the official forms it reproduces (the
headings are the form's legal text, not interface strings, so they are not translated).

Sheet 1 is the form: the header block (form number, reporting unit, title, period, unit of
count), the 13 official columns with their numbering row (1)…(13), one row per group of the
report, the totals row and the signature lines. Sheet 2 holds the extra columns of the report
(withdrawn, cancelled, refused after review, waiting for a supplement, processing times and
rates), which the official form has no place for (ADR 0027).

The PDF (`resolution_pdf`) holds the same: the form on landscape A4 pages in the house style of
the official forms (documents' fonts and renderer, `documents.api.render_html_pdf`), its
headings repeated on every page, then the extra columns on a page of their own."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua.documents.api import font_uris, place_date, render_html_pdf
from motcua.reports.data import GroupBy, ResolutionReport, ResolutionRow

FORM_NUMBER = "Biểu số 06/VPCP/KSTT"
FORM_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP"
TITLE = (
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI "
    "QUYẾT THỦ TỤC HÀNH CHÍNH"
)
COUNT_UNIT = "Đơn vị tính: Số hồ sơ TTHC"

#: The official columns 3–13 (domain.md §3): the report's figure behind each, in order.
FORM_FIGURES = (
    "received_total",  # (3) = (4) + (5) + (6)
    "received_online",  # (4)
    "received_direct",  # (5)
    "received_carried_over",  # (6)
    "resolved_total",  # (7) = (8) + (9) + (10)
    "resolved_early",  # (8)
    "resolved_on_time",  # (9)
    "resolved_late",  # (10)
    "in_progress_total",  # (11) = (12) + (13)
    "in_progress_not_due",  # (12)
    "in_progress_overdue",  # (13)
)
#: The lowest heading of each column (the numbering row is below it).
COLUMN_HEADINGS = (
    "STT",
    "Lĩnh vực, công việc giải quyết theo cấp",
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp, dịch vụ bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
)
GROUP_HEADINGS = {
    GroupBy.AGENCY: "Cơ quan, đơn vị giải quyết",
    GroupBy.FIELD: "Lĩnh vực",
    GroupBy.PROCEDURE: "Thủ tục hành chính",
    GroupBy.LEVEL: "Cấp giải quyết",
}
#: Sheet 2: (heading, figure, number format).
EXTRA_COLUMNS = (
    ("Rút hồ sơ (trong số đã giải quyết đúng hạn)", "withdrawn", "0"),
    ("Dừng giải quyết (trong số đã giải quyết đúng hạn)", "cancelled", "0"),
    ("Từ chối sau thẩm định (trong số đã giải quyết)", "refused", "0"),
    ("Chờ bổ sung (trong số đang giải quyết trong hạn)", "waiting_supplement", "0"),
    ("Số lần yêu cầu bổ sung", "supplement_requests", "0"),
    ("Số hồ sơ có kết quả được tính thời gian", "timed", "0"),
    ("Thời gian giải quyết bình quân (ngày làm việc)", "avg_processing_working_days", "0.00"),
    (
        "Thời gian giải quyết bình quân, không kể thời gian tạm dừng (ngày làm việc)",
        "avg_processing_working_days_without_pauses",
        "0.00",
    ),
    ("Trung vị thời gian giải quyết (ngày làm việc)", "median_processing_working_days", "0.0"),
    (
        "Thời gian giải quyết theo quy định bình quân (ngày làm việc)",
        "regulated_working_days",
        "0.00",
    ),
    ("Tỷ lệ giải quyết trước hạn và đúng hạn", "on_time_rate", "0.00%"),
    ("Tỷ lệ tiếp nhận trực tuyến", "online_rate", "0.00%"),
)
ROMAN = ("I", "II", "III", "IV")
WIDTHS = (6, 44, 11, 11, 14, 11, 11, 11, 11, 11, 11, 11, 11)

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_NORMAL = Font(name="Times New Roman", size=12)
_ITALIC = Font(name="Times New Roman", italic=True, size=12)


def period_label(*, date_from: dt.date, date_to: dt.date) -> str:
    """The report's period as the forms print it: "Tháng 3 năm 2026", "Quý I năm 2026",
    "6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "Năm 2026", else "Từ ngày 02/03/2026
    đến ngày 06/03/2026"."""
    month_end = _month_end(date_to)
    if date_from.day == 1 and date_to == month_end and date_from.year == date_to.year:
        months = date_to.month - date_from.month + 1
        year = date_from.year
        if months == 1:
            return f"Tháng {date_from.month} năm {year}"
        if months == 3 and date_from.month % 3 == 1:
            return f"Quý {ROMAN[date_from.month // 3]} năm {year}"
        if months == 6 and date_from.month in (1, 7):
            half = "đầu" if date_from.month == 1 else "cuối"
            return f"6 tháng {half} năm {year}"
        if months == 12:
            return f"Năm {year}"
    return f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}"


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _row_label(row: ResolutionRow, group_by: GroupBy) -> str:
    if group_by == GroupBy.PROCEDURE and row.key and row.label != row.key:
        return f"{row.key} - {row.label}"
    return row.label or row.key or "(không xác định)"


def _put(
    ws: Worksheet,
    cell: str,
    value: Any,
    *,
    font: Font = _NORMAL,
    align: Alignment = _CENTER,
    merge_to: str | None = None,
) -> None:
    ws[cell] = value
    ws[cell].font = font
    ws[cell].alignment = align
    if merge_to:
        ws.merge_cells(f"{cell}:{merge_to}")


def _header(
    ws: Worksheet, *, unit_name: str, recipient_name: str, period: str, report: ResolutionReport
) -> None:
    _put(ws, "A1", FORM_NUMBER, font=_BOLD, align=_LEFT, merge_to="C1")
    _put(ws, "A2", FORM_BASIS, font=_ITALIC, align=_LEFT, merge_to="C2")
    _put(ws, "J1", f"Đơn vị báo cáo: {unit_name}", align=_LEFT, merge_to="M1")
    _put(
        ws,
        "J2",
        f"Đơn vị nhận báo cáo: {recipient_name or '…'}",
        align=_LEFT,
        merge_to="M2",
    )
    _put(ws, "A4", TITLE, font=_BOLD, merge_to="M4")
    _put(ws, "A5", f"Kỳ báo cáo: {period}", font=_BOLD, merge_to="M5")
    _put(
        ws,
        "A6",
        f"(Từ ngày {report.date_from:%d/%m/%Y} đến ngày {report.date_to:%d/%m/%Y})",
        font=_ITALIC,
        merge_to="M6",
    )
    _put(ws, "J7", COUNT_UNIT, font=_ITALIC, align=Alignment(horizontal="right"), merge_to="M7")
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[2].height = 32
    ws.row_dimensions[4].height = 36


#: The first row of the column headings.
HEAD = 8


def _headings(ws: Worksheet) -> None:
    """Three rows of headings (rows HEAD…HEAD+2) and the numbering row (HEAD+3)."""
    top, mid, low, num = HEAD, HEAD + 1, HEAD + 2, HEAD + 3
    merges = [
        (f"A{top}", "STT", f"A{low}"),
        (f"B{top}", COLUMN_HEADINGS[1], f"B{low}"),
        (f"C{top}", "Số hồ sơ nhận giải quyết", f"F{top}"),
        (f"G{top}", "Kết quả giải quyết", f"M{top}"),
        (f"C{mid}", "Tổng số", f"C{low}"),
        (f"D{mid}", "Trong kỳ", f"E{mid}"),
        (f"F{mid}", "Từ kỳ trước", f"F{low}"),
        (f"G{mid}", "Số hồ sơ đã giải quyết", f"J{mid}"),
        (f"K{mid}", "Số hồ sơ đang giải quyết", f"M{mid}"),
    ]
    for cell, text, to in merges:
        _put(ws, cell, text, font=_BOLD, merge_to=to)
    for col in (4, 5, *range(7, 14)):
        _put(ws, f"{get_column_letter(col)}{low}", COLUMN_HEADINGS[col - 1], font=_BOLD)
    for col in range(1, 14):
        _put(ws, f"{get_column_letter(col)}{num}", f"({col})", font=_ITALIC)
        for r in (top, mid, low, num):
            ws.cell(row=r, column=col).border = _BOX
    ws.row_dimensions[low].height = 48


def _figure_row(
    ws: Worksheet, r: int, first: Any, label: str, row: ResolutionRow, font: Font
) -> None:
    ws.cell(row=r, column=1, value=first)
    ws.cell(row=r, column=2, value=label)
    for offset, name in enumerate(FORM_FIGURES):
        ws.cell(row=r, column=3 + offset, value=int(getattr(row, name)))
    for col in range(1, 14):
        cell = ws.cell(row=r, column=col)
        cell.font = font
        cell.border = _BOX
        cell.alignment = _LEFT if col == 2 else _CENTER
        if col > 2:
            cell.number_format = "#,##0"


def _signatures(
    ws: Worksheet, r: int, *, place: str, signed_on: dt.date, preparer: str, head: str
) -> None:
    where = f"{place}, ngày {signed_on.day:02d} tháng {signed_on.month:02d} năm {signed_on.year}"
    _put(ws, f"H{r}", where.strip(", "), font=_ITALIC, merge_to=f"M{r}")
    _put(ws, f"A{r + 1}", "NGƯỜI LẬP BIỂU", font=_BOLD, merge_to=f"D{r + 1}")
    _put(ws, f"H{r + 1}", "THỦ TRƯỞNG ĐƠN VỊ", font=_BOLD, merge_to=f"M{r + 1}")
    _put(ws, f"A{r + 2}", "(Ký, ghi rõ họ tên)", font=_ITALIC, merge_to=f"D{r + 2}")
    _put(ws, f"H{r + 2}", "(Ký tên, đóng dấu)", font=_ITALIC, merge_to=f"M{r + 2}")
    if preparer:
        _put(ws, f"A{r + 6}", preparer, font=_BOLD, merge_to=f"D{r + 6}")
    if head:
        _put(ws, f"H{r + 6}", head, font=_BOLD, merge_to=f"M{r + 6}")


def _extras(wb: Workbook, report: ResolutionReport) -> None:
    ws = wb.create_sheet("Chỉ tiêu bổ sung")
    heading = GROUP_HEADINGS[report.group_by]
    ws.append(["STT", heading, *[h for h, _name, _fmt in EXTRA_COLUMNS]])
    rows: list[tuple[int | str, str, ResolutionRow]] = [
        (i, _row_label(row, report.group_by), row) for i, row in enumerate(report.rows, 1)
    ]
    rows.append(("", "Tổng cộng", report.total))
    # Row numbers counted here: `ws.max_row` scans every cell (quadratic in a loop).
    for r, (first, label, row) in enumerate(rows, 2):
        ws.append([first, label, *[getattr(row, name) for _h, name, _fmt in EXTRA_COLUMNS]])
        for offset, (_h, _name, fmt) in enumerate(EXTRA_COLUMNS):
            ws.cell(row=r, column=3 + offset).number_format = fmt
    last = len(rows) + 1
    for cells in ws.iter_rows():
        for cell in cells:
            cell.border = _BOX
            cell.font = _BOLD if cell.row in (1, last) else _NORMAL
            cell.alignment = _LEFT if cell.column == 2 else _CENTER
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 44
    for col in range(3, 3 + len(EXTRA_COLUMNS)):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.row_dimensions[1].height = 64
    ws.freeze_panes = "C2"


def resolution_xlsx(
    *,
    report: ResolutionReport,
    unit_name: str,
    period_label: str,
    recipient_name: str = "",
    place: str = "",
    signed_on: dt.date | None = None,
    preparer: str = "",
    head: str = "",
    extras: bool = True,
) -> bytes:
    """The report as Biểu số 06/VPCP/KSTT (an .xlsx file's bytes): `unit_name` the reporting
    unit (đơn vị báo cáo), `period_label` the period as printed ("Quý I năm 2026", see
    `period_label()`; the dates follow it), `recipient_name` the unit it is sent to, `place`
    and `signed_on` (default today) the date line above the head's signature, `preparer` and
    `head` the names under the signatures (blank lines when empty). One row per row of the
    report, then "Tổng cộng"; every figure a number. With `extras`, a second sheet holds the
    extra columns, the processing times and the rates."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu 06"
    _header(
        ws, unit_name=unit_name, recipient_name=recipient_name, period=period_label, report=report
    )
    _headings(ws)
    r = HEAD + 4
    for index, row in enumerate(report.rows, 1):
        _figure_row(ws, r, index, _row_label(row, report.group_by), row, _NORMAL)
        r += 1
    _figure_row(ws, r, "", "Tổng cộng", report.total, _BOLD)
    _signatures(
        ws,
        r + 2,
        place=place,
        signed_on=signed_on or timezone.localdate(),
        preparer=preparer,
        head=head,
    )
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"C{HEAD + 4}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEAD}:{HEAD + 3}"
    if extras:
        _extras(wb, report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------

PDF_TEMPLATE = "reports/resolution_pdf.html"


_VI_SEPARATORS = str.maketrans(",.", ".,")


def _vi_number(value: float | int | None, decimals: int = 0) -> str:
    """A figure as Vietnamese prints it: 1.234 and 2,35 (dot for thousands, comma for the
    decimals); nothing for a missing value."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.translate(_VI_SEPARATORS)


def _extra_cell(row: ResolutionRow, name: str, fmt: str) -> str:
    value = getattr(row, name)
    if value is None:
        return ""
    if fmt.endswith("%"):
        return _vi_number(100 * value, 2) + "%"
    decimals = len(fmt.partition(".")[2])
    return _vi_number(value, decimals)


def _pdf_row(row: ResolutionRow, *, index: int | str, label: str) -> dict[str, Any]:
    return {
        "index": index,
        "label": label,
        "figures": [_vi_number(int(getattr(row, name))) for name in FORM_FIGURES],
        "extras": [_extra_cell(row, name, fmt) for _h, name, fmt in EXTRA_COLUMNS],
    }


def resolution_pdf_html(
    *,
    report: ResolutionReport,
    unit_name: str,
    period_label: str,
    recipient_name: str = "",
    place: str = "",
    signed_on: dt.date | None = None,
    preparer: str = "",
    head: str = "",
    extras: bool = True,
) -> str:
    """The HTML `resolution_pdf` renders (the same arguments); a complete document that
    loads nothing but the bundled fonts."""
    signed = signed_on or timezone.localdate()
    rows = [
        _pdf_row(row, index=i, label=_row_label(row, report.group_by))
        for i, row in enumerate(report.rows, 1)
    ]
    context = {
        "form_number": FORM_NUMBER,
        "form_basis": FORM_BASIS,
        "title": TITLE,
        "count_unit": COUNT_UNIT,
        "unit_name": unit_name,
        "recipient_name": recipient_name,
        "period_label": period_label,
        "date_from": report.date_from,
        "date_to": report.date_to,
        "headings": COLUMN_HEADINGS,
        "column_numbers": range(1, 14),
        "figure_numbers": range(3, 14),
        "rows": rows,
        "total": _pdf_row(report.total, index="", label="Tổng cộng"),
        "place_date": place_date(place, signed),
        "preparer": preparer,
        "head": head,
        "extras": extras,
        "extra_headings": [h for h, _name, _fmt in EXTRA_COLUMNS],
        "group_heading": GROUP_HEADINGS[report.group_by],
        "fonts": font_uris(),
        "dots": "…",
        "meta_title": f"{FORM_NUMBER} - {period_label}",
        "meta_created": dt.datetime.combine(signed, dt.time.min).isoformat() + "+07:00",
    }
    return unicodedata.normalize("NFC", render_to_string(PDF_TEMPLATE, context))


def resolution_pdf(
    *,
    report: ResolutionReport,
    unit_name: str,
    period_label: str,
    recipient_name: str = "",
    place: str = "",
    signed_on: dt.date | None = None,
    preparer: str = "",
    head: str = "",
    extras: bool = True,
) -> bytes:
    """The report as Biểu số 06/VPCP/KSTT in a PDF (bytes), the arguments as for
    `resolution_xlsx`: landscape A4, the header block, the official headings with their
    numbering (1)–(13) repeated at the top of every page, one row per row of the report,
    "Tổng cộng", the place and date, the signature lines; page numbers; with `extras`, the
    extra columns on a page of their own. Same arguments (with `signed_on`) → same bytes.
    Rendering takes about a second per few hundred rows (see the reports README)."""
    html = resolution_pdf_html(
        report=report,
        unit_name=unit_name,
        period_label=period_label,
        recipient_name=recipient_name,
        place=place,
        signed_on=signed_on,
        preparer=preparer,
        head=head,
        extras=extras,
    )
    return render_html_pdf(html=html)
