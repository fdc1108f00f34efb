"""Reconciliation of online fee payments (đối soát thanh toán) for the agencies an officer
receives dossiers for: payments per day and status, per gateway, every transaction, and the
mismatches (paid at the gateway but not counted here). Excel export with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from motcua.accounts.api import user_agency_ids, user_has_any_role
from motcua.accounts.data import Role
from motcua.payments.api import (
    STATUS_LABELS,
    Reconciliation,
    StatusTotal,
    payment_reconciliation,
    vnd_figures,
)
from motcua.payments.data import PaymentStatus

from ..permissions import PAYMENT_REPORT_ROLES, payment_reporters
from .common import officer, render_desk

MAX_DAYS = 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, dict[str, str]]:
    today = timezone.localdate()
    raw_from = request.GET.get("tu", "").strip()
    raw_to = request.GET.get("den", "").strip()
    errors: dict[str, str] = {}
    start = _parse_day(raw_from) if raw_from else today.replace(day=1)
    end = _parse_day(raw_to) if raw_to else today
    if start is None:
        errors["tu"] = _("Enter a date such as 2025-07-01.")
    if end is None:
        errors["den"] = _("Enter a date such as 2025-07-31.")
    if start and end:
        if start > end:
            errors["den"] = _("The end date is before the start date.")
        elif (end - start).days >= MAX_DAYS:
            errors["den"] = _("Choose a period of at most one year.")
    if errors:
        return today.replace(day=1), today, errors
    assert start is not None and end is not None
    return start, end, errors


def _report(request: HttpRequest, start: dt.date, end: dt.date) -> Reconciliation:
    user = officer(request)
    ids = user_agency_ids(user=user, roles=frozenset(PAYMENT_REPORT_ROLES))
    return payment_reconciliation(
        agency_ids=ids,
        start=start,
        end=end,
        include_unmatched=user_has_any_role(user=user, roles=frozenset({Role.PROVINCE_ADMIN})),
    )


STATUSES = list(PaymentStatus)
MISMATCH_TEXT = {
    "order_not_found": gettext_lazy("Unknown order"),
    "invalid_amount": gettext_lazy("Amount differs from the order"),
    "refund_needed": gettext_lazy("Second payment of a paid dossier: refund it"),
    "error": gettext_lazy("Error while recording"),
}


def _cell(total: StatusTotal | None) -> dict[str, Any]:
    if total is None:
        return {"count": 0, "amount": "0"}
    return {"count": total.count, "amount": vnd_figures(total.amount_vnd)}


def _status_labels() -> list[tuple[str, Any]]:
    return [(s.value, STATUS_LABELS[s]) for s in STATUSES]


@payment_reporters
def payments_report(request: HttpRequest) -> HttpResponse:
    start, end, errors = _period(request)
    report = _report(request, start, end)
    if request.GET.get("xuat") == "xlsx" and not errors:
        response = HttpResponse(_excel(report), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="doi-soat-thanh-toan-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        )
        return response
    labels = _status_labels()
    days = [
        {"day": row.day, "cells": [_cell(row.by_status.get(value)) for value, _l in labels]}
        for row in report.days
    ]
    gateways = [
        {"name": name, "cells": [_cell(totals.get(value)) for value, _l in labels]}
        for name, totals in sorted(report.by_gateway.items())
    ]
    status_label = dict(labels)
    payments = [
        {
            "p": p,
            "amount": vnd_figures(p.amount_vnd),
            "status": status_label.get(p.status, p.status),
        }
        for p in report.payments
    ]
    return render_desk(
        request,
        "desk/payments.html",
        {
            "report": report,
            "labels": labels,
            "days": days,
            "gateways": gateways,
            "totals": [_cell(report.totals[value]) for value, _label in labels],
            "payments": payments,
            "mismatches": [
                {
                    "cb": cb,
                    "amount": vnd_figures(cb.amount_vnd) if cb.amount_vnd is not None else "",
                    "problem": MISMATCH_TEXT.get(cb.outcome, cb.outcome),
                }
                for cb in report.mismatches
            ],
            "errors": errors,
            "raw_from": request.GET.get("tu", start.isoformat()),
            "raw_to": request.GET.get("den", end.isoformat()),
            "export_query": f"tu={start.isoformat()}&den={end.isoformat()}&xuat=xlsx",
        },
        status=400 if errors else 200,
    )


def _excel(report: Reconciliation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    labels = _status_labels()
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = str(_("Summary"))[:31]
    summary.append(
        [str(_("Payment reconciliation")), f"{report.start:%d/%m/%Y} – {report.end:%d/%m/%Y}"]
    )
    header = [str(_("Day"))]
    for _value, label in labels:
        header += [f"{label} ({_('count')})", f"{label} (VND)"]
    summary.append(header)
    for row in report.days:
        cells: list[Any] = [row.day]
        for value, _label in labels:
            total = row.by_status.get(value)
            cells += [total.count if total else 0, total.amount_vnd if total else 0]
        summary.append(cells)
    totals: list[Any] = [str(_("Total"))]
    for value, _label in labels:
        totals += [report.totals[value].count, report.totals[value].amount_vnd]
    summary.append(totals)
    for cell in summary[2]:
        cell.font = bold
    for cell in summary[summary.max_row]:
        cell.font = bold
    for row_cells in summary.iter_rows(min_row=3, max_col=1):
        for cell in row_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"

    gw = wb.create_sheet(str(_("By gateway"))[:31])
    gw.append([str(_("Gateway")), *[str(label) for _value, label in labels]])
    for name, by_status in sorted(report.by_gateway.items()):
        gw.append([name, *[by_status[v].amount_vnd if v in by_status else 0 for v, _l in labels]])

    tx = wb.create_sheet(str(_("Transactions"))[:31])
    tx.append(
        [
            str(_("Order reference")),
            str(_("Dossier code")),
            str(_("Payer")),
            str(_("Amount (VND)")),
            str(_("Status")),
            str(_("Gateway")),
            str(_("Gateway transaction no.")),
            str(_("Bank")),
            str(_("Started")),
            str(_("Paid at")),
        ]
    )
    status_label = dict(labels)
    for p in report.payments:
        tx.append(
            [
                p.order_ref,
                p.dossier.code or "",
                p.payer_name,
                p.amount_vnd,
                str(status_label.get(p.status, p.status)),
                p.gateway,
                p.gateway_txn,
                p.bank_code,
                timezone.localtime(p.created_at).replace(tzinfo=None),
                timezone.localtime(p.paid_at).replace(tzinfo=None) if p.paid_at else None,
            ]
        )
    mm = wb.create_sheet(str(_("Mismatches"))[:31])
    mm.append(
        [
            str(pgettext("payment callback", "Received at")),
            str(_("Order reference")),
            str(_("Amount (VND)")),
            str(_("Gateway transaction no.")),
            str(_("Problem")),
        ]
    )
    for cb in report.mismatches:
        mm.append(
            [
                timezone.localtime(cb.received_at).replace(tzinfo=None),
                cb.order_ref,
                cb.amount_vnd,
                cb.gateway_txn,
                str(MISMATCH_TEXT.get(cb.outcome, cb.outcome)),
            ]
        )
    for sheet in (gw, tx, mm):
        for cell in sheet[1]:
            cell.font = bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
