"""Content-Security-Policy on every response, and the endpoint browsers report violations to
(issue 13 item 9, docs/adr/0037).

The policy allows only what the system serves itself: scripts and style sheets from its own
static files (no inline `<script>`, no `on…=` handler attributes, no `style=` attributes, no
`<style>` blocks), images from itself and `data:` URLs, forms posted to itself (and to the
payment gateway's origin when it is another site: the pay page's 302 to the gateway follows a
form post, and browsers check `form-action` on that redirect), no plugins, no framing.
No nonce is needed: every script is a static file. Settings:

- `MOTCUA_CSP_REPORT_ONLY`: send `Content-Security-Policy-Report-Only` instead (a trial).
- `MOTCUA_CSP_REPORT_URI`: where browsers report violations (default `/csp-report/`, this
  module's `csp_report` view; empty: no reports).

A view that needs another policy sets the header itself; it is left as it is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core import ratelimit
from motcua.core.access import public

logger = logging.getLogger("motcua.csp")

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"
#: Responses a browser shows with its own viewer (Chromium's PDF viewer is an extension that
#: a policy on the document can break); X-Frame-Options still keeps them out of frames.
SKIPPED_TYPES = ("application/pdf",)
#: Reports accepted per client address in REPORT_WINDOW_SECONDS; the rest answered 429.
REPORT_LIMIT = 60
REPORT_WINDOW_SECONDS = 600
#: Bytes of a report read and logged at most.
REPORT_MAX_BYTES = 8 * 1024


def _origin(url: str) -> str | None:
    """The scheme://host[:port] of an absolute http(s) URL, else None (a path is 'self')."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def build_policy() -> str:
    """The policy's text, from the settings (read once, at start-up)."""
    form_action = ["'self'"]
    gateway = _origin(str(getattr(settings, "MOTCUA_PAYMENT_GATEWAY_URL", "")))
    if gateway:
        form_action.append(gateway)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action " + " ".join(form_action),
        "frame-ancestors 'none'",
    ]
    report_uri = str(getattr(settings, "MOTCUA_CSP_REPORT_URI", ""))
    if report_uri:
        directives.append(f"report-uri {report_uri}")
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    """Adds the policy (or its report-only form) to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()
        self.header = REPORT_ONLY_HEADER if settings.MOTCUA_CSP_REPORT_ONLY else HEADER

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER in response.headers or REPORT_ONLY_HEADER in response.headers:
            return response
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith(SKIPPED_TYPES):
            return response
        response.headers[self.header] = self.policy
        return response


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


@public
@csrf_exempt  # browsers send reports without a token; nothing is changed, only logged
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """A browser's report of a blocked resource: logged (warning, logger `motcua.csp`), at most
    REPORT_LIMIT per address in ten minutes, the first 8 KB of each. Answers 204."""
    if ratelimit.hit(
        key=f"rl:csp-report:{_address(request)}",
        limit=REPORT_LIMIT,
        window_seconds=REPORT_WINDOW_SECONDS,
    ):
        return HttpResponse(status=429)
    body = request.read(REPORT_MAX_BYTES + 1)[:REPORT_MAX_BYTES]
    try:
        report = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
        return HttpResponse(status=400)
    if isinstance(report, dict):
        report = report.get("csp-report", report)
    logger.warning(
        "CSP violation from %s: %s",
        _address(request),
        json.dumps(report, ensure_ascii=False, sort_keys=True)[:REPORT_MAX_BYTES],
    )
    return HttpResponse(status=204)
