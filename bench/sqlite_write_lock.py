"""How long the embedded SQLite database's write lock is held at a stretch (issue 17 item 2).

A web request that writes waits for the lock up to the busy timeout (MOTCUA_SQLITE_BUSY_TIMEOUT,
20 s), then gets a 503 (docs/adr/0021). This measures, from a second connection that tries
`BEGIN IMMEDIATE` every 2 ms (what a waiting writer does), the longest stretch during which no
other writer could get in, while:

1. the demo data is loaded (`demo_load`, as `make run` does on a fresh database);
2. the deadline sweep recomputes every stored near-due instant (ADR 0017: after a calendar
   change), on the demo data copied until there are BENCH_SWEEP_DOSSIERS dossiers in progress;
3. the whole deadline sweep runs after that.

    .venv/bin/python -m bench.sqlite_write_lock     # from the repository root

Two figures for each: the longest write transaction of this process (timed from inside, from
BEGIN IMMEDIATE to COMMIT), and the longest stretch a second connection trying `BEGIN
IMMEDIATE` every 2 ms could not get in (timed from outside).

Knobs: BENCH_SWEEP_DOSSIERS (50,000), BENCH_SQLITE_DEMO (a demo-loaded SQLite file to start
from instead of migrating and loading one; it is copied, never changed), BENCH_PROBE=0 (no
second connection: only the inside figure).
There is no target; the figures go into docs/adr/0021.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Probe:
    """A second connection trying to take the write lock every `every` seconds; `longest` is
    the longest time between two successes (the lock held by someone else all along)."""

    def __init__(self, path: str, every: float = 0.002) -> None:
        self.path, self.every = path, every
        self.longest = 0.0
        self.tries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        last = time.perf_counter()
        while not self._stop.is_set():
            self.tries += 1
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass
            else:
                now = time.perf_counter()
                self.longest = max(self.longest, now - last)
                last = now
            time.sleep(self.every)
        self.longest = max(self.longest, time.perf_counter() - last)
        conn.close()

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Transactions:
    """The write transactions of this process (BEGIN IMMEDIATE … COMMIT or ROLLBACK), timed
    from inside: the longest, how many, and their total."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    def __enter__(self) -> Transactions:
        from django.db.backends.sqlite3.base import DatabaseWrapper

        self._saved = (
            DatabaseWrapper._start_transaction_under_autocommit,
            DatabaseWrapper._commit,
            DatabaseWrapper._rollback,
        )
        start, commit, rollback = self._saved
        durations = self.durations

        def begin(conn: Any) -> None:
            start(conn)
            conn._bench_began = time.perf_counter()

        def ending(end: Any) -> Any:
            def finish(conn: Any) -> Any:
                result = end(conn)
                began = getattr(conn, "_bench_began", None)
                if began is not None:
                    durations.append(time.perf_counter() - began)
                    conn._bench_began = None
                return result

            return finish

        DatabaseWrapper._start_transaction_under_autocommit = begin
        DatabaseWrapper._commit = ending(commit)
        DatabaseWrapper._rollback = ending(rollback)
        return self

    def __exit__(self, *exc: object) -> None:
        from django.db.backends.sqlite3.base import DatabaseWrapper

        (
            DatabaseWrapper._start_transaction_under_autocommit,
            DatabaseWrapper._commit,
            DatabaseWrapper._rollback,
        ) = self._saved


@contextmanager
def measured(label: str, path: str) -> Iterator[None]:
    """Print how long the block took, its longest write transaction (timed inside) and, with
    the probe on (BENCH_PROBE, default 1), the longest stretch another connection could not
    take the write lock."""
    started = time.perf_counter()
    probe = Probe(path) if os.environ.get("BENCH_PROBE", "1") == "1" else None
    with Transactions() as tx:
        if probe is None:
            yield
        else:
            with probe:
                yield
    took = time.perf_counter() - started
    longest = max(tx.durations, default=0.0)
    line = (
        f"{label}: {took:.1f} s in all; {len(tx.durations)} write transactions, the longest "
        f"{longest:.3f} s, {sum(tx.durations):.1f} s in all"
    )
    if probe is not None:
        line += f"; another connection kept out at most {probe.longest:.3f} s at a stretch"
    print(line, flush=True)


