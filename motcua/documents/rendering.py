"""Render the official one-stop forms (TT 03/2025 Mẫu 01–07, TT 01/2018 titles) to HTML and PDF.

``render_form_html`` fills the Django template ``documents/forms/<kind>.html`` from one of the
``data.py`` shapes; ``render_form`` turns that HTML into an A4 PDF with WeasyPrint. The legal
text of the forms is Vietnamese and is never translated (docs/forms.md).

Guarantees:
- Fonts: the PDF embeds the Noto Serif / Noto Sans files shipped in ``documents/fonts`` (loaded
  by ``@font-face`` under family names no system font has), so output does not depend on the
  fonts installed on the machine.
- Determinism: the same data gives byte-identical PDFs. Creation/modification dates come from
  the data (the form's own date), the PDF ``/ID`` is a hash of the HTML, and nothing else in
  WeasyPrint's output depends on the clock or on randomness.
- Resources: only the bundled font files and ``data:`` URIs can be loaded; any other URL in
  the HTML is refused, so text typed by applicants cannot make the renderer fetch anything.
- Text is NFC-normalised.

Pure functions of their arguments (plus ``settings.TIME_ZONE`` to print local times); no
database access. Rendering a receipt takes a few tens of milliseconds (bench/documents_render.py).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from motcua.documents import barcodes, pdf_engine, pdf_process
from motcua.documents.data import (
    DATA_TYPES,
    ApologyData,
    Applicant,
    CompletionRequestData,
    ControlSheetData,
    FormData,
    FormEdition,
    FormKind,
    LedgerData,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    edition_for,
)
from motcua.documents.pdf_engine import FONT_FILES, FONTS_DIR

__all__ = ["FONTS_DIR", "FONT_FILES", "render_form", "render_form_html", "render_html_pdf"]

# WeasyPrint (~30 MB, and more with the fonts loaded) is imported by the first render, not by
# every web worker that imports this module (docs/adr/0043); a web worker renders in a child
# process and never imports it (`pdf_process`, docs/adr/0049).

TEMPLATE_DIR = "documents/forms"
DOTS = "…………"


# --- public API ---------------------------------------------------------------------------


def render_form_html(*, kind: FormKind, data: FormData) -> str:
    """The form as a complete HTML document (inline CSS, QR/barcode as data URIs), e.g. for a
    print preview. Raises TypeError when ``data`` is not the shape for ``kind``."""
    _check(kind, data)
    context = _CONTEXT_BUILDERS[kind](data)
    context.update(_common_context(kind, data, context["edition"]))
    html = render_to_string(f"{TEMPLATE_DIR}/{kind.value}.html", context)
    return unicodedata.normalize("NFC", html)


def render_form(*, kind: FormKind, data: FormData) -> bytes:
    """The form as an A4 PDF (bytes). Same data → same bytes."""
    return render_html_pdf(html=render_form_html(kind=kind, data=data))


def font_uris() -> dict[str, str]:
    """The bundled fonts' file URIs by key (serif_regular, …), for other documents'
    @font-face rules (the fee receipt)."""
    return {key: path.as_uri() for key, path in FONT_FILES.items()}


def render_html_pdf(*, html: str) -> bytes:
    """Any complete HTML document as a PDF with the bundled fonts; nothing else is fetched.
    Same HTML → same bytes. In a web worker, WeasyPrint runs in a child process that exits
    when idle, so the worker does not keep its memory (`pdf_process`, ADR 0049); elsewhere
    (background jobs, commands, tests) in this process."""
    if pdf_process.wanted():
        return pdf_process.render(html)
    return pdf_engine.html_to_pdf(html)


#: Makes the fetcher that refuses anything but the bundled fonts and data: URIs.
_LocalOnlyFetcher = pdf_engine.local_only_fetcher


# --- formatting ----------------------------------------------------------------------------


def _tz() -> dt.tzinfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_dt(value: dt.datetime) -> dt.datetime:
    """Aware → Vietnam local time; naive is taken as local already."""
    return value.astimezone(_tz()) if value.tzinfo is not None else value


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return _local_dt(value).date()
    return value


def _day(day: int) -> str:
    # Nghị định 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading zero.
    return f"{day:02d}"


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def date_long(value: dt.datetime | dt.date) -> str:
    """Long date of the forms: ngày 02 tháng 7 năm 2025."""
    d = _local_date(value)
    return f"ngày {_day(d.day)} tháng {_month(d.month)} năm {d.year}"


def datetime_long(value: dt.datetime) -> str:
    """Time and long date: 08 giờ 15 phút, ngày 02 tháng 7 năm 2025."""
    t = _local_dt(value)
    return f"{t.hour:02d} giờ {t.minute:02d} phút, {date_long(t)}"


def datetime_short(value: dt.datetime) -> str:
    """Time and short date, the control sheet's wording: 08 giờ 15 phút, ngày 02/07/2025."""
    t = _local_dt(value)
    return f"{t.hour:02d} giờ {t.minute:02d} phút, ngày {t:%d/%m/%Y}"


