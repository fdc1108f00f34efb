"""Absolute links: every URL that leaves the system (printed in a QR code, sent in an e-mail or
SMS, given to a payment gateway, listed by the API) is built here, from one setting.

`MOTCUA_PUBLIC_URL` is the address citizens and officers reach the system at: scheme, host and
port (paths come from `reverse()`, which already carries any script prefix). Its default is
the address `make run` serves (http://127.0.0.1:8000, or the PORT given to make)."""

from __future__ import annotations

from django.conf import settings


def public_base() -> str:
    """MOTCUA_PUBLIC_URL without a trailing slash."""
    return str(getattr(settings, "MOTCUA_PUBLIC_URL", "") or "").rstrip("/")


def public_url(path: str = "/") -> str:
    """The absolute URL of a site path (as `reverse()` gives it):
    public_url("/tra-cuu-ho-so/") → "https://dichvucong.example.vn/tra-cuu-ho-so/"."""
    if not path.startswith("/"):
        path = "/" + path
    return public_base() + path
