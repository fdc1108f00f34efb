"""The officer's worklist (overdue first) and the per-agency overdue list, with 1,000,000
dossiers in progress, on PostgreSQL.

Targets: the worklist p95 < 25 ms (issue 12, ADR 0043), leaders and desks included, in the
busy-machine run; the overdue and near-due lists p95 < 50 ms (DESIGN.md §5); first page of 50.

Data: 1,000,000 dossiers generated directly in PostgreSQL (INSERT … SELECT generate_series,
the models' tables and columns), spread over Điện Biên's 15 deciding departments/units and
45 communes, received over the last 60 days with appointments 5–30 days later (about a third
overdue). Every dossier is in progress — a harsher case for the worklist than reality (a
province filing 10 M dossiers a year has a few hundred thousand in progress at a time):
  6 % received (intake step open at the desk), 6 % waiting for supplements, 8 % result ready
  (return step open at the desk), 80 % processing (review 70 % — a tenth of them waiting for a
  consultation of another agency — or approval 30 %).
Each dossier has its 4 steps (intake, review, approve, return; ~4.1 M step rows). 60 % of the
open steps are assigned to one of three officers holding the step's role in its agency, the
rest wait in the role's queue. Measured through the real selectors: `worklist_rows(user=)`,
what the desk's worklist calls (its role query, one ordered LIMIT query per queue, the final
page's rows read as `.values()` of the shown columns), beside `worklist_page(user=)` (the same
page as full Dossier, Agency and User objects, as the desk read it before ADR 0043), and
`dossiers_overdue(agency_ids=)`, first page of 50. The worklist is measured twice: on the
machine as it is, then while as many processes as there are cores spin at full CPU (the
busy-machine run, BENCH_WORKLIST_BUSY=0 skips it): the target applies to the busy run.

Runs in its own database (`motcua_bench_worklist`, or $BENCH_WORKLIST_DATABASE), created and
migrated if needed. The generated data is kept there and reused by the next run (regenerated
when older than 12 hours or of another size); BENCH_CLEAN=1 empties it at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/worklist.py
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

N = int(os.environ.get("BENCH_WORKLIST_DOSSIERS", "1000000"))
RUNS = int(os.environ.get("BENCH_WORKLIST_RUNS", "200"))
DB_NAME = os.environ.get("BENCH_WORKLIST_DATABASE", "motcua_bench_worklist")
TARGET_MS = 50.0  # the overdue and near-due lists
WORKLIST_TARGET_MS = 25.0
BUSY = os.environ.get("BENCH_WORKLIST_BUSY", "1") != "0"
GENERATOR = 4  # bump when the generated data changes: older data is regenerated

DOSSIER_SQL = """
INSERT INTO dossiers_dossier (
    created_at, updated_at, code, reference, procedure_code, procedure_name, channel, status,
    applicant_kind, applicant_name, id_number, date_of_birth, tax_code, representative, phone,
    email, address, commune_code, checklist, missing, decision_note, submitted_at,
    review_due_at, received_at, clock_started_at, appointment_at, original_appointment_at,
    extended, supplement_count, paused_at, paused_seconds, finished_at, returned_at, outcome,
    result_approved, return_method, returned_to, applicant_user_id, created_by_id,
    deciding_agency_id, procedure_version_id, receiving_agency_id /*extra_cols*/)
