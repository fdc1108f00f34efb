"""Paying a dossier's fee online (interface only: parse, call payments.api, render).

The pages name a dossier by its "key" (payments.api.payment_key): its code, or, for an online
submission the desk has not accepted yet, its reference (UUID) — the fee may be paid right
after submitting. A code is read as typed (a GET with another spelling is sent to the printed
one). Who may pay: the dossier's applicant signed in, or anyone who proved the dossier code +
the lookup PIN printed on the receipt in this session (on the public tracking page, or on
this page; both remember the code under public_dossiers.PIN_SESSION_KEY). The last digits of
the phone, which open tracking, do not open this page: it shows the applicant's name and the
fee receipt (docs/adr/0023-public-lookups-typed-codes-and-guessing.md)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

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
from motcua.core.identifiers import dossier_code_normalize
from motcua.core.links import public_url
from motcua.payments.api import (
    STATUS_LABELS,
    access_dossier_for_payer,
    fee_options,
    fee_price_from_form,
    payment_ipn,
    payment_key,
    payment_receipt_pdf,
    payment_return,
    payment_start,
    payment_status_for_dossier,
    vnd_figures,
)
from motcua.payments.data import CallbackOutcome, FeeAmount, FeeOptions, FeeUnit, PaymentStatus
from motcua.portal.public_dossiers import (
    FactorOutcome,
    factor_check,
    pin_proven_codes,
    proven_cookie_apply,
    remember_proven,
    typed_factor,
)

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier

UNLOCK_TRIES_PER_WINDOW = 10
WINDOW_SECONDS = 600


def _unlocked(request: HttpRequest) -> list[str]:
    """Codes this session proved with the PIN (here or on the tracking page)."""
    return pin_proven_codes(request)


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


def _per(unit: str) -> str:
    return {FeeUnit.PAGE: _("per page"), FeeUnit.COPY: _("per copy")}.get(FeeUnit(unit), "")


def _charges(options: FeeOptions) -> list[dict[str, Any]]:
    """The fees the payer can pay, each with its lines' amounts and units."""
    return [
        {
            "position": charge.position,
            "lines": [
                {"line": line, "amount": vnd_figures(line.amount_vnd), "per": _per(line.unit)}
                for line in charge.lines
            ],
            "cap": vnd_figures(charge.cap_per_copy_vnd) if charge.cap_per_copy_vnd else "",
            "needs_copies": charge.needs_copies,
        }
        for charge in options.charges
    ]


def _quote(amount: FeeAmount) -> dict[str, Any]:
    """What the fee comes to, line by line, for the quantities typed."""
    rows = []
    for c in amount.lines:
        figures = {"amount": vnd_figures(c.line.amount_vnd), "copies": amount.copies}
        if c.line.unit == FeeUnit.PAGE:
            detail = _("%(amount)s VND × %(pages)s pages × %(copies)s copies") % {
                **figures,
                "pages": c.pages,
            }
        elif c.line.unit == FeeUnit.COPY:
            detail = _("%(amount)s VND × %(copies)s copies") % figures
        else:
            detail = ""
        rows.append({"name": c.line.name, "detail": detail, "amount": vnd_figures(c.subtotal_vnd)})
    cap = ""
    if amount.capped_per_copy_vnd:
        cap = _("At most %(cap)s VND per copy: %(cap)s VND × %(copies)s copies.") % {
            "cap": vnd_figures(amount.capped_per_copy_vnd),
            "copies": amount.copies,
        }
    return {"rows": rows, "cap": cap, "total": vnd_figures(amount.total_vnd)}


