"""The fee receipt (Biên lai thu phí, lệ phí) of a paid payment, as an A4 PDF.

Rendered like the documents app's forms: an HTML template, WeasyPrint, the Noto fonts bundled
with the documents app (loaded by `@font-face` under family names no system font has), a URL
fetcher that loads only those fonts and `data:` URIs, and a PDF /ID and dates taken from the
data, so the same payment gives the same bytes. The legal wording is Vietnamese and is not
translated (like the forms, docs/forms.md).

UNCONFIRMED: this is a payment confirmation printed by the one-stop system, not the e-receipt
(biên lai điện tử) that Nghị định 11/2020 and 123/2020 ask the collecting agency to issue
through the tax authority's system; see docs/adr/0011-payments.md."""

from __future__ import annotations

import base64
import unicodedata
import zoneinfo
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from motcua.core.text import vnd_figures
from motcua.documents.api import font_uris, qr_svg, render_html_pdf
from motcua.dossiers.api import tracking_url
from motcua.payments.data import FeeUnit
from motcua.payments.models import Payment
from motcua.payments.words import vnd_in_words


def _local_time(value: Any) -> Any:
    return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def receipt_context(payment: Payment) -> dict[str, Any]:
    dossier = payment.dossier
    agency = dossier.receiving_agency
    paid = _local_time(payment.paid_at)
    # Paid before the desk accepted it, an online dossier has no code yet: the receipt names
    # its reference and has no tracking QR (rendered again after acceptance, it has both).
    url = tracking_url(dossier) if dossier.code else ""
    qr = base64.b64encode(qr_svg(url).encode("utf-8")).decode("ascii") if url else ""
    return {
        "fonts": font_uris(),
        "agency_parent": (agency.parent.name if agency.parent_id and agency.parent else "").upper(),
        "agency": agency.name.upper(),
        "place": str(getattr(settings, "MOTCUA_PROVINCE_NAME", "")),
        "payment": payment,
        "number": payment.order_ref,
        "payer": payment.payer_name or dossier.applicant_name,
        "address": dossier.address,
        "dossier_code": dossier.code,
        "dossier_reference": str(dossier.reference),
        "procedure": dossier.procedure_name,
        "lines": [_line(line, payment.copies) for line in payment.fee_lines],
        "cap_text": _cap_text(payment),
        "amount_text": vnd_figures(payment.amount_vnd),
        "amount_words": vnd_in_words(payment.amount_vnd),
        "paid_at": f"{paid:%H} giờ {paid:%M} phút, ngày {paid:%d/%m/%Y}",
        "paid_date": f"ngày {paid:%d} tháng {paid.month} năm {paid.year}",
        "meta_created": paid.replace(microsecond=0).isoformat(),
        "qr_uri": f"data:image/svg+xml;base64,{qr}" if qr else "",
        "tracking_url": url,
    }


def _line(line: dict[str, Any], copies: int | None) -> dict[str, Any]:
    """A paid fee line: its subtotal, and for a fee by quantity how it was computed
    ("2.000 đồng × 2 trang × 3 bản"). Snapshots made before fees by quantity have no units."""
    price = vnd_figures(int(line["amount_vnd"]))
    detail = ""
    if line.get("unit") == FeeUnit.PAGE:
        detail = f"{price} đồng × {line.get('line_pages')} trang × {copies} bản"
    elif line.get("unit") == FeeUnit.COPY:
        detail = f"{price} đồng × {copies} bản"
    subtotal = int(line.get("subtotal_vnd", line["amount_vnd"]))
    return {**line, "detail": detail, "amount_text": vnd_figures(subtotal)}


def _cap_text(payment: Payment) -> str:
    """The cap per copy, when the page lines add up to more than was charged."""
    subtotals = sum(int(line.get("subtotal_vnd", line["amount_vnd"])) for line in payment.fee_lines)
    caps = [
        int(line["cap_per_copy_vnd"]) for line in payment.fee_lines if line.get("cap_per_copy_vnd")
    ]
    if not caps or subtotals <= payment.amount_vnd:
        return ""
    return f"Áp dụng mức thu tối đa {vnd_figures(min(caps))} đồng/bản × {payment.copies} bản"


def receipt_html(payment: Payment) -> str:
    html = render_to_string("payments/receipt.html", receipt_context(payment))
    return unicodedata.normalize("NFC", html)


def receipt_pdf(payment: Payment) -> bytes:
    """The receipt of a paid payment as PDF bytes (same payment → same bytes)."""
    if payment.paid_at is None:
        raise ValueError("receipt_pdf needs a paid payment")
    return render_html_pdf(html=receipt_html(payment))
