"""The one masking function of every list (ADR 0036)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.privacy.masking import (
    mask_address,
    mask_date_of_birth,
    mask_email,
    mask_id_number,
    mask_phone,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("011095001234", "••••••••1234"),
        ("0100109106", "••••••9106"),
        ("123", "•••"),
        ("", ""),
        ("  011095001234 ", "••••••••1234"),
    ],
)
def test_id_number_keeps_the_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("0912345678", "•••••••678"), ("12", "••"), ("", "")],
)
def test_phone_keeps_the_last_three(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("Tổ 5, phường Điện Biên Phủ", "•••, phường Điện Biên Phủ"),
        (
            "Số 12 ngõ 3 đường Võ Nguyên Giáp, Phường Mường Thanh, Tỉnh Điện Biên",
            "•••, Phường Mường Thanh, Tỉnh Điện Biên",
        ),
        ("Bản Co Mỵ, xã Mường Phăng, tỉnh Điện Biên", "•••, xã Mường Phăng, tỉnh Điện Biên"),
        ("Số 1, Thành phố Hà Nội", "•••, Thành phố Hà Nội"),
        ("Nhà 4 ngõ 7", "•••"),  # no administrative part: all masked
        ("Phường Mường Thanh, tỉnh Điện Biên", "•••, tỉnh Điện Biên"),
        ("", ""),
    ],
)
def test_address_keeps_only_the_commune_and_province(value, masked):
    assert mask_address(value) == masked


def test_email_and_date_of_birth():
    assert mask_email("minh@example.vn") == "m•••@example.vn"
    assert mask_email("not-an-email") == "•••"
    assert mask_email("") == ""
    assert mask_date_of_birth(dt.date(1995, 5, 17)) == "••/••/1995"
    assert mask_date_of_birth(None) == ""
