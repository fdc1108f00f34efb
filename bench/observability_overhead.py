"""What the metrics and request-id middleware cost per request (issue 16, docs/adr/0047).

Two measurements, in-process (no server, no network), each the best of 7 rounds (the least
disturbed by other work on a shared machine; the median is printed too), in CPU time of the
measuring thread:

1. The two middleware alone around a view that returns a constant response.
2. The whole WSGI stack on `/healthz` (the benchmarks' bare view: every middleware, no query)
   with and without the two, rounds interleaved.

Run once with the single-process registry and once in prometheus_client's multiprocess mode
(as under gunicorn, counts written to memory-mapped files):

    .venv/bin/python bench/observability_overhead.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_OVERHEAD_ROUNDS", "7"))
CALLS = int(os.environ.get("BENCH_OVERHEAD_CALLS", "20000"))


def _per_call(fn: object, calls: int) -> float:
    """CPU seconds of this thread per call: other processes on a busy machine take the CPU
    away between calls, which wall-clock time would count."""
    start = time.thread_time()
    for _ in range(calls):
        fn()  # type: ignore[operator]
    return (time.thread_time() - start) / calls


def measure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse
    from django.test import RequestFactory

    from motcua.core.logging import RequestIdMiddleware
    from motcua.core.metrics import MetricsMiddleware

    mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "single process"
    rf = RequestFactory()
    response = HttpResponse(b"ok")

    def view(_request: object) -> HttpResponse:
        return response

    request = rf.get("/healthz")
    from django.urls import resolve

    request.resolver_match = resolve("/healthz")
    wrapped = MetricsMiddleware(RequestIdMiddleware(view))
    bare, both = [], []
    for _ in range(ROUNDS):
        bare.append(_per_call(lambda: view(request), CALLS))
        both.append(_per_call(lambda: wrapped(request), CALLS))
    best = min(both) - min(bare)
    median = statistics.median(both) - statistics.median(bare)
    print(
        f"[{mode}] the two middleware alone: {best * 1e6:.1f} µs per request "
        f"(median {median * 1e6:.1f} µs)"
    )

    ours = {"motcua.core.metrics.MetricsMiddleware", "motcua.core.logging.RequestIdMiddleware"}
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
    }
    full = list(settings.MIDDLEWARE)
    without = [m for m in full if m not in ours]
    handlers = {}
    for name, stack in (("with", full), ("without", without)):
        settings.MIDDLEWARE = stack
        handlers[name] = WSGIHandler()
    settings.MIDDLEWARE = full

    def call(handler: WSGIHandler) -> None:
        import io

        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(b"")
        handler(env, lambda status, headers: None)

    calls = max(1000, CALLS // 5)
    times: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(ROUNDS):
        for name in ("without", "with"):
            times[name].append(_per_call(lambda h=handlers[name]: call(h), calls))
    w, wo = min(times["with"]), min(times["without"])
    mw, mwo = statistics.median(times["with"]), statistics.median(times["without"])
    print(
        f"[{mode}] /healthz through the whole stack: {wo * 1e6:.1f} µs without, "
        f"{w * 1e6:.1f} µs with → +{(w - wo) * 1e6:.1f} µs ({(w / wo - 1) * 100:.1f} %); "
        f"medians {mwo * 1e6:.1f} → {mw * 1e6:.1f} µs"
    )


def main() -> None:
    if os.environ.get("BENCH_OVERHEAD_CHILD"):
        measure()
        return
    for multiproc in (False, True):
        env = {**os.environ, "BENCH_OVERHEAD_CHILD": "1"}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        with tempfile.TemporaryDirectory(prefix="motcua-bench-metrics-") as directory:
            if multiproc:
                env["PROMETHEUS_MULTIPROC_DIR"] = directory
            subprocess.run([sys.executable, __file__], env=env, check=True, cwd=ROOT)  # noqa: S603


if __name__ == "__main__":
    main()
