"""Paying a dossier's fee online (interface only: parse, call payments.api, render).

The pages name a dossier by its "key" (payments.api.payment_key): its code, or, for an online
submission the desk has not accepted yet, its reference (UUID) — the fee may be paid right
after submitting. Who may pay: the dossier's applicant signed in, or anyone who proved the
dossier code + the lookup PIN printed on the receipt in this session (on the public tracking
page, or on this page; both remember the code under public_dossiers.TRACKED_SESSION_KEY)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.core import ratelimit
from motcua.core.access import public
from motcua.core.errors import ApplicationError, NotFound
from motcua.dossiers.api import Dossier
from motcua.payments.api import (
    STATUS_LABELS,
    access_dossier_for_payer,
    payer_unlock,
    payment_ipn,
    payment_key,
    payment_receipt_pdf,
    payment_return,
    payment_start,
    payment_status_for_dossier,
    vnd_figures,
)
from motcua.payments.data import CallbackOutcome, PaymentStatus
from motcua.portal.public_dossiers import (
    TRACKED_SESSION_KEY,
    code_succeeded,
    code_try,
    tracked_codes,
)

#: Dossier codes whose code + PIN this session has proved (shared with the tracking page).
UNLOCKED_SESSION_KEY = TRACKED_SESSION_KEY
UNLOCK_TRIES_PER_WINDOW = 10
WINDOW_SECONDS = 600


def _unlocked(request: HttpRequest) -> list[str]:
    return tracked_codes(request)


def _remember(request: HttpRequest, code: str) -> None:
    codes = [c for c in _unlocked(request) if c != code]
    request.session[UNLOCKED_SESSION_KEY] = [*codes, code][-20:]


def _too_many_tries(request: HttpRequest) -> bool:
    key = f"rl:pay-unlock:{request.META.get('REMOTE_ADDR', 'unknown')}"
    return ratelimit.hit(key=key, limit=UNLOCK_TRIES_PER_WINDOW, window_seconds=WINDOW_SECONDS)


def _payer_dossier(request: HttpRequest, key: str) -> Dossier | None:
    try:
        return access_dossier_for_payer(
            key=key, user=request.user, unlocked_codes=_unlocked(request)
        )
    except NotFound:
        return None


def _is_reference(key: str) -> bool:
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True


def _back_url(request: HttpRequest, dossier: Dossier) -> str:
    """The dossier's own page for its signed-in applicant, its public tracking page otherwise."""
    user: Any = request.user
    if user.is_authenticated and dossier.applicant_user_id == user.pk:
        return reverse("portal:my_dossier", args=[str(dossier.reference)])
    if dossier.code:
        return reverse("portal:track_code", args=[dossier.code])
    return ""


def _unlock_page(
    request: HttpRequest, code: str, *, error: str = "", pin: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portal/pay/unlock.html",
        {"code": code, "error": error, "pin": pin},
        status=status,
    )


def _choice(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("choice", ""))
    except ValueError:
        return None


