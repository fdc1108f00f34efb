"""REMOTE_ADDR behind a trusted reverse proxy (motcua/core/proxies.py)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from motcua.core.proxies import TrustedProxyMiddleware, client_address

PROXY = ("127.0.0.1", "10.0.0.0/8")


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        # Through the proxy: the client nginx saw.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "203.0.113.7"),
        # A forged hop on the left is ignored: the right-most untrusted hop is the client.
        (
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"},
            "203.0.113.7",
        ),
        # Two proxies (load balancer 10.x then nginx): skipped from the right.
        (
            {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9, 10.1.2.3"},
            "198.51.100.9",
        ),
        # Only trusted hops (a client on the proxy's host): the left-most.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.5"}, "10.0.0.5"),
        # No X-Forwarded-For: X-Real-IP.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "2001:db8::1"}, "2001:db8::1"),
        # With a port.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7:5555"}, "203.0.113.7"),
        # Not from a trusted proxy: the headers are the client's own words, ignored.
        ({"REMOTE_ADDR": "203.0.113.50", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, None),
        # Garbage in the header: keep the socket's address.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "evil, 203.0.113.7"}, None),
        ({"REMOTE_ADDR": "127.0.0.1"}, None),
    ],
)
def test_client_address(meta: dict[str, str], expected: str | None) -> None:
    assert client_address(meta, PROXY) == expected


def test_no_trusted_proxy_keeps_the_socket_address() -> None:
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client_address(meta, ()) is None


@override_settings(MOTCUA_TRUSTED_PROXIES=["127.0.0.1"])
def test_middleware_rewrites_remote_addr_before_views() -> None:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["addr"] = request.META["REMOTE_ADDR"]
        seen["proxy"] = request.META["MOTCUA_PROXY_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    TrustedProxyMiddleware(view)(request)
    assert seen == {"addr": "203.0.113.7", "proxy": "127.0.0.1"}


@pytest.mark.django_db
def test_tracking_limits_count_each_citizen_behind_the_proxy(settings) -> None:  # type: ignore[no-untyped-def]
    """Behind nginx, one citizen's wrong PINs must not lock out the others (issue 16 load run:
    every lookup came from 127.0.0.1 and the whole province shared one limit)."""
    settings.MOTCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client()
    statuses_a = [
        client.get(
            "/tra-cuu-ho-so/",
            {"ma": f"X-{i}", "pin": "000000"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        ).status_code
        for i in range(40)
    ]
    assert 429 in statuses_a  # the limit does apply to one address
    other = client.get(
        "/tra-cuu-ho-so/", {"ma": "X-1", "pin": "000000"}, HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code != 429