def ledger_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{_local_dt(value):%H:%M\n%d/%m/%Y}"


def _break_after_separators(code: str) -> list[str]:
    """Split a code after its dashes (H11.03325-250702-0015 → H11.03325- / 250702- / 0015), so
    that a narrow column wraps it there and never inside a number."""
    parts = code.split("-")
    return [part + "-" for part in parts[:-1]] + parts[-1:]


def place_date(place: str, day: dt.date) -> str:
    """The place and date line: Mường Phăng, ngày 02 tháng 7 năm 2025."""
    return f"{place or DOTS}, {date_long(day)}"


# --- context builders ----------------------------------------------------------------------


def _check(kind: FormKind, data: object) -> None:
    expected = DATA_TYPES[kind]
    if not isinstance(data, expected):
        raise TypeError(f"{kind.name} needs {expected.__name__}, got {type(data).__name__}")


def _applicant(applicant: Applicant) -> dict[str, Any]:
    return {
        "name": applicant.name,
        "id_number": applicant.id_number,
        "address": applicant.address,
        "phone": applicant.phone,
        "email": applicant.email,
        "authorisation": applicant.authorisation,
    }


def _receipt(data: ReceiptData) -> dict[str, Any]:
    received_local = _local_dt(data.received_at)
    edition = data.edition or edition_for(received_local)
    qr = barcodes.qr_svg(data.tracking_url)
    bars = barcodes.code128_svg(data.code)
    return {
        "edition": edition,
        "code": data.code,
        "desk_name": data.desk_name or data.header.name,
        "applicant": _applicant(data.applicant),
        "procedure_name": data.procedure_name,
        "documents": data.documents,
        "sets": f"{data.sets:02d}",
        "regulated_time": data.regulated_time,
        "received": datetime_long(data.received_at),
        "appointment": datetime_long(data.appointment_at),
        "result_at": data.result_at,
        "officer_name": data.officer_name,
        "ledger_book": data.ledger_book,
        "ledger_entry": data.ledger_entry,
        "qr_uri": barcodes.svg_data_uri(qr),
        "barcode_uri": barcodes.svg_data_uri(bars),
        "tracking_url": data.tracking_url,
        "tracking_page": data.tracking_page or data.tracking_url.split("?", 1)[0],
        "lookup_pin": data.lookup_pin,
    }


def _completion(data: CompletionRequestData) -> dict[str, Any]:
    basis = _local_dt(data.received_at) if data.received_at else data.issued_on
    return {
        "edition": data.edition or edition_for(basis),
        "code": data.code,
        "applicant": _applicant(data.applicant),
        "procedure_name": data.procedure_name,
        "items": data.items,
        "reason": data.reason,
        "contact_name": data.contact_name,
        "contact_phone": data.contact_phone,
        "officer_name": data.officer_name,
    }


def _refusal(data: RefusalData) -> dict[str, Any]:
    basis = _local_dt(data.received_at) if data.received_at else data.issued_on
    return {
        "edition": data.edition or edition_for(basis),
        "code": data.code,
        "desk_name": data.desk_name or data.header.name,
        "applicant": _applicant(data.applicant),
        "procedure_name": data.procedure_name,
        "reasons": data.reasons,
        "officer_name": data.officer_name,
    }


def _apology(data: ApologyData) -> dict[str, Any]:
    return {
        "edition": data.edition or edition_for(_local_dt(data.received_at)),
        "code": data.code,
        "addressee": data.addressee,
        "agency_name": data.agency_name or data.header.name,
        "applicant": _applicant(data.applicant),
        "procedure_name": data.procedure_name,
        "received_date": date_long(data.received_at),
        "original_appointment": datetime_long(data.original_appointment_at),
        "reason": data.reason,
        "new_appointment": date_long(data.new_appointment_at),
        "signer_title": data.signer_title,
        "signer_name": data.signer_name,
    }


