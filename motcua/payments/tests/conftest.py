"""Fixtures for payment tests: the dossier fixtures, plus procedures with fees (one fixed fee;
alternatives the payer chooses from; a fee per page in two ranges with a cap per copy, as the
certified-copy procedure 2.000815 has; a fixed fee or a fee per copy, as 1.001193 has) and
dossiers received for them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from conftest import PROMOTION
from motcua.dossiers.tests.conftest import (  # noqa: F401 - fixtures
    ALL_DOCS,
    ORG,
    _english,
    at,
    media_on_disk,
    receive,
    world,
)

ONE_FEE = "9.990001"
CHOICE_FEE = "9.990002"
PAGE_FEE = "9.990003"
COPY_FEE = "9.990004"


def _procedure(code: str, name: str, fees: list[dict[str, Any]]) -> dict[str, Any]:
    raw = copy.deepcopy(PROMOTION)
    raw.update({"code": code, "name": name, "fees_known": True, "fees": fees})
    return raw


@pytest.fixture
def fee_catalog(world: dict[str, Any]) -> None:  # noqa: F811
    from motcua.catalog.api import catalog_import

    procedures = [
        _procedure(
            ONE_FEE,
            "Cấp giấy phép thử nghiệm có thu phí",
            [
                {
                    "name": "Phí thẩm định hồ sơ",
                    "kind": "fee",
                    "amount_vnd": 100000,
                    "case": "đồng/hồ sơ",
                }
            ],
        ),
        _procedure(
            CHOICE_FEE,
            "Cấp lại giấy phép bán lẻ thử nghiệm",
            [
                {
                    "name": "Phí thẩm định - doanh nghiệp",
                    "kind": "fee",
                    "amount_vnd": 1200000,
                    "case": "",
                },
                {
                    "name": "Phí thẩm định - hộ kinh doanh",
                    "kind": "fee",
                    "amount_vnd": 400000,
                    "case": "",
                },
                {
                    "name": "Phí tại cơ quan đại diện",
                    "kind": "fee",
                    "amount_vnd": None,
                    "case": "10 USD/bản",
                },
            ],
        ),
        _procedure(
            PAGE_FEE,
            "Chứng thực bản sao từ bản chính thử nghiệm",
            [
                {
                    "name": "Phí chứng thực bản sao - 2 trang đầu",
                    "kind": "fee",
                    "amount_vnd": 2000,
                    "case": "đồng/trang",
                },
                {
                    "name": "Phí chứng thực bản sao - từ trang thứ 3 trở lên",
                    "kind": "fee",
                    "amount_vnd": 1000,
                    "case": "đồng/trang; tối đa không quá 200.000 đồng/bản; trang tính theo "
                    "bản chính",
                },
                {
                    "name": "Phí tại cơ quan đại diện",
                    "kind": "fee",
                    "amount_vnd": None,
                    "case": "10 USD/bản",
                },
            ],
        ),
        _procedure(
            COPY_FEE,
            "Đăng ký khai sinh thử nghiệm",
            [
                {
                    "name": "Lệ phí đăng ký khai sinh",
                    "kind": "charge",
                    "amount_vnd": 8000,
                    "case": "Miễn đối với đăng ký khai sinh đúng hạn",
                },
                {
                    "name": "Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu)",
                    "kind": "fee",
                    "amount_vnd": 8000,
                    "case": "đồng/bản sao",
                },
            ],
        ),
    ]
    content = json.dumps(
        {"format": "motcua.catalog/1", "procedures": procedures}, ensure_ascii=False
    ).encode()
    report = catalog_import(content=content, filename="fees.json", actor=None)
    assert not getattr(report, "errors", None), report


@pytest.fixture
def intake(world: dict[str, Any], fee_catalog: None):  # noqa: F811
    """Receive a dossier of the given procedure at the desk (in the past: the clock is fixed
    only for the intake; payments run at the real time)."""
    from motcua.core import clock
    from motcua.dossiers.api import dossier_intake

    def _intake(code: str = ONE_FEE, **kw: Any) -> Any:
        with clock.at(at(2025, 7, 2, 9)):
            return dossier_intake(
                actor=world["users"]["desk"],
                procedure_code=code,
                channel="desk",
                applicant=ORG,
                decision=kw.pop("decision", "accept"),
                checklist=ALL_DOCS,
                **kw,
            )

    return _intake


@pytest.fixture
def dossier(intake: Any) -> Any:
    return intake(ONE_FEE)


@pytest.fixture
def gateway(settings: Any) -> Any:
    from motcua.payments.api import gateway_get

    return gateway_get()


def gateway_answer(
    payment: Any,
    *,
    secret: str,
    tmn: str,
    code: str = "00",
    amount: int | None = None,
    txn: str = "14123456",
    status: str | None = None,
) -> dict[str, str]:
    """What the gateway sends back (IPN / return), signed independently with hmac."""
    import hashlib
    import hmac
    import urllib.parse

    params = {
        "vnp_Amount": str((payment.amount_vnd if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": payment.order_info,
        "vnp_PayDate": "20250702093000",
        "vnp_ResponseCode": code,
        "vnp_TmnCode": tmn,
        "vnp_TransactionNo": txn,
        "vnp_TransactionStatus": status if status is not None else ("00" if code == "00" else "02"),
        "vnp_TxnRef": payment.order_ref,
    }
    query = "&".join(f"{k}={urllib.parse.quote_plus(v)}" for k, v in sorted(params.items()))
    params["vnp_SecureHash"] = hmac.new(secret.encode(), query.encode(), hashlib.sha512).hexdigest()
    return params


@pytest.fixture
def answer(settings: Any):
    def _answer(payment: Any, **kw: Any) -> dict[str, str]:
        return gateway_answer(
            payment,
            secret=settings.MOTCUA_PAYMENT_HASH_SECRET,
            tmn=settings.MOTCUA_PAYMENT_TMN_CODE,
            **kw,
        )

    return _answer


@pytest.fixture
def start(world: dict[str, Any]):  # noqa: F811
    from motcua.payments.api import payment_start

    def _start(dossier: Any, **kw: Any) -> Any:
        kw.setdefault("payer", None)
        kw.setdefault("return_url", "http://testserver/thanh-toan/ket-qua/")
        return payment_start(dossier=dossier, **kw)

    return _start
