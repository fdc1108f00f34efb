"""The public read path under load: catalog pages, the API, tracking and the kiosk next to a
bare Django view, on the server `make run` starts, on PostgreSQL (issue 12).

What runs:
* The server: gunicorn as `make run` starts it (`config.wsgi:application`, 2 workers × 4
  threads, access log on, `--graceful-timeout 5`, the settings `config.settings.local` that
  `config/wsgi.py` defaults to: DEBUG off, the file cache for the rate limits), but on
  PostgreSQL: its own database `motcua_bench_public` ($BENCH_PUBLIC_DATABASE) on the server of
  DATABASE_URL, migrated and loaded with the demo (`loaddemo`) by the same `manage.py`
  commands, static files collected into the bench's own var directory
  (`var/bench_public/<database>/`, the server's MOTCUA_VAR_DIR), a fresh rate-limit cache
  directory for each run. The periodic jobs `make run` starts beside it are not started.
* The bare view: `/healthz` (motcua/core/health.py), a constant JSON through the whole
  middleware stack with no query. When the measured code has no `/healthz`
  ($BENCH_PUBLIC_SOURCE pointing at an older checkout), the server gets a bench-only settings
  module whose URLconf adds the same view in front of the code's own.
* The clients: an asyncio HTTP client (aiohttp) in this process, 200 concurrent clients
  ($BENCH_PUBLIC_CLIENTS) in a closed loop (each sends its next request when the last answer
  is read). A client is a visitor: its own keep-alive connection from its own loopback
  address, its own cookies; after 20 requests it becomes a new visitor (new address, new
  connection, no cookies). The tracking page and the kiosk allow 20 lookups per address in ten
  minutes (portal/public_dossiers.py): with a new address every 20 requests that limit is
  never reached, and the code is measured as it is, rate-limit bookkeeping included, with no
  setting changed. Every page is measured the same way, the bare view included.
* Interleaved runs: bare, page 1, bare, page 2, … bare (each $BENCH_PUBLIC_SECONDS, 6 s;
  the first second of each not counted), $BENCH_PUBLIC_ROUNDS times (1). Each page's
  throughput is compared with the bare runs just before and after it (their pooled figure),
  and its p99 with theirs: the machine's load changes from minute to minute, the ratio of
  adjacent runs much less.
* A paced run: the public mix (the 8 pages, in turn) at a fixed arrival rate
  ($BENCH_PUBLIC_PACED_RATE, 100 req/s) for $BENCH_PUBLIC_PACED_SECONDS (20 s), latency
  counted from when each request was due (so a server falling behind shows in the figures),
  p50/p99 per page.
* RSS per gunicorn worker (VmRSS) after the warm-up, after the public load, and after a desk
  phase ($BENCH_PUBLIC_DESK_SECONDS, 15 s, $BENCH_PUBLIC_DESK_CLIENTS, 4): officers signed in
  as `desk` through the sign-in form open the worklist, a dossier of it, its receipt (form 01)
  PDF and its control sheet PDF (rendered again on each request; in a child process of the
  worker since ADR 0049, whose RSS is printed apart). Target < 200 MB.

Targets (issue 12): catalog pages and the API ≥ 0.5 × bare with p99 ≤ 3 × bare's; tracking
and the kiosk ≥ 0.25 × bare. Missed targets are printed (BELOW), never an error: the exit code
is non-zero only when requests failed or the server could not be set up.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/public.py
    BENCH_PUBLIC_SOURCE=/path/to/older/checkout …   # measure another checkout's code
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.dossier_intake import is_postgres, skip_message  # noqa: E402

SECONDS = float(os.environ.get("BENCH_PUBLIC_SECONDS", "6"))
RAMP = float(os.environ.get("BENCH_PUBLIC_RAMP_SECONDS", "1"))
ROUNDS = int(os.environ.get("BENCH_PUBLIC_ROUNDS", "1"))
CLIENTS = int(os.environ.get("BENCH_PUBLIC_CLIENTS", "200"))
PACED_RATE = float(os.environ.get("BENCH_PUBLIC_PACED_RATE", "100"))
PACED_SECONDS = float(os.environ.get("BENCH_PUBLIC_PACED_SECONDS", "20"))
DESK_SECONDS = float(os.environ.get("BENCH_PUBLIC_DESK_SECONDS", "15"))
DESK_CLIENTS = int(os.environ.get("BENCH_PUBLIC_DESK_CLIENTS", "4"))
WARMUP_SECONDS = float(os.environ.get("BENCH_PUBLIC_WARMUP_SECONDS", "1.5"))
SOURCE = Path(os.environ.get("BENCH_PUBLIC_SOURCE", str(REPO))).resolve()
DATABASE = os.environ.get("BENCH_PUBLIC_DATABASE", "motcua_bench_public")
PORT = int(os.environ.get("BENCH_PUBLIC_PORT", "0"))
ONLY = [p for p in os.environ.get("BENCH_PUBLIC_PAGES", "").split(",") if p]
#: Requests a visitor makes before the next visitor (new address, connection, cookies): the
#: tracking page's and the kiosk's limit per address in ten minutes.
REQUESTS_PER_VISITOR = 20
TIMEOUT = 60.0
RSS_TARGET_MB = 200
DESK_USER, DESK_PASSWORD = "desk", os.environ.get("MOTCUA_DEMO_PASSWORD") or "motcua-demo"

CATALOG, TRACKING, REFERENCE = "catalog", "tracking", "reference"
#: Ratio to bare (throughput) and p99 ratio targets by kind.
TARGETS = {CATALOG: (0.5, 3.0), TRACKING: (0.25, None), REFERENCE: (None, None)}


@dataclass
class Page:
    name: str
    kind: str
    urls: list[str]  # taken in turn

    def url(self, n: int) -> str:
        return self.urls[n % len(self.urls)]


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    completed: int | None = None  # answered 200 within the window (closed loop); else `ok`
    client_cpu: float = 0.0  # this process's CPU time / wall time during the run (one core = 1)

    @property
    def ok(self) -> int:
        return self.statuses.get("200", 0)

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != "200")

    @property
    def throughput(self) -> float:
        done = self.ok if self.completed is None else self.completed
        return done / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q)

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.seconds += other.seconds
        if other.completed is not None:
            self.completed = (self.completed or 0) + other.completed


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---- the server -------------------------------------------------------------------------------


def bench_database_url(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return urlunsplit(parts._replace(path="/" + DATABASE))


SHIM_SETTINGS = """
from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "bench_public_urls"
"""

SHIM_URLS = '''
"""bench/public.py: the code measured has no /healthz; the same bare view, added in front."""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from config import urls as _urls
from config.urls import *  # noqa: F403
from motcua.core.access import public


@public
@require_safe
def healthz(request):
    response = HttpResponse(b'{"status": "ok"}', content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [path("healthz", healthz, name="healthz"), *_urls.urlpatterns]
'''


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    var_dir: Path
    shimmed: bool
    log: Path


def server_env(database_url: str, var_dir: Path, cache_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        MOTCUA_VAR_DIR=str(var_dir),
        MOTCUA_CACHE_URL=cache_dir.as_uri(),
        MOTCUA_PUBLIC_URL=f"http://127.0.0.1:{port}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def python_of(source: Path) -> str:
    venv = source / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def static_changed(var_dir: Path) -> bool:
    """Whether collectstatic must run: no manifest yet, or a static file newer than it."""
    manifest = var_dir / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for directory in (SOURCE / "motcua").glob("**/static"):
        for path in directory.rglob("*"):
            if path.is_file() and path.stat().st_mtime > collected:
                return True
    return False


def prepare(database_url: str, var_dir: Path, env: dict[str, str]) -> None:
    """migrate, loaddemo (a no-op once loaded), collectstatic (when a static file changed):
    what `make run` does."""
    python = python_of(SOURCE)
    commands = [["migrate", "--noinput", "--verbosity", "0"], ["loaddemo"]]
    if static_changed(var_dir):
        commands.append(["collectstatic", "--noinput", "--verbosity", "0"])
    for args in commands:
        t0 = time.perf_counter()
        done = subprocess.run(
            [python, "manage.py", *args], cwd=SOURCE, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        took = time.perf_counter() - t0
        if took > 5:
            print(f"   manage.py {args[0]}: {took:.0f} s", flush=True)


def start_server(env: dict[str, str], port: int, var_dir: Path, shim_dir: Path) -> Server:
    shimmed = not (SOURCE / "motcua" / "core" / "health.py").exists()
    env = dict(env)
    if shimmed:
        (shim_dir / "bench_public_settings.py").write_text(SHIM_SETTINGS)
        (shim_dir / "bench_public_urls.py").write_text(SHIM_URLS)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim_dir), env.get("PYTHONPATH")]))
        env["DJANGO_SETTINGS_MODULE"] = "bench_public_settings"
    log = shim_dir / "gunicorn.log"
    gunicorn = SOURCE / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    command += [
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=SOURCE, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server = Server(f"http://127.0.0.1:{port}", process, var_dir, shimmed, log)
    deadline = time.time() + 90
    import urllib.request

    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as answer:
                if answer.status == 200 and len(workers(process.pid)) == 2:
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the group this bench started
            process.wait()


def workers(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_line(server: Server) -> tuple[str, float]:
    """Each worker's VmRSS, and the PDF renderers the workers started (ADR 0049: a web worker
    renders PDFs in a child process that ends when idle), counted apart."""
    pids = workers(server.process.pid)
    sizes = [rss_mb(p) for p in pids]
    top = max(sizes) if sizes else float("nan")
    line = ", ".join(f"{s:.0f} MB" for s in sizes)
    children = [rss_mb(c) for p in pids for c in workers(p)]
    if children:
        line += f"  (+ PDF renderer children: {', '.join(f'{c:.0f} MB' for c in children)})"
    return line, top


# ---- what is requested ------------------------------------------------------------------------


def demo_lookups(database_url: str, n: int = 100) -> list[tuple[str, str]]:
    """Codes and PINs of demo dossiers received (they have a code), spread over the demo."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT code, lookup_pin FROM dossiers_dossier WHERE code <> '' AND code IS NOT NULL "
            "AND lookup_pin <> '' ORDER BY id"
        ).fetchall()
    if not rows:
        raise RuntimeError("the demo has no dossier with a code: did loaddemo run?")
    step = max(1, len(rows) // n)
    return [(str(c), str(p)) for c, p in rows[::step][:n]]


def static_path(var_dir: Path) -> str:
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/motcua.css"]


def find_code(payload: Any) -> str | None:
    if isinstance(payload, dict):
        if isinstance(payload.get("code"), str):
            return str(payload["code"])
        payload = list(payload.values())
    if isinstance(payload, list):
        for item in payload:
            found = find_code(item)
            if found:
                return found
    return None


def public_pages(server: Server, database_url: str) -> list[Page]:
    import urllib.request

    with urllib.request.urlopen(server.base + "/api/v1/procedures?q=ruou", timeout=30) as r:
        procedure = find_code(json.loads(r.read()))
    if not procedure:
        raise RuntimeError("GET /api/v1/procedures?q=ruou found no procedure")
    lookups = demo_lookups(database_url)
    pages = [
        Page("bare /healthz", REFERENCE, ["/healthz"]),
        Page("home /", CATALOG, ["/"]),
        Page("search /thu-tuc/?q=dang+ky", CATALOG, ["/thu-tuc/?q=dang+ky"]),
        Page(f"procedure /thu-tuc/{procedure}/", CATALOG, [f"/thu-tuc/{procedure}/"]),
        Page("fields /linh-vuc/", CATALOG, ["/linh-vuc/"]),
        Page("agencies /co-quan/", CATALOG, ["/co-quan/"]),
        Page("API /api/v1/procedures?q=ruou", CATALOG, ["/api/v1/procedures?q=ruou"]),
        Page(
            f"tracking code+PIN ({len(lookups)} dossiers)",
            TRACKING,
            [f"/tra-cuu-ho-so/?ma={quote(c)}&pin={quote(p)}" for c, p in lookups],
        ),
        Page("kiosk /kiosk/?ma=", TRACKING, [f"/kiosk/?ma={quote(c)}" for c, _ in lookups]),
        Page("static file (whitenoise)", REFERENCE, [static_path(server.var_dir)]),
    ]
    if ONLY:
        pages = [p for p in pages if p is pages[0] or any(o in p.name for o in ONLY)]
    return pages


# ---- the clients ------------------------------------------------------------------------------


def addresses() -> Iterator[str]:
    """Loopback source addresses, each used by one visitor (127.0.0.0/8 is all loopback)."""
    for a, b, c in itertools.product(range(1, 255), range(256), range(1, 255)):
        yield f"127.{a}.{b}.{c}"


ADDRESSES = addresses()


class Visitor:
    """One client: a keep-alive connection from its own address and its own cookies; a new
    visitor every REQUESTS_PER_VISITOR requests."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session: Any = None
        self.used = 0

    async def _fresh(self) -> None:
        import aiohttp

        await self.close()
        connector = aiohttp.TCPConnector(limit=1, local_addr=(next(ADDRESSES), 0))
        self.session = aiohttp.ClientSession(
            self.base,
            connector=connector,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT),
        )
        self.used = 0

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def get(self, url: str) -> str:
        """The status as text ("200", "302", "timeout", …) once the body is read."""
        if self.session is None or self.used >= REQUESTS_PER_VISITOR:
            await self._fresh()
        self.used += 1
        try:
            async with self.session.get(url, allow_redirects=False) as answer:
                await answer.read()
                return str(answer.status)
        except TimeoutError:
            return "timeout"
        except Exception as exc:  # noqa: BLE001 — counted as an error, by kind
            return type(exc).__name__


async def closed_loop(base: str, page: Page, seconds: float, clients: int) -> Sample:
    """`clients` visitors sending `page` back to back, always `clients` requests in flight.
    Throughput: the answers completed in the window [RAMP, RAMP + seconds] (the first RAMP
    seconds are connections being opened); latencies and statuses: the requests sent in that
    window (each waited behind the other clients' requests, as in the steady state)."""
    sample = Sample(seconds=seconds)
    start = time.perf_counter()
    begin, end = start + RAMP, start + RAMP + seconds
    counter = itertools.count()
    completed = 0

    async def one() -> None:
        nonlocal completed
        visitor = Visitor(base)
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= end:
                    return
                status = await visitor.get(page.url(next(counter)))
                t1 = time.perf_counter()
                if begin <= t1 <= end and status == "200":
                    completed += 1
                if t0 >= begin:
                    sample.latencies.append(t1 - t0)
                    sample.statuses[status] += 1
        finally:
            await visitor.close()

    cpu0 = time.process_time()
    await asyncio.gather(*(one() for _ in range(clients)))
    sample.completed = completed
    sample.client_cpu = (time.process_time() - cpu0) / (time.perf_counter() - start)
    return sample


async def paced(base: str, pages: list[Page], rate: float, seconds: float) -> dict[str, Sample]:
    """Open loop: request i is due at i / rate, whatever happened to the others; latency from
    when it was due."""
    samples = {p.name: Sample(seconds=seconds) for p in pages}
    idle: list[Visitor] = []
    start = time.perf_counter() + 0.2
    tasks = []

    async def one(page: Page, n: int, due: float) -> None:
        visitor = idle.pop() if idle else Visitor(base)
        status = await visitor.get(page.url(n))
        samples[page.name].latencies.append(time.perf_counter() - due)
        samples[page.name].statuses[status] += 1
        idle.append(visitor)

    for i in range(int(rate * seconds)):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        page = pages[i % len(pages)]
        tasks.append(asyncio.create_task(one(page, i // len(pages), due)))
    await asyncio.gather(*tasks)
    for visitor in idle:
        await visitor.close()
    return samples


async def warm_up(base: str, pages: list[Page]) -> None:
    for page in pages:
        await closed_loop(base, page, WARMUP_SECONDS, min(CLIENTS, 50))


# ---- the desk -------------------------------------------------------------------------------


async def desk_phase(base: str, seconds: float, clients: int) -> tuple[dict[str, Sample], str]:
    """Officers signed in through the form: worklist, a dossier, its receipt and control
    sheet PDFs, in turn until `seconds` have passed."""
    import aiohttp

    samples: dict[str, Sample] = {
        k: Sample(seconds=seconds) for k in ("worklist", "dossier page", "receipt PDF", "control sheet PDF")
    }  # fmt: skip
    note = ""
    end = time.perf_counter() + seconds

    async def record(session: Any, kind: str, url: str) -> str:
        t0 = time.perf_counter()
        try:
            async with session.get(url, allow_redirects=False) as answer:
                body = await answer.read()
                status = str(answer.status)
        except Exception as exc:  # noqa: BLE001
            body, status = b"", type(exc).__name__
        samples[kind].latencies.append(time.perf_counter() - t0)
        samples[kind].statuses[status] += 1
        return body.decode("utf-8", "replace") if status == "200" else ""

    async def officer(first: int) -> None:
        nonlocal note
        jar = aiohttp.CookieJar(unsafe=True)
        connector = aiohttp.TCPConnector(limit=1, local_addr=(next(ADDRESSES), 0))
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        async with aiohttp.ClientSession(
            base, cookie_jar=jar, connector=connector, timeout=timeout
        ) as session:
            async with session.get("/dang-nhap/") as answer:
                form = await answer.text()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
            data = {"username": DESK_USER, "password": DESK_PASSWORD}
            data["csrfmiddlewaretoken"] = token.group(1) if token else ""
            async with session.post(
                "/dang-nhap/", data=data, allow_redirects=False, headers={"Referer": base + "/"}
            ) as answer:
                if answer.status != 302:
                    note = f"signing in as {DESK_USER} answered {answer.status}"
                    return
            n = first  # each officer starts at another dossier of the list
            while time.perf_counter() < end:
                page = await record(session, "worklist", "/desk/")
                # Received dossiers (with a code, hence a receipt); drafts link as "%23<id>".
                codes = sorted(set(re.findall(r'href="/desk/ho-so/([\w.]+-\d+-\d+)/"', page)))
                if not codes:
                    note = "the worklist showed no received dossier"
                    await asyncio.sleep(1)
                    continue
                code = codes[n % len(codes)]
                n += 1
                await record(session, "dossier page", f"/desk/ho-so/{code}/")
                await record(session, "receipt PDF", f"/desk/ho-so/{code}/mau/receipt.pdf")
                await record(
                    session, "control sheet PDF", f"/desk/ho-so/{code}/mau/control_sheet.pdf"
                )

    await asyncio.gather(*(officer(i) for i in range(clients)))
    return samples, note


# ---- the run ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def verdict(value: float | None, target: float | None, *, at_most: bool = False) -> str:
    if target is None or value is None:
        return ""
    good = value <= target if at_most else value >= target
    return "ok" if good else "BELOW" if not at_most else "ABOVE"


async def measure(server: Server, pages: list[Page]) -> int:
    bare, rest = pages[0], pages[1:]
    print(f"-- warm-up ({WARMUP_SECONDS:g} s per page)", flush=True)
    await warm_up(server.base, pages)
    rss_warm, _top = rss_line(server)

    totals = {p.name: Sample() for p in pages}
    adjacent = {p.name: Sample() for p in rest}
    per_round: dict[str, list[float]] = {p.name: [] for p in rest}
    for r in range(ROUNDS):
        print(
            f"-- round {r + 1}/{ROUNDS}: {CLIENTS} clients, {SECONDS:g} s per run, "
            f"bare between pages",
            flush=True,
        )
        previous = await closed_loop(server.base, bare, SECONDS, CLIENTS)
        totals[bare.name].add(previous)
        for page in rest:
            sample = await closed_loop(server.base, page, SECONDS, CLIENTS)
            after = await closed_loop(server.base, bare, SECONDS, CLIENTS)
            totals[page.name].add(sample)
            totals[bare.name].add(after)
            reference = Sample()
            reference.add(previous)
            reference.add(after)
            adjacent[page.name].add(reference)
            per_round[page.name].append(sample.throughput / reference.throughput)
            print(
                f"   {page.name:44} {sample.throughput:7,.0f} req/s  bare {reference.throughput:7,.0f}"
                f"  → {sample.throughput / reference.throughput:.2f}   (client CPU "
                f"{sample.client_cpu:.0%}, bare {after.client_cpu:.0%})",
                flush=True,
            )
            previous = after

    b = totals[bare.name]
    print(
        f"\n== public pages vs the bare view ({SOURCE}{', bare view added by the bench' if server.shimmed else ''})"
    )
    header = (
        f"{'page':44} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99 ms':>7} {'err':>5} "
        f"{'× bare':>7} {'p99 × bare':>10}  target"
    )
    print(header)
    print(
        f"{bare.name:44} {b.throughput:7,.0f} {ms(b.pct(50)):>6} {ms(b.pct(95)):>6} "
        f"{ms(b.pct(99)):>7} {b.errors:>5} {'1':>7} {'1':>10}  (all bare runs)"
    )
    errors = b.errors
    for page in rest:
        s, ref = totals[page.name], adjacent[page.name]
        ratio = s.throughput / ref.throughput if ref.throughput else 0.0
        p99_ratio = s.pct(99) / ref.pct(99) if ref.latencies else float("nan")
        low, p99_max = TARGETS[page.kind]
        target = ""
        if low is not None:
            target = f"≥ {low:g} {verdict(ratio, low)}"
        if p99_max is not None:
            target += f"; p99 ≤ {p99_max:g}× {verdict(p99_ratio, p99_max, at_most=True)}"
        rounds = (
            " rounds " + ", ".join(f"{x:.2f}" for x in per_round[page.name]) if ROUNDS > 1 else ""
        )
        print(
            f"{page.name:44} {s.throughput:7,.0f} {ms(s.pct(50)):>6} {ms(s.pct(95)):>6} "
            f"{ms(s.pct(99)):>7} {s.errors:>5} {ratio:7.2f} {p99_ratio:10.2f}  {target}{rounds}"
        )
        errors += s.errors
    for page in pages:
        bad = {k: v for k, v in totals[page.name].statuses.items() if k != "200"}
        if bad:
            print(f"   {page.name}: not 200: {dict(bad)}")

    mix = [p for p in rest if p.kind != REFERENCE]  # the public pages, not the static file
    print(
        f"\n== paced: the public mix ({len(mix)} pages in turn) at {PACED_RATE:g} req/s for "
        f"{PACED_SECONDS:g} s, latency from when each request was due",
        flush=True,
    )
    t0 = time.perf_counter()
    samples = await paced(server.base, mix, PACED_RATE, PACED_SECONDS)
    took = time.perf_counter() - t0
    print(f"{'page':44} {'n':>5} {'p50':>6} {'p95':>6} {'p99 ms':>7} {'err':>5}")
    every = Sample()
    for page in mix:
        s = samples[page.name]
        every.add(s)
        print(
            f"{page.name:44} {len(s.latencies):5} {ms(s.pct(50)):>6} {ms(s.pct(95)):>6} "
            f"{ms(s.pct(99)):>7} {s.errors:>5}"
        )
        errors += s.errors
    print(
        f"{'all':44} {len(every.latencies):5} {ms(every.pct(50)):>6} {ms(every.pct(95)):>6} "
        f"{ms(every.pct(99)):>7} {every.errors:>5}"
    )
    if took > PACED_SECONDS * 1.1 + 1:
        print(
            f"   BEHIND: {len(every.latencies)} answers took {took:.1f} s "
            f"({len(every.latencies) / took:.0f} req/s): the server cannot keep up with "
            f"{PACED_RATE:g} req/s of this mix; its queue grows, and so does p99 with the "
            "run's length"
        )
    rss_public, _top = rss_line(server)

    print(
        f"\n== desk work: {DESK_CLIENTS} officers as {DESK_USER!r} for {DESK_SECONDS:g} s",
        flush=True,
    )
    desk, note = await desk_phase(server.base, DESK_SECONDS, DESK_CLIENTS)
    print(f"{'request':44} {'n':>5} {'p50':>6} {'p95 ms':>7} {'not 200':>8}")
    for kind, s in desk.items():
        print(
            f"{kind:44} {len(s.latencies):5} {ms(s.pct(50)):>6} {ms(s.pct(95)):>7} "
            f"{s.errors:>8} {dict(s.statuses) if s.errors else ''}"
        )
        errors += s.errors
    if note:
        print(f"   note: {note}")
        errors += 1
    rss_desk, top = rss_line(server)
    print(f"(load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    print(f"\n== RSS per gunicorn worker (target < {RSS_TARGET_MB} MB)")
    print(f"after the warm-up:        {rss_warm}")
    print(f"after the public load:    {rss_public}")
    print(f"after the desk work:      {rss_desk}  {verdict(top, RSS_TARGET_MB, at_most=True)}")
    return errors


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        print(skip_message("public pages"))
        return 0
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        print("== public pages: skipped — needs aiohttp (pip install -r requirements-dev.txt)")
        return 0
    database_url = bench_database_url(url)
    var_dir = REPO / "var" / "bench_public" / DATABASE
    var_dir.mkdir(parents=True, exist_ok=True)
    port = PORT or free_port()
    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        shim_dir = Path(tmp)
        cache_dir = shim_dir / "cache"
        cache_dir.mkdir()
        env = server_env(database_url, var_dir, cache_dir, port)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"== public pages: {SOURCE} on {DATABASE} (load average {load})", flush=True)
        prepare(database_url, var_dir, env)
        server = start_server(env, port, var_dir, shim_dir)
        try:
            pages = public_pages(server, database_url)
            errors = asyncio.run(measure(server, pages))
        finally:
            stop_server(server)
            if os.environ.get("BENCH_PUBLIC_KEEP_LOG"):
                kept = var_dir / "gunicorn.log"
                kept.write_bytes(server.log.read_bytes())
                print(f"gunicorn's log: {kept}")
    if errors:
        print(f"\n{errors} failed requests (or a failed desk sign-in): see above")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