def _pay_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    error: str = "",
    field_errors: dict[str, list[str]] | None = None,
    chosen: int | None = None,
    quote: FeeAmount | None = None,
    status: int = 200,
) -> HttpResponse:
    state = payment_status_for_dossier(dossier)
    options = state.options
    charges = _charges(options)
    field_errors = field_errors or {}
    history = [
        {
            "payment": p,
            "amount": vnd_figures(p.amount_vnd),
            "label": STATUS_LABELS[PaymentStatus(p.status)],
        }
        for p in state.payments
    ]
    first = f"choice-{charges[0]['position']}" if charges else "choice"
    anchors = {"choice": first, "pages": "pages", "copies": "copies"}
    return render(
        request,
        "portal/pay/pay.html",
        {
            "dossier": dossier,
            "key": payment_key(dossier),
            "back_url": _back_url(request, dossier),
            "state": state,
            "charges": charges,
            "single": charges[0] if len(charges) == 1 else None,
            "needs_pages": any(c.needs_pages for c in options.charges),
            "needs_copies": options.needs_quantities,
            "other_lines": options.other,
            "total": vnd_figures(options.charges[0].minimum_vnd)
            if len(charges) == 1 and not options.needs_quantities
            else "",
            "paid_amount": vnd_figures(state.paid_payment.amount_vnd) if state.paid_payment else "",
            "history": history,
            "error": error,
            "field_errors": field_errors,
            "error_links": [
                (anchors[name], messages[0])
                for name, messages in field_errors.items()
                if name in anchors and messages
            ],
            "chosen": chosen,
            "typed": {
                "pages": (request.POST.get("pages") or "").strip()[:12],
                "copies": (request.POST.get("copies") or "").strip()[:12],
            },
            "quote": _quote(quote) if quote is not None else None,
        },
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def pay_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """The fee of a dossier: the lines, a choice when the procedure lists alternatives, and a
    button that sends the payer to the payment gateway. `code` is the dossier's key (its code,
    or its reference before it has a code)."""
    if not _is_reference(code):
        normalized = dossier_code_normalize(code)
        if normalized and normalized != code and request.method == "GET":
            return redirect("portal:pay_dossier", code=normalized)
        code = normalized or code
    dossier = _payer_dossier(request, code)
    if dossier is None and _is_reference(code):
        # Only the signed-in applicant reaches a dossier by its reference (there is no PIN
        # to prove before the desk accepts it): sign in, then come back.
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    if request.method == "POST" and request.POST.get("action") == "unlock":
        pin = typed_factor(request.POST.get("pin") or "")
        if _too_many_tries(request):
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_("Too many tries from your connection. Wait ten minutes."),
                status=429,
            )
        check = factor_check(request, code, pin, phone=False) if pin else None
        if check is not None and check.outcome is FactorOutcome.ADDRESS_BLOCKED:
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_(
                    "Too many wrong attempts for this dossier code from your connection. Try "
                    "again tomorrow, or ask the one-stop desk."
                ),
                status=429,
            )
        if check is None or check.track is None:
            return _unlock_page(
                request,
                code,
                pin=pin,
                error=_("The dossier code and PIN do not match. Check both on your receipt."),
                status=400,
            )
        remember_proven(request, check.track.code, by_pin=True)
        return proven_cookie_apply(request, redirect("portal:pay_dossier", code=code))
    if dossier is None:
        return _unlock_page(request, code)
    if request.method == "POST":
        choice = _choice(request)
        try:
            priced = fee_price_from_form(
                options=fee_options(dossier=dossier),
                choice=request.POST.get("choice", ""),
                pages=request.POST.get("pages", ""),
                copies=request.POST.get("copies", ""),
            )
            if request.POST.get("action") == "quote":
                return _pay_page(request, dossier, chosen=choice, quote=priced)
            start = payment_start(
                dossier=dossier,
                payer=request.user,
                choice=priced.position,
                pages=priced.pages,
                copies=priced.copies,
                return_url=public_url(reverse("portal:pay_return")),
                ipn_url=public_url(reverse("portal:pay_ipn")),
                ip_addr=str(request.META.get("REMOTE_ADDR", "127.0.0.1")),
                locale="en" if getattr(request, "LANGUAGE_CODE", "vi") == "en" else "vn",
            )
        except ApplicationError as exc:
            return _pay_page(
                request,
                dossier,
                error=exc.message,
                field_errors=exc.field_errors,
                chosen=choice,
                status=exc.status_code,
            )
        return HttpResponseRedirect(start.redirect_url)
    return _pay_page(request, dossier)


def _dossier_name(result: Any) -> str:
    """The dossier as the payer knows it: its procedure and code, or, before the desk gives it
    a code, the day it was submitted (never its internal reference)."""
    if not result.procedure_name:
        return ""
    if result.dossier_code:
        return _("%(procedure)s, dossier %(code)s") % {
            "procedure": result.procedure_name,
            "code": result.dossier_code,
        }
    day = result.submitted_on.strftime("%d/%m/%Y") if result.submitted_on else ""
    return _("%(procedure)s, dossier submitted on %(day)s") % {
        "procedure": result.procedure_name,
        "day": day,
    }


@public
@require_http_methods(["GET"])
def pay_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the payer back. Shows the result only after checking the
    signature (and confirms the payment if the gateway's IPN has not arrived yet)."""
    result = payment_return(params=request.GET.dict())
    context: dict[str, Any] = {
        "result": result,
        "code": result.dossier_key,
        "dossier_name": _dossier_name(result),
    }
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
    if not _is_reference(code):
        code = dossier_code_normalize(code) or code
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
