"""Payment gateway clients: one interface, one implementation speaking the VNPay 2.1.0-style
protocol (the payments app's `payment_start` and callbacks use them; `MOTCUA_PAYMENT_GATEWAY`
chooses one).

The protocol (docs: motcua/payments/README.md):
- the payer's browser is redirected to the gateway with the order in query parameters, sorted
  by name, URL-encoded (`quote_plus`), and signed: vnp_SecureHash = hex HMAC-SHA512(secret,
  the query string without the hash);
- the gateway answers twice, with the same kind of signed parameters: the browser comes back
  to vnp_ReturnUrl, and the gateway calls the merchant's IPN URL (registered with the vendor)
  server to server. vnp_ResponseCode and vnp_TransactionStatus "00" mean success.

Pure functions of their arguments and settings; no database access, nothing from the domain
apps (a payment is anything with the `PayableOrder` attributes)."""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import hmac
import urllib.parse
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VN_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
VERSION = "2.1.0"
SUCCESS = "00"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")


@dataclass(frozen=True)
class GatewayResult:
    """What a gateway said in a return URL or an IPN, after checking its signature."""

    signature_ok: bool
    order_ref: str = ""
    amount_vnd: int | None = None  # already divided by 100
    success: bool = False
    response_code: str = ""
    transaction_status: str = ""
    gateway_txn: str = ""
    bank_code: str = ""
    pay_date: dt.datetime | None = None
    raw: dict[str, str] = field(default_factory=dict)


class PayableOrder(Protocol):
    """What a gateway needs to know about a payment (the Payment model has these)."""

    order_ref: str
    amount_vnd: int
    created_at: dt.datetime
    expires_at: dt.datetime

    @property
    def order_info(self) -> str: ...


class PaymentGateway(abc.ABC):
    """A payment gateway. Implementations must check signatures in constant time."""

    name: str

    @abc.abstractmethod
    def build_payment_url(
        self,
        payment: PayableOrder,
        return_url: str,
        ipn_url: str,
        *,
        ip_addr: str = "127.0.0.1",
        locale: str = "vn",
    ) -> str:
        """The signed URL to send the payer's browser to."""

    @abc.abstractmethod
    def verify_return(self, params: Mapping[str, str]) -> GatewayResult:
        """Check and read the parameters of the browser's return URL."""

    @abc.abstractmethod
    def verify_ipn(self, params: Mapping[str, str]) -> GatewayResult:
        """Check and read the parameters of a server-to-server notification."""


# --- VNPay 2.1.0-style signing -------------------------------------------------------------


def canonical_query(params: Mapping[str, str]) -> str:
    """The text that is signed: vnp_* parameters except the hash, sorted by name,
    `name=quote_plus(value)` joined by "&" (empty values are left out)."""
    items = sorted(
        (k, str(v))
        for k, v in params.items()
        if k.startswith("vnp_") and k not in HASH_FIELDS and str(v) != ""
    )
    return "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    """vnp_SecureHash: hex HMAC-SHA512 of the canonical query."""
    return hmac.new(
        secret.encode("utf-8"), canonical_query(params).encode("utf-8"), hashlib.sha512
    ).hexdigest()


def signature_valid(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    if not given:
        return False
    return hmac.compare_digest(given.encode("ascii", "replace"), sign(params, secret).encode())


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """The full query string: canonical query plus vnp_SecureHash."""
    return f"{canonical_query(params)}&vnp_SecureHash={sign(params, secret)}"


def format_date(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime(DATE_FORMAT)


def parse_date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


class SandboxGateway(PaymentGateway):
    """The VNPay 2.1.0-style protocol, pointed at the built-in sandbox "bank" pages by default
    (MOTCUA_PAYMENT_GATEWAY_URL can point it at a vendor's sandbox instead)."""

    name = "sandbox"

    def __init__(self, *, tmn_code: str, secret: str, url: str) -> None:
        if not secret:
            raise ImproperlyConfigured("MOTCUA_PAYMENT_HASH_SECRET is not set")
        if not tmn_code:
            raise ImproperlyConfigured("MOTCUA_PAYMENT_TMN_CODE is not set")
        self.tmn_code = tmn_code
        self.secret = secret
        self.url = url

    def request_params(
        self,
        payment: PayableOrder,
        return_url: str,
        *,
        ip_addr: str = "127.0.0.1",
        locale: str = "vn",
    ) -> dict[str, str]:
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(int(payment.amount_vnd) * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.order_ref,
            "vnp_OrderInfo": payment.order_info,
            # UNCONFIRMED: the vendor's category code for public-service fees; "other".
            "vnp_OrderType": "other",
            "vnp_Locale": locale if locale in ("vn", "en") else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip_addr or "127.0.0.1",
            "vnp_CreateDate": format_date(payment.created_at),
            "vnp_ExpireDate": format_date(payment.expires_at),
        }

    def build_payment_url(
        self,
        payment: PayableOrder,
        return_url: str,
        ipn_url: str,
        *,
        ip_addr: str = "127.0.0.1",
        locale: str = "vn",
    ) -> str:
        # The IPN URL is registered with the vendor (merchant portal), not sent per request.
        params = self.request_params(payment, return_url, ip_addr=ip_addr, locale=locale)
        return f"{self.url}?{signed_query(params, self.secret)}"

    def _read(self, params: Mapping[str, str]) -> GatewayResult:
        raw = {k: str(v) for k, v in params.items()}
        if not signature_valid(raw, self.secret):
            return GatewayResult(signature_ok=False, order_ref=raw.get("vnp_TxnRef", ""), raw=raw)
        amount: int | None = None
        try:
            cents = int(raw.get("vnp_Amount", ""))
            if cents >= 0 and cents % 100 == 0:
                amount = cents // 100
        except ValueError:
            amount = None
        response = raw.get("vnp_ResponseCode", "")
        status = raw.get("vnp_TransactionStatus", response)
        return GatewayResult(
            signature_ok=raw.get("vnp_TmnCode", "") == self.tmn_code,
            order_ref=raw.get("vnp_TxnRef", ""),
            amount_vnd=amount,
            success=response == SUCCESS and status == SUCCESS,
            response_code=response,
            transaction_status=status,
            gateway_txn=raw.get("vnp_TransactionNo", ""),
            bank_code=raw.get("vnp_BankCode", ""),
            pay_date=parse_date(raw.get("vnp_PayDate", "")),
            raw=raw,
        )

    def verify_return(self, params: Mapping[str, str]) -> GatewayResult:
        return self._read(params)

    def verify_ipn(self, params: Mapping[str, str]) -> GatewayResult:
        return self._read(params)


def gateway_get(name: str | None = None) -> PaymentGateway:
    """The configured gateway (MOTCUA_PAYMENT_GATEWAY), read from settings at call time."""
    name = name or str(settings.MOTCUA_PAYMENT_GATEWAY)
    if name == SandboxGateway.name:
        return SandboxGateway(
            tmn_code=str(settings.MOTCUA_PAYMENT_TMN_CODE),
            secret=str(settings.MOTCUA_PAYMENT_HASH_SECRET),
            url=str(settings.MOTCUA_PAYMENT_GATEWAY_URL),
        )
    raise ImproperlyConfigured(f"Unknown payment gateway {name!r}")
