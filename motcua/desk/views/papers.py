"""Printable papers of the desk as HTML: the receipt (form 01), the request for completion
(form 02) and the refusal to receive (form 03); `form_pdf` serves each official form as the PDF
the documents app rendered (`dossiers.api.dossier_form_pdf`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from motcua.core.links import public_url
from motcua.documents.api import qr_svg, svg_data_uri
from motcua.dossiers.api import dossier_events, tracking_url

from .. import presenters
from ..permissions import viewers
from .common import load_dossier, render_desk
from .personal_access import require_unmasked

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier


def _common(dossier: Dossier) -> dict[str, Any]:
    desk = dossier.receiving_agency
    return {
        "d": dossier,
        "desk": desk,
        "desk_parent": desk.parent,
        "version": dossier.procedure_version,
        "processing_time": presenters.processing_time_text(dossier.procedure_version),
        "identifier": dossier.id_number or dossier.tax_code,
        "officer": dossier.created_by,
    }


def _issued_at(dossier: Dossier, action: str) -> dt.datetime | None:
    """When the paper was issued: the time of the event that recorded the decision."""
    event = dossier_events(dossier=dossier).filter(action=action).last()
    return event.at if event is not None else None


@viewers
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01)."""
    dossier = load_dossier(request, code)
    require_unmasked(request, dossier)  # the papers copy the applicant's personal data
    if dossier.received_at is None or not dossier.code:
        raise Http404
    received = [row for row in dossier.checklist or [] if row.get("received")]
    return render_desk(
        request,
        "desk/papers/receipt.html",
        {
            **_common(dossier),
            "documents": received,
            "free_documents": [] if received else (dossier.decision_note or "").splitlines(),
            "received_words": presenters.long_datetime(dossier.received_at),
            "appointment_words": presenters.long_datetime(
                dossier.original_appointment_at or dossier.appointment_at
            ),
            # The same QR code and PIN as the PDF (form 01): the applicant's way to follow it.
            "qr_uri": svg_data_uri(qr_svg(tracking_url(dossier))),
            "tracking_page": public_url(reverse("portal:track")),
        },
    )


@viewers
def completion_notice(request: HttpRequest, code: str) -> HttpResponse:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02)."""
    dossier = load_dossier(request, code)
    require_unmasked(request, dossier)  # the papers copy the applicant's personal data
    if dossier.status != "completion_requested":
        raise Http404
    return render_desk(
        request,
        "desk/papers/completion.html",
        {**_common(dossier), "issued_at": _issued_at(dossier, "request_completion")},
    )


@viewers
def refusal_notice(request: HttpRequest, code: str) -> HttpResponse:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ (form 03)."""
    dossier = load_dossier(request, code)
    require_unmasked(request, dossier)  # the papers copy the applicant's personal data
    if dossier.status != "refused":
        raise Http404
    return render_desk(
        request,
        "desk/papers/refusal.html",
        {**_common(dossier), "issued_at": _issued_at(dossier, "refuse")},
    )


PDF_FORMS = {"receipt", "completion_request", "refusal", "apology", "stop_notice", "control_sheet"}


@viewers
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The official form as the stored PDF (rendered now if it never was)."""
    from django.http import FileResponse

    from motcua.core.errors import ApplicationError
    from motcua.dossiers.api import dossier_form_pdf

    dossier = load_dossier(request, code)
    require_unmasked(request, dossier)  # the papers copy the applicant's personal data
    if kind not in PDF_FORMS:
        raise Http404
    try:
        doc = dossier_form_pdf(dossier=dossier, kind=kind)
    except (ApplicationError, AssertionError) as exc:
        raise Http404(str(exc)) from exc
    response = FileResponse(
        doc.file.open("rb"), content_type="application/pdf", filename=doc.name, as_attachment=False
    )
    return response  # type: ignore[return-value]
