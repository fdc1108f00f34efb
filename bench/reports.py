"""The official report's reads (issue 11 "Speed"), on PostgreSQL, at several sizes: the
fact table (+ its rollups) against the naive GROUP BY over the dossier table computing the
same figures, measured side by side in the same run.

Targets: each read < 1 s at 10 M dossiers and ≥ 20 × faster than the naive query.

Measured (each through the real selector, then the naive SQL, alternately):
* the province's year (`resolution_report`, all agencies, group_by=agency);
* an agency's quarter by procedure (`resolution_report(agency_ids=[a department],
  group_by="procedure")`);
* the 12-month trends (`resolution_by_month(until=, months=12)`) against one naive GROUP BY
  over dossiers × months;
* the 766 index (`reports.api.service_index`, the year to today) when it exists;
* the drill-down of an agency's month (overdue at the end of a month before today), which
  replays each candidate dossier's events (no naive counterpart: shown as a figure).

Data (the generator, `generate(n)`): N dossiers over a year of working days up to today, for
the demo province's (Điện Biên) deciding agencies and the demo catalog's procedures (each
procedure at the agencies its current version names, with its regulated time and whether it
charges a fee), all channels (desk 50 %, postal 6 %, online 44 % — of them half submitted on
the portal and accepted the next working day, received at the submission), with their
events: forward, liên thông transfer (8 %), supplement requests (12 %, a second one for 2 %,
each received 1–5 working days later, the appointment moved by the pause), apologies (2 %,
a new appointment 3–10 working days later), withdrawals (2 %), cancellations (0.5 %),
refusals after review (3 % of the results), results early, on time and late, the return of
the result; dossiers whose end falls after today are still in progress (running or waiting).
Every instant lies inside the office sessions of a working day, so the working seconds are
exact integers computed in bulk (numpy). Dossiers, events and the fact rows are written with
binary COPY into staging tables, then INSERT … SELECT into the app's tables (indexes dropped
and rebuilt around the load). The fact rows are computed in bulk with the same rule as
`facts_rebuild` (`generate` checks, at N ≤ 20,000, that the table equals the rebuild's).

Its own databases, one per size (`motcua_bench_reports_<100k|1m|3m|10m>`; the prefix is
$BENCH_REPORTS_DATABASE), reused when one holds the same N, generator version and day.
Sizes: BENCH_REPORTS_SIZES (default "100000,1000000"); runs: BENCH_REPORTS_RUNS (5);
BENCH_REPORTS_DRILLDOWN_BEFORE=1 also times the drill-down as it was before ADR 0028.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

DB_NAME = os.environ.get("BENCH_REPORTS_DATABASE", "motcua_bench_reports")
SIZES = [int(s) for s in os.environ.get("BENCH_REPORTS_SIZES", "100000,1000000").split(",")]
RUNS = int(os.environ.get("BENCH_REPORTS_RUNS", "5"))
GENERATOR = 1  # bump when the generated data changes
TARGET_S = 1.0
TARGET_RATIO = 20.0
TZ = "Asia/Ho_Chi_Minh"
UTC_OFFSET = 7 * 3600  # the province's time (no daylight saving)
DAY = 8 * 3600  # working seconds a day (07:30–11:30, 13:30–17:30)
HALF = DAY // 2

# The action codes of the events plan.
ACTIONS = [
    "submit",
    "accept",
    "forward",
    "transfer",
    "request_supplement",
    "receive_supplement",
    "request_supplement",
    "receive_supplement",
    "apologize",
    "end",  # approve / reject / withdraw / cancel: see END_ACTIONS
    "return_result",
]
STATUSES = [
    "",
    "submitted",
    "received",
    "processing",
    "supplement_requested",
    "result_ready",
    "returned",
    "withdrawn",
    "cancelled",
]
S = {name: i for i, name in enumerate(STATUSES)}
CHANNELS = ["desk", "postal", "online"]
OUTCOMES = ["", "early", "on_time", "late"]
# end kinds: 0 approve (result), 1 reject (refused after review), 2 withdraw, 3 cancel
END_ACTIONS = ["approve", "reject", "withdraw", "cancel"]
END_STATUS = [S["result_ready"], S["result_ready"], S["withdrawn"], S["cancelled"]]


# ---- binary COPY -------------------------------------------------------------------------------


def copy_int8(cur: Any, table: str, columns: list[str], arrays: list[Any]) -> None:
    """COPY int8 columns from numpy arrays (no NULLs: -1 stands for none) in binary format,
    built as one numpy structured array: memory speed."""
    import numpy as np

    n = len(arrays[0])
    fields = [("n", ">i2")]
    for i in range(len(arrays)):
        fields += [(f"l{i}", ">i4"), (f"v{i}", ">i8")]
    rec = np.empty(n, dtype=np.dtype(fields))
    rec["n"] = len(arrays)
    for i, a in enumerate(arrays):
        rec[f"l{i}"] = 8
        rec[f"v{i}"] = a
    header = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
    trailer = (-1).to_bytes(2, "big", signed=True)
    cols = ", ".join(columns)
    with cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(header)
        step = 1_000_000
        for i in range(0, n, step):
            copy.write(rec[i : i + step].tobytes())
        copy.write(trailer)


# ---- the world: calendar, agencies, procedures -----------------------------------------------


class World:
    """The working days, the (procedure, agency) pairs and their properties."""

    def __init__(self, today: dt.date) -> None:
        from django.db import connection

        from motcua.calendar.api import working_calendar_get

        cal = working_calendar_get()
        assert cal.working_day_seconds == DAY, cal.working_day_seconds
        self.today = today
        self.first = today - dt.timedelta(days=365)
        last = today + dt.timedelta(days=300)  # appointments ahead
        days = []
        d = self.first
        while d <= last:
            if cal.is_working_day(d):
                days.append(d)
            d += dt.timedelta(days=1)
        self.days = days
        self.today_wd = sum(1 for d in days if d < today)  # working days before today
        with connection.cursor() as cur:
            cur.execute(
                """
                SELECT p.code, v.id, v.name, v.processing_amount, v.processing_unit,
                       a.id, a.receiving_desk_id, a.kind,
                       EXISTS (SELECT 1 FROM catalog_fee f WHERE f.version_id = v.id)
                FROM catalog_procedureversion v
                JOIN catalog_procedure p ON p.id = v.procedure_id
                JOIN catalog_procedureversion_agencies va ON va.procedureversion_id = v.id
                JOIN accounts_agency a ON a.id = va.agency_id
                WHERE v.is_current AND a.receiving_desk_id IS NOT NULL
                ORDER BY p.code, a.code
                """
            )
            rows = cur.fetchall()
        self.pairs = rows
        # regulated working days
        self.k = []
        for _c, _v, _n, amount, unit, *_rest in rows:
            amount = float(amount or 0)
            if unit == "working_days":
                k = amount
            elif unit == "days":
                k = amount * 5 / 7
            elif unit == "working_hours":
                k = amount / 8
            else:
                k = 1
            self.k.append(max(1, round(k)))
        self.commune = [r[7] == "commune" for r in rows]

    def epoch(self, wd: Any, offset: Any) -> Any:
        """Epoch seconds of the instant `offset` working seconds into working day `wd`."""
        import numpy as np

        base = np.array(
            [
                int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()) - UTC_OFFSET
                for d in self.days
            ],
            dtype=np.int64,
        )
        clock = np.where(offset < HALF, 7 * 3600 + 1800 + offset, 13 * 3600 + 1800 + offset - HALF)
        return base[wd] + clock

    def ordinal(self, wd: Any) -> Any:
        import numpy as np

        ords = np.array([d.toordinal() for d in self.days], dtype=np.int64)
        return ords[wd]


# ---- the plan: every dossier's history as numbers --------------------------------------------


def plan(world: World, n: int, seed: int = 766) -> dict[str, Any]:
    """Every dossier's history, vectorised. Working-day indexes (wd) and offsets (working
    seconds into the day); -1: none."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pairs = len(world.pairs)
    commune = np.array(world.commune)
    dept_pairs = np.flatnonzero(~commune)
    comm_pairs = np.flatnonzero(commune)
    pair = np.where(
        rng.random(n) < 0.45,
        dept_pairs[rng.integers(0, len(dept_pairs), n)],
        comm_pairs[rng.integers(0, len(comm_pairs), n)],
    )
    assert pair.max() < pairs
    k = np.array(world.k, dtype=np.int64)[pair]
    u = rng.random(n)
    channel = np.where(u < 0.50, 0, np.where(u < 0.56, 1, 2))
    portal = (channel == 2) & (rng.random(n) < 0.5)  # submitted online, accepted next day
    last_wd = world.today_wd - 1  # the last working day before today
    r = rng.integers(0, last_wd + 1 - portal.astype(np.int64), n)  # received (submission)
    o_r = rng.integers(0, DAY // 60 - 30, n) * 60
    accept_wd = np.where(portal, r + 1, r)
    due = r + k  # the first appointment: k working days later, same time of day
    o_due = o_r
    cur_wd = accept_wd.copy()  # the last event's working day
    transfer = rng.random(n) < 0.08
    # supplements
    s = rng.random(n)
    sup1 = s < 0.12
    sup2 = s < 0.02
    req1 = np.where(sup1, cur_wd + 1 + rng.integers(0, np.maximum(k, 1)), -1)
    rec1 = np.where(sup1, req1 + rng.integers(1, 6, n), -1)
    due1 = np.where(sup1, due + (rec1 - req1), due)
    req2 = np.where(sup2, rec1 + 1 + rng.integers(0, 3, n), -1)
    rec2 = np.where(sup2, req2 + rng.integers(1, 6, n), -1)
    due2 = np.where(sup2, due1 + (rec2 - req2), due1)
    cur_wd = np.where(sup2, rec2, np.where(sup1, rec1, cur_wd))
    o_req = rng.integers(0, DAY // 60 - 1, n) * 60
    o_rec = rng.integers(0, DAY // 60 - 1, n) * 60
    paused = np.where(sup1, (rec1 - req1) * DAY + (o_rec - o_req), 0) + np.where(
        sup2, (rec2 - req2) * DAY + (o_rec - o_req), 0
    )
    # apology: 2 %, one working day after the last event, a new date 3-10 working days later
    apology = rng.random(n) < 0.02
    ap_wd = np.where(apology, cur_wd + 1, -1)
    due3 = np.where(apology, due2 + rng.integers(3, 11, n), due2)
    cur_wd = np.where(apology, ap_wd, cur_wd)
    # the end
    e = rng.random(n)
    kind = np.where(e < 0.02, 2, np.where(e < 0.025, 3, 0))  # withdraw, cancel, result
    kind = np.where((kind == 0) & (rng.random(n) < 0.03), 1, kind)  # refused after review
    t = rng.random(n)
    span = due3 - cur_wd  # working days left until the appointment
    end_wd = np.where(
        t < 0.55,
        cur_wd + 1 + (rng.random(n) * np.maximum(span - 1, 0)).astype(np.int64),  # early-ish
        np.where(
            t < 0.85,
            np.maximum(due3, cur_wd + 1),
            np.maximum(due3, cur_wd) + rng.integers(1, 11, n),
        ),
    )
    end_wd = np.where(kind >= 2, cur_wd + 1 + rng.integers(0, 3, n), end_wd)
    o_end = rng.integers(0, DAY // 60 - 2, n) * 60
    # on the appointment's day: before the appointment's time (on time) or after (late)
    o_end = np.where((t >= 0.55) & (t < 0.85) & (end_wd == due3), (o_end * o_due) // DAY, o_end)
    ended = end_wd <= last_wd
    ret_wd = end_wd + rng.integers(1, 4, n)
    returned = ended & (kind <= 1) & (ret_wd <= last_wd) & (rng.random(n) < 0.9)
    # the outcome (the lifecycle's: a second request or an apology ⇒ late)
    end_abs = end_wd * DAY + o_end
    due_abs = due3 * DAY + o_due
    outcome = np.where(sup2 | apology | (end_abs > due_abs), 3, np.where(end_wd < due3, 1, 2))
    outcome = np.where(ended & (kind <= 1), outcome, 0)
    # the events that happened before today: those on working days up to last_wd
    happened = {
        "req1": sup1 & (req1 <= last_wd),
        "rec1": sup1 & (rec1 <= last_wd),
        "req2": sup2 & (req2 <= last_wd),
        "rec2": sup2 & (rec2 <= last_wd),
        "apology": apology & (ap_wd <= last_wd),
    }
    # where an open dossier stands now
    waiting = (happened["req1"] & ~happened["rec1"]) | (happened["req2"] & ~happened["rec2"])
    appointment_now = np.where(
        happened["apology"],
        due3,
        np.where(happened["rec2"], due2, np.where(happened["rec1"], due1, due)),
    )
    status = np.where(
        ended,
        np.where(returned, S["returned"], np.array(END_STATUS)[kind]),
        np.where(waiting, S["supplement_requested"], S["processing"]),
    )
    return {
        "n": n,
        "pair": pair,
        "k": k,
        "channel": channel,
        "portal": portal,
        "r": r,
        "o_r": o_r,
        "accept_wd": accept_wd,
        "due": due,
        "o_due": o_due,
        "transfer": transfer,
        "sup1": sup1,
        "sup2": sup2,
        "req1": req1,
        "rec1": rec1,
        "req2": req2,
        "rec2": rec2,
        "due1": due1,
        "due2": due2,
        "due3": due3,
        "o_req": o_req,
        "o_rec": o_rec,
        "paused": paused,
        "apology": apology,
        "ap_wd": ap_wd,
        "kind": kind,
        "end_wd": end_wd,
        "o_end": o_end,
        "ended": ended,
        "ret_wd": ret_wd,
        "returned": returned,
        "outcome": outcome,
        "happened": happened,
        "waiting": waiting,
        "appointment_now": appointment_now,
        "status": status,
    }


# ---- events and fact rows from the plan -------------------------------------------------------

ACTION_NAMES = [
    "submit",
    "accept",
    "forward",
    "transfer",
    "request_supplement",
    "receive_supplement",
    "apologize",
    "approve",
    "reject",
    "withdraw",
    "cancel",
    "return_result",
]
A = {name: i for i, name in enumerate(ACTION_NAMES)}
SERVICE = ("fee_due", "paid", "paid_online", "e_results", "digitised", "rated", "rated_satisfied")


def events(world: World, p: dict[str, Any]) -> dict[str, Any]:
    """The events plan: dossier, seq, at (epoch), action, from, to, data instants."""
    import numpy as np

    n = p["n"]
    ids = np.arange(1, n + 1, dtype=np.int64)
    h = p["happened"]
    none = np.full(n, -1, dtype=np.int64)
    parts = []

    def add(seq, mask, wd, off, action, frm, to, d1=none, d2=none):  # noqa: ANN001
        m = np.asarray(mask)
        parts.append(
            (
                ids[m],
                np.full(m.sum(), seq),
                world.epoch(np.asarray(wd)[m], np.asarray(off)[m]),
                np.broadcast_to(np.asarray(action), n)[m],
                np.broadcast_to(np.asarray(frm), n)[m],
                np.broadcast_to(np.asarray(to), n)[m],
                np.asarray(d1)[m],
                np.asarray(d2)[m],
            )
        )

    every = np.ones(n, dtype=bool)
    add(0, p["portal"], p["r"], p["o_r"], A["submit"], S[""], S["submitted"])
    add(
        1,
        every,
        p["accept_wd"],
        p["o_r"],
        A["accept"],
        np.where(p["portal"], S["submitted"], S[""]),
        S["received"],
    )
    add(2, every, p["accept_wd"], p["o_r"] + 60, A["forward"], S["received"], S["processing"])
    add(
        3,
        p["transfer"],
        p["accept_wd"],
        p["o_r"] + 120,
        A["transfer"],
        S["processing"],
        S["processing"],
    )
    due_epoch = {
        name: world.epoch(np.minimum(p[name], len(world.days) - 1), p["o_due"])
        for name in ("due", "due1", "due2", "due3")
    }
    add(
        4,
        h["req1"],
        p["req1"],
        p["o_req"],
        A["request_supplement"],
        S["processing"],
        S["supplement_requested"],
    )
    add(
        5,
        h["rec1"],
        p["rec1"],
        p["o_rec"],
        A["receive_supplement"],
        S["supplement_requested"],
        S["processing"],
        due_epoch["due1"],
    )
    add(
        6,
        h["req2"],
        p["req2"],
        p["o_req"],
        A["request_supplement"],
        S["processing"],
        S["supplement_requested"],
    )
    add(
        7,
        h["rec2"],
        p["rec2"],
        p["o_rec"],
        A["receive_supplement"],
        S["supplement_requested"],
        S["processing"],
        due_epoch["due2"],
    )
    add(
        8,
        h["apology"],
        p["ap_wd"],
        p["o_rec"],
        A["apologize"],
        S["processing"],
        S["processing"],
        due_epoch["due3"],
        due_epoch["due2"],
    )
    end_action = np.array([A["approve"], A["reject"], A["withdraw"], A["cancel"]])[p["kind"]]
    add(
        9,
        p["ended"],
        p["end_wd"],
        p["o_end"],
        end_action,
        S["processing"],
        np.array(END_STATUS)[p["kind"]],
    )
    add(
        10,
        p["returned"],
        p["ret_wd"],
        p["o_end"],
        A["return_result"],
        S["result_ready"],
        S["returned"],
    )
    cols = [np.concatenate([part[i] for part in parts]) for i in range(8)]
    order = np.lexsort((cols[1], cols[0]))
    out = dict(
        zip(
            ["dossier", "seq", "at", "action", "frm", "to", "d1", "d2"],
            [c[order] for c in cols],
            strict=True,
        )
    )
    out["id"] = np.arange(1, len(order) + 1, dtype=np.int64)
    out["due_epoch"] = due_epoch
    return out


def _bucket(seconds: Any) -> Any:
    """data.duration_bucket, vectorised."""
    import numpy as np

    return np.minimum(1 + (2 * seconds + HALF) // (2 * HALF), 32000)


def facts(world: World, p: dict[str, Any], chunk: int = 1_000_000) -> tuple[Any, Any]:
    """The fact rows, by the rule of `reports.services.flow_deltas` applied to every event
    (what `facts_rebuild` computes), summed in bulk, `chunk` dossiers at a time: (keys [m, 4]:
    day ordinal, pair, channel, duration; values [m, len(FLOW_COLUMNS)])."""
    import numpy as np

    keys, values = [], []
    n = p["n"]
    for lo in range(0, n, chunk):
        part = {k: (v[lo : lo + chunk] if hasattr(v, "shape") else v) for k, v in p.items()}
        part["happened"] = {k: v[lo : lo + chunk] for k, v in p["happened"].items()}
        part["n"] = min(chunk, n - lo)
        k, v = _facts_chunk(world, part, seed=lo)
        keys.append(k)
        values.append(v)
    if len(keys) == 1:
        return keys[0], values[0]
    allk = np.concatenate(keys)
    allv = np.concatenate(values)
    pairs = len(world.pairs)
    code = ((allk[:, 0] * pairs + allk[:, 1]) * 3 + allk[:, 2]) * 66000 + allk[:, 3] + 33000
    uniq, first, inv = np.unique(code, return_index=True, return_inverse=True)
    out = np.zeros((len(uniq), allv.shape[1]), dtype=np.int64)
    np.add.at(out, inv, allv)
    keep = out.any(axis=1)
    return allk[first][keep], out[keep]


def _facts_chunk(world: World, p: dict[str, Any], seed: int = 0) -> tuple[Any, Any]:
    import numpy as np

    from motcua.reports.models import FLOW_COLUMNS

    col = {c: i for i, c in enumerate(FLOW_COLUMNS)}
    ncol = len(FLOW_COLUMNS)
    n = p["n"]
    h = p["happened"]
    day_of = world.ordinal
    last = len(world.days) - 1
    base = world.days[0].toordinal()
    pairs = len(world.pairs)
    chunks_key, chunks_val = [], []
    every = np.ones(n, dtype=bool)

    def put(mask, day, column, value, duration=0):  # noqa: ANN001
        m = np.asarray(mask)
        if not m.any():
            return
        d = np.broadcast_to(np.asarray(day), n)[m] - base
        dur = np.broadcast_to(np.asarray(duration), n)[m]
        key = ((d * pairs + p["pair"][m]) * 3 + p["channel"][m]) * 66000 + (dur + 33000)
        chunks_key.append(key * ncol + col[column])
        chunks_val.append(np.broadcast_to(np.asarray(value), n)[m].astype(np.float64))

    def due_day(name: str) -> Any:
        return day_of(np.minimum(p[name], last))

    recv = day_of(p["r"])
    put(every, recv, "received", 1)
    put(every, recv, "open_delta", 1)
    put(every, np.maximum(recv, due_day("due")), "overdue_delta", 1)
    for req, rec, due_before, due_after in (
        ("req1", "rec1", "due", "due1"),
        ("req2", "rec2", "due1", "due2"),
    ):
        c = day_of(np.minimum(p[req], last))
        put(h[req], np.maximum(c, due_day(due_before)), "overdue_delta", -1)
        put(h[req], c, "paused_delta", 1)
        put(h[req], c, "supplement_requests", 1)
        c = day_of(np.minimum(p[rec], last))
        put(h[rec], c, "paused_delta", -1)
        put(h[rec], np.maximum(c, due_day(due_after)), "overdue_delta", 1)
    c = day_of(np.minimum(p["ap_wd"], last))
    moved = h["apology"] & (due_day("due2") != due_day("due3"))
    put(moved, np.maximum(c, due_day("due2")), "overdue_delta", -1)
    put(moved, np.maximum(c, due_day("due3")), "overdue_delta", 1)
    ended = p["ended"]
    c = day_of(np.minimum(p["end_wd"], last))
    put(ended, c, "open_delta", -1)
    put(ended, np.maximum(c, due_day("due3")), "overdue_delta", -1)
    kind, outcome = p["kind"], p["outcome"]
    for k_, name in ((1, "refused"), (2, "withdrawn"), (3, "cancelled")):
        put(ended & (kind == k_), c, name, 1)
    put(ended & (kind >= 2), c, "resolved_on_time", 1)
    for o_, name in ((1, "resolved_early"), (2, "resolved_on_time"), (3, "resolved_late")):
        put(ended & (kind <= 1) & (outcome == o_), c, name, 1)
    timed = ended & (kind <= 1)
    elapsed = np.maximum((p["end_wd"] - p["r"]) * DAY + (p["o_end"] - p["o_r"]), 0)
    paused = np.minimum(p["paused"], elapsed)
    put(timed, c, "timed", 1)
    put(timed, c, "elapsed_seconds", elapsed)
    put(timed, c, "paused_seconds", paused)
    put(timed, c, "regulated_seconds", p["k"] * DAY)
    put(timed, c, "timed", 1, _bucket(elapsed - paused))
    put(timed, c, "timed", 1, -_bucket(elapsed))
    # The service columns, by the bench's own rule (the hooks of payments, feedback and the
    # result write them in the app; `facts_rebuild` may not rebuild them all).
    rng = np.random.default_rng(11 + seed)
    fee = np.array([row[8] for row in world.pairs])[p["pair"]]
    put(fee, recv, "fee_due", 1)
    paid = fee & (rng.random(n) < 0.95)
    accept = day_of(p["accept_wd"])
    put(paid, accept, "paid", 1)
    put(paid & (p["channel"] == 2), accept, "paid_online", 1)
    put((p["channel"] == 2) | (rng.random(n) < 0.6), recv, "digitised", 1)
    put(timed & (kind == 0) & (rng.random(n) < 0.5), c, "e_results", 1)
    rated = p["returned"] & (rng.random(n) < 0.15)
    ret = day_of(np.minimum(p["ret_wd"], last))
    put(rated, ret, "rated", 1)
    put(rated & (rng.random(n) < 0.85), ret, "rated_satisfied", 1)

    keys = np.concatenate(chunks_key)
    vals = np.concatenate(chunks_val)
    chunks_key, chunks_val = [], []  # free them
    uniq, inv = np.unique(keys, return_inverse=True)
    sums = np.bincount(inv, weights=vals).round().astype(np.int64)
    del keys, vals, inv
    rowkey, column = uniq // ncol, uniq % ncol
    rows, rinv = np.unique(rowkey, return_inverse=True)
    matrix = np.zeros((len(rows), ncol), dtype=np.int64)
    matrix[rinv, column] = sums
    keep = matrix.any(axis=1)
    rows, matrix = rows[keep], matrix[keep]
    dur = rows % 66000 - 33000
    rest = rows // 66000
    ch = rest % 3
    rest //= 3
    pair = rest % pairs
    day = rest // pairs + base
    return np.stack([day, pair, ch, dur], axis=1), matrix


# ---- loading -----------------------------------------------------------------------------------

LOADED = ["dossiers_dossier", "dossiers_dossierevent", "reports_dailyflow"]

DOSSIER_SQL = """
INSERT INTO dossiers_dossier (
    id, created_at, updated_at, code, reference, procedure_code, procedure_name, channel,
    status, applicant_kind, applicant_name, id_number, date_of_birth, tax_code, representative,
    phone, email, address, commune_code, checklist, missing, decision_note, submitted_at,
    review_due_at, received_at, clock_started_at, appointment_at, original_appointment_at,
    extended, supplement_count, paused_at, paused_seconds, finished_at, returned_at, outcome,
    result_approved, return_method, returned_to, applicant_user_id, created_by_id,
    deciding_agency_id, procedure_version_id, receiving_agency_id /*extra_cols*/)
SELECT p.id, to_timestamp(p.received), to_timestamp(greatest(p.received, p.finished)),
    'BR-' || p.id, md5('bench-reports-' || p.id)::uuid, q.code, q.name,
    (ARRAY['desk', 'postal', 'online'])[p.channel + 1],
    (%(statuses)s::text[])[p.status + 1],
    'person', 'Người nộp hồ sơ ' || p.id, lpad(p.id::text, 12, '0'), NULL, '', '',
    '0912' || lpad(mod(p.id, 1000000)::text, 6, '0'), '', 'Tổ dân phố 1, phường Mường Thanh',
    NULL, '[]'::jsonb, '[]'::jsonb, '',
    CASE WHEN p.portal = 1 THEN to_timestamp(p.received) END, NULL,
    to_timestamp(p.received), to_timestamp(p.received), to_timestamp(p.appointment),
    to_timestamp(p.due0), p.apology = 1, p.supplements,
    CASE WHEN p.paused_at >= 0 THEN to_timestamp(p.paused_at) END, p.paused_seconds,
    CASE WHEN p.finished >= 0 THEN to_timestamp(p.finished) END,
    CASE WHEN p.returned >= 0 THEN to_timestamp(p.returned) END,
    (ARRAY['', 'early', 'on_time', 'late'])[p.outcome + 1],
    CASE p.approved WHEN 1 THEN true WHEN 0 THEN false END,
    CASE WHEN p.returned >= 0 THEN 'desk' ELSE '' END, '', NULL, NULL,
    q.agency_id, q.version_id, q.desk_id /*extra_vals*/
FROM bench_plan p JOIN bench_pairs q ON q.idx = p.pair
"""

EVENT_SQL = """
INSERT INTO dossiers_dossierevent (
    id, at, actor_name, action, from_status, to_status, deadline_status, note, data, actor_id,
    dossier_id, from_agency_id, to_agency_id, to_user_id, step_id /*extra_cols*/)
SELECT e.id, to_timestamp(e.at), '', (%(actions)s::text[])[e.action + 1],
    (%(statuses)s::text[])[e.frm + 1], (%(statuses)s::text[])[e.too + 1], '', '',
    CASE e.action
        WHEN %(receive)s THEN jsonb_build_object('appointment_at', bench_iso(e.d1))
        WHEN %(apologize)s THEN jsonb_build_object(
            'new_appointment_at', bench_iso(e.d1), 'previous_appointment_at', bench_iso(e.d2))
        ELSE '{}'::jsonb END,
    NULL, e.dossier, NULL, NULL, NULL, NULL /*extra_vals*/
FROM bench_events e
"""

FACT_SQL = """
INSERT INTO reports_dailyflow (day, agency_id, procedure_code, channel, duration, %(cols)s)
SELECT date '0001-01-01' + (f.day - 1)::int, q.agency_id, q.code,
    (ARRAY['desk', 'postal', 'online'])[f.channel + 1], f.duration, %(fcols)s
FROM bench_facts f JOIN bench_pairs q ON q.idx = f.pair
"""


def _indexes(cur: Any, table: str) -> list[str]:
    """Drop the table's secondary indexes and unique constraints; return how to recreate
    them."""
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    cons = cur.fetchall()
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND i.indexname NOT LIKE '%%_pkey' AND i.indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    idx = cur.fetchall()
    for name, _def in cons:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _def in idx:
        cur.execute(f'DROP INDEX "{name}"')
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d in cons] + [d for _n, d in idx]


def _meta(cur: Any) -> tuple[int, int] | None:
    cur.execute(
        "CREATE TABLE IF NOT EXISTS bench_reports_meta (n bigint, generator int, today date, "
        "generated_at timestamptz, seconds float8)"
    )
    cur.execute("SELECT n, generator FROM bench_reports_meta")
    row = cur.fetchone()
    return (int(row[0]), int(row[1])) if row else None


def generate(n: int, today: dt.date) -> float | None:
    """Fill the bench database with n dossiers (None: reused). Returns the seconds taken."""
    import numpy as np
    from django.db import connection, transaction

    from bench.worklist import _complete
    from motcua.reports.models import FLOW_COLUMNS

    with connection.cursor() as cur:
        if _meta(cur) == (n, GENERATOR):
            cur.execute("SELECT today FROM bench_reports_meta")
            if cur.fetchone()[0] == today:
                return None
    t0 = time.perf_counter()
    world = World(today)
    p = plan(world, n)
    ev = events(world, p)
    keys, matrix = facts(world, p)
    t_numpy = time.perf_counter() - t0
    epoch = world.epoch
    last = len(world.days) - 1
    finished = np.where(p["ended"], epoch(np.minimum(p["end_wd"], last), p["o_end"]), -1)
    returned = np.where(p["returned"], epoch(np.minimum(p["ret_wd"], last), p["o_end"]), -1)
    open_req = np.where(p["happened"]["req2"] & ~p["happened"]["rec2"], p["req2"], p["req1"])
    paused_at = np.where(p["waiting"], epoch(np.maximum(open_req, 0), p["o_req"]), -1)
    done_pause = np.where(
        p["happened"]["rec1"], (p["rec1"] - p["req1"]) * DAY + p["o_rec"] - p["o_req"], 0
    )
    done_pause += np.where(
        p["happened"]["rec2"], (p["rec2"] - p["req2"]) * DAY + p["o_rec"] - p["o_req"], 0
    )
    supplements = p["happened"]["req1"].astype(np.int64) + p["happened"]["req2"]
    approved = np.where(
        p["ended"] & (p["kind"] == 0), 1, np.where(p["ended"] & (p["kind"] == 1), 0, -1)
    )
    appointment = epoch(np.minimum(p["appointment_now"], last), p["o_due"])
    with transaction.atomic(), connection.cursor() as cur:
        raw = connection.connection  # psycopg's
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("TRUNCATE dossiers_dossier, reports_dailyflow RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM bench_reports_meta")
        cur.execute("SET LOCAL session_replication_role = replica")  # no FK checks, no triggers
        recreate = [stmt for table in LOADED for stmt in _indexes(cur, table)]
        cur.execute(
            "CREATE OR REPLACE FUNCTION bench_iso(x bigint) RETURNS text LANGUAGE sql "
            "IMMUTABLE AS $$ SELECT to_char(to_timestamp(x) AT TIME ZONE 'Asia/Ho_Chi_Minh', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS') || '+07:00' $$"
        )
        cur.execute("DROP TABLE IF EXISTS bench_pairs, bench_plan, bench_events, bench_facts")
        cur.execute(
            "CREATE UNLOGGED TABLE bench_pairs (idx int, code text, version_id bigint, "
            "name text, agency_id bigint, desk_id bigint)"
        )
        with raw.cursor() as c:
            c.executemany(
                "INSERT INTO bench_pairs VALUES (%s, %s, %s, %s, %s, %s)",
                [(i, r[0], r[1], r[2], r[5], r[6]) for i, r in enumerate(world.pairs)],
            )
        plan_cols = {
            "id": np.arange(1, n + 1),
            "pair": p["pair"],
            "channel": p["channel"],
            "status": p["status"],
            "portal": p["portal"],
            "received": epoch(p["r"], p["o_r"]),
            "due0": ev["due_epoch"]["due"],
            "appointment": appointment,
            "finished": finished,
            "returned": returned,
            "paused_at": paused_at,
            "paused_seconds": done_pause,
            "supplements": supplements,
            "outcome": p["outcome"],
            "approved": approved,
            "apology": p["happened"]["apology"],
        }
        cur.execute(
            "CREATE UNLOGGED TABLE bench_plan (" + ", ".join(f"{c} bigint" for c in plan_cols) + ")"
        )
        with raw.cursor() as c:
            copy_int8(
                c,
                "bench_plan",
                list(plan_cols),
                [np.asarray(a, dtype=np.int64) for a in plan_cols.values()],
            )
        ev_cols = {
            "id": ev["id"],
            "dossier": ev["dossier"],
            "at": ev["at"],
            "action": ev["action"],
            "frm": ev["frm"],
            "too": ev["to"],
            "d1": ev["d1"],
            "d2": ev["d2"],
        }
        cur.execute(
            "CREATE UNLOGGED TABLE bench_events (" + ", ".join(f"{c} bigint" for c in ev_cols) + ")"
        )
        with raw.cursor() as c:
            copy_int8(
                c,
                "bench_events",
                list(ev_cols),
                [np.asarray(a, dtype=np.int64) for a in ev_cols.values()],
            )
        fact_cols = ["day", "pair", "channel", "duration", *FLOW_COLUMNS]
        cur.execute(
            "CREATE UNLOGGED TABLE bench_facts ("
            + ", ".join(f"{c} bigint" for c in fact_cols)
            + ")"
        )
        with raw.cursor() as c:
            copy_int8(
                c,
                "bench_facts",
                fact_cols,
                [keys[:, i] for i in range(4)] + [matrix[:, i] for i in range(matrix.shape[1])],
            )
        t1 = time.perf_counter()
        params = {
            "statuses": STATUSES,
            "actions": ACTION_NAMES,
            "receive": A["receive_supplement"],
            "apologize": A["apologize"],
        }
        cur.execute(_complete(DOSSIER_SQL, "dossiers_dossier", "p.id"), params)
        cur.execute(_complete(EVENT_SQL, "dossiers_dossierevent", "e.id"), params)
        cols = ", ".join(FLOW_COLUMNS)
        cur.execute(FACT_SQL % {"cols": cols, "fcols": ", ".join(f"f.{c}" for c in FLOW_COLUMNS)})
        t2 = time.perf_counter()
        for stmt in recreate:
            cur.execute(stmt)
        cur.execute("SET session_replication_role = origin")
        for table in ("dossiers_dossier", "dossiers_dossierevent", "reports_dailyflow"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        t3 = time.perf_counter()
        rollups = _rollups_rebuild(cur)
    with connection.cursor() as cur:
        for table in LOADED:
            cur.execute(f"VACUUM ANALYZE {table}")
        t4 = time.perf_counter()
        total = t4 - t0
        cur.execute(
            "INSERT INTO bench_reports_meta VALUES (%s, %s, %s, now(), %s)",
            [n, GENERATOR, today, total],
        )
    print(
        f"   generated {n:,} dossiers, {len(ev['id']):,} events, {len(keys):,} fact rows in "
        f"{total:.0f} s (numpy {t_numpy:.0f} s, COPY {t1 - t0 - t_numpy:.0f} s, "
        f"INSERT … SELECT {t2 - t1:.0f} s, indexes {t3 - t2:.0f} s, rollups "
        f"{rollups:.0f} s, vacuum analyze {t4 - t3 - rollups:.0f} s)"
    )
    return total


def _rollups_rebuild(cur: Any) -> float:
    """The rollups from the daily rows (when the app has them)."""
    t = time.perf_counter()
    try:
        from motcua.reports.rollups import rollups_rebuild
    except ImportError:
        return 0.0
    rollups_rebuild()
    return time.perf_counter() - t


def check_against_rebuild() -> None:
    """The bulk fact rows equal `facts_rebuild`'s (the counts of ADR 0027; the service
    columns are the bench's own rule and only printed)."""
    from django.db import connection, transaction

    from motcua.reports.models import FLOW_COLUMNS
    from motcua.reports.services import facts_rebuild

    flow = [c for c in FLOW_COLUMNS if c not in SERVICE]
    key = "day, agency_id, procedure_code, channel, duration"
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_bulk")
            cur.execute("CREATE TEMP TABLE bench_bulk AS SELECT * FROM reports_dailyflow")
        t = time.perf_counter()
        facts_rebuild()
        t = time.perf_counter() - t
        with connection.cursor() as cur:
            sel = f"SELECT {key}, {', '.join(flow)} FROM %s WHERE ({' OR '.join(f'{c} <> 0' for c in flow)})"
            cur.execute(f"({sel % 'bench_bulk'}) EXCEPT ({sel % 'reports_dailyflow'})")
            only_bulk = cur.fetchall()
            cur.execute(f"({sel % 'reports_dailyflow'}) EXCEPT ({sel % 'bench_bulk'})")
            only_rebuilt = cur.fetchall()
            cur.execute("SELECT count(*) FROM reports_dailyflow")
            rebuilt = cur.fetchone()[0]
            svc = ", ".join(f"sum({c})" for c in SERVICE)
            cur.execute(f"SELECT {svc} FROM bench_bulk")
            bulk_svc = cur.fetchone()
            cur.execute(f"SELECT {svc} FROM reports_dailyflow")
            rebuilt_svc = cur.fetchone()
        transaction.set_rollback(True)
    same = not only_bulk and not only_rebuilt
    print(
        f"   fact rows computed in bulk == facts_rebuild's ({rebuilt:,} rows, rebuilt in "
        f"{t:.1f} s): {same}"
    )
    print(
        f"   service columns (bench rule / rebuild): {dict(zip(SERVICE, zip(bulk_svc, rebuilt_svc, strict=True), strict=True))}"
    )
    if not same:
        for row in only_bulk[:5]:
            print("     only bulk:   ", row)
        for row in only_rebuilt[:5]:
            print("     only rebuilt:", row)
        raise SystemExit("the bench's fact rows differ from the rebuild's")


# ---- databases, one per size -------------------------------------------------------------------


def size_label(n: int) -> str:
    for unit, div in (("m", 1_000_000), ("k", 1_000)):
        if n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def use_size(n: int) -> str:
    """Point Django at this size's database (`motcua_bench_reports_<size>`, created if
    missing), migrated and with the demo province, calendar and catalog."""
    import psycopg
    from django.db import connection

    from bench.dossier_intake import prepare_world

    name = f"{DB_NAME}_{size_label(n)}"
    settings = connection.settings_dict
    connection.close()
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    settings["NAME"] = name
    prepare_world()
    return name


# ---- the naive side: the same figures counted over the dossier table ----------------------------

NAIVE_SQL = """
SELECT {key} AS k,
    count(*) FILTER (WHERE d.received_at >= %(f)s AND d.channel = 'online') AS received_online,
    count(*) FILTER (WHERE d.received_at >= %(f)s AND d.channel <> 'online') AS received_direct,
    count(*) FILTER (WHERE d.received_at < %(f)s AND NOT (d.status IN ('result_ready',
        'returned', 'withdrawn', 'cancelled') AND d.finished_at < %(f)s)) AS carried,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned') AND d.outcome = 'early') AS early,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned', 'withdrawn', 'cancelled')
        AND NOT (d.status IN ('result_ready', 'returned') AND d.outcome IN ('early', 'late')))
        AS on_time,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned') AND d.outcome = 'late') AS late,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status = 'withdrawn') AS withdrawn,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status = 'cancelled') AS cancelled,
    count(*) FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned') AND d.result_approved = false) AS refused,
    count(*) FILTER (WHERE NOT (d.status IN ('result_ready', 'returned', 'withdrawn',
        'cancelled') AND d.finished_at < %(t)s)) AS in_progress,
    count(*) FILTER (WHERE NOT (d.status IN ('result_ready', 'returned', 'withdrawn',
        'cancelled') AND d.finished_at < %(t)s) AND d.status IN ('received', 'processing')
        AND d.appointment_at < %(t)s) AS overdue,
    count(*) FILTER (WHERE NOT (d.status IN ('result_ready', 'returned', 'withdrawn',
        'cancelled') AND d.finished_at < %(t)s) AND d.status = 'supplement_requested')
        AS waiting,
    sum(extract(epoch FROM d.finished_at - d.clock_started_at)) FILTER (WHERE
        d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned')) AS elapsed,
    percentile_disc(0.5) WITHIN GROUP (ORDER BY d.finished_at - d.clock_started_at)
        FILTER (WHERE d.finished_at >= %(f)s AND d.finished_at < %(t)s
        AND d.status IN ('result_ready', 'returned')) AS median
FROM dossiers_dossier d {join}
WHERE d.received_at IS NOT NULL AND d.received_at < %(t)s {where}
GROUP BY 1
"""


def naive(
    *,
    f: dt.date,
    t: dt.date,
    key: str = "d.deciding_agency_id",
    where: str = "",
    params: dict[str, Any] | None = None,
    join: str = "",
) -> list[Any]:
    """The report counted dossier by dossier (the rule of `dossiers_in_report_bucket`,
    exact for periods up to today): one GROUP BY over the dossier table, on the indexes the
    app has. What it cannot compute without the calendar (working seconds, the histogram) it
    replaces by plain intervals, which costs it less, not more."""
    from zoneinfo import ZoneInfo

    from django.db import connection

    tz = ZoneInfo(TZ)
    start = dt.datetime.combine(f, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(t + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    with connection.cursor() as cur:
        cur.execute(
            NAIVE_SQL.format(key=key, where=where, join=join),
            {"f": start, "t": end, **(params or {})},
        )
        return cur.fetchall()


NAIVE_MONTHS_SQL = """
SELECT m.start AS k,
    count(*) FILTER (WHERE d.received_at >= m.f AND d.received_at < m.t) AS received,
    count(*) FILTER (WHERE d.received_at < m.f AND NOT (d.status IN ('result_ready',
        'returned', 'withdrawn', 'cancelled') AND d.finished_at < m.f)) AS carried,
    count(*) FILTER (WHERE d.finished_at >= m.f AND d.finished_at < m.t
        AND d.status IN ('result_ready', 'returned') AND d.outcome = 'early') AS early,
    count(*) FILTER (WHERE d.finished_at >= m.f AND d.finished_at < m.t
        AND d.status IN ('result_ready', 'returned', 'withdrawn', 'cancelled')
        AND NOT (d.status IN ('result_ready', 'returned') AND d.outcome IN ('early', 'late')))
        AS on_time,
    count(*) FILTER (WHERE d.finished_at >= m.f AND d.finished_at < m.t
        AND d.status IN ('result_ready', 'returned') AND d.outcome = 'late') AS late,
    count(*) FILTER (WHERE d.received_at < m.t AND NOT (d.status IN ('result_ready',
        'returned', 'withdrawn', 'cancelled') AND d.finished_at < m.t)) AS in_progress,
    count(*) FILTER (WHERE d.received_at < m.t AND NOT (d.status IN ('result_ready',
        'returned', 'withdrawn', 'cancelled') AND d.finished_at < m.t)
        AND d.status IN ('received', 'processing') AND d.appointment_at < m.t) AS overdue
FROM dossiers_dossier d
JOIN (SELECT g::date AS start, g AS f,
             least(g + interval '1 month', %(until)s) AS t
      FROM generate_series(%(first)s::timestamptz, %(last)s::timestamptz, interval '1 month') g
     ) AS m ON d.received_at < m.t
WHERE d.received_at IS NOT NULL
GROUP BY 1
"""


def naive_months(*, until: dt.date, months: int) -> list[Any]:
    """The trends counted over the dossier table: one GROUP BY month (each dossier joined
    to the months it was received before the end of)."""
    from zoneinfo import ZoneInfo

    from django.db import connection

    from motcua.reports.selectors import _months

    tz = ZoneInfo(TZ)
    spans = _months(until=until, months=months)
    with connection.cursor() as cur:
        cur.execute(
            "SET LOCAL TIME ZONE 'Asia/Ho_Chi_Minh'"
        ) if connection.in_atomic_block else cur.execute("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
        cur.execute(
            NAIVE_MONTHS_SQL,
            {
                "first": dt.datetime.combine(spans[0][0], dt.time.min, tzinfo=tz),
                "last": dt.datetime.combine(spans[-1][0], dt.time.min, tzinfo=tz),
                "until": dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
            },
        )
        rows = cur.fetchall()
        cur.execute("SET TIME ZONE 'UTC'")
        return rows


# ---- measuring ---------------------------------------------------------------------------------


def _time(fn: Any, runs: int, *, warm: bool = True) -> tuple[float, Any]:
    """Median seconds of `runs` calls (after one warm-up), and the last result."""
    result = fn() if warm else None
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), result


def measure(n: int, today: dt.date) -> dict[str, float]:
    from django.db import connection

    from motcua.accounts.api import agency_get_by_code
    from motcua.reports import api as reports_api
    from motcua.reports.api import resolution_by_month, resolution_report
    from motcua.reports.models import DailyFlow, FlowRollup
    from motcua.reports.rollups import daily_only, rollups_rebuild

    if not FlowRollup.objects.exists() and DailyFlow.objects.exists():
        t = time.perf_counter()
        rollups_rebuild()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE reports_flowrollup")
        print(f"   (rollups built from the daily rows in {time.perf_counter() - t:.0f} s)")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM reports_dailyflow")
        daily = cur.fetchone()[0]
        cur.execute("SELECT span, count(*) FROM reports_flowrollup GROUP BY span ORDER BY span")
        spans = dict(cur.fetchall())
        cur.execute("SELECT generated_at, seconds FROM bench_reports_meta")
        meta = cur.fetchone()
    print(
        f"   {daily:,} daily rows, rollups: {spans.get('month', 0):,} month rows, "
        f"{spans.get('year', 0):,} year rows (data generated {meta[0]:%Y-%m-%d %H:%M} in "
        f"{meta[1]:.0f} s)"
    )
    year = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    q = (today.month - 1) // 3  # the last whole quarter
    qy = today.year if q else today.year - 1
    q = q or 4
    quarter = (dt.date(qy, 3 * q - 2, 1), dt.date(qy, 3 * q, 1))
    quarter = (quarter[0], dt.date(qy + (3 * q) // 12, (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
    trade = agency_get_by_code(code="H11.05")
    assert trade is not None
    results: dict[str, float] = {}
    cases = [
        (
            f"province, year {year[0].year}, by agency",
            lambda: resolution_report(date_from=year[0], date_to=year[1]),
            lambda: naive(f=year[0], t=year[1]),
        ),
        (
            f"Sở Công Thương, {quarter[0]:%d/%m}–{quarter[1]:%d/%m/%Y}, by procedure",
            lambda: resolution_report(
                date_from=quarter[0],
                date_to=quarter[1],
                agency_ids=[trade.pk],
                group_by="procedure",
            ),
            lambda: naive(
                f=quarter[0],
                t=quarter[1],
                key="d.procedure_code",
                where="AND d.deciding_agency_id = %(agency)s",
                params={"agency": trade.pk},
            ),
        ),
        (
            "province, 12 months to today (resolution_by_month)",
            lambda: resolution_by_month(until=today, months=12),
            lambda: naive_months(until=today, months=12),
        ),
    ]
    if hasattr(reports_api, "service_index"):
        service_index = reports_api.service_index
        cases.append(
            (
                f"766 index (service_index), province, {today.year} to today",
                lambda: service_index(year=today.year),
                lambda: naive(f=year[0], t=today),
            )
        )
    else:
        print("   (the 766 index is not in reports.api: not measured)")
    # The naive side is slow at the larger sizes: 3 runs up to 1 M, then one (no warm-up).
    naive_runs = max(1, min(RUNS, 3 if n <= 1_000_000 else 1))
    print(f"   {'read':<58} {'rollups':>9} {'daily only':>11} {'naive SQL':>10} {'× naive':>8}")
    for label, fast, slow in cases:
        t_fast, _r = _time(fast, RUNS)
        with daily_only():
            t_daily, _r = _time(fast, max(1, RUNS // 2))
        t_naive, _r = _time(slow, naive_runs, warm=n <= 1_000_000)
        ratio = t_naive / t_fast
        # The targets are set at 10 M dossiers; smaller sizes show the trend.
        missed = t_fast >= TARGET_S or ratio < TARGET_RATIO
        ok = "   ← target missed" if missed and n >= 10_000_000 else ""
        print(
            f"   {label:<58} {t_fast * 1000:7.0f} ms {t_daily * 1000:8.0f} ms "
            f"{t_naive * 1000:8.0f} ms {ratio:7.0f}×{ok}"
        )
        results[label] = t_fast
    return results


def measure_drilldown(today: dt.date) -> float:
    """An agency's month before today: the dossiers overdue at its end (replayed events)."""
    from motcua.accounts.api import agency_get_by_code
    from motcua.reports.api import resolution_dossiers, resolution_report

    first = dt.date(today.year, today.month, 1)
    last = first - dt.timedelta(days=1)
    first = dt.date(last.year, last.month, 1)
    trade = agency_get_by_code(code="H11.05")
    assert trade is not None
    out = {}
    for bucket in ("in_progress_overdue", "in_progress_not_due", "waiting_supplement"):
        t, ids = _time(
            lambda b=bucket: list(
                resolution_dossiers(
                    bucket=b, date_from=first, date_to=last, agency_ids=[trade.pk]
                ).values_list("pk", flat=True)
            ),
            max(1, RUNS // 2),
        )
        figure = getattr(
            resolution_report(date_from=first, date_to=last, agency_ids=[trade.pk]).total, bucket
        )
        print(
            f"   drill-down {bucket:<22} Sở Công Thương {first:%m/%Y}: {len(ids):,} dossiers "
            f"(figure {figure:,}) in {t * 1000:,.0f} ms"
        )
        assert len(ids) == figure, (bucket, len(ids), figure)
        out[bucket] = t
        if os.environ.get("BENCH_REPORTS_DRILLDOWN_BEFORE"):
            t_old, old = _time(lambda b=bucket: _drilldown_before(b, first, last, trade.pk), 1)
            assert sorted(old) == sorted(ids)
            print(
                f"     before ADR 0028 (every event of every candidate, whole rows): {t_old * 1000:,.0f} ms"
            )
    return max(out.values())


def _drilldown_before(bucket: str, first: dt.date, last: dt.date, agency_id: int) -> list[int]:
    """The drill-down as it was before ADR 0028: each candidate loaded whole with all its
    events, replayed through the rule (ends after the period included)."""
    from motcua.calendar.api import working_calendar_get
    from motcua.dossiers.api import dossiers_in_report_bucket
    from motcua.reports.drilldown import _STATE_AT_END, _instant, _states_at_end

    start, end = _instant(first), _instant(last + dt.timedelta(days=1))
    qs = dossiers_in_report_bucket(
        bucket="in_progress_total", start=start, end=end, agency_ids={agency_id}
    )
    cal = working_calendar_get()
    state = _STATE_AT_END[bucket]
    return [d.pk for d in qs.prefetch_related("events") if state in _states_at_end(d, last, cal)]


def run() -> dict[str, float]:
    from bench.dossier_intake import is_postgres, skip_message

    if not is_postgres():
        print(skip_message("reports"))
        return {}
    from django.utils import timezone

    today = timezone.localdate()
    results: dict[str, float] = {}
    for n in SIZES:
        name = use_size(n)
        print(f"== the official report's reads, {n:,} dossiers ({name})")
        took = generate(n, today)
        if took is None:
            print(f"   (reusing the {n:,} generated dossiers)")
        if n <= 20_000:
            check_against_rebuild()
        for label, t in measure(n, today).items():
            results[f"{size_label(n)}: {label}"] = t
        if n <= 3_000_000:
            results[f"{size_label(n)}: drill-down"] = measure_drilldown(today)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("BENCH_DATABASE", DB_NAME)
    from bench.dossier_intake import skip_message, use_bench_database

    if use_bench_database() is None:
        print(skip_message("reports"))
        sys.exit(0)
    import django

    django.setup()
    run()
