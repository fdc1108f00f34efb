"""The plan as an Excel workbook, in the layout provinces publish with their plans: one row
per procedure (before / after / saving a year and the per cent) and the totals line
"Chi phí tuân thủ trước … sau … tiết kiệm … tỷ lệ cắt giảm … %"."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from motcua.simplification.costing import fmt_vnd
from motcua.simplification.data import Figures, percent_rounded
from motcua.simplification.models import Plan
from motcua.simplification.selectors import plan_figures

MONEY = "#,##0"
PERCENT = "0.00"


def _percent_cell(figures: Figures) -> float | None:
    value = percent_rounded(figures.percent)
    return float(value) if value is not None else None


def percent_text(figures: Figures) -> str:
    value = percent_rounded(figures.percent)
    if value is None:
        return "—"
    return f"{value}".replace(".", ",") + " %"


def totals_sentence(total: Figures) -> str:
    return _(
        "Compliance cost before: %(before)s đồng/year; after: %(after)s đồng/year; saving: "
        "%(saving)s đồng/year; cost cut: %(percent)s"
    ) % {
        "before": fmt_vnd(total.before),
        "after": fmt_vnd(total.after),
        "saving": fmt_vnd(total.saving),
        "percent": percent_text(total),
    }


def plan_xlsx(plan: Plan) -> bytes:
    # openpyxl is imported by the first export, not by every web worker (docs/adr/0043).
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    rows, total = plan_figures(plan)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Plan")[:31]
    headers = [
        _("No."),
        _("Procedure code"),
        _("Procedure"),
        _("Simplification"),
        _("Dossiers a year"),
        _("Compliance cost before (đồng/year)"),
        _("Compliance cost after (đồng/year)"),
        _("Saving (đồng/year)"),
        _("Cost cut (%)"),
    ]
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([_("SIMPLIFICATION PLAN FOR ADMINISTRATIVE PROCEDURES")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([plan.name])
    ws.append(
        [
            _(
                "State: %(state)s; income per working hour %(rate)s đ, %(hours)s hours a day; costed on %(date)s"
            )
            % {
                "state": plan.get_state_display(),
                "rate": fmt_vnd(plan.hourly_income_vnd),
                "hours": f"{plan.hours_per_day.normalize():f}",
                "date": plan.costed_on.strftime("%d/%m/%Y"),
            }
        ]
    )
    ws.append([])
    ws.append(headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = bold
        cell.border = box
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for number, (item, figures) in enumerate(rows, start=1):
        ws.append(
            [
                number,
                item.procedure_code,
                item.procedure_name,
                str(item.get_change_display()),
                item.dossiers_per_year,
                figures.before,
                figures.after,
                figures.saving,
                _percent_cell(figures),
            ]
        )
    ws.append(
        [
            "",
            "",
            _("Total"),
            "",
            None,
            total.before,
            total.after,
            total.saving,
            _percent_cell(total),
        ]
    )
    total_row = ws.max_row
    for row in ws.iter_rows(min_row=header_row + 1, max_row=total_row):
        for cell in row:
            cell.border = box
        for cell in row[5:8]:
            cell.number_format = MONEY
        row[4].number_format = MONEY
        row[8].number_format = PERCENT
    for cell in ws[total_row]:
        cell.font = bold
    ws.append([])
    ws.append([totals_sentence(total)])
    ws.cell(row=ws.max_row, column=1).font = bold
    for column, width in enumerate((6, 14, 50, 28, 12, 20, 20, 20, 12), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
