"""Public pages about dossiers: tracking by code + PIN, the desk's kiosk, and signature
verification. No login; nothing personal is shown; lookups are rate-limited per address."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.access import public
from motcua.core.errors import ApplicationError
from motcua.documents.api import trust_roots_from_settings, verify_pdf
from motcua.dossiers.api import (
    STATUS_LABELS,
    DossierStatus,
    kiosk_status,
    public_track,
    result_find_by_sha256,
    result_signed_for_code,
)

ACTION_TEXT = {
    "submit": gettext_lazy("Submitted online"),
    "accept": gettext_lazy("Received by the one-stop desk"),
    "request_completion": gettext_lazy("The desk asked you to complete the dossier"),
    "refuse": gettext_lazy("The desk refused to receive the dossier"),
    "forward": gettext_lazy("Passed on for processing"),
    "consult": gettext_lazy("Other agencies were consulted"),
    "transfer": gettext_lazy("Sent to another agency for its part"),
    "request_supplement": gettext_lazy("You were asked for supplements"),
    "receive_supplement": gettext_lazy("Your supplements were received"),
    "apologize": gettext_lazy("The agency apologised and set a new date"),
    "approve": gettext_lazy("Approved"),
    "complete": gettext_lazy("Processing finished"),
    "reject": gettext_lazy("Refused after review; the reasons are in the result"),
    "return_result": gettext_lazy("Result returned"),
    "withdraw": gettext_lazy("Stopped at your request"),
    "cancel": gettext_lazy("Stopped by the agency"),
}
LOOKUPS_PER_WINDOW = 20
WINDOW_SECONDS = 600


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _too_many(request: HttpRequest, bucket: str) -> bool:
    key = f"rl:{bucket}:{_client(request)}"
    count = cache.get_or_set(key, 0, WINDOW_SECONDS) or 0
    if count >= LOOKUPS_PER_WINDOW:
        return True
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
    return False


@public
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Tracking by dossier code + the PIN printed on the receipt (the QR code carries both)."""
    code = (code or request.GET.get("ma") or "").strip()
    pin = (request.GET.get("pin") or "").strip()
    context: dict[str, Any] = {"code": code, "pin": pin}
    status = 200
    if code or pin:
        if _too_many(request, "track"):
            context["error"] = _("Too many lookups from your connection. Wait ten minutes.")
            return render(request, "portal/track.html", context, status=429)
        result = public_track(code=code, pin=pin or None)
        if result is None:
            context["error"] = _(
                "No dossier matches this code and PIN. Check both on your receipt."
            )
            status = 404
        else:
            context["track"] = result
            context["status_label"] = STATUS_LABELS[DossierStatus(result.status)]
            context["timeline"] = [
                (at, ACTION_TEXT.get(action, action)) for at, action in result.timeline
            ]
    return render(request, "portal/track.html", context, status=status)


@public
def kiosk(request: HttpRequest) -> HttpResponse:
    """The desk's kiosk: a barcode scanner types the code; the status shows in large type.
    Only the status and the appointment date are shown."""
    code = (request.GET.get("ma") or "").strip()
    context: dict[str, Any] = {"code": code}
    status = 200
    if code:
        if _too_many(request, "kiosk"):
            context["error"] = _("Too many lookups. Wait ten minutes.")
            return render(request, "portal/kiosk.html", context, status=429)
        dossier = kiosk_status(code=code)
        if dossier is None:
            context["error"] = _("No dossier has this code.")
            status = 404
        else:
            context["dossier"] = dossier
            context["status_label"] = STATUS_LABELS[DossierStatus(dossier.status)]
    return render(request, "portal/kiosk.html", context, status=status)


def _verify_context(pdf: bytes) -> dict[str, Any]:
    report = verify_pdf(pdf=pdf, trust_roots=trust_roots_from_settings())
    registered = result_find_by_sha256(sha256=report.sha256)
    return {"report": report, "registered_code": registered.dossier.code if registered else None}


@public
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a PDF; the answer says in plain words whether its signatures are valid,
    who signed for which agency and when, whether it changed after signing, and whether it is
    the result registered for a dossier."""
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Choose a PDF file.")
            status = 400
        elif upload.size and upload.size > 20 * 1024 * 1024:
            context["error"] = _("The file is larger than 20 MB.")
            status = 400
        else:
            try:
                context.update(_verify_context(upload.read()))
            except ApplicationError as exc:
                context["error"] = exc.message
                status = 400
    return render(request, "portal/verify.html", context, status=status)


@public
def verify_registered(request: HttpRequest, code: str) -> HttpResponse:
    """Verify the signed result registered for a dossier, by its code."""
    doc = result_signed_for_code(code=code)
    if doc is None:
        return render(
            request,
            "portal/verify.html",
            {"error": _("No signed result is registered for this code.")},
            status=404,
        )
    with doc.file.open("rb") as fh:
        context = _verify_context(fh.read())
    context["checked_code"] = code
    return render(request, "portal/verify.html", context)
