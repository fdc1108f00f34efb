"""Dossier intake through the service layer vs the raw-SQL insert rate of the same rows, on
PostgreSQL, side by side in one run.

Targets (issue 12, ADR 0043): service ≥ 0.6 × raw; service + notification rows ≥ 0.45 × raw.

What is compared, honestly:
* service — `dossier_intake(decision="accept")` as the desk calls it: validation of the
  applicant and checklist, the procedure version read, the desk officer's role (read in the
  same statement as the code is taken, never cached), a gap-free code from the per-desk,
  per-day counter (row lock), the appointment and the first step's deadline from the working
  calendar, the dossier row, its 4 steps, the event and its `dossier_event_recorded` signal;
  one transaction each. Background jobs are suppressed (the receipt is rendered by a job after
  commit), which also means the notifications receiver writes no rows: that is the figure the
  target applies to.
* service + notifications — the same, with the notification rows the signal writes in the
  transaction as in production (the applicant has an e-mail address and a phone: 2 rows); the
  jobs that would send them after commit are still not run. Target ≥ 0.45 × raw.
* raw — psycopg executing the equivalent writes for the same rows (the counter as one
  INSERT … ON CONFLICT DO UPDATE … RETURNING, the dossier, its 4 steps in one multi-row INSERT,
  the event, the reports' fact rows as the hook's one upsert — 7 statements with BEGIN and
  COMMIT, like the service), one transaction each, over the same kind of connection (TCP, same server), with
  psycopg's defaults (values bound on the server, statements prepared after 5 runs). The
  values (times, checklist JSON) are computed once beforehand: raw does SQL only, no Python
  logic. It is the ceiling, not something the service could ever equal.
Rounds alternate (service, service + notifications, raw, …) so all see the same machine load.

Runs in its own database (`motcua_bench`, or $BENCH_DATABASE) on the server of DATABASE_URL,
created and migrated if needed; the dossier tables are emptied before and after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/dossier_intake.py
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROUNDS = int(os.environ.get("BENCH_INTAKE_ROUNDS", "5"))
PER_ROUND = int(os.environ.get("BENCH_INTAKE_PER_ROUND", "200"))
TARGET = 0.6  # service / raw
NOTIFIED_TARGET = 0.45  # service with its notification rows / raw
PROCEDURE = "2.000004"  # Sở Công Thương, 5 working days, 4 steps, 4 mandatory documents
DOSSIER_TABLES = [
    "notifications_notification",
    "dossiers_notice",
    "dossiers_dossierevent",
    "dossiers_dossierdocument",
    "dossiers_dossierstep",
    "dossiers_dossier",
    "dossiers_dossiercodecounter",
    "reports_dailyflow",
    "reports_flowrollup",
]


# ---- the bench database ---------------------------------------------------------------------


def is_postgres(url: str | None = None) -> bool:
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def skip_message(name: str) -> str:
    return (
        f"== {name}: skipped — needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db "
        "(the benchmark creates and uses its own database on that server)"
    )


def bench_database_url(url: str) -> str:
    """The URL of the benchmark's own database on the server of `url`; created if missing."""
    import psycopg

    name = os.environ.get("BENCH_DATABASE", "motcua_bench")
    parts = urlsplit(url)
    if parts.path.lstrip("/") == name:
        return url
    bench = urlunsplit(parts._replace(path="/" + name))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return bench