SELECT r.at, r.at, 'BENCH-' || g, md5('bench-' || g)::uuid, %(pcode)s, %(pname)s,
    CASE WHEN mod(g, 10) = 0 THEN 'online' ELSE 'desk' END,
    CASE WHEN mod(g, 100) < 6 THEN 'received' WHEN mod(g, 100) < 12 THEN 'supplement_requested'
         WHEN mod(g, 100) < 20 THEN 'result_ready' ELSE 'processing' END,
    'person', 'Người nộp hồ sơ ' || g, '011' || lpad(g::text, 9, '0'), NULL, '', '',
    '0912' || lpad(mod(g, 1000000)::text, 6, '0'), '', 'Tổ dân phố 1, phường Mường Thanh', NULL,
    '[]'::jsonb, '[]'::jsonb, '', NULL, NULL, r.at, r.at,
    r.at + (5 + mod(g, 26)) * interval '1 day', r.at + (5 + mod(g, 26)) * interval '1 day',
    false, CASE WHEN mod(g, 100) BETWEEN 6 AND 11 THEN 1 ELSE 0 END,
    CASE WHEN mod(g, 100) BETWEEN 6 AND 11 THEN r.at + interval '2 days' END, 0, NULL, NULL, '',
    NULL, '', '', NULL, NULL,
    (%(deciding)s::bigint[])[1 + mod(g::bigint * 7919, %(k)s)],
    %(version)s,
    (%(receiving)s::bigint[])[1 + mod(g::bigint * 7919, %(k)s)] /*extra_vals*/
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (
    SELECT now() - mod(g::bigint * 104729, 60 * 86400) * interval '1 second' AS at
) AS r
"""

# The 4 steps of each dossier; the open one depends on the dossier's stage.
STEP_SQL = """
INSERT INTO dossiers_dossierstep (
    dossier_id, position, kind, title, role, agency_id, assignee_id, parent_id, status,
    budget_hours, started_at, due_at, finished_at, outcome, note /*extra_cols*/)
SELECT d.id, p.position, p.kind, p.title, p.role, x.agency_id,
    CASE WHEN x.status IN ('done', 'active', 'waiting') AND (x.status = 'done' OR mod(abs(hashint8(d.id)::bigint), 5) < 3)
         THEN pool.user_id END,
    NULL, x.status, p.budget, x.started, x.due, x.finished,
    CASE WHEN x.status = 'done' THEN 'on_time' ELSE '' END, '' /*extra_vals*/
FROM dossiers_dossier d
CROSS JOIN LATERAL (
    SELECT CASE d.status WHEN 'received' THEN 1 WHEN 'result_ready' THEN 4
                         ELSE CASE WHEN mod(d.id, 10) < 3 AND d.status = 'processing' THEN 3
                                   ELSE 2 END END AS current
) AS s
CROSS JOIN (VALUES
    (1, 'intake', 'Tiếp nhận hồ sơ', 'desk_officer', 4.0),
    (2, 'review', 'Thẩm định hồ sơ', 'specialist', 24.0),
    (3, 'approve', 'Phê duyệt, ký kết quả', 'leader', 8.0),
    (4, 'return', 'Trả kết quả', 'desk_officer', 4.0)
) AS p(position, kind, title, role, budget)
CROSS JOIN LATERAL (
    SELECT
        CASE WHEN p.kind IN ('intake', 'return') THEN d.receiving_agency_id
             ELSE d.deciding_agency_id END AS agency_id,
        CASE WHEN p.position < s.current THEN 'done'
             WHEN p.position > s.current THEN 'pending'
             WHEN mod(d.id, 10) = 9 AND p.position = 2 AND d.status = 'processing' THEN 'waiting'
             ELSE 'active' END AS status,
        CASE WHEN p.position <= s.current
             THEN d.received_at + (p.position - 1) * interval '1 day' END AS started,
        CASE WHEN p.position <= s.current THEN LEAST(
             d.received_at + (p.position - 1) * interval '1 day'
                 + (p.budget::float8 / 8 + mod(d.id, 4)) * interval '1 day',
             d.appointment_at) END AS due,
        CASE WHEN p.position < s.current
             THEN d.received_at + p.position * interval '1 day' END AS finished
) AS x
LEFT JOIN bench_pool pool
    ON pool.agency_id = x.agency_id AND pool.role = p.role AND pool.k = mod(d.id, 3)
WHERE d.code LIKE 'BENCH-%'
"""

# A consultation (child step, another agency) under each review step that waits for one.
CONSULT_SQL = """
INSERT INTO dossiers_dossierstep (
    dossier_id, position, kind, title, role, agency_id, assignee_id, parent_id, status,
    budget_hours, started_at, due_at, finished_at, outcome, note /*extra_cols*/)
SELECT s.dossier_id, s.position, 'consult', 'Xin ý kiến', 'specialist',
    (%(deciding)s::bigint[])[1 + mod(s.dossier_id * 31, %(k)s)],
    NULL, s.id, 'active', 16, s.started_at + interval '1 day',
    s.started_at + interval '3 days', NULL, '', 'Đề nghị cho ý kiến.' /*extra_vals*/
