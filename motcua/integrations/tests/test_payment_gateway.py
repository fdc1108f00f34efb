"""The payment gateway client (integrations/payment_gateway.py), VNPay 2.1.0-style protocol:
signing checked against an independent computation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from motcua.integrations.payment_gateway import SandboxGateway

SECRET = "TESTSECRETKEY0123456789ABCDEFGHI"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _order() -> SimpleNamespace:
    created = dt.datetime(2025, 7, 2, 2, 0, 5, tzinfo=dt.UTC)  # 09:00:05 in Vietnam
    return SimpleNamespace(
        order_ref="MC20250702000001",
        amount_vnd=100000,
        created_at=created,
        expires_at=created + dt.timedelta(minutes=15),
        order_info="Thanh toan phi, le phi ho so H11.01.01-250702-0001",
    )


def test_payment_url_matches_an_independent_hmac_sha512():
    gw = SandboxGateway(tmn_code="MOTCUA01", secret=SECRET, url="https://pay.example/vpcpay.html")
    url = gw.build_payment_url(
        _order(), "https://motcua.example/thanh-toan/ket-qua/", "", ip_addr="10.0.0.7"
    )
    expected_query = (
        "vnp_Amount=10000000&vnp_Command=pay&vnp_CreateDate=20250702090005"
        "&vnp_CurrCode=VND&vnp_ExpireDate=20250702091505&vnp_IpAddr=10.0.0.7&vnp_Locale=vn"
        "&vnp_OrderInfo=Thanh+toan+phi%2C+le+phi+ho+so+H11.01.01-250702-0001"
        "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fmotcua.example%2Fthanh-toan%2Fket-qua%2F"
        "&vnp_TmnCode=MOTCUA01&vnp_TxnRef=MC20250702000001&vnp_Version=2.1.0"
    )
    expected_hash = hmac.new(SECRET.encode(), expected_query.encode(), hashlib.sha512).hexdigest()
    assert url == f"https://pay.example/vpcpay.html?{expected_query}&vnp_SecureHash={expected_hash}"
    assert len(expected_hash) == 128


def _signed(params: dict[str, str]) -> dict[str, str]:
    query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in sorted(params.items()))
    return {
        **params,
        "vnp_SecureHash": hmac.new(SECRET.encode(), query.encode(), hashlib.sha512).hexdigest(),
    }


IPN = {
    "vnp_Amount": "10000000",
    "vnp_BankCode": "NCB",
    "vnp_OrderInfo": "Thanh toan phi",
    "vnp_PayDate": "20250702091000",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "MOTCUA01",
    "vnp_TransactionNo": "14123456",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": "MC20250702000001",
}


def test_verify_reads_a_correctly_signed_ipn():
    gw = SandboxGateway(tmn_code="MOTCUA01", secret=SECRET, url="/x")
    result = gw.verify_ipn(_signed(IPN))
    assert result.signature_ok is True
    assert result.success is True
    assert (result.order_ref, result.amount_vnd, result.gateway_txn, result.bank_code) == (
        "MC20250702000001",
        100000,
        "14123456",
        "NCB",
    )
    assert result.pay_date == dt.datetime(2025, 7, 2, 9, 10, tzinfo=VN)


def test_verify_refuses_tampering_a_wrong_secret_and_another_merchant():
    gw = SandboxGateway(tmn_code="MOTCUA01", secret=SECRET, url="/x")
    tampered = {**_signed(IPN), "vnp_Amount": "100"}
    assert gw.verify_ipn(tampered).signature_ok is False
    other = SandboxGateway(tmn_code="MOTCUA01", secret="another-secret", url="/x")
    assert other.verify_ipn(_signed(IPN)).signature_ok is False
    stranger = _signed({**IPN, "vnp_TmnCode": "OTHER"})
    assert gw.verify_ipn(stranger).signature_ok is False
    assert gw.verify_ipn(dict(IPN)).signature_ok is False  # no hash


def test_failure_codes_are_not_success():
    gw = SandboxGateway(tmn_code="MOTCUA01", secret=SECRET, url="/x")
    result = gw.verify_return(
        _signed({**IPN, "vnp_ResponseCode": "24", "vnp_TransactionStatus": "02"})
    )
    assert result.signature_ok is True
    assert result.success is False
    assert result.response_code == "24"
