"""`/healthz`: the process answers HTTP through the whole middleware stack.

For production monitoring (a load balancer's or an uptime probe's liveness check) and the
benchmarks' reference ("a bare Django view returning a constant", bench/public.py). It reads
nothing: no database query, no cache, no session (an anonymous request without a cookie), so
it stays up while the database is down; checking the database is the readiness probe's job."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from motcua.core.access import public

#: The constant answer.
BODY = b'{"status": "ok"}'


@public
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with `{"status": "ok"}` (GET or HEAD), never cached by a proxy."""
    response = HttpResponse(BODY, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response