FROM dossiers_dossierstep s
WHERE s.status = 'waiting'
"""


# Columns added to the models after this benchmark was written: NOT NULL columns without a
# database default that the SQL above does not list get a value by name, else by type.
KNOWN_EXTRA = {"lookup_pin": "substr(md5('pin-' || {row}), 1, 8)"}
TYPE_DEFAULTS = {
    "character varying": "''",
    "text": "''",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "numeric": "0",
    "boolean": "false",
    "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "uuid": "md5({row}::text || random()::text)::uuid",
}


def _complete(sql: str, table: str, row: str) -> str:
    """`sql` with the table's unlisted NOT NULL columns added (row: the row's number)."""
    import re

    from django.db import connection

    listed = set(re.findall(r"\w+", sql.split("(", 1)[1].split(")", 1)[0]))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
            "AND is_identity = 'NO' ORDER BY ordinal_position",
            [table],
        )
        missing = [(n, t) for n, t in cur.fetchall() if n not in listed]
    cols = "".join(f", {n}" for n, _t in missing)
    vals = "".join(
        ", " + (KNOWN_EXTRA.get(n) or TYPE_DEFAULTS.get(t, "NULL")).replace("{row}", row)
        for n, t in missing
    )
    return sql.replace("/*extra_cols*/", cols).replace("/*extra_vals*/", vals)


ANALYZED = [
    "dossiers_dossier",
    "dossiers_dossierstep",
    "accounts_user",
    "accounts_roleassignment",
    "accounts_agency",
]

# Not in the models: the partial indexes this benchmark proposes (BENCH_WORKLIST_TRY_INDEXES=1
# creates them in the bench database for one measurement, then drops them).
PROPOSED_INDEXES = {
    "bench_step_mine_open": "(assignee_id, due_at, id) WHERE status = 'active'",
    "bench_step_queue_open": (
        "(agency_id, role, due_at, id) WHERE status = 'active' AND assignee_id IS NULL"
    ),
    "bench_step_consult_open": (
        "(agency_id, due_at, id) WHERE status = 'active' AND assignee_id IS NULL "
        "AND kind = 'consult'"
    ),
}


def union_page(user: Any, n: int = 50) -> list[Any]:
    """The worklist's first page computed another way (not the selector's query): one ordered
    LIMIT n query per queue — assigned to me, each (role, agency) queue, each leader's
    consultation queue — merged, then the page's rows loaded as the selector loads them."""
    from django.db import connection

    from motcua.accounts.api import user_roles
    from motcua.dossiers.models import DossierStep

    base = (
        "SELECT s.id, s.due_at FROM dossiers_dossierstep s "
        "JOIN dossiers_dossier d ON d.id = s.dossier_id "
        "WHERE s.status = 'active' AND d.status <> 'supplement_requested' AND "
    )
    tail = " ORDER BY s.due_at, s.id LIMIT %s"
    parts, params = [f"({base}s.assignee_id = %s{tail})"], [user.pk, n]
    for role, agency in user_roles(user=user):
        if agency is None:
            continue
        parts.append(f"({base}s.assignee_id IS NULL AND s.agency_id = %s AND s.role = %s{tail})")
        params += [agency, role, n]
        if role == "leader":
            parts.append(
                f"({base}s.assignee_id IS NULL AND s.agency_id = %s AND s.kind = 'consult'{tail})"
            )
            params += [agency, n]
    sql = f"SELECT id FROM ({' UNION '.join(parts)}) AS w ORDER BY due_at, id LIMIT %s"
    with connection.cursor() as cur:
        cur.execute(sql, [*params, n])
        ids = [row[0] for row in cur.fetchall()]
    return list(
        DossierStep.objects.filter(pk__in=ids)
        .select_related("dossier", "agency", "assignee")
        .order_by("due_at", "id")
    )


def _agencies() -> tuple[list[int], list[int], dict[str, int]]:
    """Deciding agencies (departments, units, communes) and their receiving desks."""
    from motcua.accounts.data import AgencyKind
    from motcua.accounts.models import Agency

    deciding, receiving = [], []
    by_code = {}
    for a in Agency.objects.filter(
        kind__in=[AgencyKind.DEPARTMENT, AgencyKind.UNIT, AgencyKind.COMMUNE],
        code__startswith="H11.",
        valid_to__isnull=True,
    ).order_by("code"):
        if a.code == "H11.01" or a.receiving_desk_id is None:
            continue
        deciding.append(a.pk)
        receiving.append(a.receiving_desk_id)
        by_code[a.code] = a.pk
    return deciding, receiving, by_code


