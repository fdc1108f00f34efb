"""The sandbox gateway's own "bank" pages, at /sandbox-gateway/: they play the external payment
gateway (the other end of `payment_gateway.SandboxGateway`) so the demo and the tests work
offline. Not part of the one-stop system's rules.

GET /sandbox-gateway/pay/?<signed request> checks the signature, merchant code, amount and
expiry, then shows the order with three buttons. POST plays the gateway's answer:
1. the server-to-server IPN to the merchant's IPN URL (`portal:pay_ipn`). In this process by
   default: the view that URL resolves to is called with the same GET request; with
   MOTCUA_PAYMENT_SANDBOX_IPN="http" a real HTTP GET to MOTCUA_PUBLIC_URL + the IPN path, as
   the vendor does. Like a real bank, it knows the merchant only by that URL: nothing here
   imports the payments app;
2. a redirect of the browser to the signed return URL.

Enabled by MOTCUA_PAYMENT_SANDBOX (on in the local and test settings, off in production)."""

from __future__ import annotations

import json
import logging
import secrets
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import path, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core import clock
from motcua.core.access import public
from motcua.core.links import public_url
from motcua.core.text import vnd_figures
from motcua.integrations.payment_gateway import (
    SUCCESS,
    SandboxGateway,
    canonical_query,
    format_date,
    gateway_get,
    parse_date,
    sign,
    signature_valid,
)

logger = logging.getLogger(__name__)

PAGE = "integrations/payment_sandbox/pay.html"

#: Buttons of the sandbox page → (vnp_ResponseCode, vnp_TransactionStatus).
#: "24": the customer cancelled; "51": the account lacks funds; "02": transaction failed.
ANSWERS = {"pay": (SUCCESS, SUCCESS), "cancel": ("24", "02"), "fail": ("51", "02")}
REQUEST_FIELDS = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
    "vnp_SecureHash",
)


def _gateway() -> SandboxGateway:
    if not getattr(settings, "MOTCUA_PAYMENT_SANDBOX", False):
        raise Http404
    gateway = gateway_get(SandboxGateway.name)
    assert isinstance(gateway, SandboxGateway)
    return gateway


def _check_request(params: Mapping[str, str], gateway: SandboxGateway) -> str | None:
    """Why the incoming payment request is refused (None when it is acceptable)."""
    if not signature_valid(params, gateway.secret):
        return _("Invalid signature.")
    if params.get("vnp_TmnCode") != gateway.tmn_code:
        return _("Unknown merchant.")
    if params.get("vnp_Command") != "pay" or params.get("vnp_CurrCode") != "VND":
        return _("Unsupported request.")
    try:
        amount = int(params.get("vnp_Amount", ""))
    except ValueError:
        amount = 0
    if amount <= 0 or amount % 100:
        return _("Invalid amount.")
    expires = parse_date(params.get("vnp_ExpireDate", ""))
    if expires is None or expires < clock.now():
        return _("The payment request has expired.")
    if not params.get("vnp_TxnRef") or not params.get("vnp_ReturnUrl"):
        return _("Unsupported request.")
    return None


def answer_params(
    request_params: Mapping[str, str], button: str, gateway: SandboxGateway
) -> dict[str, str]:
    """The signed parameters the gateway sends back (return URL and IPN) for a button."""
    response, status = ANSWERS[button]
    ok = response == SUCCESS
    params = {
        "vnp_TmnCode": gateway.tmn_code,
        "vnp_Amount": request_params["vnp_Amount"],
        "vnp_BankCode": "NCB" if ok else "VNPAY",
        "vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}" if ok else "",
        "vnp_CardType": "ATM" if ok else "",
        "vnp_OrderInfo": request_params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": format_date(clock.now()),
        "vnp_ResponseCode": response,
        "vnp_TransactionNo": f"{secrets.randbelow(9 * 10**7) + 10**7}" if ok else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": request_params["vnp_TxnRef"],
    }
    params = {k: v for k, v in params.items() if v != ""}
    params["vnp_SecureHash"] = sign(params, gateway.secret)
    return params


def deliver_ipn(params: Mapping[str, str]) -> dict[str, Any]:
    """Send the IPN to the merchant's IPN URL the way MOTCUA_PAYMENT_SANDBOX_IPN says; returns
    the merchant's answer (its JSON body)."""
    ipn_path = reverse("portal:pay_ipn")
    query = urllib.parse.urlencode(params)
    body: dict[str, Any]
    if getattr(settings, "MOTCUA_PAYMENT_SANDBOX_IPN", "inprocess") == "http":
        url = f"{public_url(ipn_path)}?{query}"
        if not url.startswith(("http://", "https://")):
            raise ValueError(url)
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - checked above
            body = json.loads(response.read().decode("utf-8"))
            return body
    # In this process: the GET the vendor would send, handed to the view of the IPN URL.
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = ipn_path
    request.GET = QueryDict(query)
    match = resolve(ipn_path)
    answer = match.func(request, *match.args, **match.kwargs)
    body = json.loads(answer.content.decode("utf-8"))
    return body


@public
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    gateway = _gateway()
    source = request.POST if request.method == "POST" else request.GET
    params = {k: source.get(k, "") for k in REQUEST_FIELDS if source.get(k, "") != ""}
    error = _check_request(params, gateway)
    if error:
        return render(request, PAGE, {"error": error}, status=400)
    if request.method == "POST":
        button = request.POST.get("button", "")
        if button not in ANSWERS:
            return render(request, PAGE, {"error": _("Choose an action.")}, status=400)
        answer = answer_params(params, button, gateway)
        try:
            ipn = deliver_ipn(answer)
        except Exception:  # the merchant being down must not break the bank page
            logger.exception("sandbox gateway: IPN delivery failed")
            ipn = {"RspCode": "99"}
        logger.info("sandbox gateway: IPN %s → %s", params["vnp_TxnRef"], ipn)
        return_url = params["vnp_ReturnUrl"]
        joiner = "&" if "?" in return_url else "?"
        return HttpResponseRedirect(f"{return_url}{joiner}{urllib.parse.urlencode(answer)}")
    return render(
        request,
        PAGE,
        {
            "fields": [(k, params[k]) for k in REQUEST_FIELDS if k in params],
            "order_ref": params["vnp_TxnRef"],
            "order_info": params.get("vnp_OrderInfo", ""),
            "amount": vnd_figures(int(params["vnp_Amount"]) // 100),
            "merchant": params["vnp_TmnCode"],
            "signed_text": canonical_query(params),
        },
    )


app_name = "sandbox_gateway"
urlpatterns = [path("pay/", pay, name="pay")]