def _pay_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    error: str = "",
    choice_error: str = "",
    chosen: int | None = None,
    status: int = 200,
) -> HttpResponse:
    state = payment_status_for_dossier(dossier)
    lines = [
        {"line": line, "amount": vnd_figures(line.amount_vnd)} for line in state.options.payable
    ]
    history = [
        {
            "payment": p,
            "amount": vnd_figures(p.amount_vnd),
            "label": STATUS_LABELS[PaymentStatus(p.status)],
        }
        for p in state.payments
    ]
    return render(
        request,
        "portal/pay/pay.html",
        {
            "dossier": dossier,
            "key": payment_key(dossier),
            "back_url": _back_url(request, dossier),
            "state": state,
            "lines": lines,
            "other_lines": state.options.other,
            "total": vnd_figures(state.options.payable[0].amount_vnd)
            if len(state.options.payable) == 1
            else "",
            "paid_amount": vnd_figures(state.paid_payment.amount_vnd) if state.paid_payment else "",
            "history": history,
            "error": error,
            "choice_error": choice_error,
            "chosen": chosen,
        },
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def pay_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """The fee of a dossier: the lines, a choice when the procedure lists alternatives, and a
    button that sends the payer to the payment gateway. `code` is the dossier's key (its code,
    or its reference before it has a code)."""
    dossier = _payer_dossier(request, code)
    if dossier is None and _is_reference(code):
        # Only the signed-in applicant reaches a dossier by its reference (there is no PIN
        # to prove before the desk accepts it): sign in, then come back.
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    if request.method == "POST" and request.POST.get("action") == "unlock":
        pin = (request.POST.get("pin") or "").strip()
        if _too_many_tries(request):
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_("Too many tries from your connection. Wait ten minutes."),
                status=429,
            )
        if code_try(code):
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_(
                    "Too many wrong attempts for this dossier code. Try again tomorrow, or ask "
                    "the one-stop desk."
                ),
                status=429,
            )
        if not pin or not payer_unlock(code=code, pin=pin):
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_("The dossier code and PIN do not match. Check both on your receipt."),
                status=400,
            )
        code_succeeded(code)
        _remember(request, code)
        return redirect("portal:pay_dossier", code=code)
    if dossier is None:
        return _unlock_page(request, code)
    if request.method == "POST":
        choice = _choice(request)
        try:
            start = payment_start(
                dossier=dossier,
                payer=request.user,
                choice=choice,
                return_url=request.build_absolute_uri(reverse("portal:pay_return")),
                ipn_url=request.build_absolute_uri(reverse("portal:pay_ipn")),
                ip_addr=str(request.META.get("REMOTE_ADDR", "127.0.0.1")),
                locale="en" if getattr(request, "LANGUAGE_CODE", "vi") == "en" else "vn",
            )
        except ApplicationError as exc:
            choice_errors = exc.field_errors.get("choice", [])
            return _pay_page(
                request,
                dossier,
                error="" if choice_errors else exc.message,
                choice_error=" ".join(choice_errors),
                chosen=choice,
                status=exc.status_code,
            )
        return HttpResponseRedirect(start.redirect_url)
    return _pay_page(request, dossier)


@public
@require_http_methods(["GET"])
def pay_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the payer back. Shows the result only after checking the
    signature (and confirms the payment if the gateway's IPN has not arrived yet)."""
    result = payment_return(params=request.GET.dict())
    context: dict[str, Any] = {"result": result, "code": result.dossier_key}
    status = 200
    if result.outcome is CallbackOutcome.INVALID_SIGNATURE:
        context["state"] = "invalid"
        status = 400
    elif result.paid:
        context["state"] = "paid"
    elif result.outcome in (CallbackOutcome.FAILURE_RECORDED, CallbackOutcome.ALREADY_CONFIRMED):
        context["state"] = "failed"
    elif result.outcome is CallbackOutcome.REFUND_NEEDED:
        context["state"] = "duplicate"
    else:
        context["state"] = "unknown"
        status = 400
    return render(request, "portal/pay/return.html", context, status=status)


@public
@csrf_exempt
@require_http_methods(["GET", "POST"])
def pay_ipn(request: HttpRequest) -> JsonResponse:
    """The gateway's server-to-server notification (IPN). Answers JSON {"RspCode", "Message"}."""
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    return JsonResponse(payment_ipn(params=params).ipn_body())


@public
@require_http_methods(["GET"])
def pay_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The fee receipt (Biên lai thu phí, lệ phí) of a paid dossier, as PDF."""
    dossier = _payer_dossier(request, code)
    if dossier is None:
        raise Http404
    pdf = payment_receipt_pdf(dossier=dossier)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    name = dossier.code or f"hs-{str(dossier.reference)[:8]}"
    response["Content-Disposition"] = f'inline; filename="bien-lai-{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