def _officers() -> None:
    """Three officers per (agency, role) of every step, and the pool table the SQL uses."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from motcua.accounts.models import Agency, RoleAssignment, User

    deciding, receiving, _ = _agencies()
    pairs = {(a, "specialist") for a in deciding} | {(a, "leader") for a in deciding}
    pairs |= {(a, "desk_officer") for a in receiving}
    codes = dict(Agency.objects.values_list("id", "code"))
    password = make_password(None)
    with transaction.atomic():
        wanted = {
            f"bench.{role}.{codes[a]}.{k}": (a, role, k) for a, role in pairs for k in range(3)
        }
        have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create(
            [User(username=u, password=password, full_name=u) for u in wanted if u not in have]
        )
        users = dict(User.objects.filter(username__in=wanted).values_list("username", "id"))
        RoleAssignment.objects.filter(user_id__in=users.values()).delete()
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=users[u], role=role, agency_id=a)
                for u, (a, role, _k) in wanted.items()
            ]
        )
        with connection.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS bench_pool "
                "(agency_id bigint, role varchar(20), k int, user_id bigint)"
            )
            cur.execute("TRUNCATE bench_pool")
            cur.executemany(
                "INSERT INTO bench_pool VALUES (%s, %s, %s, %s)",
                [(a, role, k, users[u]) for u, (a, role, k) in wanted.items()],
            )


def _fresh() -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_worklist_meta "
            "(n int, generator int, generated_at timestamptz)"
        )
        cur.execute(
            "SELECT 1 FROM bench_worklist_meta WHERE n = %s AND generator = %s "
            "AND generated_at > now() - interval '12 hours'",
            [N, GENERATOR],
        )
        return cur.fetchone() is not None


def empty(*, drop: bool = False) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE dossiers_notice, dossiers_dossierevent, dossiers_dossierdocument, "
            "dossiers_dossierstep, dossiers_dossier RESTART IDENTITY CASCADE"
        )
        if drop:
            cur.execute("DROP TABLE IF EXISTS bench_worklist_meta, bench_pool")
        else:
            cur.execute("DELETE FROM bench_worklist_meta")


def generate() -> None:
    from django.db import connection, transaction

    from motcua.catalog.api import procedure_get_current

    if _fresh():
        print(f"   (reusing the {N:,} generated dossiers in {DB_NAME})")
        return
    empty()
    _officers()
    deciding, receiving, _ = _agencies()
    version = procedure_get_current(code="2.000004")
    assert version is not None
    params = {
        "pcode": version.procedure.code,
        "pname": version.name,
        "deciding": deciding,
        "receiving": receiving,
        "k": len(deciding),
        "version": version.pk,
        "n": N,
    }
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(_complete(DOSSIER_SQL, "dossiers_dossier", "g"), params)
        t1 = time.perf_counter()
        cur.execute(_complete(STEP_SQL, "dossiers_dossierstep", "d.id"))
        steps = cur.rowcount
        cur.execute(_complete(CONSULT_SQL, "dossiers_dossierstep", "s.id"), params)
        steps += cur.rowcount
        t2 = time.perf_counter()
    # The stored near-due instants, as the services set them, computed by the job that
    # recomputes them after a calendar change (ADR 0017): its time is a figure of its own.
    from motcua.dossiers.services.sweep import near_due_recompute

    t_nd = time.perf_counter()
    n_nd = near_due_recompute()
    t_nd = time.perf_counter() - t_nd
    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_worklist_meta VALUES (%s, %s, now())", [N, GENERATOR])
    with connection.cursor() as cur:  # as autovacuum would have: hint bits, visibility, stats
        for table in ANALYZED:
            cur.execute(f"VACUUM ANALYZE {table}")
    t3 = time.perf_counter()
    print(
        f"   generated {N:,} dossiers ({t1 - t0:.0f} s), {steps:,} steps ({t2 - t1:.0f} s), "
        f"vacuum analyze ({t3 - t2 - t_nd:.0f} s)"
    )
    print(
        f"   near-due instants recomputed for {n_nd[0]:,} dossiers and {n_nd[1]:,} active steps "
        f"in {t_nd:.0f} s (what a calendar change costs; no target)"
    )


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def _measure(label: str, fn: Any, target: float = TARGET_MS) -> tuple[float, float]:
    fn()  # warm up
    samples = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    p50, p95, worst = _percentiles(samples)
    flag = "" if p95 < target else "   ← above target"
    print(f"   {label:<58} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {worst:6.1f}{flag}")
    return p50, p95


@contextlib.contextmanager
def _busy_machine() -> Iterator[int]:
    """As many processes as there are cores spinning at full CPU (normal priority) while the
    block runs: the worklist measured as an officer meets it on a loaded server."""
    count = os.cpu_count() or 2
    spin = "import time\nend = time.time() + 3600\nwhile time.time() < end: pass\n"
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(count)]
    try:
        time.sleep(0.5)
        yield count
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def _try_indexes(create: bool) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for name, definition in PROPOSED_INDEXES.items():
            if create:
                cur.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON dossiers_dossierstep {definition}"
                )
            else:
                cur.execute(f"DROP INDEX IF EXISTS {name}")
        cur.execute("ANALYZE dossiers_dossierstep")


def run() -> dict[str, float]:
    from bench.dossier_intake import is_postgres, prepare_world, skip_message

    if not is_postgres():
        print(skip_message("worklist"))
        return {}
    from django.db import connection

    if connection.vendor != "postgresql":
        print(skip_message("worklist"))
        return {}
    print(f"== officer worklist and overdue lists, {N:,} dossiers in progress ({DB_NAME})")
    prepare_world()
    generate()
    try:
        return _measure_all()
    finally:
        _try_indexes(create=False)
        if os.environ.get("BENCH_CLEAN"):
            empty(drop=True)
            print(f"   (emptied {DB_NAME})")


def _measure_all() -> dict[str, float]:
    from motcua.accounts.api import role_grant
    from motcua.accounts.data import Role
    from motcua.accounts.models import Agency, User
    from motcua.desk.views.common import CappedPaginator
    from motcua.dossiers.api import (
        dossiers_near_due,
        dossiers_overdue,
        worklist_page,
        worklist_rows,
    )

    _, _, by_code = _agencies()
    users = {
        "desk officer, provincial centre H11.01.01": "bench.desk_officer.H11.01.01.0",
        "specialist, Sở Công Thương H11.05": "bench.specialist.H11.05.0",
        "leader, Sở Công Thương H11.05 (+ consultations)": "bench.leader.H11.05.0",
        "specialist, Văn phòng ĐKĐĐ H11.06.01": "bench.specialist.H11.06.01.0",
        "desk officer, commune centre H11.03334.01": "bench.desk_officer.H11.03334.01.0",
    }
    multi, _created = User.objects.get_or_create(username="bench.specialist.3communes")
    for code in ("H11.03334", "H11.03325", "H11.03253"):
        role_grant(user=multi, role=Role.SPECIALIST, agency=Agency.objects.get(code=code))
    loaded = {u.username: u for u in User.objects.filter(username__in=users.values())}
    cases = [(label, loaded[name]) for label, name in users.items()]
    cases.append(("specialist in 3 communes (queues only)", multi))

    def worklists(title: str, page: Any) -> float:
        print(f"-- {title} ({RUNS} runs each)")
        worst = 0.0
        for label, user in cases:
            _p50, p95 = _measure(label, lambda u=user: page(u), WORKLIST_TARGET_MS)
            worst = max(worst, p95)
        return worst

    def selector(u: Any) -> list[Any]:
        return worklist_page(user=u, limit=50)

    def rows(u: Any) -> list[Any]:
        return worklist_rows(user=u, limit=50)

    worst_full = worklists(
        "worklist_page(user=, limit=50): full objects (before ADR 0043)", selector
    )
    worst_worklist = worklists("worklist_rows(user=, limit=50): shown columns (the desk)", rows)
    worst_busy = worst_full_busy = 0.0
    if BUSY:
        with _busy_machine() as spinning:
            worst_full_busy = worklists(
                f"busy machine ({spinning} spinning processes): worklist_page, full objects",
                selector,
            )
            worst_busy = worklists(
                f"busy machine ({spinning} spinning processes): worklist_rows, the desk", rows
            )
    print(f"-- dossiers_overdue(agency_ids=)[:50] ({RUNS} runs each)")
    worst_overdue = 0.0
    overdue_cases = [
        ("Sở Công Thương H11.05", {by_code["H11.05"]}),
        ("Văn phòng ĐKĐĐ H11.06.01", {by_code["H11.06.01"]}),
        ("xã Mường Phăng H11.03325", {by_code["H11.03325"]}),
        ("whole province (supervisor: 60 agencies)", set(by_code.values())),
    ]
    for label, ids in overdue_cases:
        _p50, p95 = _measure(label, lambda ids=ids: list(dossiers_overdue(agency_ids=ids)[:50]))
        worst_overdue = max(worst_overdue, p95)
    print(f"-- dossiers_near_due(agency_ids=)[:50] ({RUNS} runs each)")
    for label, ids in overdue_cases:
        _p50, p95 = _measure(label, lambda ids=ids: list(dossiers_near_due(agency_ids=ids)[:50]))
        worst_overdue = max(worst_overdue, p95)
    print(
        f"-- the deadlines page's queries: both lists' first page and their totals (counted up "
        f"to {CappedPaginator.CAP:,}), no target "
        f"({RUNS} runs each)"
    )
    for label, ids in overdue_cases:

        def deadlines_page(ids: set[int] = ids) -> Any:
            pages = [
                CappedPaginator(qs.select_related("deciding_agency"), 50).get_page(1)
                for qs in (dossiers_overdue(agency_ids=ids), dossiers_near_due(agency_ids=ids))
            ]
            return [(p.paginator.count, list(p.object_list)) for p in pages]

        _measure(label, deadlines_page)
    heaviest = loaded["bench.desk_officer.H11.01.01.0"]
    from motcua.dossiers.selectors import _worklist_queues

    print(
        "-- EXPLAIN (ANALYZE, BUFFERS) of worklist_page's queue queries, provincial centre desk "
        "(mine, then the desk officers' queue):"
    )
    for queue in _worklist_queues(heaviest):
        query = queue.order_by("due_at", "id").values_list("due_at", "id")[:50]
        plan = query.explain(analyze=True, buffers=True)
        print("   " + plan.replace("\n", "\n   "))
    worst_target = max(worst_worklist, worst_busy)
    verdict = "met" if worst_target < WORKLIST_TARGET_MS else "MISSED"
    verdict_overdue = "met" if worst_overdue < TARGET_MS else "MISSED"
    print(
        f"worst p95: worklist_rows {worst_worklist:.1f} ms, busy machine {worst_busy:.1f} ms "
        f"(target < {WORKLIST_TARGET_MS:.0f} ms: {verdict}); full objects {worst_full:.1f} ms, "
        f"busy {worst_full_busy:.1f} ms; overdue lists {worst_overdue:.1f} ms "
        f"(target < {TARGET_MS:.0f} ms: {verdict_overdue})"
    )
    results = {
        "worklist_p95_ms": worst_worklist,
        "worklist_busy_p95_ms": worst_busy,
        "worklist_full_objects_p95_ms": worst_full,
        "worklist_full_objects_busy_p95_ms": worst_full_busy,
        "overdue_p95_ms": worst_overdue,
    }
    if worst_target >= WORKLIST_TARGET_MS or os.environ.get("BENCH_WORKLIST_WHATIF"):
        same = all([s.pk for s in selector(u)] == [s.pk for s in union_page(u)] for _l, u in cases)
        print(f"   what-if, same first pages as the selector: {same}")
        results["union_p95_ms"] = worklists(
            "what-if: one ordered LIMIT 50 query per queue, merged (UNION), existing indexes",
            union_page,
        )
    if os.environ.get("BENCH_WORKLIST_TRY_INDEXES"):
        print("   creating the proposed partial indexes in the bench database…")
        _try_indexes(create=True)
        results["selector_with_indexes_p95_ms"] = worklists(
            "what-if: worklist_page with the proposed partial indexes", selector
        )
        results["union_with_indexes_p95_ms"] = worklists(
            "what-if: per-queue UNION with the proposed partial indexes", union_page
        )
        _try_indexes(create=False)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("BENCH_DATABASE", DB_NAME)
    from bench.dossier_intake import skip_message, use_bench_database

    if use_bench_database() is None:
        print(skip_message("worklist"))
        sys.exit(0)
    import django

    django.setup()
    run()
