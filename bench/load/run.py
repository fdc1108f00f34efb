"""Load test of the production topology: the day's mix (bench/load/locustfile.py) under locust,
at a few user counts, with the cost of every process measured in the same run (issue 16, item 4;
docs/performance.md).

    .venv/bin/python bench/load/run.py                       # up, 20/50/100 users, down --purge
    .venv/bin/python bench/load/run.py --reuse --keep --profile 20   # instance already up
    .venv/bin/python bench/load/run.py --users 20,50 --seconds 45 --keep
    .venv/bin/python bench/load/run.py --markdown var/load/load-<time>.json   # tables for docs
    .venv/bin/python bench/load/run.py --url http://127.0.0.1:8000 --pids app=1234 \
        --database-url postgres://postgres@127.0.0.1:5432/motcua   # a `make run`-style server

What it does:

1. Starts its own instance of the topology (`deploy/prodctl up` with
   MOTCUA_PROD_PORT_OFFSET=200 and MOTCUA_PROD_DIR=var/prod-load unless set), or uses a
   running one (`--reuse`), or any URL (`--url`). Reads the codes and PINs of received dossiers
   from the primary for the citizens' lookups; gets the officers' tokens and the desk's
   session once (bench/load/prepare.py).
2. A warm-up of the mix (`--warmup`, not recorded), then per user count: a bare phase
   (`GET /healthz` only, through the same nginx and app servers, same users and think time)
   and the day's mix. Locust runs headless in its own process for a fixed time; its CSV stats
   give, per request kind, the throughput, p50/p95/p99 and error rate.
3. During each phase a sampler reads, every second, each part's processes (`prodctl status
   --json`: the part's main pid and all its descendants: each gunicorn worker, each Celery
   pool process, every PostgreSQL backend): CPU seconds (user + system, reaped children
   included, so PostgreSQL backends that ended are counted) and memory (RSS; PSS for
   PostgreSQL, whose backends share their buffers); the whole machine's busy CPU (so what
   other work took is known, and the busiest other processes are listed); and
   `pg_stat_activity` on the primary (active backends, what they wait on, which statements
   wait on a lock). `--profile N`: py-spy samples one app worker N s at the top user count.
4. Prints the tables, CPU per request by part, and writes everything as JSON under var/load/
   (`--out` to choose; locust's CSVs and logs beside it).
5. `deploy/prodctl down --purge` at the end, unless `--keep` or `--reuse`.

The measurement (3 levels × (15 s bare + 60 s mix), 30 s warm-up) takes about 5 minutes;
`prodctl up` adds 3–8 minutes on the shared 2-core machine (migrate, demo data, collectstatic),
hence `--reuse` for repeated runs.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PRODCTL = ROOT / "deploy" / "prodctl"


def log(message: str) -> None:
    print(f"[load {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


# --- the instance ------------------------------------------------------------------------------


def prod_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MOTCUA_PROD_PORT_OFFSET", "200")
    env.setdefault("MOTCUA_PROD_DIR", "var/prod-load")
    return env


def prodctl(*args: str, timeout: float = 900) -> str:
    done = subprocess.run(
        [sys.executable, str(PRODCTL), *args],
        cwd=ROOT,
        env=prod_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"prodctl {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@dataclass
class Target:
    url: str
    database_url: str
    parts: dict[str, int]  # part name -> main pid
    status: dict[str, Any] = field(default_factory=dict)


def prod_target() -> Target:
    status = json.loads(prodctl("status", "--json", timeout=60))
    env = read_env(Path(status["env_file"]))
    parts = {row["part"]: int(row["pid"]) for row in status["parts"] if row.get("pid")}
    down = [row["part"] for row in status["parts"] if row["state"] != "up"]
    if down:
        log(f"warning: parts not up: {', '.join(down)}")
    return Target(status["url"].rstrip("/"), env["DATABASE_URL"], parts, status)


# --- lookups -----------------------------------------------------------------------------------


def write_lookups(database_url: str, path: Path, n: int = 300) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT code, lookup_pin FROM dossiers_dossier WHERE code <> '' AND lookup_pin <> '' "
            "ORDER BY id"
        ).fetchall()
    if not rows:
        raise RuntimeError("no received dossier in the database: was the demo loaded?")
    step = max(1, len(rows) // n)
    picked = [[str(c), str(p)] for c, p in rows[::step][:n]]
    path.write_text(json.dumps(picked))
    return len(picked)


# --- the sampler -------------------------------------------------------------------------------


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def cpu_total(p: psutil.Process) -> float:
    t = p.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def label(part: str, p: psutil.Process, root: int) -> str:
    """A process's name in the per-process table: the part, and which of its processes."""
    if p.pid == root:
        return f"{part} (main, + ended children)"
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        cmd = ""
    if part.startswith("pg-"):
        # postgres: "postgres: <db user> ... " backends vs background processes
        kind = re.sub(r"^postgres: (\S+ )?", "", cmd)
        return (
            f"{part} backends"
            if " motcua " in f" {kind} " or "127.0.0.1" in kind
            else f"{part} background"
        )
    if part.startswith(("app", "worker")):
        return f"{part} child {p.pid}"
    return f"{part} child"