def _stop_notice(data: StopNoticeData) -> dict[str, Any]:
    return {
        # TT 01/2018 had no such form: always the 2025 form.
        "edition": FormEdition.TT03_2025,
        "code": data.code,
        "desk_name": data.desk_name or data.header.name,
        "applicant": _applicant(data.applicant),
        "procedure_name": data.procedure_name,
        "received": datetime_long(data.received_at),
        "request_date": date_long(data.request_date),
        "reason": data.reason,
        "stop_date": date_long(data.issued_on),
        "signer_title": data.signer_title,
        "signer_name": data.signer_name,
    }


def _control_sheet(data: ControlSheetData) -> dict[str, Any]:
    received_local = _local_dt(data.received_at)
    rows = [
        {
            "from_agency": row.from_agency,
            "from_person": row.from_person,
            "to_agency": row.to_agency,
            "to_person": row.to_person,
            "at": datetime_short(row.at),
            "timeliness": row.timeliness.label if row.timeliness else "",
            "note": row.note,
        }
        for row in data.rows
    ]
    return {
        "edition": data.edition or edition_for(received_local),
        "code": data.code,
        "deciding_agency": data.deciding_agency,
        "coordinating_agencies": "; ".join(data.coordinating_agencies),
        "received": datetime_long(data.received_at),
        "appointment": datetime_long(data.appointment_at),
        "rows": rows,
    }


def _ledger(data: LedgerData) -> dict[str, Any]:
    rows = [
        {
            "index": row.index,
            "code": row.code,
            "code_parts": _break_after_separators(row.code),
            "procedure_name": row.procedure_name,
            "applicant_name": row.applicant_name,
            "address": row.address,
            "phone": row.phone,
            "deciding_agency": row.deciding_agency,
            "received": ledger_datetime(row.received_at),
            "appointment": ledger_datetime(row.appointment_at),
            "returned": ledger_datetime(row.returned_at),
            "return_method": row.return_method.label if row.return_method else "",
            "signature": row.signature,
        }
        for row in data.rows
    ]
    period = ""
    if data.period_start and data.period_end:
        period = f"Từ ngày {data.period_start:%d/%m/%Y} đến ngày {data.period_end:%d/%m/%Y}"
    return {
        "edition": data.edition or edition_for(data.period_start or data.issued_on),
        "field_name": data.field_name,
        "period": period,
        "rows": rows,
    }


_CONTEXT_BUILDERS: dict[FormKind, Callable[[Any], dict[str, Any]]] = {
    FormKind.RECEIPT: _receipt,
    FormKind.COMPLETION_REQUEST: _completion,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.STOP_NOTICE: _stop_notice,
    FormKind.CONTROL_SHEET: _control_sheet,
    FormKind.TRACKING_LEDGER: _ledger,
}


def _metadata_moment(moment: dt.datetime | dt.date) -> str:
    """W3C date-time for the PDF's CreationDate/ModDate: the form's own moment (its receipt
    time or its date at 00:00 Vietnam time), never the clock."""
    if isinstance(moment, dt.datetime):
        value = _local_dt(moment)
        if value.tzinfo is None:
            value = value.replace(tzinfo=_tz())
    else:
        value = dt.datetime.combine(moment, dt.time.min, _tz())
    return value.replace(microsecond=0).isoformat()


def _common_context(kind: FormKind, data: FormData, edition: FormEdition) -> dict[str, Any]:
    header = data.header
    title = kind.title(edition)
    return {
        "kind": kind.value,
        "title": title,
        "form_number": kind.number_in(edition) or kind.number,
        "is_2025": edition is FormEdition.TT03_2025,
        "header_parent": header.parent_name.upper(),
        "header_agency": header.name.upper(),
        "number": data.number,
        "place_date": place_date(header.place, _local_date(_issue_date(data))),
        "meta_title": f"{title} {getattr(data, 'code', '')}".strip(),
        "meta_created": _metadata_moment(_moment(data)),
        "landscape": kind is FormKind.TRACKING_LEDGER,
        "fonts": {key: path.as_uri() for key, path in FONT_FILES.items()},
        "dots": DOTS,
    }


def _issue_date(data: FormData) -> dt.date | dt.datetime:
    if isinstance(data, ReceiptData | ControlSheetData):
        return data.issued_on or data.received_at
    return data.issued_on


def _moment(data: FormData) -> dt.datetime | dt.date:
    if isinstance(data, ReceiptData):
        return data.received_at
    if isinstance(data, ControlSheetData):
        return data.issued_on or data.received_at
    return data.issued_on
