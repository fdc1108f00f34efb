"""Public pages about dossiers: tracking by code + PIN (or the phone's last digits), the desk's
kiosk, and signature verification. No login; nothing personal is shown; lookups are
rate-limited per address (and, for tracking, per dossier code)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import ratelimit
from motcua.core.access import public
from motcua.core.errors import ApplicationError
from motcua.documents.api import trust_roots_from_settings, verify_pdf
from motcua.dossiers.api import (
    STATUS_LABELS,
    DossierStatus,
    kiosk_status,
    result_find_by_sha256,
    result_signed_for_code,
)
from motcua.feedback.api import rating_open_for_code
from motcua.notifications.api import public_track_with_factor
from motcua.payments.api import access_dossier_for_payer, payment_status_for_dossier

#: Each public event as a sentence the applicant understands: no officer names, nothing the
#: applicant does not already know. Internal steps read the same, and repeats are merged.
ACTION_TEXT = {
    "submit": gettext_lazy("You submitted the dossier online."),
    "accept": gettext_lazy("Received by the one-stop desk"),
    "request_completion": gettext_lazy(
        "The one-stop desk asked you to complete the dossier; the list was sent to you."
    ),
    "refuse": gettext_lazy(
        "The one-stop desk could not receive the dossier; the reason was sent to you."
    ),
    "forward": gettext_lazy("The dossier moved on to the next step of its handling."),
    "consult": gettext_lazy("The agency asked other agencies for their opinion."),
    "transfer": gettext_lazy("The dossier was sent to another agency for its part."),
    "request_supplement": gettext_lazy(
        "The agency asked you for more documents; the time limit is paused until you bring them."
    ),
    "receive_supplement": gettext_lazy(
        "Your additional documents were received; handling resumed."
    ),
    "apologize": gettext_lazy("The agency apologised for the delay and set a new appointment."),
    "approve": gettext_lazy("A leader of the agency approved the dossier."),
    "complete": gettext_lazy("The handling is finished: the result is ready."),
    "reject": gettext_lazy(
        "After review, the agency refused the request; the written answer with the reasons is "
        "the result."
    ),
    "return_result": gettext_lazy("The result was handed over."),
    "withdraw": gettext_lazy("The handling was stopped at your request."),
    "cancel": gettext_lazy("The agency stopped the handling; the reason was sent to you."),
}
LOOKUPS_PER_WINDOW = 20
WINDOW_SECONDS = 600
#: Wrong second factors accepted for one dossier code per day, from all addresses together
#: (the phone's last digits are only 10,000 possibilities).
FAILURES_PER_CODE = 20
CODE_WINDOW_SECONDS = 24 * 3600
#: Session key: the codes this visitor proved (code + PIN or phone digits) on the tracking
#: page; the rating and payment pages accept them as proof of holding the receipt.
TRACKED_SESSION_KEY = "tracked_dossiers"
TRACKED_MAX = 20


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _too_many(request: HttpRequest, bucket: str) -> bool:
    key = f"rl:{bucket}:{_client(request)}"
    return ratelimit.hit(key=key, limit=LOOKUPS_PER_WINDOW, window_seconds=WINDOW_SECONDS)


def _code_key(code: str) -> str:
    return "rl:track-code:" + hashlib.sha256(code.encode()).hexdigest()[:32]


def code_try(code: str) -> bool:
    """Count a try of a second factor for this code before checking it (so tries made at the
    same time cannot all pass); True when FAILURES_PER_CODE failures already used the day.
    Shared by every page that checks a code's PIN (tracking, the fee page's unlock).
    A try that succeeds is taken back with `code_succeeded`: only failures stay counted."""
    return ratelimit.hit(
        key=_code_key(code), limit=FAILURES_PER_CODE, window_seconds=CODE_WINDOW_SECONDS
    )


def code_succeeded(code: str) -> None:
    ratelimit.release(key=_code_key(code))


def tracked_codes(request: HttpRequest) -> list[str]:
    """The dossier codes this visitor proved on the tracking page in this session."""
    codes = request.session.get(TRACKED_SESSION_KEY) or []
    return [str(c) for c in codes if isinstance(c, str)]


def _remember(request: HttpRequest, code: str) -> None:
    codes = [c for c in tracked_codes(request) if c != code] + [code]
    request.session[TRACKED_SESSION_KEY] = codes[-TRACKED_MAX:]


def _timeline(events: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """Plain sentences, oldest first; a sentence repeated in a row (several internal
    handovers) is shown once, at its first time."""
    rows: list[tuple[Any, str]] = []
    for at, action in events:
        text = str(ACTION_TEXT.get(action, "")) or _("The dossier was updated.")
        if rows and rows[-1][1] == text:
            continue
        rows.append((at, text))
    return rows


@public
def track(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Tracking without signing in: the dossier code and a second factor, the PIN printed on
    the receipt (the QR code carries both) or the last 4 digits of the applicant's phone.
    Rate-limited per address and per code. A success is remembered in the session so the
    visitor may rate the handling (and pay fees) for that dossier."""
    code = (code or request.GET.get("ma") or "").strip()[:64]
    pin = (request.GET.get("pin") or "").strip()[:12]
    context: dict[str, Any] = {"code": code, "pin": pin}
    status = 200
    if code or pin:
        if _too_many(request, "track"):
            context["error"] = _("Too many lookups from your connection. Wait ten minutes.")
            return render(request, "portal/track.html", context, status=429)
        if code and code_try(code):
            context["error"] = _(
                "Too many wrong attempts for this dossier code. Try again tomorrow, or ask the "
                "one-stop desk."
            )
            return render(request, "portal/track.html", context, status=429)
        result = public_track_with_factor(code=code, factor=pin) if code and pin else None
        if result is None:
            context["error"] = _(
                "No dossier matches this code and PIN (or phone digits). Check both on your "
                "receipt."
            )
            context["error_field"] = "pin" if code else "ma"
            status = 404
        else:
            code_succeeded(code)
            _remember(request, result.code)
            context["track"] = result
            context["status_label"] = STATUS_LABELS[DossierStatus(result.status)]
            context["timeline"] = _timeline(list(result.timeline))
            context["can_rate"] = rating_open_for_code(dossier_code=result.code)
            context["fee"] = _fee_state(request, result.code)
    return render(request, "portal/track.html", context, status=status)


def _fee_state(request: HttpRequest, code: str) -> str:
    """ "due" (a fee can be paid online now), "paid" (its receipt can be downloaded) or ""."""
    try:
        dossier = access_dossier_for_payer(key=code, user=request.user, unlocked_codes=[code])
    except ApplicationError:
        return ""
    state = payment_status_for_dossier(dossier)
    return "paid" if state.paid else "due" if state.payable_now else ""


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
