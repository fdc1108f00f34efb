"""The machinery of the demo's plans: a plan is a dossier's timeline of actions (`Op`), drawn
by the `Planner` so that it fits before now on the working calendar, with the officers who
hold the steps' roles. The scenarios (`scenarios.py`) compose the planner's sequences."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from motcua.calendar.api import WorkingCalendar
from motcua.demo.accounts import BASE_OFFICERS, DEMO_COMMUNES, EXTRA_OFFICERS, commune_officers
from motcua.demo.applicants import Applicant, Applicants
from motcua.demo.texts import ANSWERS, QUESTIONS, SUPPLEMENT_ITEMS, SUPPLEMENT_REASONS
from motcua.demo.tracks import Track

WINDOW_DAYS = 56  # eight weeks
H = 3600  # seconds in an hour

# Who is consulted, by deciding department ("commune" = any demo commune).
CONSULTED = {
    "H11.05": [["H11.07"], ["H11.07", "H11.06.01"]],
    "H11.06.01": [["commune"]],
    "H11.02": [["H11.04"]],
    "H11.10": [["H11.04"], ["H11.07"]],
    "commune": [["H11.07"], ["H11.06.01"]],
}


@dataclass
class Op:
    actor: str | None
    action: str
    at: dt.datetime | None = None
    soon: float | None = None  # at most this many working hours after the previous action
    lead: float | None = None  # at most this many working hours before the next fixed one
    payload: dict[str, Any] = field(default_factory=dict)
    to_user: str | None = None
    result: bool = False  # attach a result PDF
    file: bool = False  # attach a supplement PDF


@dataclass
class Plan:
    scenario: str
    track: Track
    applicant: Applicant
    channel: str
    ops: list[Op]
    expect: str = ""  # intended outcome
    citizen: bool = False  # submitted by the demo citizen account
    dossier_id: int | None = None


class Infeasible(Exception):
    """This procedure and start time cannot give the scenario before now."""


class Planner:
    """Draws plans whose timelines fit before now, on the working calendar."""

    def __init__(
        self,
        *,
        now: dt.datetime,
        cal: WorkingCalendar,
        rng: random.Random,
        tracks: list[Track],
        applicants: Applicants,
    ) -> None:
        self.now = now
        self.cal = cal
        self.tz = cal.tz
        self.rng = rng
        self.tracks = tracks
        self.applicants = applicants
        # No action comes later than now (less five minutes), nor outside office hours: when
        # that is after hours, the last office instant before it is a session's end (where
        # no work is left until it); a minute before, so nothing falls on the closing time.
        until = now - dt.timedelta(minutes=5)
        last = cal.time_left_from(until, 0)
        self.horizon = last if last == until else last - dt.timedelta(minutes=1)
        today = now.astimezone(self.tz).date()
        self.days = [
            today - dt.timedelta(days=i)
            for i in range(WINDOW_DAYS, -1, -1)
            if cal.is_working_day(today - dt.timedelta(days=i))
        ]
        self.officers: dict[tuple[str, str], str] = {
            (o.role.value, o.agency_code): o.username
            for o in BASE_OFFICERS + EXTRA_OFFICERS + commune_officers()
        }

    # ---- time ------------------------------------------------------------------------------

    def _session_bounds(self, d: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The office sessions of day `d`, as instants."""
        return [
            (dt.datetime.combine(d, s, self.tz), dt.datetime.combine(d, e, self.tz))
            for s, e in self.cal.sessions
        ]

    def advance(self, t: dt.datetime, seconds: float) -> dt.datetime:
        """`seconds` of working time after `t` (at least one: an officer's action takes a
        moment), walked through the office sessions of working days (no 15:00 cut-off)."""
        return self.cal.add_working_seconds(t, max(1, int(seconds)))

    def work(self, a: dt.datetime, b: dt.datetime) -> int:
        return self.cal.working_seconds_between(a, b)

    def between(self, a: dt.datetime, b: dt.datetime, fraction: float) -> dt.datetime:
        return self.advance(a, self.work(a, b) * fraction)

    def office_time(self, d: dt.date) -> dt.datetime:
        sessions = self._session_bounds(d)
        s, e = sessions[0] if self.rng.random() < 0.6 or len(sessions) == 1 else sessions[1]
        span = int((e - s).total_seconds()) - 15 * 60
        return s + dt.timedelta(seconds=5 * 60 + self.rng.randrange(max(span, 60)))

    def intake_time(self, recent: int | None) -> dt.datetime:
        days = self.days[-recent:] if recent else self.days
        for _ in range(20):
            t = self.office_time(self.rng.choice(days))
            if t <= self.horizon:
                return t
        raise Infeasible("no office time")

    def online_time(self, recent_days: int) -> dt.datetime:
        """Online submissions come at any hour, weekends too."""
        ago = dt.timedelta(days=self.rng.uniform(0, recent_days))
        t = (self.now - ago).astimezone(self.tz)
        hour = self.rng.choice([6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 19, 20, 21, 22])
        t = t.replace(hour=hour, minute=self.rng.randrange(60), second=0, microsecond=0)
        if t > self.now - dt.timedelta(minutes=10):
            t -= dt.timedelta(days=1)
        return t

    def appointment(self, tr: Track, received: dt.datetime) -> dt.datetime:
        return self.cal.deadline(received, tr.amount if tr.amount is not None else 1, tr.unit)

    def finish(self, start: dt.datetime, due: dt.datetime, outcome: str) -> dt.datetime:
        """When processing ends so that the outcome is `outcome` (early, on_time, late)."""
        rng = self.rng
        if outcome == "early":
            for _ in range(8):
                f = self.between(start, due, rng.uniform(0.25, 0.9))
                if f.astimezone(self.tz).date() < due.astimezone(self.tz).date() and f > start:
                    return f
            raise Infeasible("cannot be early")
        if outcome == "on_time":
            local_due = due.astimezone(self.tz)
            day_open = dt.datetime.combine(local_due.date(), self.cal.opening_time, self.tz)
            lo = max(day_open, self.advance(start, 1800))
            if lo >= due:
                raise Infeasible("no room on the due date")
            f = self.between(lo, due, rng.uniform(0.15, 0.9))
            if f >= due or f.astimezone(self.tz).date() != local_due.date():
                raise Infeasible("not on the due date")
            return f
        return self.advance(due, rng.uniform(1, 28) * H)

    def hand_over(self, after: dt.datetime) -> dt.datetime:
        """When the applicant collects the result (before now)."""
        room = self.work(after, self.horizon)
        if room < 1200:
            raise Infeasible("no time to return")
        wait = self.rng.uniform(0.2, 4) if self.rng.random() < 0.7 else self.rng.uniform(4, 24)
        return self.advance(after, min(room - 300, wait * H))

    def state_now(self, tr: Track, received: dt.datetime, due: dt.datetime) -> str:
        if due < self.now:
            return "overdue"
        total = self.work(self.cal.clock_start(received), due)
        left = self.work(self.now, due)
        return "near_due" if left <= max(8 * H, int(total * 0.2)) else "ok"

    def resolve(self, ops: list[Op], end: dt.datetime) -> list[Op]:
        """Give each action without a time one between its neighbours' (or `end`), in order
        and at office hours; raise Infeasible if they do not fit."""
        times = [op.at for op in ops]
        first = times[0]
        if first is None:
            raise Infeasible("no start")
        i = 1
        while i < len(ops):
            if times[i] is not None:
                i += 1
                continue
            j = i
            while j < len(ops) and times[j] is None:
                j += 1
            a = times[i - 1]
            b = times[j] if j < len(ops) else end
            assert a is not None and b is not None
            if b <= a:
                raise Infeasible("anchors out of order")
            span = self.work(a, b)
            fractions = sorted(self.rng.uniform(0.06, 0.94) for _ in range(j - i))
            prev = a
            for k, frac in enumerate(fractions):
                offset = span * frac
                lead = ops[i + k].lead
                if lead is not None and j < len(ops):
                    offset = max(offset, span - self.rng.uniform(0.1, 1.0) * lead * H)
                t = self.advance(a, offset)
                cap = ops[i + k].soon
                if cap is not None:
                    t = min(t, self.advance(prev, self.rng.uniform(0.05, 1.0) * cap * H))
                t = max(t, self.advance(prev, self.rng.randint(180, 900)))
                times[i + k] = t
                prev = t
            i = j
        done: list[dt.datetime] = [t for t in times if t is not None]
        if any(b <= a for a, b in zip(done, done[1:], strict=False)) or done[-1] > self.horizon:
            raise Infeasible("does not fit")
        for op, t in zip(ops, done, strict=True):
            op.at = t
        return ops

    # ---- officers and common sequences -----------------------------------------------------

    def officer(self, role: str, agency: str) -> str:
        return self.officers[(role, agency)]

    def desk(self, tr: Track) -> str:
        return self.officer("desk_officer", tr.receiving)

    def leader(self, tr: Track) -> str:
        return self.officer("leader", tr.deciding)

    def intake(self, tr: Track, t0: dt.datetime, decision: str = "accept", **kw: Any) -> Op:
        return Op(self.desk(tr), "intake", at=t0, payload={"decision": decision, **kw})

    def to_review(self, tr: Track, *, queue: bool) -> list[Op]:
        first = tr.middle[0]
        worker = self.officer(first.role, first.agency)
        note = {"note": "Hồ sơ đầy đủ, chuyển xử lý."}
        if queue:
            return [Op(self.desk(tr), "forward", soon=3, payload=note), Op(worker, "take", soon=6)]
        return [Op(self.desk(tr), "forward", soon=3, payload=note, to_user=worker)]

    def to_leader(self, tr: Track, start: int = 0, first_actor: str | None = None) -> list[Op]:
        """Forward from the middle step `start` through the others to the approve step."""
        ops = []
        mids = tr.middle
        for k in range(start, len(mids) - 1):
            cur, nxt = mids[k], mids[k + 1]
            actor = (
                first_actor if k == start and first_actor else self.officer(cur.role, cur.agency)
            )
            note = "Trình lãnh đạo ký." if nxt.kind == "approve" else "Chuyển bước tiếp theo."
            ops.append(
                Op(
                    actor,
                    "forward",
                    payload={"note": note},
                    to_user=self.officer(nxt.role, nxt.agency),
                    lead=float(nxt.budget) * 1.5 if nxt.kind == "approve" else None,
                )
            )
        return ops

    def approve(self, tr: Track, at: dt.datetime) -> Op:
        last = tr.middle[-1]
        return Op(
            self.officer(last.role, last.agency),
            "approve",
            at=at,
            result=True,
            payload={"note": "Đồng ý, ký ban hành."},
        )

    def hand(self, tr: Track, app: Applicant, at: dt.datetime, method: str = "") -> Op:
        method = method or ("post" if self.rng.random() < 0.12 else "desk")
        payload: dict[str, Any] = {"method": method}
        if method == "desk":
            payload["receiver_name"] = app.receiver_name
            payload["receiver_id_number"] = app.receiver_id
        return Op(self.desk(tr), "return_result", at=at, payload=payload)

    def supplement(self, tr: Track) -> Op:
        worker = tr.middle[0]
        items = self.rng.sample(SUPPLEMENT_ITEMS[tr.dept], k=self.rng.randint(1, 2))
        return Op(
            self.officer(worker.role, worker.agency),
            "request_supplement",
            payload={"items": items, "reason": self.rng.choice(SUPPLEMENT_REASONS)},
        )

    def receive_supplement(self, tr: Track, at: dt.datetime | None = None) -> Op:
        return Op(
            self.desk(tr),
            "receive_supplement",
            at=at,
            file=True,
            payload={"note": "Người nộp đã bổ sung đủ giấy tờ."},
        )

    def consulted(self, tr: Track) -> list[str]:
        choice = self.rng.choice(CONSULTED[tr.dept])
        codes = []
        for c in choice:
            if c == "commune":
                c = self.rng.choice(DEMO_COMMUNES).code
            if c != tr.deciding:
                codes.append(c)
        if not codes:
            raise Infeasible("nobody to consult")
        return codes

    def consult(self, tr: Track, codes: list[str]) -> Op:
        worker = tr.middle[0]
        return Op(
            self.officer(worker.role, worker.agency),
            "consult",
            payload={
                "agencies": codes,
                "question": self.rng.choice(QUESTIONS),
                "budget_hours": self.rng.choice(["8", "16", "24"]),
            },
        )

    def answer(self, code: str) -> Op:
        return Op(
            self.officer("specialist", code),
            "answer_consultation",
            payload={"answer": self.rng.choice(ANSWERS)},
        )
