#!/usr/bin/env python3
"""Fault rehearsal of the production topology (`make faults`; docs in /work/notes → ops).

Runs against its own instance of deploy/prodctl (MOTCUA_PROD_PORT_OFFSET=100,
MOTCUA_PROD_DIR=var/prod-faults unless set), started here when it is not running and purged
at the end unless --keep. While a steady background load runs (desk intakes through the REST
API, catalog searches, the home page and tracking lookups through nginx), six faults in turn:

1. PostgreSQL primary stopped 20 s: the API answers 503 + Retry-After (never 500, never a
   hang); afterwards every intake answered 201 is in the primary with its event, steps and
   receipt, no dossier is half-made, the codes have no gap per desk and day.
2. Celery workers SIGKILLed while a job is held at a fault point (rendering, sending after
   the gateway accepted; then signing): every job runs again to completion, results signed
   exactly once, no SMS delivered twice (the sink's idempotency keys).
3. Redis stopped 20 s: pages and API keep answering (no 5xx); the notifications of intakes
   made meanwhile are all sent once Redis is back.
4. The replica stopped: officers' reads still answer 200 (the primary serves them); it comes
   back in /readyz once started again.
5. The S3 server stopped: intake with files answers 503 and stores nothing (no row, no
   object); once it is back the same intake works and the objects stored before are there.
6. deploy/backup, then deploy/restore into an empty database and bucket: their exit codes
   and figures (counts, documents' SHA-256, audit chain).

Each check compares what it observed (counts, states), and each fault ends with one line
starting with `ok` or `FAIL`. The exit code is 1 when any fault failed. The whole run is
bounded (--budget seconds, 1200 by default), each step has its own timeout.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
import requests  # noqa: E402
from _faults.load import Answer, Load, Phones, by_status, call, intake_body  # noqa: E402

PRODCTL = ROOT / "deploy" / "prodctl"
PYTHON = ROOT / ".venv" / "bin" / "python"
OUTAGE = 20.0  # seconds a service stays stopped (faults 1 and 3)
HOLD = 60.0  # seconds a job waits at a fault point (it is killed long before)
#: Seconds a job that met an outage may take to run again once the service is back: its retry
#: countdown grows to core.jobs.OUTAGE_RETRY_MAX_SECONDS (60), plus a margin.
AFTER_OUTAGE = 75.0
DEMO_PASSWORD = os.environ.get("MOTCUA_DEMO_PASSWORD") or "motcua-demo"


def say(text: str = "") -> None:
    print(text, flush=True)


class Budget:
    """The whole run's time limit: a fault does not start when too little is left."""

    def __init__(self, seconds: float) -> None:
        self.t0 = time.monotonic()
        self.seconds = seconds

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.t0)

    def elapsed(self) -> float:
        return time.monotonic() - self.t0


def wait_for(what: Callable[[], Any], timeout: float, every: float = 1.0) -> Any:
    """Call `what` until it returns something true or `timeout` seconds pass; the last value."""
    deadline = time.monotonic() + timeout
    value = what()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = what()
    return value


# --- the instance --------------------------------------------------------------------------