def use_bench_database() -> str | None:
    """Before django.setup(): point DATABASE_URL at the bench database. None if not PG."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        return None
    bench = bench_database_url(url)
    os.environ["DATABASE_URL"] = bench
    return bench


def prepare_world() -> dict[str, Any]:
    """Migrate, and load Điện Biên's agencies, the calendar, the catalog and bench officers
    (idempotent). Returns the handy objects."""
    from django.core.management import call_command
    from django.utils import timezone

    from motcua.accounts.api import agency_get_by_code, province_import, role_grant
    from motcua.accounts.data import Role
    from motcua.accounts.models import User
    from motcua.calendar.api import calendar_seed
    from motcua.catalog.api import catalog_import, procedure_get_current

    call_command("migrate", verbosity=0)
    if agency_get_by_code(code="H11.01.01") is None:
        province_import(province_code=11, eid="H11")
    year = timezone.localdate().year
    calendar_seed(years=[year - 1, year, year + 1])
    if procedure_get_current(code=PROCEDURE) is None:
        catalog = Path(__file__).resolve().parent.parent / "motcua/catalog/demo/procedures.json"
        catalog_import(content=catalog.read_bytes(), filename=catalog.name, actor=None)
    desk, _created = User.objects.get_or_create(
        username="bench.desk", defaults={"full_name": "Bench Desk"}
    )
    centre = agency_get_by_code(code="H11.01.01")
    role_grant(user=desk, role=Role.DESK_OFFICER, agency=centre)
    return {"desk": desk, "centre": centre}


def empty_dossier_tables() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(DOSSIER_TABLES)} RESTART IDENTITY CASCADE")


# ---- the two sides --------------------------------------------------------------------------


def _inputs() -> tuple[Any, list[Any]]:
    from motcua.dossiers.data import ApplicantData, ChecklistItem

    applicant = ApplicantData(
        kind="organisation",
        name="Công ty TNHH Thương mại Mường Thanh",
        tax_code="5600128219",
        representative="Quàng Văn Đức",
        phone="0215382111",
        email="vanphong@muongthanh.example.vn",
        address="Tổ dân phố 5, phường Mường Thanh, tỉnh Điện Biên",
        commune_code=3334,
    )
    checklist = [ChecklistItem(position=p, received=True, originals=1) for p in range(1, 5)]
    return applicant, checklist


@contextlib.contextmanager
def _notification_rows(on: bool) -> Iterator[None]:
    """With `on`, the notifications receiver writes its rows although jobs are suppressed (it
    writes none during bulk loads, which `jobs.suppressed()` stands for); nothing is sent."""
    from motcua.notifications import services

    if not on:
        yield
        return
    bulk_loading = services._bulk_loading
    services._bulk_loading = lambda: False  # type: ignore[assignment]
    try:
        yield
    finally:
        services._bulk_loading = bulk_loading  # type: ignore[assignment]


def service_intakes(n: int, world: dict[str, Any], *, notifications: bool = False) -> float:
    from motcua.core import jobs
    from motcua.dossiers.api import dossier_intake

    applicant, checklist = _inputs()
    desk = world["desk"]
    t0 = time.perf_counter()
    # The receipt (form 01) is rendered by a job after commit: sent to Celery in production,
    # run inline in eager mode. Neither belongs to the intake's own cost: not enqueued here.
    with jobs.suppressed(), _notification_rows(notifications):
        for _ in range(n):
            dossier_intake(
                actor=desk,
                procedure_code=PROCEDURE,
                channel="desk",
                applicant=applicant,
                decision="accept",
                checklist=checklist,
                receiving_agency_code="H11.01.01",
            )
    return time.perf_counter() - t0


def _row(cur: Any, table: str, where: str, value: int) -> tuple[list[str], list[list[Any]]]:
    """Every column but the id of the rows a service intake wrote, as psycopg parameters."""
    from psycopg.types.json import Jsonb

    cur.execute(f"SELECT * FROM {table} WHERE {where} = %s ORDER BY id", [value])
    names = [c[0] for c in cur.description]
    keep = [i for i, n in enumerate(names) if n != "id"]
    rows = [
        [Jsonb(r[i]) if isinstance(r[i], dict | list) else r[i] for i in keep]
        for r in cur.fetchall()
    ]
    return [names[i] for i in keep], rows


class RawSide:
    """The same rows as a service intake, written with psycopg: SQL only. The columns are read
    from a dossier the service wrote, so both sides write the same columns and values."""

    def __init__(self, url: str, template_id: int) -> None:
        import psycopg
        from django.db import connection

        self.conn = psycopg.connect(url, autocommit=True)
        with connection.cursor() as cur:
            d_cols, (self.row,) = _row(cur, "dossiers_dossier", "id", template_id)
            s_cols, self.steps = _row(cur, "dossiers_dossierstep", "dossier_id", template_id)
            e_cols, (self.event,) = _row(cur, "dossiers_dossierevent", "dossier_id", template_id)
            cur.execute("SELECT agency_id, day FROM dossiers_dossiercodecounter")
            self.agency_id, self.day = cur.fetchone()
        self.i_code, self.i_ref = d_cols.index("code"), d_cols.index("reference")
        self.i_step_dossier = s_cols.index("dossier_id")
        self.i_event_dossier, self.i_event_step = (
            e_cols.index("dossier_id"),
            e_cols.index("step_id"),
        )
        self.code_prefix = self.row[self.i_code].rsplit("-", 1)[0]  # <desk>-YYMMDD
        self.sql_dossier = (
            f"INSERT INTO dossiers_dossier ({', '.join(d_cols)}) "
            f"VALUES ({', '.join(['%s'] * len(d_cols))}) RETURNING id"
        )
        one = "(" + ", ".join(["%s"] * len(s_cols)) + ")"
        self.sql_steps = (
            f"INSERT INTO dossiers_dossierstep ({', '.join(s_cols)}) VALUES "
            + ", ".join([one] * len(self.steps))
            + " RETURNING id"
        )
        self.sql_event = (
            f"INSERT INTO dossiers_dossierevent ({', '.join(e_cols)}) "
            f"VALUES ({', '.join(['%s'] * len(e_cols))})"
        )
        self.sql_counter = (
            "INSERT INTO dossiers_dossiercodecounter (agency_id, day, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (agency_id, day) DO UPDATE "
            "SET last = dossiers_dossiercodecounter.last + 1 RETURNING last"
        )
        # The reports' fact row (ADR 0027): the same upsert statement the hook sends, with
        # the rows the service wrote for the template dossier (received, in progress, and the
        # overdue +1 on its appointment's day), computed by the same rule.
        from motcua.calendar.api import working_calendar_get
        from motcua.dossiers.models import Dossier
        from motcua.reports.models import FLOW_COLUMNS
        from motcua.reports.services import _upsert_sql, dossier_flows

        dossier = Dossier.objects.get(pk=template_id)
        flows = dossier_flows(dossier, dossier.events.order_by("at", "id"), working_calendar_get())
        self.fact_params: list[Any] = []
        for key, cols in sorted(flows.items()):
            self.fact_params += [*key, *(cols.get(c, 0) for c in FLOW_COLUMNS)]
        self.sql_facts = _upsert_sql("postgresql", len(flows))

    def intakes(self, n: int) -> float:
        conn = self.conn
        row = self.row
        t0 = time.perf_counter()
        for _ in range(n):
            with conn.transaction():
                last = conn.execute(self.sql_counter, [self.agency_id, self.day]).fetchone()[0]
                row[self.i_code] = f"{self.code_prefix}-{last:04d}"
                row[self.i_ref] = uuid.uuid4()
                dossier_id = conn.execute(self.sql_dossier, row).fetchone()[0]
                params: list[Any] = []
                for step in self.steps:
                    step[self.i_step_dossier] = dossier_id
                    params += step
                step_ids = conn.execute(self.sql_steps, params).fetchall()
                event = self.event
                event[self.i_event_dossier] = dossier_id
                if event[self.i_event_step] is not None:
                    event[self.i_event_step] = step_ids[0][0]
                conn.execute(self.sql_event, event)
                conn.execute(self.sql_facts, self.fact_params).fetchall()
        return time.perf_counter() - t0

    def single_row_tx(self, n: int) -> float:
        """Context: single-row INSERT transactions per second on this server."""
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS bench_one (id bigserial, v int)")
        t0 = time.perf_counter()
        for i in range(n):
            with conn.transaction():
                conn.execute("INSERT INTO bench_one (v) VALUES (%s)", [i])
        return time.perf_counter() - t0

    def close(self) -> None:
        self.conn.close()


# ---- where the service's time goes ----------------------------------------------------------


def statements_per_intake(world: dict[str, Any], n: int = 50) -> tuple[float, dict[str, float]]:
    """Statements a service intake sends, averaged over `n` intakes (BEGIN and COMMIT
    included; the reference caches' freshness checks, every 2 s, count for their share), and
    the same by kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        service_intakes(n, world)
    kinds: dict[str, float] = {}
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.lstrip().upper().startswith("WITH"):
            # the desk check and the code counter in one statement (ADR 0015)
            key = "WITH desk … INSERT dossiers_dossiercodecounter"
        else:
            match = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
            key = f"{sql.split()[0].upper()} {match.group(1) if match else ''}".strip()
        kinds[key] = kinds.get(key, 0) + 1 / n
    return len(ctx.captured_queries) / n, kinds


def profile_service(world: dict[str, Any], n: int = 200) -> None:
    from django.db import connection

    count, kinds = statements_per_intake(world)

    db_time = [0.0]

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - t

    with connection.execute_wrapper(timer):
        total = service_intakes(n, world)
    per = total / n * 1000
    db = db_time[0] / n * 1000
    print(
        f"-- where a service intake's {per:.2f} ms go ({n} intakes; the execute wrapper that "
        "times statements takes them through Django's cursor wrapper, a little slower):"
    )
    print(
        f"   {count:.1f} SQL statements (raw: 5 + BEGIN/COMMIT); time inside "
        f"cursor.execute (round trips + server; BEGIN goes with the first statement, COMMIT "
        f"is not counted): {db:.2f} ms ({db / per:.0%}); "
        f"Python and COMMIT: {per - db:.2f} ms ({(per - db) / per:.0%})"
    )
    print(
        "   statements per intake: "
        + ", ".join(f"{k} ×{v:.2f}" if abs(v - 1) > 0.005 else k for k, v in kinds.items())
    )

    prof = cProfile.Profile()
    prof.enable()
    service_intakes(n, world)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    wanted = [
        ("intake.py", "dossier_intake"),
        ("catalog/selectors.py", "procedure_get_current"),
        ("intake.py", "_validate_applicant"),
        ("intake.py", "_checklist_rows"),
        ("codes.py", "dossier_code_next_at_desk"),
        ("intake.py", "_resolve_receiving"),
        ("intake.py", "_resolve_deciding"),
        ("codes.py", "dossier_code_next"),
        ("intake.py", "_clock_fields"),
        ("deadlines.py", "calendar"),
        ("core/fastinsert.py", "insert"),
        ("steps.py", "steps_instantiate"),
        ("transition.py", "dossier_creation"),
        ("events.py", "dossier_event_record"),
        ("django/db/transaction.py", "__exit__"),
    ]
    entries = stats.stats  # type: ignore[attr-defined]
    grand = sum(v[3] for k, v in entries.items() if k[2] == "dossier_intake") or 1.0
    print(f"   cProfile, cumulative per intake (profiler overhead included, {n} intakes):")
    for path, func in wanted:
        cum = sum(v[3] for k, v in entries.items() if k[0].endswith(path) and k[2] == func)
        calls = sum(v[1] for k, v in entries.items() if k[0].endswith(path) and k[2] == func)
        if calls:
            print(
                f"     {func:<26} {cum / n * 1000:7.2f} ms  {cum / grand:5.0%}  "
                f"({calls / n:.0f} call(s) per intake)"
            )


# ---- run ------------------------------------------------------------------------------------


def run() -> dict[str, float]:
    if not is_postgres():
        print(skip_message("dossier intake"))
        return {}
    from django.db import connection

    if connection.vendor != "postgresql":
        print(skip_message("dossier intake"))
        return {}
    world = prepare_world()
    empty_dossier_tables()
    dsn = os.environ["DATABASE_URL"]  # the bench database (see use_bench_database)
    try:
        service_intakes(30, world)  # warm up: caches, prepared statements, connection
        service_intakes(30, world, notifications=True)
        from motcua.dossiers.models import Dossier

        template = Dossier.objects.order_by("id").values_list("id", flat=True).first()
        assert template is not None
        raw = RawSide(dsn, template)
        raw.intakes(30)
        t_service = t_notified = t_raw = 0.0
        # CPU time of this process per round and side (the server's work is not in it): the
        # Python each side adds to the same SQL, steadier than wall time on a shared machine.
        cpu: dict[str, list[float]] = {"service": [], "notified": [], "raw": []}
        for _ in range(ROUNDS):
            c0 = time.process_time()
            t_service += service_intakes(PER_ROUND, world)
            c1 = time.process_time()
            t_notified += service_intakes(PER_ROUND, world, notifications=True)
            c2 = time.process_time()
            t_raw += raw.intakes(PER_ROUND)
            c3 = time.process_time()
            cpu["service"].append((c1 - c0) / PER_ROUND * 1000)
            cpu["notified"].append((c2 - c1) / PER_ROUND * 1000)
            cpu["raw"].append((c3 - c2) / PER_ROUND * 1000)
        one = raw.single_row_tx(1000)
        raw.close()
        count, _kinds = statements_per_intake(world)
        n = ROUNDS * PER_ROUND
        s_rate, r_rate, nt_rate = n / t_service, n / t_raw, n / t_notified
        prepare = connection.settings_dict["OPTIONS"].get("prepare_threshold")
        print(f"== dossier intake on PostgreSQL ({n:,} each side, {ROUNDS} alternating rounds)")
        print(
            f"service dossier_intake(accept)   {s_rate:>8,.0f} /s  ({t_service / n * 1000:.2f} ms)"
            f"  {count:.1f} statements per intake (raw: 7), prepare_threshold={prepare}"
        )
        print(f"raw psycopg, same rows           {r_rate:>8,.0f} /s  ({t_raw / n * 1000:.2f} ms)")
        print(
            f"service + notification rows (e-mail, SMS) {nt_rate:>8,.0f} /s  "
            f"({t_notified / n * 1000:.2f} ms)"
        )
        print(f"  context: single-row INSERT transactions {1000 / one:,.0f} /s on this server")
        low = {side: min(values) for side, values in cpu.items()}
        print(
            f"CPU of this process per intake (lowest round): service {low['service']:.2f} ms, "
            f"with notifications {low['notified']:.2f} ms, raw {low['raw']:.2f} ms; "
            f"Python added to the same SQL: {low['service'] - low['raw']:.2f} ms and "
            f"{low['notified'] - low['raw']:.2f} ms"
        )
        ratio = s_rate / r_rate
        nt_ratio = nt_rate / r_rate
        verdict = "met" if ratio >= TARGET else "MISSED"
        nt_verdict = "met" if nt_ratio >= NOTIFIED_TARGET else "MISSED"
        print(f"ratio service / raw: {ratio:.2f}  (target ≥ {TARGET}: {verdict})")
        print(
            f"ratio service + notifications / raw: {nt_ratio:.2f}  "
            f"(target ≥ {NOTIFIED_TARGET}: {nt_verdict})"
        )
        if ratio < TARGET or os.environ.get("BENCH_PROFILE"):
            profile_service(world)
        return {
            "service_per_s": s_rate,
            "raw_per_s": r_rate,
            "ratio": ratio,
            "service_with_notifications_per_s": nt_rate,
            "notifications_ratio": nt_ratio,
            "statements_per_intake": count,
            "service_cpu_ms": min(cpu["service"]),
            "raw_cpu_ms": min(cpu["raw"]),
        }
    finally:
        empty_dossier_tables()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if use_bench_database() is None:
        print(skip_message("dossier intake"))
        sys.exit(0)
    import django

    django.setup()
    run()
