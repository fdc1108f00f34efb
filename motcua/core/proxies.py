"""The client's address behind a reverse proxy (docs/adr/0048 "Client addresses").

Behind nginx every request reaches gunicorn from the proxy's own address, so anything keyed by
``REMOTE_ADDR`` — the per-address sign-in throttle, the tracking and PIN limits, the feedback,
Q&A and payment limits, the CSP report limit — would count the whole province as one client:
after a few lookups by anyone, everyone gets 429. ``TrustedProxyMiddleware`` puts the client's
address in ``REMOTE_ADDR`` once, before anything reads it, so every existing reader is right.

It trusts the forwarding headers only when the connection comes from a proxy listed in
``MOTCUA_TRUSTED_PROXIES`` (addresses or networks; empty by default: the headers are ignored and
``REMOTE_ADDR`` is the socket's, as without a proxy). Anyone can send ``X-Forwarded-For``, so
the client is the right-most address in it that is not one of our proxies: the hops to its
left were written by the client and may be forged. When every hop is a trusted proxy (a client
on the proxy's own host), the left-most one is taken. ``X-Real-IP`` is used when there is no
``X-Forwarded-For``. A header that is not a valid address leaves ``REMOTE_ADDR`` as it was.
The proxy's own address stays in ``META["MOTCUA_PROXY_ADDR"]``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[::1]:port"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "1.2.3.4:port"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: tuple[Network, ...]
) -> bool:
    return any(address in net for net in nets if address.version == net.version)


def client_address(meta: dict[str, object], trusted: tuple[str, ...]) -> str | None:
    """The client's address for a request whose WSGI environ is ``meta``, or None to keep
    ``REMOTE_ADDR`` (no trusted proxy, no usable header)."""
    nets = _networks(trusted)
    if not nets:
        return None
    peer = _address(str(meta.get("REMOTE_ADDR", "")))
    if peer is None or not _trusted(peer, nets):
        return None
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [_address(hop) for hop in forwarded.split(",")] if forwarded.strip() else []
    if hops:
        if any(hop is None for hop in hops):
            return None
        for hop in reversed(hops):
            assert hop is not None
            if not _trusted(hop, nets):
                return str(hop)
        return str(hops[0])
    real = _address(str(meta.get("HTTP_X_REAL_IP", "") or ""))
    return str(real) if real is not None else None


class TrustedProxyMiddleware:
    """``REMOTE_ADDR`` := the client's address when the request came through a trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = tuple(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ()) or ())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            client = client_address(request.META, self.trusted)
            if client is not None:
                request.META["MOTCUA_PROXY_ADDR"] = request.META.get("REMOTE_ADDR", "")
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