class Instance:
    def __init__(self, offset: str, directory: str) -> None:
        self.env = {**os.environ, "MOTCUA_PROD_PORT_OFFSET": offset, "MOTCUA_PROD_DIR": directory}
        self.dir = Path(directory) if Path(directory).is_absolute() else ROOT / directory
        self.env_file = self.dir / "motcua.env"

    def prodctl(
        self, *args: str, timeout: float = 120, quiet: bool = False
    ) -> subprocess.CompletedProcess[str]:
        t0 = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, str(PRODCTL), *args],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            say(f"  prodctl {' '.join(args)}: no answer in {timeout:.0f} s")
            return subprocess.CompletedProcess(
                exc.cmd, 124, str(exc.stdout or ""), str(exc.stderr or "")
            )
        if not quiet or done.returncode:
            tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
            say(
                f"  prodctl {' '.join(args)} → exit {done.returncode} in {time.monotonic() - t0:.1f} s"
            )
            for line in tail if done.returncode else []:
                say(f"    | {line}")
        return done

    def up(self, timeout: float) -> int:
        """`prodctl up`, its lines shown as they come (it takes minutes: migrate, demo data)."""
        t0 = time.monotonic()
        with subprocess.Popen(
            [sys.executable, str(PRODCTL), "up"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as proc:
            assert proc.stdout is not None
            stdout = proc.stdout

            def relay() -> None:
                for line in stdout:
                    say(f"  | {line.rstrip()}")

            reader = threading.Thread(target=relay, daemon=True)
            reader.start()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                say(f"  prodctl up: not done in {timeout:.0f} s, stopped")
                proc.kill()
                return 124
            reader.join(timeout=5)
        say(f"  prodctl up → exit {proc.returncode} in {time.monotonic() - t0:.0f} s")
        return proc.returncode

    def values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        if self.env_file.exists():
            for line in self.env_file.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#") and "=" in line:
                    key, _, value = line.partition("=")
                    value = value.strip()
                    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                        value = value[1:-1]  # prodctl quotes values for the shell
                    values[key.strip()] = value
        return values

    def set_values(self, **changes: str | None) -> None:
        """Add, replace (value) or remove (None) lines of motcua.env: read by each process when
        it starts (prodctl keeps lines it did not write)."""
        lines = (
            self.env_file.read_text(encoding="utf-8").splitlines() if self.env_file.exists() else []
        )
        kept = [ln for ln in lines if ln.partition("=")[0].strip() not in changes]
        kept += [f"{k}={v}" for k, v in changes.items() if v is not None]
        self.env_file.write_text("\n".join(kept) + "\n", encoding="utf-8")

    def status(self) -> dict[str, Any]:
        done = self.prodctl("status", "--json", timeout=60, quiet=True)
        try:
            data = json.loads(done.stdout)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {"parts": data}

    def pid(self, part: str) -> int | None:
        try:
            return int((self.dir / "run" / f"{part}.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def log(self, part: str) -> Path:
        return self.dir / "log" / f"{part}.log"

    def django(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/root"),
            **self.values(),
        }
        return subprocess.run(
            [str(PYTHON), str(ROOT / "deploy" / "_faults" / "drive.py"), *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


# --- the checks' own reads -----------------------------------------------------------------


class Primary:
    """Reads of the primary database (a new connection each time: it may have been down)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, connect_timeout=5, autocommit=True) as conn:
            conn.execute("SET statement_timeout = 30000")
            return list(conn.execute(sql, params).fetchall())

    def dossiers(self, codes: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.rows(
            """SELECT d.code, d.id, d.status,
                 (SELECT count(*) FROM dossiers_dossierevent e
                   WHERE e.dossier_id = d.id AND e.action = 'accept'),
                 (SELECT count(*) FROM dossiers_dossierstep s WHERE s.dossier_id = d.id),
                 (SELECT count(*) FROM dossiers_dossierdocument k
                   WHERE k.dossier_id = d.id AND k.kind = 'receipt')
               FROM dossiers_dossier d WHERE d.code = ANY(%s)""",
            [codes],
        )
        return {
            r[0]: {"id": r[1], "status": r[2], "events": r[3], "steps": r[4], "receipts": r[5]}
            for r in rows
        }

    def run_dossiers(self, phone_prefix: str) -> list[dict[str, Any]]:
        """Every dossier of this run (its applicants' phones), with what makes it whole."""
        rows = self.rows(
            """SELECT d.id, d.code, d.status, d.phone,
                 (SELECT count(*) FROM dossiers_dossierevent e WHERE e.dossier_id = d.id),
                 (SELECT count(*) FROM dossiers_dossierstep s WHERE s.dossier_id = d.id),
                 (SELECT count(*) FROM dossiers_dossierdocument k
                   WHERE k.dossier_id = d.id AND k.kind = 'receipt')
               FROM dossiers_dossier d WHERE d.phone LIKE %s AND d.email LIKE 'faults-%%'""",
            [phone_prefix + "%"],
        )
        keys = ("id", "code", "status", "phone", "events", "steps", "receipts")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def code_gaps(self) -> tuple[int, list[str]]:
        """(groups checked, problems): per desk and day, the codes' numbers are exactly
        1..n and the counter's last number is n (docs/glossary.md: `<desk e-ID>-YYMMDD-NNNN`)."""
        rows = self.rows(
            r"""WITH c AS (
                   SELECT substring(code from '^(.*)-[0-9]+$') AS prefix,
                          substring(code from '-([0-9]+)$')::int AS n
                     FROM dossiers_dossier WHERE code IS NOT NULL),
                 g AS (SELECT prefix, count(*) AS cnt, count(DISTINCT n) AS dn, max(n) AS mx
                         FROM c GROUP BY prefix),
                 k AS (SELECT a.code || '-' || to_char(x.day, 'YYMMDD') AS prefix, x.last
                         FROM dossiers_dossiercodecounter x
                         JOIN accounts_agency a ON a.id = x.agency_id)
               SELECT coalesce(g.prefix, k.prefix), g.cnt, g.dn, g.mx, k.last
                 FROM g FULL JOIN k ON k.prefix = g.prefix"""
        )
        problems = []
        for prefix, cnt, dn, mx, last in rows:
            cnt, dn, mx, last = cnt or 0, dn or 0, mx or 0, last or 0
            if not (cnt == dn == mx == last):
                problems.append(
                    f"{prefix}: {cnt} codes, {dn} distinct, highest {mx}, counter {last}"
                )
        return len(rows), problems

    def notifications(self, phones: list[str]) -> list[dict[str, Any]]:
        rows = self.rows(
            """SELECT n.id, n.channel, n.status, n.recipient, d.phone, n.kind
                 FROM notifications_notification n
                 JOIN dossiers_dossier d ON d.id = n.dossier_id
                WHERE d.phone = ANY(%s) AND n.channel IN ('sms', 'email')""",
            [phones],
        )
        keys = ("id", "channel", "status", "recipient", "phone", "kind")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def results(self, ids: list[int]) -> dict[int, tuple[int, int]]:
        """dossier id → (signed result files, unsigned ones)."""
        rows = self.rows(
            """SELECT dossier_id, count(*) FILTER (WHERE signed), count(*) FILTER (WHERE NOT signed)
                 FROM dossiers_dossierdocument WHERE kind = 'result' AND dossier_id = ANY(%s)
                GROUP BY dossier_id""",
            [ids],
        )
        return {r[0]: (r[1], r[2]) for r in rows}


class SmsSink:
    """The file SMS gateway (integrations.sms.FileBackend): one JSON line per attempt, with
    the notification's idempotency key; `duplicate` marks an attempt the gateway refused
    because that key was already delivered."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def delivered(self) -> tuple[Counter[str], Counter[str], int]:
        """(delivered messages by phone, delivered messages by key, refused duplicates)."""
        by_phone: Counter[str] = Counter()
        by_key: Counter[str] = Counter()
        refused = 0
        for row in self.lines():
            if row.get("duplicate"):
                refused += 1
                continue
            by_phone[str(row.get("phone"))] += 1
            if row.get("idempotency_key"):
                by_key[str(row["idempotency_key"])] += 1
        return by_phone, by_key, refused


class MailSink:
    """The file e-mail backend's directory (config/settings/rehearsal.py: MOTCUA_VAR_DIR/mail):
    every message carries the header X-Motcua-Notification: <notification id>."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def by_notification(self) -> Counter[int]:
        counts: Counter[int] = Counter()
        if not self.path.is_dir():
            return counts
        for file in self.path.iterdir():
            with contextlib.suppress(OSError):
                for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.startswith("X-Motcua-Notification:"):
                        value = line.partition(":")[2].strip()
                        if value.isdigit():
                            counts[int(value)] += 1
        return counts


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (what an intake's scan would be)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- the rehearsal -------------------------------------------------------------------------


class Fault:
    """One fault's record: what it did, what it counted, its problems."""

    def __init__(self, number: int, name: str) -> None:
        self.number = number
        self.name = name
        self.problems: list[str] = []
        self.figures: list[str] = []
        self.t0 = time.monotonic()

    def note(self, text: str) -> None:
        say(f"  {text}")

    def count(self, text: str) -> None:
        self.figures.append(text)
        say(f"  counted: {text}")

    def check(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.problems.append(problem)
            say(f"  ✗ {problem}")
        return condition

    def close(self) -> bool:
        seconds = time.monotonic() - self.t0
        if self.problems:
            say(f"FAIL {self.number} {self.name} ({seconds:.0f} s): " + "; ".join(self.problems))
            return False
        say(f"ok {self.number} {self.name} ({seconds:.0f} s): " + "; ".join(self.figures[-3:]))
        return True


def snapshot_key() -> str:
    """The migrations the saved data was made with (one name a line). `prodctl up` migrates
    the copy forward and skips the demo loader when it finds the data loaded, so a snapshot
    serves as long as every one of its migrations still exists (none removed or renamed)."""
    return "\n".join(
        sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("motcua/*/migrations/0*.py"))
    )


def snapshot_fits(saved: str) -> bool:
    current = set(snapshot_key().splitlines())
    return bool(saved.strip()) and set(saved.splitlines()) <= current


class Rehearsal:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.budget = Budget(args.budget)
        self.inst = Instance(args.offset, args.dir)
        self.run = random.Random().randrange(10, 100)
        self.phones = Phones(self.run)
        self.phone_prefix = f"09{self.run:02d}"
        self.load: Load | None = None
        self.results: list[tuple[int, str, bool]] = []

    # -- set up ---------------------------------------------------------------------------

    def up(self) -> bool:
        say(f"== instance {self.inst.dir} (port offset {self.args.offset})")
        fresh = not self.inst.dir.exists()
        if fresh and self.snapshot(restore=True):
            fresh = False
        self.inst.prodctl("env", timeout=30, quiet=True)
        values = self.inst.values()
        if "MOTCUA_FAULTPOINTS" in values:  # left by an interrupted run
            self.inst.set_values(MOTCUA_FAULTPOINTS=None)
        status = self.inst.status()
        parts = status.get("parts", status) if isinstance(status, dict) else {}
        running = bool(parts) and all(
            (p.get("state") if isinstance(p, dict) else p) in ("running", "ok", "up")
            for p in (parts.values() if isinstance(parts, dict) else parts)
        )
        if not running:
            self.static_cache(restore=True)
            if self.inst.up(timeout=max(60.0, self.budget.left() - 240)) != 0:
                say("FAIL 0 topology: `prodctl up` failed (see above)")
                return False
            self.static_cache(restore=False)
        if fresh and self.budget.left() > 480:
            # The first instance from nothing (migrate, demo data: minutes) is kept as the
            # snapshot later runs start from (when the budget allows); `up` again after.
            if self.inst.prodctl("down", timeout=180).returncode == 0:
                self.snapshot(restore=False)
            if self.inst.up(timeout=max(60.0, self.budget.left() - 240)) != 0:
                say("FAIL 0 topology: `prodctl up` failed (see above)")
                return False
        values = self.inst.values()
        self.base = values.get("MOTCUA_PUBLIC_URL", "").rstrip("/")
        self.db = Primary(values["DATABASE_URL"])
        var = Path(values.get("MOTCUA_VAR_DIR", str(self.inst.dir / "var")))
        self.mail = MailSink(var / "mail")
        self.sink = SmsSink(
            Path(values.get("MOTCUA_SMS_FILE_PATH", str(var / "sms" / "outbox.jsonl")))
        )
        self.session = requests.Session()
        self.token = self.token_for("desk")
        if not self.token:
            say("FAIL 0 topology: no bearer token for the desk account")
            return False
        done = self.inst.django("plan", timeout=120)
        if done.returncode != 0:
            say("FAIL 0 topology: deploy/_faults/drive.py plan: " + done.stderr.strip()[-300:])
            return False
        self.plan = json.loads(done.stdout.strip().splitlines()[-1])
        say(
            f"  intakes use procedure {self.plan['procedure']} ({self.plan['receiving']} → "
            f"{self.plan['deciding']}); applicants' phones {self.phone_prefix}xxxxxx"
        )
        return True

    def snapshot(self, *, restore: bool) -> bool:
        """var/faults-snapshot/: the instance as `prodctl up` first made it (stopped; the
        PostgreSQL clusters, S3 objects, demo PKI, static files), usable while its migrations
        all still exist (`snapshot_fits`).
        restore: copy it to the (absent) instance dir; True when done. Otherwise save it."""
        cache = ROOT / "var" / "faults-snapshot"
        key = snapshot_key()
        if restore:
            if not (cache / "instance").is_dir() or not snapshot_fits((cache / "key").read_text()):
                say("  no snapshot for this code: the instance is made from nothing")
                return False
            t0 = time.monotonic()
            done = subprocess.run(
                ["cp", "-a", str(cache / "instance"), str(self.inst.dir)], check=False
            )
            say(f"  instance copied from {cache} in {time.monotonic() - t0:.0f} s")
            return done.returncode == 0
        marker = self.inst.dir / "pg-location"
        if marker.exists() and not Path(marker.read_text().strip()).is_relative_to(self.inst.dir):
            return False  # the clusters live elsewhere: not copied
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        t0 = time.monotonic()
        done = subprocess.run(
            ["cp", "-a", str(self.inst.dir), str(cache / "instance")], check=False
        )
        if done.returncode == 0:
            (cache / "key").write_text(key)
            say(f"  instance saved to {cache} in {time.monotonic() - t0:.0f} s")
        return done.returncode == 0

    def static_cache(self, *, restore: bool) -> None:
        """The collected static files outlive the purged instance (var/faults-static-cache):
        copied in before `prodctl up`, which skips collectstatic when its stamp (the static
        sources' fingerprint) still matches — minutes on a busy machine — and saved after."""
        cache = ROOT / "var" / "faults-static-cache"
        var = self.inst.dir / "var"
        src, dst = (cache, var) if restore else (var, cache)
        stamp = src / "static.stamp"
        if not stamp.exists() or not (src / "static").is_dir():
            return
        if (dst / "static.stamp").exists() and (
            dst / "static.stamp"
        ).read_text() == stamp.read_text():
            return
        shutil.rmtree(dst / "static", ignore_errors=True)
        dst.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src / "static", dst / "static", symlinks=True)
        shutil.copy2(stamp, dst / "static.stamp")
        say(f"  static files {'copied from' if restore else 'saved to'} {cache}")

    def token_for(self, username: str) -> str:
        a = call(
            self.session,
            "token",
            "POST",
            f"{self.base}/api/v1/auth/token",
            body={"username": username, "password": DEMO_PASSWORD},
        )
        if a.status != 200:
            say(f"  token for {username}: HTTP {a.status} {a.error}")
            return ""
        return str(a.data.get("token", ""))

    def readyz(self, label: str) -> tuple[int, dict[str, Any]]:
        a = call(self.session, "readyz", "GET", f"{self.base}/readyz", timeout=10)
        body = {k: v for k, v in a.data.items() if k != "items"} if a.data else {}
        say(f"  /readyz {label}: HTTP {a.status} {json.dumps(body, sort_keys=True)}")
        return a.status, body

    def expect_ready(
        self, f: Fault, label: str, status: int, timeout: float = 10.0, **want: Any
    ) -> bool:
        """/readyz reaches `status` with these fields within `timeout` s (the probe answers
        from a 1 s cache and its checks have short deadlines: one answer may lag)."""
        seen: list[tuple[int, dict[str, Any]]] = []

        def matches() -> bool:
            code, body = self.readyz(label)
            seen.append((code, body))
            return code == status and all(body.get(k) == v for k, v in want.items())

        ok = bool(wait_for(matches, timeout, every=2.0))
        code, body = seen[-1]
        got = {k: body.get(k) for k in want}
        return f.check(
            ok, f"{label}: /readyz answered {code} {got} for {timeout:.0f} s (want {status} {want})"
        )

    # -- shared checks ----------------------------------------------------------------------

    def check_answers(
        self, f: Fault, answers: list[Answer], *, allow_503: bool, label: str
    ) -> None:
        f.count(f"{label}: {by_status(answers)}")
        hangs = [a for a in answers if a.status in (0, -1)]
        f.check(
            not hangs,
            f"{label}: {len(hangs)} requests without an answer "
            f"({Counter(a.error for a in hangs).most_common(3)})",
        )
        bad = [a for a in answers if a.status >= 500 and not (allow_503 and a.status == 503)]
        f.check(
            not bad,
            f"{label}: {len(bad)} answers 5xx "
            f"({Counter((a.kind, a.status) for a in bad).most_common(4)})",
        )
        api503 = [a for a in answers if a.status == 503 and a.kind == "intake"]
        unclear = [a for a in api503 if not (a.json_error and a.retry_after)]
        f.check(
            not unclear,
            f"{label}: {len(unclear)} of {len(api503)} API 503 without the JSON "
            "error or without Retry-After",
        )

    def dossiers_whole(self, f: Fault, codes: list[str], wait: float) -> None:
        """Every code answered 201 is in the primary with its event, steps and receipt (the
        receipt is rendered by a job: waited for up to `wait` s)."""

        def missing() -> list[str]:
            found = self.db.dossiers(codes)
            return [c for c in codes if c not in found or not found[c]["receipts"]]

        left = wait_for(lambda: not missing(), wait, every=2.0)
        found = self.db.dossiers(codes)
        absent = [c for c in codes if c not in found]
        no_event = [c for c, d in found.items() if d["events"] != 1]
        no_steps = [c for c, d in found.items() if d["steps"] == 0]
        no_receipt = [c for c, d in found.items() if d["receipts"] == 0]
        many_receipts = [c for c, d in found.items() if d["receipts"] > 1]
        f.count(
            f"{len(codes)} intakes answered 201: {len(found)} in the primary, "
            f"{len(found) - len(no_receipt)} with their receipt"
            + ("" if left else f" (after waiting {wait:.0f} s)")
        )
        f.check(
            not absent, f"{len(absent)} dossiers answered 201 are not in the primary: {absent[:5]}"
        )
        f.check(
            not no_event,
            f"{len(no_event)} dossiers without exactly one intake event: {no_event[:5]}",
        )
        f.check(not no_steps, f"{len(no_steps)} accepted dossiers without steps: {no_steps[:5]}")
        f.check(
            not no_receipt,
            f"{len(no_receipt)} dossiers without a receipt after {wait:.0f} s: {no_receipt[:5]}",
        )
        f.check(
            not many_receipts,
            f"{len(many_receipts)} dossiers with several receipts: {many_receipts[:5]}",
        )

    def half_made(self, f: Fault) -> None:
        rows = self.db.run_dossiers(self.phone_prefix)
        answered = {c for c, _p in self.load.created()} if self.load else set()
        half = [r for r in rows if r["events"] == 0 or not r["code"] or r["steps"] == 0]
        unknown = [
            r["code"]
            for r in rows
            if r["code"] and r["code"] not in answered and r["phone"] not in self.driven
        ]
        f.count(
            f"{len(rows)} dossiers of this run in the primary, {len(half)} half-made, "
            f"{len(unknown)} stored though their client got no 201"
        )
        f.check(not half, f"half-made dossiers (no event, no code or no steps): {half[:3]}")
        if unknown:
            f.note(f"stored although the answer was not 201 (the desk would retry): {unknown[:5]}")
        groups, gaps = self.db.code_gaps()
        f.count(f"codes gap-free in {groups - len(gaps)} of {groups} desk-days")
        f.check(not gaps, f"dossier codes with gaps: {gaps[:3]}")

    def notifications_sent(self, f: Fault, phones: list[str], wait: float, label: str) -> None:
        """Every SMS/e-mail notification of the dossiers with these phones is sent, and each SMS
        reached the gateway exactly once (by phone and by idempotency key)."""
        if not phones:
            f.check(False, f"{label}: no dossier to check")
            return

        def pending() -> list[dict[str, Any]]:
            return [n for n in self.db.notifications(phones) if n["status"] != "sent"]

        wait_for(lambda: not pending(), wait, every=2.0)
        rows = self.db.notifications(phones)
        left = [n for n in rows if n["status"] != "sent"]
        sms = [n for n in rows if n["channel"] == "sms"]
        by_phone, by_key, refused = self.sink.delivered()
        expected = Counter(n["phone"] for n in sms if n["status"] == "sent")
        wrong = {
            p: (by_phone.get(p, 0), expected.get(p, 0))
            for p in phones
            if by_phone.get(p, 0) != expected.get(p, 0)
        }
        twice = {k: n for k, n in by_key.items() if n > 1}
        mails = self.mail.by_notification()
        emails = [n for n in rows if n["channel"] == "email" and n["status"] == "sent"]
        mail_wrong = {n["id"]: mails.get(n["id"], 0) for n in emails if mails.get(n["id"], 0) != 1}
        f.count(
            f"{label}: {len(rows)} notifications of {len(phones)} dossiers, "
            f"{len(rows) - len(left)} sent ({Counter(n['status'] for n in left) or 'none left'}); "
            f"SMS at the gateway {sum(by_phone.get(p, 0) for p in phones)} for {len(sms)} SMS rows, "
            f"{refused} repeated attempts refused by key in the whole sink"
        )
        f.count(
            f"{label}: e-mails in the mail directory for {len(emails)} sent e-mail rows: "
            f"{sum(mails.get(n['id'], 0) for n in emails)}"
        )
        f.check(bool(rows), f"{label}: no notification rows at all for {len(phones)} dossiers")
        f.check(
            not mail_wrong,
            f"{label}: {len(mail_wrong)} sent e-mails not in the mail directory exactly once "
            f"(notification id: copies): {list(mail_wrong.items())[:4]}",
        )
        f.check(
            not left,
            f"{label}: {len(left)} notifications not sent after {wait:.0f} s "
            f"({Counter((n['kind'], n['channel'], n['status']) for n in left).most_common(3)})",
        )
        f.check(
            not wrong,
            f"{label}: SMS delivered ≠ SMS rows sent for {len(wrong)} phones "
            f"(delivered, rows): {list(wrong.items())[:3]}",
        )
        f.check(
            not twice,
            f"{label}: {len(twice)} idempotency keys delivered more than once: "
            f"{list(twice.items())[:3]}",
        )

    # -- the faults -------------------------------------------------------------------------

    def fault_primary(self) -> Fault:
        """PostgreSQL primary stopped 20 s under load, then started again."""
        f = Fault(1, "PostgreSQL primary stopped")
        self.expect_ready(f, "before", 200, database="ok")
        t0 = time.monotonic()
        time.sleep(3)
        stop = self.inst.prodctl("stop", "pg-primary", timeout=60)
        t_down = time.monotonic()
        f.check(stop.returncode == 0, "`prodctl stop pg-primary` failed")
        f.note(f"primary stopped; waiting {OUTAGE:.0f} s under load")
        time.sleep(OUTAGE / 3)
        self.expect_ready(f, "during", 503, database="down")
        time.sleep(max(0.0, t_down + OUTAGE - time.monotonic()))
        start = self.inst.prodctl("start", "pg-primary", timeout=90)
        t_up = time.monotonic()
        f.check(start.returncode == 0, "`prodctl start pg-primary` failed")
        back = wait_for(lambda: self.load.created(t_up), 60, every=1.0)
        t_back = time.monotonic()
        f.note(f"first intake 201 {t_back - t_up:.1f} s after the primary was started")
        f.check(bool(back), "no intake answered 201 within 60 s of the primary's start")
        self.expect_ready(f, "after", 200, database="ok")
        during = self.load.between(t_down + 1, t_up - 1)
        f.count(f"while stopped: {by_status(during)}")
        f.check(
            any(a.status == 503 and a.kind == "intake" for a in during),
            "no intake answered 503 while the primary was stopped",
        )
        self.check_answers(f, self.load.between(t0, t_back), allow_503=True, label="whole window")
        self.dossiers_whole(f, [c for c, _p in self.load.created()], wait=AFTER_OUTAGE)
        self.half_made(f)
        return f

    def relaunch(self, f: Fault, parts: list[str], command: str, points: str = "") -> None:
        """`prodctl <command>` (start or restart) of `parts` at once, with MOTCUA_FAULTPOINTS
        set to `points` in motcua.env for the processes they start (removed again after)."""
        self.inst.set_values(MOTCUA_FAULTPOINTS=points or None)
        try:
            threads = []
            codes: dict[str, int] = {}
            for part in parts:

                def go(part: str = part) -> None:
                    codes[part] = self.inst.prodctl(command, part, timeout=120).returncode

                threads.append(threading.Thread(target=go))
                threads[-1].start()
            for t in threads:
                t.join(timeout=130)
        finally:
            self.inst.set_values(MOTCUA_FAULTPOINTS=None)
        for part in parts:
            f.check(codes.get(part) == 0, f"`prodctl {command} {part}` failed")
        if points:
            f.note(f"{', '.join(parts)}: {command} with MOTCUA_FAULTPOINTS={points}")

    def log_mark(self, part: str) -> int:
        log = self.inst.log(part)
        return log.stat().st_size if log.exists() else 0

    def held(
        self, f: Fault, marks: dict[str, int], points: dict[str, str]
    ) -> dict[str, dict[str, int]]:
        """Wait (≤ 45 s) until each fault point (→ its worker) is logged as reached after
        the worker's log `marks`; the arguments of the job held there (the last one the
        worker received before, from Celery's "received" line), by point."""

        def reached() -> dict[str, dict[str, int] | None]:
            seen: dict[str, dict[str, int] | None] = {}
            for point, part in points.items():
                log = self.inst.log(part)
                text = ""
                if log.exists():
                    with log.open("rb") as fh:
                        fh.seek(marks[part])
                        text = fh.read().decode("utf-8", "replace")
                at = text.find(f"fault point {point}: waiting")
                if at < 0:
                    seen[point] = None
                    continue
                received = re.findall(r"received.*?\"kwargs\": \"\{([^}]*)\}", text[:at])
                args = re.findall(r"'(\w+)': (\d+)", received[-1]) if received else []
                seen[point] = {k: int(v) for k, v in args}
            return seen

        wait_for(lambda: all(v is not None for v in reached().values()), 45, every=0.5)
        seen = reached()
        f.note("held at: " + ", ".join(f"{p} {'NO' if a is None else a}" for p, a in seen.items()))
        for p, a in seen.items():
            f.check(a is not None, f"no job reached the fault point {p} within 45 s (worker log)")
        return {p: a for p, a in seen.items() if a is not None}

    def kill(self, f: Fault, parts: list[str]) -> None:
        """SIGKILL each worker's main process and every process below it."""
        for part in parts:
            pid = self.inst.pid(part)
            if pid is None:
                f.check(False, f"{part}: no pid file")
                continue
            victims = descendants(pid)
            for v in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(v, signal.SIGKILL)
            gone = wait_for(lambda vs=victims: not any(alive(v) for v in vs), 10, every=0.2)
            f.note(
                f"{part}: SIGKILL to pid {pid} and its {len(victims) - 1} children: "
                f"{'all gone' if gone else 'some still alive'}"
            )
            f.check(bool(gone), f"{part}: processes survived SIGKILL")

    def fault_workers(self) -> Fault:
        """Celery workers SIGKILLed while rendering, sending and signing; started again."""
        f = Fault(2, "Celery workers killed mid-job")
        self.expect_ready(f, "before", 200, workers=3)
        t0 = time.monotonic()
        refused0 = self.sink.delivered()[2]
        both = ["worker-signing", "worker-notify"]
        # Round 1: a receipt being rendered, a notification sent but not yet marked sent (the
        # background intakes bring both jobs).
        marks = {p: self.log_mark(p) for p in both}
        self.relaunch(
            f,
            both,
            "restart",
            f"dossiers.render.before_store={HOLD:.0f},notifications.after_send.sms={HOLD:.0f}",
        )
        victims = self.held(
            f,
            marks,
            {
                "dossiers.render.before_store": "worker-signing",
                "notifications.after_send.sms": "worker-notify",
            },
        )
        self.kill(f, both)
        self.killed_at = time.monotonic()
        # Round 2: started again (the killed jobs must run again), worker-signing holding a
        # result being signed (it runs one job at a time, so a round of its own).
        marks = {p: self.log_mark(p) for p in both}
        self.relaunch(f, both, "start", f"dossiers.sign.before_store={HOLD:.0f}")
        phones = [self.phones.next() for _ in range(2)]
        self.driven.update(phones)
        driven: list[dict[str, Any]] = []
        done = self.inst.django(
            "approve", "--phones", ",".join(phones), "--run", str(self.run), timeout=120
        )
        if f.check(done.returncode == 0, "drive.py approve failed: " + done.stderr[-300:]):
            driven = json.loads(done.stdout.strip().splitlines()[-1])
            f.note(f"approved, result to sign: {[d['code'] for d in driven]}")
        victims.update(self.held(f, marks, {"dossiers.sign.before_store": "worker-signing"}))
        self.kill(f, ["worker-signing"])
        self.relaunch(f, ["worker-signing"], "start")
        ids = [d["id"] for d in driven]

        def signed() -> bool:
            res = self.db.results(ids)
            return all(res.get(i, (0, 0))[0] >= 1 for i in ids)

        wait_for(signed, 90, every=2.0)
        res = self.db.results(ids)
        f.count(
            f"results of {len(ids)} approved dossiers (signed, unsigned versions): "
            f"{[res.get(i, (0, 0)) for i in ids]}"
        )
        f.check(bool(ids), "no dossier was approved: nothing to sign")
        f.check(
            all(res.get(i, (0, 0))[0] == 1 for i in ids),
            "a result is not signed exactly once after the kill",
        )
        window = [c for c, _p in self.load.created(t0)]
        self.dossiers_whole(f, window + [d["code"] for d in driven], wait=60)
        run_phones = [p for _c, p in self.load.created(t0)] + phones
        self.notifications_sent(f, run_phones, wait=60, label="since the first kill")
        f.count(f"gateway refused {self.sink.delivered()[2] - refused0} repeated SMS attempts")
        self.killed_jobs_done(f, victims)
        self.expect_ready(f, "after", 200, workers=3)
        self.check_answers(
            f, self.load.between(t0, time.monotonic()), allow_503=False, label="whole window"
        )
        return f

    def killed_jobs_done(self, f: Fault, victims: dict[str, dict[str, int]]) -> None:
        """The very jobs that were killed ran again to completion, once."""
        render = victims.get("dossiers.render.before_store", {}).get("dossier_id")
        if render is not None:
            n = self.db.rows(
                "SELECT count(*) FROM dossiers_dossierdocument WHERE dossier_id = %s "
                "AND kind IN ('receipt', 'completion_request', 'refusal')",
                [render],
            )[0][0]
            f.count(f"killed render job (dossier {render}): {n} form stored")
            f.check(n == 1, f"the killed render job of dossier {render} stored {n} forms (want 1)")
        sign = victims.get("dossiers.sign.before_store", {}).get("dossier_id")
        if sign is not None:
            signed = self.db.results([sign]).get(sign, (0, 0))[0]
            f.count(f"killed signing job (dossier {sign}): {signed} signed result")
            f.check(
                signed == 1, f"the killed signing job of dossier {sign}: {signed} signed results"
            )
        nid = victims.get("notifications.after_send.sms", {}).get("notification_id")
        if nid is not None:
            # A claimed notification whose attempt died is sent again once its lease is over
            # (MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS, 120 by default): wait for that.
            lease = float(self.inst.values().get("MOTCUA_NOTIFICATION_SEND_LEASE_SECONDS", 120))
            left = lease + 30 - (time.monotonic() - self.killed_at)
            sql = "SELECT channel, status FROM notifications_notification WHERE id = %s"
            wait_for(lambda: self.db.rows(sql, [nid])[0][1] == "sent", max(0.0, left), every=2.0)
            rows = self.db.rows(sql, [nid])
            channel, status = rows[0] if rows else ("?", "missing")
            if channel == "email":
                copies = self.mail.by_notification().get(nid, 0)
            else:
                copies = sum(
                    1
                    for line in self.sink.lines()
                    if str(line.get("idempotency_key", "")).startswith(f"motcua-n{nid}-")
                    and not line.get("duplicate")
                )
            f.count(
                f"killed send job (notification {nid}, {channel}): {status}, delivered {copies}×"
            )
            f.check(
                status == "sent" and copies == 1,
                f"the notification {nid} killed after its gateway accepted it: {status}, "
                f"delivered {copies} times (want sent, once)",
            )

    def fault_redis(self) -> Fault:
        """Redis (cache and broker) stopped 20 s under load, then started again."""
        f = Fault(3, "Redis stopped")
        self.expect_ready(f, "before", 200, cache="ok", broker="ok")
        t0 = time.monotonic()
        time.sleep(2)
        stop = self.inst.prodctl("stop", "redis", timeout=60)
        f.check(stop.returncode == 0, "`prodctl stop redis` failed")
        t_down = time.monotonic()
        time.sleep(OUTAGE / 3)
        self.expect_ready(f, "during", 200, cache="down", broker="down")
        time.sleep(max(0.0, t_down + OUTAGE - time.monotonic()))
        start = self.inst.prodctl("start", "redis", timeout=60)
        f.check(start.returncode == 0, "`prodctl start redis` failed")
        t_up = time.monotonic()
        during = self.load.between(t_down + 0.5, t_up - 0.5)
        f.count(f"while stopped: {by_status(during)}")
        made = self.load.created(t_down + 0.5, t_up - 0.5)
        f.check(bool(made), "no intake answered 201 while Redis was stopped")
        self.expect_ready(f, "after", 200, cache="ok", broker="ok")
        self.notifications_sent(
            f, [p for _c, p in made], wait=AFTER_OUTAGE, label="intakes during the outage"
        )
        self.dossiers_whole(f, [c for c, _p in made], wait=30)
        self.check_answers(
            f, self.load.between(t0, time.monotonic()), allow_503=False, label="whole window"
        )
        return f

    def fault_replica(self) -> Fault:
        """The streaming replica stopped: officers' reads keep answering; started again."""
        f = Fault(4, "replica stopped")
        self.expect_ready(f, "before", 200, replica="ok")
        sup = self.token_for("giamsat")
        today = time.strftime("%Y-%m-%d")
        first = time.strftime("%Y-01-01")
        reads = [
            ("list", f"{self.base}/api/v1/dossiers?limit=20", self.token),
            ("report", f"{self.base}/api/v1/reports/resolution?from={first}&to={today}", sup),
        ]

        def read_all(label: str) -> list[Answer]:
            got = [call(self.session, kind, "GET", url, token=tok) for kind, url, tok in reads]
            say(
                f"  reads {label}: "
                + ", ".join(f"{a.kind} {a.status} in {a.end - a.start:.2f} s" for a in got)
            )
            return got

        before = read_all("before")
        t0 = time.monotonic()
        stop = self.inst.prodctl("stop", "pg-replica", timeout=60)
        f.check(stop.returncode == 0, "`prodctl stop pg-replica` failed")
        t_down = time.monotonic()
        answers: list[Answer] = []
        while time.monotonic() - t_down < 10:
            answers += read_all("while stopped")
            time.sleep(1)
        self.expect_ready(f, "during", 200, replica="down")
        start = self.inst.prodctl("start", "pg-replica", timeout=120)
        f.check(start.returncode == 0, "`prodctl start pg-replica` failed")
        self.expect_ready(f, "after start", 200, timeout=45, replica="ok")
        after = read_all("after")
        f.count(f"officers' reads while stopped: {by_status(answers)}")
        f.check(all(a.status == 200 for a in before), "reads did not answer 200 before the fault")
        f.check(
            bool(answers) and all(a.status == 200 for a in answers),
            "reads while the replica was stopped: "
            + by_status([a for a in answers if a.status != 200]),
        )
        f.check(
            all(a.status == 200 for a in after),
            "reads did not answer 200 after the replica's start",
        )
        self.check_answers(
            f, self.load.between(t0, time.monotonic()), allow_503=False, label="whole window"
        )
        return f

    def s3_client(self) -> Any:
        import boto3
        from botocore.config import Config

        values = self.inst.values()
        options = json.loads(values.get("DJANGO_STORAGE_OPTIONS", "{}"))
        return boto3.client(
            "s3",
            endpoint_url=options.get("endpoint_url"),
            aws_access_key_id=values.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=values.get("AWS_SECRET_ACCESS_KEY"),
            region_name=values.get("AWS_DEFAULT_REGION", "us-east-1"),
            config=Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 1}),
        ), str(options.get("bucket_name"))

    def s3_keys(self) -> set[str] | None:
        s3, bucket = self.s3_client()
        keys: set[str] = set()
        try:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                keys.update(o["Key"] for o in page.get("Contents", []))
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot list"
            say(f"  S3 listing failed: {type(exc).__name__}: {exc}"[:200])
            return None
        return keys

    def fault_s3(self) -> Fault:
        """The S3 server stopped: intake with files refused whole; started again."""
        f = Fault(5, "S3 server stopped")
        self.expect_ready(f, "before", 200, storage="ok")
        before = self.s3_keys() or set()
        f.count(f"{len(before)} objects in the bucket before")
        t0 = time.monotonic()
        stop = self.inst.prodctl("stop", "s3", timeout=90)
        f.check(stop.returncode == 0, "`prodctl stop s3` failed")
        t_down = time.monotonic()
        self.expect_ready(f, "during", 200, storage="down")
        phones = [self.phones.next() for _ in range(3)]
        answers = []
        for phone in phones:
            pdf = tiny_pdf(f"Scan {phone}")
            files = [
                {"name": f"to-khai-{phone}.pdf", "content_base64": base64.b64encode(pdf).decode()}
            ]
            answers.append(
                call(
                    self.session,
                    "intake+file",
                    "POST",
                    f"{self.base}/api/v1/dossiers",
                    token=self.token,
                    body=intake_body(self.plan, phone, files),
                )
            )
        f.count(f"intakes with a file while stopped: {by_status(answers)}")
        f.check(
            all(a.status == 503 for a in answers),
            "intake with files did not answer 503 while S3 was stopped",
        )
        f.check(
            all(a.json_error and a.retry_after for a in answers),
            "the 503 of intake with files lacks the JSON error or Retry-After",
        )
        stored = [r for r in self.db.run_dossiers(self.phone_prefix) if r["phone"] in phones]
        f.check(
            not stored, f"{len(stored)} dossier rows stored for intakes answered 503: {stored[:2]}"
        )
        start = self.inst.prodctl("start", "s3", timeout=90)
        f.check(start.returncode == 0, "`prodctl start s3` failed")
        t_up = time.monotonic()
        self.expect_ready(f, "after start", 200, timeout=30, storage="ok")
        after = self.s3_keys()
        f.check(after is not None, "S3 cannot be listed after its start")
        after = after or set()
        lost = before - after
        f.count(f"{len(after)} objects after the start, {len(lost)} of those before missing")
        f.check(not lost, f"{len(lost)} of {len(before)} objects lost across the S3 restart")
        referenced = {r[0] for r in self.db.rows("SELECT file FROM dossiers_dossierdocument")}
        orphans = [k for k in after - before if k not in referenced]
        f.check(not orphans, f"{len(orphans)} objects stored without a document row: {orphans[:3]}")
        f.check(
            not any(p in k for k in after for p in phones),
            "an object of a refused intake is in the bucket",
        )
        phone = self.phones.next()
        pdf = tiny_pdf("Scan")
        files = [{"name": "to-khai.pdf", "content_base64": base64.b64encode(pdf).decode()}]
        ok = call(
            self.session,
            "intake+file",
            "POST",
            f"{self.base}/api/v1/dossiers",
            token=self.token,
            body=intake_body(self.plan, phone, files),
        )
        f.count(f"intake with a file after the start: HTTP {ok.status}")
        f.check(
            ok.status == 201, f"intake with a file after S3's start answered {ok.status} {ok.error}"
        )
        if ok.status == 201:
            new = (self.s3_keys() or set()) - after
            f.count(f"{len(new)} new objects after it")
            f.check(bool(new), "the accepted intake with a file stored no object")
        # The receipts of the intakes (without files) accepted while S3 was down are stored
        # once it is back: the render jobs must not be lost.
        made = [c for c, _p in self.load.created(t_down, t_up)]
        f.note(f"{len(made)} intakes without files answered 201 while S3 was stopped")
        self.dossiers_whole(f, made, wait=AFTER_OUTAGE)
        # Nothing half-stored the other way round either: every document row's object exists.
        rows = {r[0] for r in self.db.rows("SELECT file FROM dossiers_dossierdocument")}
        present = self.s3_keys() or set()
        without = sorted(rows - present)
        f.count(f"{len(rows)} document rows, {len(without)} of them without their object")
        f.check(not without, f"{len(without)} document rows whose object is missing: {without[:3]}")
        # The background intakes carry no file and the pages read no object: none may fail.
        self.check_answers(
            f, self.load.between(t0, time.monotonic()), allow_503=False, label="whole window"
        )
        return f

    def fault_backup(self) -> Fault:
        """deploy/backup, then deploy/restore into an empty database and bucket."""
        f = Fault(6, "backup and restore")
        out = self.inst.dir / f"backup-{self.run}-{int(time.time())}"
        values = self.inst.values()
        primary = values["DATABASE_URL"]
        target_db = primary.rsplit("/", 1)[0] + f"/motcua_restore_{self.run}"
        bucket = f"motcua-restore-{self.run}-{int(time.time()) % 100000}"
        acknowledged = [c for c, _p in self.load.created()]
        scripts = [
            ("backup", ["--env", str(self.inst.env_file), "--out", str(out)]),
            (
                "restore",
                [
                    "--env", str(self.inst.env_file), "--from", str(out),
                    "--database", target_db, "--bucket", bucket,
                ],
            ),
        ]  # fmt: skip
        for script, args in scripts:
            t = time.monotonic()
            try:
                done = subprocess.run(
                    [str(PYTHON), str(ROOT / "deploy" / script), *args],
                    cwd=ROOT,
                    env=self.inst.env,
                    capture_output=True,
                    text=True,
                    timeout=min(240, max(30, self.budget.left() - 20)),
                    check=False,
                )
                rc, text = done.returncode, (done.stdout + done.stderr)
            except subprocess.TimeoutExpired:
                rc, text = 124, "timed out"
            for line in text.strip().splitlines()[-10:]:
                say(f"    {script} | {line[:300]}")
            f.count(f"deploy/{script}: exit {rc} in {time.monotonic() - t:.0f} s")
            f.check(rc == 0, f"deploy/{script} exited {rc}")
            if rc != 0:
                return f
        restored = Primary(target_db)
        found = restored.dossiers(acknowledged)
        missing = [c for c in acknowledged if c not in found]
        total = restored.rows("SELECT count(*) FROM dossiers_dossier")[0][0]
        f.count(
            f"restored database: {total} dossiers; {len(acknowledged) - len(missing)} of the "
            f"{len(acknowledged)} intakes answered 201 before the backup"
        )
        f.check(
            not missing,
            f"{len(missing)} acknowledged intakes missing in the restore: {missing[:3]}",
        )
        return f

    # -- the run ----------------------------------------------------------------------------

    FAULTS: list[tuple[int, str, float]] = [
        (1, "fault_primary", 60),
        (2, "fault_workers", 120),
        (3, "fault_redis", 45),
        (4, "fault_replica", 30),
        (5, "fault_s3", 60),
        (6, "fault_backup", 40),
    ]

    def main(self) -> int:
        self.driven: set[str] = set()
        try:
            if not self.up():
                return 1
            self.load = Load(self.base, self.token, self.plan, self.phones, intakes=1)
            self.load.start()
            time.sleep(5)
            say(f"== background load: {by_status(self.load.between(0, time.monotonic()))}")
            only = {int(x) for x in self.args.only.split(",")} if self.args.only else None
            for number, method, needs in self.FAULTS:
                if only and number not in only:
                    continue
                say(f"== fault {number}: {getattr(self, method).__doc__}")
                if self.budget.left() < needs:
                    say(
                        f"FAIL {number} {method}: not run, {self.budget.left():.0f} s left of the "
                        f"budget (needs ~{needs:.0f} s)"
                    )
                    self.results.append((number, method, False))
                    continue
                try:
                    f = getattr(self, method)()
                except Exception as exc:  # noqa: BLE001 - a crash is this fault's FAIL
                    traceback.print_exc()
                    f = Fault(number, method)
                    f.check(False, f"crashed: {type(exc).__name__}: {exc}")
                self.results.append((number, f.name, f.close()))
        finally:
            if self.load is not None:
                self.load.stop()
                say(f"== background load in all: {by_status(self.load.answers)}")
            if not self.args.keep:
                self.inst.prodctl("down", "--purge", timeout=180)
        failed = [n for n, _name, ok in self.results if not ok]
        say(
            f"== faults: {len(self.results) - len(failed)} ok, {len(failed)} FAIL, "
            f"{self.budget.elapsed():.0f} s"
        )
        return 1 if failed or not self.results else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="leave the instance running at the end")
    parser.add_argument("--only", default="", help="comma-separated fault numbers (default: all)")
    parser.add_argument("--budget", type=float, default=1200.0, help="seconds for the whole run")
    parser.add_argument("--offset", default=os.environ.get("MOTCUA_PROD_PORT_OFFSET", "100"))
    parser.add_argument("--dir", default=os.environ.get("MOTCUA_PROD_DIR", "var/prod-faults"))
    args = parser.parse_args()
    return Rehearsal(args).main()


if __name__ == "__main__":
    raise SystemExit(main())