def _multiply_in_progress(path: str, target: int) -> int:
    """Copy the dossiers in progress (with their active steps) until there are `target`."""
    conn = sqlite3.connect(path, isolation_level=None)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(dossiers_dossier)") if r[1] != "id"]
    step_cols = [
        r[1] for r in conn.execute("PRAGMA table_info(dossiers_dossierstep)") if r[1] != "id"
    ]
    progress = "status IN ('received', 'processing', 'supplement_requested')"
    base = conn.execute(f"SELECT count(*) FROM dossiers_dossier WHERE {progress}").fetchone()[0]
    copies = max(0, target // max(base, 1) - 1)
    conn.execute("BEGIN")
    conn.execute(
        f"CREATE TEMP TABLE src AS SELECT id FROM dossiers_dossier WHERE {progress}"  # noqa: S608
    )
    for n in range(copies):
        select = ", ".join(
            {
                "code": f"CASE WHEN code IS NULL THEN NULL ELSE code || '-c{n}' END",
                "reference": "lower(hex(randomblob(16)))",
            }.get(c, c)
            for c in cols
        )
        before = conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'dossiers_dossier'"
        ).fetchone()[0]
        conn.execute(
            f"INSERT INTO dossiers_dossier ({', '.join(cols)}) "  # noqa: S608
            f"SELECT {select} FROM dossiers_dossier WHERE id IN (SELECT id FROM src) ORDER BY id"
        )
        step_select = ", ".join(
            f"(SELECT count(*) FROM src WHERE src.id <= s.dossier_id) + {before}"
            if c == "dossier_id"
            else ("NULL" if c == "parent_id" else f"s.{c}")
            for c in step_cols
        )
        conn.execute(
            f"INSERT INTO dossiers_dossierstep ({', '.join(step_cols)}) "  # noqa: S608
            f"SELECT {step_select} FROM dossiers_dossierstep s "
            "WHERE s.status = 'active' AND s.dossier_id IN (SELECT id FROM src)"
        )
    # As after a calendar change: every stored instant is to be written again.
    conn.execute("UPDATE dossiers_dossier SET near_due_at = NULL")
    conn.execute("UPDATE dossiers_dossierstep SET near_due_at = NULL")
    conn.execute("COMMIT")
    total = conn.execute(f"SELECT count(*) FROM dossiers_dossier WHERE {progress}").fetchone()[0]
    conn.close()
    return int(total)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-lock-"))
    db = workdir / "bench.sqlite3"
    os.environ.update(
        DATABASE_URL=f"sqlite:///{db}",
        MOTCUA_VAR_DIR=str(workdir / "var"),
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_LOG_LEVEL="WARNING",
        MOTCUA_CACHE_URL="",
    )
    source = os.environ.get("BENCH_SQLITE_DEMO")
    try:
        if source:
            shutil.copy(source, db)
        else:
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
            )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        if not source:
            from motcua.demo.loader import demo_load

            with measured("demo load", str(db)):
                demo_load()
        target = int(os.environ.get("BENCH_SWEEP_DOSSIERS", "50000"))
        total = _multiply_in_progress(str(db), target)
        print(f"{total} dossiers in progress", flush=True)
        from django.core.cache import cache

        from motcua.core import clock
        from motcua.dossiers.services.sweep import deadline_sweep, near_due_recompute

        with measured("near-due recompute (after a calendar change)", str(db)):
            counts = near_due_recompute(since=clock.now())
        print(f"  recomputed {counts[0]} dossiers, {counts[1]} steps", flush=True)
        cache.clear()
        _multiply_in_progress(str(db), 0)  # the instants emptied again
        with measured("deadline sweep (recompute + warnings)", str(db)):
            deadline_sweep()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