class Sampler(threading.Thread):
    """Per process CPU (start/end) and memory (peak), per part; machine CPU; pg_stat_activity."""

    def __init__(self, parts: dict[str, int], database_url: str | None, interval: float = 1.0):
        super().__init__(daemon=True)
        self.parts = parts
        self.database_url = database_url
        self.interval = interval
        self.stop_event = threading.Event()
        self.start_cpu: dict[tuple[str, int], float] = {}
        self.last_cpu: dict[tuple[str, int], float] = {}
        self.labels: dict[tuple[str, int], str] = {}
        self.peak_mem: dict[str, float] = defaultdict(float)  # label -> MB
        self.samples = 0
        self.pg_active: list[int] = []
        self.pg_waits: Counter[str] = Counter()
        self.pg_lock_queries: Counter[str] = Counter()
        self.pg_error = ""
        self.machine_start = psutil.cpu_times()
        self.machine_end = self.machine_start
        self.t0 = time.monotonic()
        self.t1 = self.t0
        self.load_start = os.getloadavg()
        self.load_max = self.load_start[0]
        self._snapshot(first=True)

    def _snapshot(self, *, first: bool = False) -> None:
        mem: dict[str, float] = defaultdict(float)
        self.alive: set[tuple[str, int]] = set()
        for part, root in self.parts.items():
            for p in tree(root):
                key = (part, p.pid)
                try:
                    cpu = cpu_total(p)
                    if part.startswith("pg-"):
                        size = p.memory_full_info().pss
                    else:
                        size = p.memory_info().rss
                except psutil.Error:
                    continue
                if key not in self.labels:
                    self.labels[key] = label(part, p, root)
                    # A process born during the phase starts from zero.
                    self.start_cpu[key] = cpu if first else 0.0
                self.last_cpu[key] = cpu
                self.alive.add(key)
                mem[self.labels[key]] += size / 2**20
        for name, mb in mem.items():
            self.peak_mem[name] = max(self.peak_mem[name], mb)
        self.samples += 1

    def _pg(self, conn: Any) -> None:
        rows = conn.execute(
            "SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
            "FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        ).fetchall()
        active = [r for r in rows if r[0] == "active"]
        self.pg_active.append(len(active))
        for _state, wtype, wevent, query in active:
            self.pg_waits[f"{wtype}:{wevent}" if wtype else "CPU (no wait)"] += 1
            if wtype == "Lock":
                self.pg_lock_queries[query] += 1

    def run(self) -> None:
        conn = None
        if self.database_url:
            try:
                import psycopg

                conn = psycopg.connect(self.database_url, autocommit=True)
            except Exception as exc:  # noqa: BLE001 — the figures go on without it
                self.pg_error = str(exc)
        while not self.stop_event.wait(self.interval):
            self._snapshot()
            self.load_max = max(self.load_max, os.getloadavg()[0])
            if conn is not None:
                try:
                    self._pg(conn)
                except Exception as exc:  # noqa: BLE001
                    self.pg_error = str(exc)
        if conn is not None:
            conn.close()

    def finish(self) -> dict[str, Any]:
        self.stop_event.set()
        self.join(timeout=10)
        self._snapshot()
        self.machine_end = psutil.cpu_times()
        self.t1 = time.monotonic()
        seconds = self.t1 - self.t0
        cpu_by_label: dict[str, float] = defaultdict(float)
        cpu_by_part: dict[str, float] = defaultdict(float)
        for key, last in self.last_cpu.items():
            # A process that ended was reaped by its parent, whose reaped-children CPU now
            # holds its whole life: it contributes minus what it had at the start (a gunicorn
            # worker recycled by --max-requests, a PostgreSQL backend closed after
            # CONN_MAX_AGE). Its parent's row ("main") shows the reaped CPU.
            end = last if key in self.alive else 0.0
            delta = end - self.start_cpu.get(key, 0.0)
            cpu_by_label[self.labels[key]] += delta
            cpu_by_part[key[0]] += delta
        cpu_by_part = defaultdict(float, {k: max(0.0, v) for k, v in cpu_by_part.items()})
        busy = sum(
            getattr(self.machine_end, f) - getattr(self.machine_start, f)
            for f in ("user", "nice", "system", "irq", "softirq", "steal")
        )
        waits = sum(self.pg_waits.values()) or 1
        return {
            "seconds": round(seconds, 1),
            "machine": {
                "cores": psutil.cpu_count(),
                "busy_cpu_seconds": round(busy, 1),
                "busy_cores": round(busy / seconds, 2),
                "load_average_start": [round(x, 2) for x in self.load_start],
                "load_average_max": round(self.load_max, 2),
            },
            "parts_cpu_seconds": {k: round(v, 2) for k, v in sorted(cpu_by_part.items())},
            "processes": {
                name: {
                    "cpu_seconds": round(cpu_by_label.get(name, 0.0), 2),
                    "cores": round(cpu_by_label.get(name, 0.0) / seconds, 3),
                    "peak_mb": round(self.peak_mem.get(name, 0.0), 1),
                }
                for name in sorted(set(cpu_by_label) | set(self.peak_mem))
            },
            "pg_primary": {
                "samples": len(self.pg_active),
                "active_backends_mean": round(sum(self.pg_active) / len(self.pg_active), 2)
                if self.pg_active
                else None,
                "active_backends_max": max(self.pg_active, default=None),
                "waits_share": {k: round(v / waits, 3) for k, v in self.pg_waits.most_common(8)},
                "lock_waiters": self.pg_lock_queries.most_common(5),
                "error": self.pg_error,
            },
        }


# --- locust ------------------------------------------------------------------------------------


def run_locust(
    *,
    url: str,
    users: int,
    seconds: float,
    mix: str,
    wait: tuple[float, float],
    csv_prefix: Path,
    lookups: Path | None,
    env_extra: dict[str, str],
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        LOAD_MIX=mix,
        LOAD_WAIT_MIN=str(wait[0]),
        LOAD_WAIT_MAX=str(wait[1]),
        PYTHONPATH=str(ROOT),
        **env_extra,
    )
    if lookups:
        env["LOAD_LOOKUPS"] = str(lookups)
    command = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "-u", str(users), "-r", str(max(1, users)), "-t", f"{int(seconds)}s",
        "--csv", str(csv_prefix), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    log_path = csv_prefix.with_suffix(".log")
    with log_path.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"locust exited {proc.returncode}:\n{log_path.read_text()[-3000:]}")
    stats = read_stats(Path(f"{csv_prefix}_stats.csv"))
    failures = read_failures(Path(f"{csv_prefix}_failures.csv"))
    return {
        "kinds": stats,
        "failures": failures,
        "client_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }


def _f(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def read_stats(path: Path) -> dict[str, dict[str, Any]]:
    kinds = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            n = int(row["Request Count"])
            fails = int(row["Failure Count"])
            kinds[row["Name"]] = {
                "requests": n,
                "failures": fails,
                "error_rate": round(fails / n, 4) if n else 0.0,
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": _f(row["50%"]),
                "p95_ms": _f(row["95%"]),
                "p99_ms": _f(row["99%"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
            }
    return kinds


def read_failures(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open() as f:
        return [
            {"name": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
            for r in csv.DictReader(f)
        ]


# --- profile -----------------------------------------------------------------------------------


def profile_worker(pid: int, seconds: float, out: Path) -> dict[str, Any]:
    """py-spy on one app worker (all its threads, not pausing it): where its time goes."""
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if not spy:
        return {"error": "py-spy not installed"}
    raw = out.with_suffix(".txt")
    done = subprocess.run(
        [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "50",
         "--nonblocking", "--format", "raw", "--output", str(raw)],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    if done.returncode != 0 or not raw.exists():
        return {"error": (done.stderr or done.stdout)[-500:]}
    return summarise_profile(raw)


IDLE = ("wait (threading.py", "select (selectors.py", "accept (socket.py", "_wait_for_tstate_lock",
        "sleep (gunicorn", "poll (selectors.py", "run_for_one", "wait_for_requests")  # fmt: skip


def summarise_profile(raw: Path) -> dict[str, Any]:
    leaf: Counter[str] = Counter()
    area: Counter[str] = Counter()
    motcua: Counter[str] = Counter()
    total = idle = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        last = frames[-1]
        if any(k in last for k in IDLE):
            idle += count
            continue
        leaf[re.sub(r":\d+\)$", ")", last)] += count
        text = stack
        if "psycopg" in text and (
            "execute" in last or "wait" in last or "recv" in last or "psycopg" in last
        ):
            area["PostgreSQL (psycopg: sending, waiting, reading)"] += count
        elif "redis" in text and "redis" in last:
            area["Redis (cache, broker)"] += count
        elif "botocore" in text or "boto3" in text:
            area["S3 (boto3)"] += count
        elif "django/template" in text or "jinja" in text:
            area["templates"] += count
        elif "django/db/models" in text:
            area["ORM (building queries, making objects)"] += count
        elif "pydantic" in text or "ninja" in text:
            area["API (ninja, pydantic)"] += count
        elif "hashers" in text or "pbkdf2" in text:
            area["password hashing"] += count
        else:
            area["other Python"] += count
        own = [f for f in frames if "(motcua/" in f or "/motcua/" in f]
        if own:
            motcua[re.sub(r":\d+\)$", ")", own[-1])] += count
    busy = total - idle
    share = lambda c: round(c / busy, 3) if busy else 0.0  # noqa: E731
    return {
        "samples": total,
        "busy_share": round(busy / total, 3) if total else 0.0,
        "areas": {k: share(v) for k, v in area.most_common()},
        "top_leaf": [[k, share(v)] for k, v in leaf.most_common(12)],
        "top_motcua": [[k, share(v)] for k, v in motcua.most_common(12)],
        "raw": str(raw),
    }


def other_processes(target: Target, after: float = 15.0) -> list[str]:
    """What else used the machine's CPU, `after` seconds into the phase (over 2 s): the
    busiest processes that are neither the instance's nor locust's."""
    time.sleep(after)
    ours = {p.pid for pid in target.parts.values() for p in tree(pid)} | {os.getpid()}
    ours |= {p.pid for p in psutil.Process().children(recursive=True)}
    procs = [p for p in psutil.process_iter(["pid", "cmdline"]) if p.pid not in ours]
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.cpu_percent(None)
    time.sleep(2)
    busy = []
    for p in procs:
        try:
            busy.append((p.cpu_percent(None), " ".join(p.info["cmdline"] or [])[:110]))
        except psutil.Error:
            continue
    busy.sort(reverse=True)
    return [f"{pct:.0f}% {cmd}" for pct, cmd in busy[:10] if pct >= 5]


GROUPS = (
    ("app servers", ("app",)),
    ("pg primary", ("pg-primary",)),
    ("pg replica", ("pg-replica",)),
    ("celery workers", ("worker-",)),
    ("beat+relay", ("beat", "relay")),
    ("redis", ("redis",)),
    ("nginx", ("nginx",)),
    ("s3 (moto)", ("s3",)),
)


def per_request(phase: dict[str, Any]) -> dict[str, float]:
    """CPU milliseconds per request of the phase, by group of parts (and the locust client)."""
    n = phase["locust"]["kinds"].get("Aggregated", {}).get("requests", 0)
    if not n:
        return {}
    cpu = phase["sample"]["parts_cpu_seconds"]
    out = {
        group: round(1000 * sum(v for k, v in cpu.items() if k.startswith(prefixes)) / n, 2)
        for group, prefixes in GROUPS
    }
    out["total (server side)"] = round(sum(out.values()), 2)
    out["locust client"] = round(1000 * phase["locust"]["client_cpu_seconds"] / n, 2)
    return out


# --- report ------------------------------------------------------------------------------------


def ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def print_level(level: dict[str, Any]) -> None:
    users = level["users"]
    bare = level.get("bare", {}).get("locust", {}).get("kinds", {}).get("bare /healthz", {})
    day = level["day"]["locust"]["kinds"]
    agg = day.get("Aggregated", {})
    print(f"\n== {users} users — bare /healthz: {bare.get('rps', 0):,.1f} req/s, p50 {ms(bare.get('p50_ms'))} ms,"
          f" p99 {ms(bare.get('p99_ms'))} ms; the day's mix: {agg.get('rps', 0):,.1f} req/s"
          f" ({agg.get('rps', 0) / bare['rps']:.2f} × bare), errors {agg.get('error_rate', 0):.1%}"
          if bare.get("rps") else f"\n== {users} users")  # fmt: skip
    print(
        f"{'request kind':<46} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>6} {'p50×bare':>9}"
    )
    base = bare.get("p50_ms") or None
    for name, k in sorted(day.items(), key=lambda kv: (kv[0] == "Aggregated", kv[0])):
        ratio = f"{k['p50_ms'] / base:,.1f}" if base and k["p50_ms"] else "—"
        print(f"{name[:46]:<46} {k['rps']:>7.1f} {ms(k['p50_ms']):>7} {ms(k['p95_ms']):>7} "
              f"{ms(k['p99_ms']):>7} {k['error_rate']:>6.1%} {ratio:>9}")  # fmt: skip
    for f in level["day"]["locust"]["failures"][:6]:
        print(f"   failure: {f['name']}: {f['count']} × {f['error'][:100]}")
    s = level["day"]["sample"]
    m = s["machine"]
    print(f"-- processes during the mix ({s['seconds']} s; machine {m['busy_cores']} of {m['cores']} cores busy,"
          f" load average {m['load_average_start'][0]} → max {m['load_average_max']};"
          f" locust client {level['day']['locust']['client_cpu_seconds'] / s['seconds']:.2f} core)")  # fmt: skip
    print(f"{'process':<34} {'cores':>6} {'cpu s':>7} {'peak MB':>8}")
    for name, p in sorted(s["processes"].items(), key=lambda kv: -kv[1]["cpu_seconds"]):
        if p["cpu_seconds"] >= 0.05 or p["peak_mb"] >= 1:
            print(
                f"{name[:34]:<34} {p['cores']:>6.2f} {p['cpu_seconds']:>7.1f} {p['peak_mb']:>8.0f}"
            )
    ours = sum(s["parts_cpu_seconds"].values()) + level["day"]["locust"]["client_cpu_seconds"]
    print(
        f"{'other work on the machine':<34} {max(0.0, m['busy_cpu_seconds'] - ours) / s['seconds']:>6.2f}"
    )
    requests = agg.get("requests", 0)
    if requests:
        per = ", ".join(f"{g} {v:.1f}" for g, v in level["day"]["cpu_ms_per_request"].items())
        print(f"-- CPU ms per request of the mix ({requests} requests): {per}")
        bare_cpu = level.get("bare", {}).get("cpu_ms_per_request", {})
        if bare_cpu:
            per = ", ".join(f"{g} {v:.1f}" for g, v in bare_cpu.items() if v >= 0.05)
            print(f"   the same for bare /healthz: {per}")
    for line in level["day"].get("others", [])[:6]:
        print(f"   also running: {line}")
    pg = s["pg_primary"]
    if pg["samples"]:
        waits = ", ".join(f"{k} {v:.0%}" for k, v in pg["waits_share"].items())
        print(f"-- pg primary: active backends mean {pg['active_backends_mean']} (max {pg['active_backends_max']}); "
              f"what they wait on: {waits}")  # fmt: skip
        for query, count in pg.get("lock_waiters", [])[:3]:
            print(f"     waiting on a lock ({count} samples): {query}")


def markdown(result: dict[str, Any]) -> str:
    """The figures of a result file as Markdown tables (for docs/performance.md)."""
    lines = []
    levels = result["levels"]
    head = " | ".join(f"{lv['users']} users" for lv in levels)
    lines.append(f"| request kind | {head} |")
    lines.append("|---|" + "---|" * len(levels))
    names = sorted(
        {n for lv in levels for n in lv["day"]["locust"]["kinds"]},
        key=lambda n: (n == "Aggregated", n),
    )
    for name in names:
        cells = []
        for lv in levels:
            k = lv["day"]["locust"]["kinds"].get(name)
            cells.append(
                "—"
                if not k
                else f"{k['rps']:.1f}/s · {ms(k['p50_ms'])} / {ms(k['p95_ms'])} / {ms(k['p99_ms'])} ms"
                f" · {k['error_rate']:.1%}"
            )
        lines.append(
            f"| {'**all (the mix)**' if name == 'Aggregated' else name} | "
            + " | ".join(cells)
            + " |"
        )
    cells = []
    for lv in levels:
        k = lv.get("bare", {}).get("locust", {}).get("kinds", {}).get("bare /healthz")
        cells.append(
            "—"
            if not k
            else f"{k['rps']:.1f}/s · {ms(k['p50_ms'])} / {ms(k['p95_ms'])} / {ms(k['p99_ms'])} ms · {k['error_rate']:.1%}"
        )
    lines.append("| bare `/healthz` (same users, same think time) | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"| process (cores used · peak MB) | {head} |")
    lines.append("|---|" + "---|" * len(levels))
    procs = sorted({n for lv in levels for n in lv["day"]["sample"]["processes"]})
    for name in procs:
        cells = []
        for lv in levels:
            p = lv["day"]["sample"]["processes"].get(name)
            cells.append("—" if not p else f"{p['cores']:.3f} · {p['peak_mb']:.0f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for lv in levels:
        s = lv["day"]["sample"]
        ours = sum(s["parts_cpu_seconds"].values()) + lv["day"]["locust"]["client_cpu_seconds"]
        other = max(0.0, s["machine"]["busy_cpu_seconds"] - ours) / s["seconds"]
        cells.append(f"{other:.2f} (load avg max {s['machine']['load_average_max']})")
    lines.append("| other work on the machine (cores) | " + " | ".join(cells) + " |")
    lines.append("")
    groups = list(levels[0]["day"].get("cpu_ms_per_request", {}))
    lines.append(f"| CPU ms per request | {head} | bare /healthz ({levels[-1]['users']} users) |")
    lines.append("|---|" + "---|" * (len(levels) + 1))
    for g in groups:
        cells = [f"{lv['day']['cpu_ms_per_request'].get(g, 0):.1f}" for lv in levels]
        bare = levels[-1].get("bare", {}).get("cpu_ms_per_request", {}).get(g)
        cells.append("—" if bare is None else f"{bare:.1f}")
        lines.append(f"| {g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="20,50,100", help="user counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=60, help="the mix at each user count")
    parser.add_argument("--bare-seconds", type=float, default=15, help="the bare phase (0: none)")
    parser.add_argument("--warmup", type=float, default=30, help="seconds of the mix, not recorded")
    parser.add_argument(
        "--wait", default="0.5,1.5", help="think time min,max seconds (0,0: closed loop)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="use the running instance (no up/down)"
    )
    parser.add_argument("--keep", action="store_true", help="leave the instance up at the end")
    parser.add_argument("--url", help="any running server instead of the topology")
    parser.add_argument("--database-url", help="with --url: where to read the codes to track")
    parser.add_argument("--pids", default="", help="with --url: part=pid,… to sample")
    parser.add_argument(
        "--track-direct",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="citizens' lookups straight to the app servers, each from its own loopback address"
        " (for an app that does not read nginx's X-Forwarded-For; default: through nginx)",
    )
    parser.add_argument(
        "--track-urls", default="", help="with --url: the app servers for --track-direct"
    )
    parser.add_argument(
        "--profile", type=float, default=0, help="py-spy an app worker N s at the top level"
    )
    parser.add_argument("--out", help="the JSON result (default var/load/load-<time>.json)")
    parser.add_argument("--markdown", help="print a result file's figures as Markdown and exit")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return 0

    users = [int(u) for u in args.users.split(",") if u.strip()]
    wait_min, wait_max = (float(x) for x in args.wait.split(","))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else ROOT / "var" / "load" / f"load-{stamp}.json"
    work = out.parent / f"load-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    started_up = False
    t_begin = time.monotonic()
    try:
        if args.url:
            target = Target(
                args.url.rstrip("/"), args.database_url or os.environ.get("DATABASE_URL", ""), {}
            )
            for item in filter(None, args.pids.split(",")):
                name, _, pid = item.partition("=")
                target.parts[name] = int(pid)
        else:
            if not args.reuse:
                log(
                    "deploy/prodctl up (offset {MOTCUA_PROD_PORT_OFFSET}, {MOTCUA_PROD_DIR})".format(
                        **prod_env()
                    )
                )
                t = time.monotonic()
                prodctl("up")
                started_up = True
                log(f"up in {time.monotonic() - t:.0f} s")
            target = prod_target()
        lookups = work / "lookups.json"
        n = write_lookups(target.database_url, lookups)
        log(
            f"{target.url}: {n} dossiers to track; parts sampled: {', '.join(target.parts) or 'none'}"
        )
        sys.path.insert(0, str(ROOT))
        from bench.load.prepare import prepare

        auth = work / "auth.json"  # bearer tokens and a session: var/ only, deleted at the end
        auth.write_text(
            json.dumps(prepare(target.url, os.environ.get("LOAD_PROCEDURE", "2.000004")))
        )
        app_workers = [
            p.pid
            for name, pid in target.parts.items()
            if name.startswith("app")
            for p in tree(pid)[1:]
        ]
        result: dict[str, Any] = {
            "started": stamp,
            "url": target.url,
            "users": users,
            "seconds": args.seconds,
            "bare_seconds": args.bare_seconds,
            "wait": [wait_min, wait_max],
            "cores": psutil.cpu_count(),
            "parts": target.parts,
            "levels": [],
        }
        env_extra = {"LOAD_AUTH": str(auth)}
        if args.track_direct:
            track = [u for u in args.track_urls.split(",") if u] or [
                f"http://{row['address']}"
                for row in target.status.get("parts", [])
                if row["part"].startswith("app") and row.get("address")
            ]
            if track:
                env_extra["LOAD_TRACK_URLS"] = ",".join(track)
        result["track_urls"] = env_extra.get("LOAD_TRACK_URLS", "")
        log(f"citizens' lookups: {result['track_urls'] or 'through ' + target.url}")
        common: dict[str, Any] = {
            "url": target.url,
            "wait": (wait_min, wait_max),
            "lookups": lookups,
            "env_extra": env_extra,
        }
        if args.warmup > 0:
            log(f"warm-up {args.warmup:.0f} s")
            run_locust(
                users=10, seconds=args.warmup, mix="day", csv_prefix=work / "warmup", **common
            )
        for i, u in enumerate(users):
            level: dict[str, Any] = {"users": u}
            if args.bare_seconds > 0:
                log(f"{u} users: bare /healthz {args.bare_seconds:.0f} s")
                sampler = Sampler(target.parts, target.database_url)
                sampler.start()
                loc = run_locust(
                    users=u,
                    seconds=args.bare_seconds,
                    mix="bare",
                    csv_prefix=work / f"bare-{u}",
                    **common,
                )
                level["bare"] = {"locust": loc, "sample": sampler.finish()}
            log(f"{u} users: the day's mix {args.seconds:.0f} s")
            sampler = Sampler(target.parts, target.database_url)
            sampler.start()
            others = threading.Thread(
                target=lambda level=level: level.update(others=other_processes(target)), daemon=True
            )
            others.start()
            profile: dict[str, Any] = {}
            spy = None
            if args.profile and i == len(users) - 1 and app_workers:
                holder: dict[str, Any] = {}
                pid = app_workers[0]

                def _spy(pid: int = pid, holder: dict[str, Any] = holder) -> None:
                    time.sleep(min(10.0, args.seconds / 4))
                    holder.update(profile_worker(pid, args.profile, work / f"profile-{pid}"))
                    holder["pid"] = pid

                spy = threading.Thread(target=_spy, daemon=True)
                spy.start()
                profile = holder
            loc = run_locust(
                users=u, seconds=args.seconds, mix="day", csv_prefix=work / f"day-{u}", **common
            )
            level["day"] = {"locust": loc, "sample": sampler.finish()}
            others.join(timeout=30)
            level["day"]["others"] = level.pop("others", [])
            level["day"]["cpu_ms_per_request"] = per_request(level["day"])
            if "bare" in level:
                level["bare"]["cpu_ms_per_request"] = per_request(level["bare"])
            if spy is not None:
                spy.join(timeout=args.profile + 90)
                level["profile"] = profile
            result["levels"].append(level)
            print_level(level)
            if profile:
                print(f"-- py-spy, app worker {profile.get('pid')}: busy {profile.get('busy_share', 0):.0%} of samples;"
                      f" areas: {profile.get('areas') or profile.get('error')}")  # fmt: skip
                for name, share in profile.get("top_motcua", [])[:8]:
                    print(f"     {share:6.1%}  {name}")
        result["total_seconds"] = round(time.monotonic() - t_begin, 1)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        log(
            f"written {out} (locust CSVs and logs in {work}); {result['total_seconds']:.0f} s in all"
        )
        return 0
    finally:
        (work / "auth.json").unlink(missing_ok=True)
        if started_up and not args.keep:
            log("deploy/prodctl down --purge")
            try:
                prodctl("down", "--purge", timeout=300)
            except Exception as exc:  # noqa: BLE001
                log(f"down failed: {exc}")


if __name__ == "__main__":
    sys.exit(main())
