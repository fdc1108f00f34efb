"""The demo's scenarios: how a dossier of each kind goes (returned early, overdue, paused,
consulted, transferred, refused, submitted online…), and how many of each the demo has
(`SCENARIOS`). Each scenario takes the track, the applicant and a start (intake at the desk,
or the online submission) and returns the plan's actions, or raises Infeasible."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from motcua.demo.applicants import CONGDAN, Applicant
from motcua.demo.planner import WINDOW_DAYS, H, Infeasible, Op, Plan, Planner
from motcua.demo.texts import (
    APOLOGY_REASONS,
    CANCEL_REASONS,
    COMPLETION_MISSING,
    REFUSE_REASONS,
    REJECT_REASONS,
    SEND_BACK_REASONS,
    WITHDRAW_REASONS,
)
from motcua.demo.tracks import COMMUNE_WEIGHT, DEPARTMENT_WEIGHTS, Track

#: A scenario: (track, applicant, start, variant) -> the plan's actions.
Build = Callable[[Planner, Track, Applicant, dt.datetime, str], list[Op]]

# At the desk: t0 is the intake (office hours).


def returned(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 1800), due, o)
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=p.rng.random() < 0.3)]
    ops += [*p.to_leader(tr), p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def result_ready(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 1800), due, o)
    if p.work(f, p.horizon) > 40 * H:
        raise Infeasible("results wait a few days at most")
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *p.to_leader(tr)]
    return p.resolve([*ops, p.approve(tr, f)], p.horizon)


def _open(p: Planner, tr: Track, t0: dt.datetime, state: str) -> None:
    if state and p.state_now(tr, t0, p.appointment(tr, t0)) != state:
        raise Infeasible("not in the wanted deadline state")


def review(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, state: str) -> list[Op]:
    _open(p, tr, t0, state)
    queue = p.rng.random() < 0.35
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=queue)]
    if queue and p.rng.random() < 0.5:
        ops = ops[:-1]  # still in the specialists' queue, nobody took it
    return p.resolve(ops, p.horizon)


def approve(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, state: str) -> list[Op]:
    _open(p, tr, t0, state)
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *p.to_leader(tr)]
    return p.resolve(ops, p.horizon)


def received(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    return p.resolve([p.intake(tr, t0)], p.horizon)


def paused(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), p.supplement(tr)]
    return p.resolve(ops, p.horizon)


def supplemented(
    p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str, times: int = 1
) -> list[Op]:
    if not tr.restart:
        raise Infeasible("planned for versions that restart the clock")
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False)]
    due = p.appointment(tr, t0)
    start = t0
    for _ in range(times):
        ts = p.between(p.advance(start, 1800), min(due, p.horizon), p.rng.uniform(0.15, 0.6))
        tr_ = p.advance(ts, p.rng.uniform(4, 40) * H)
        req = p.supplement(tr)
        req.at = ts
        ops += [req, p.receive_supplement(tr, tr_)]
        due = p.appointment(tr, tr_)
        start = tr_
    f = p.finish(p.advance(start, 1800), due, o)
    ops += [*p.to_leader(tr), p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def two_supplements(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    return supplemented(p, tr, app, t0, o, times=2)


def consult_open(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    codes = p.consulted(tr)
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), p.consult(tr, codes)]
    if len(codes) > 1:
        ops.append(p.answer(codes[0]))  # one answered, one still open
    return p.resolve(ops, p.horizon)


def consult_done(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 3 * H), due, o)
    codes = p.consulted(tr)
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), p.consult(tr, codes)]
    ops += [p.answer(c) for c in codes]
    ops += [*p.to_leader(tr), p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def _transfer(p: Planner, tr: Track) -> list[Op]:
    worker = tr.middle[0]
    return [
        Op(
            p.officer(worker.role, worker.agency),
            "transfer",
            payload={
                "agency": "H11.04",
                "budget_hours": p.rng.choice(["16", "24"]),
                "note": "Chuyển Sở Tài chính xác định giá đất cụ thể, nghĩa vụ tài chính.",
            },
        ),
        Op(p.officer("specialist", "H11.04"), "take", soon=8),
    ]


def transfer_open(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *_transfer(p, tr)]
    if p.rng.random() < 0.4:
        ops = ops[:-1]  # not yet taken at the finance department
    return p.resolve(ops, p.horizon)


def transfer_done(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 3 * H), due, o)
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *_transfer(p, tr)]
    ops += p.to_leader(tr, first_actor=p.officer("specialist", "H11.04"))
    ops += [p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def _apology(p: Planner, tr: Track, t0: dt.datetime) -> tuple[Op, dt.datetime, dt.datetime]:
    due = p.appointment(tr, t0)
    room = p.work(t0, due) - 10 * H  # sent at least one working day before the due time
    if room < 2 * H:
        raise Infeasible("too short for an apology")
    ta = p.advance(t0, p.rng.uniform(0.4, 0.9) * room)
    new_day = p.advance(due, p.rng.choice([2, 3, 5]) * 8 * H).astimezone(p.tz)
    new_due = dt.datetime.combine(new_day.date(), p.cal.closing_time, p.tz)
    op = Op(
        p.leader(tr),
        "apologize",
        at=ta,
        payload={"new_appointment": new_due, "reason": p.rng.choice(APOLOGY_REASONS)},
    )
    return op, due, new_due


def apology_open(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    op, _due, _new = _apology(p, tr, t0)
    return p.resolve([p.intake(tr, t0), *p.to_review(tr, queue=False), op], p.horizon)


def apology_done(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    op, due, new_due = _apology(p, tr, t0)
    f = p.between(due, new_due, p.rng.uniform(0.1, 0.9))
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), op, *p.to_leader(tr)]
    ops += [p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def sent_back(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 3 * H), due, o)
    back = Op(
        p.leader(tr),
        "send_back",
        payload={
            "to_position": tr.middle[0].position,
            "reason": p.rng.choice(SEND_BACK_REASONS),
        },
    )
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *p.to_leader(tr), back]
    ops += [*p.to_leader(tr), p.approve(tr, f), p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def rejected(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    f = p.finish(p.advance(t0, 1800), due, o)
    last = tr.middle[-1]
    reject = Op(
        p.officer(last.role, last.agency),
        "reject",
        at=f,
        payload={"reason": p.rng.choice(REJECT_REASONS)},
    )
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False), *p.to_leader(tr)]
    ops += [reject, p.hand(tr, app, p.hand_over(f))]
    return p.resolve(ops, p.horizon)


def withdrawn(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False)]
    if p.rng.random() < 0.4:
        ops.append(p.supplement(tr))
    ops.append(Op(p.desk(tr), "withdraw", payload={"reason": p.rng.choice(WITHDRAW_REASONS)}))
    return p.resolve(ops, p.horizon)


def cancelled(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ops = [p.intake(tr, t0), *p.to_review(tr, queue=False)]
    if p.rng.random() < 0.5:
        ops += p.to_leader(tr)
    ops.append(Op(p.leader(tr), "cancel", payload={"reason": p.rng.choice(CANCEL_REASONS)}))
    return p.resolve(ops, p.horizon)


def refused(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    op = p.intake(tr, t0, "refuse", note=p.rng.choice(REFUSE_REASONS))
    return p.resolve([op], p.horizon)


def completion(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    missing = [] if any(m for _p, m in tr.documents) else [p.rng.choice(COMPLETION_MISSING)]
    op = p.intake(
        tr,
        t0,
        "request_completion",
        missing=missing,
        note="Hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02).",
    )
    return p.resolve([op], p.horizon)


# Online: t0 is the submission time (any hour); the desk decides at office hours.


def _submit(p: Planner, t0: dt.datetime) -> Op:
    return Op(None, "submit", at=t0)


def online_waiting(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    if t0 > p.now - dt.timedelta(minutes=10):
        raise Infeasible("in the future")
    return [_submit(p, t0)]


def online_completion(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ask = Op(
        p.desk(tr),
        "request_completion",
        soon=8,
        payload={
            "missing": [p.rng.choice(COMPLETION_MISSING)],
            "note": "Đề nghị bổ sung trước khi tiếp nhận.",
        },
    )
    return p.resolve([_submit(p, t0), ask], p.horizon)


def online_refused(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    refuse = Op(p.desk(tr), "refuse", soon=8, payload={"reason": p.rng.choice(REFUSE_REASONS)})
    return p.resolve([_submit(p, t0), refuse], p.horizon)


def online_withdrawn(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    withdraw = Op(
        p.desk(tr),
        "withdraw",
        soon=8,
        payload={"reason": "Người nộp đề nghị rút hồ sơ trực tuyến đã nộp nhầm."},
    )
    return p.resolve([_submit(p, t0), withdraw], p.horizon)


def online_review(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, _: str) -> list[Op]:
    ops = [_submit(p, t0), Op(p.desk(tr), "accept", soon=6)]
    ops += p.to_review(tr, queue=p.rng.random() < 0.5)
    return p.resolve(ops, p.horizon)


def online_returned(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    due = p.appointment(tr, t0)
    start = p.advance(t0, 1800)
    f = p.finish(start, due, o)
    ops = [_submit(p, t0), Op(p.desk(tr), "accept", soon=6)]
    ops += [*p.to_review(tr, queue=False), *p.to_leader(tr), p.approve(tr, f)]
    ops.append(p.hand(tr, app, p.hand_over(f), method="online"))
    return p.resolve(ops, p.horizon)


def online_completed(p: Planner, tr: Track, app: Applicant, t0: dt.datetime, o: str) -> list[Op]:
    """Asked to complete online, completed a few days later, then accepted."""
    ask = Op(
        p.desk(tr),
        "request_completion",
        soon=8,
        payload={"missing": [p.rng.choice(COMPLETION_MISSING)]},
    )
    accepted = p.office_time(p.cal.add_working_days(t0.date(), p.rng.randint(2, 5)))
    due = p.appointment(tr, accepted)
    f = p.finish(p.advance(accepted, 1800), due, o)
    ops = [_submit(p, t0), ask, Op(p.desk(tr), "accept", at=accepted)]
    ops += [*p.to_review(tr, queue=False), *p.to_leader(tr), p.approve(tr, f)]
    ops.append(p.hand(tr, app, p.hand_over(f), method="online"))
    return p.resolve(ops, p.horizon)


# (scenario, variant, count, online, recent working days to start in, departments or None);
# a dossier's scenario is named after its function (`returned`, `consult_open`…).
Scenario = tuple[Build, str, int, bool, int | None, set[str] | None]
SCENARIOS: list[Scenario] = [
    (returned, "early", 72, False, None, None),
    (returned, "on_time", 32, False, None, None),
    (returned, "late", 22, False, None, None),
    (result_ready, "early", 8, False, None, None),
    (result_ready, "on_time", 5, False, None, None),
    (result_ready, "late", 5, False, None, None),
    (review, "ok", 24, False, None, None),
    (review, "near_due", 6, False, None, None),
    (review, "overdue", 12, False, None, None),
    (approve, "ok", 10, False, None, None),
    (approve, "near_due", 4, False, None, None),
    (approve, "overdue", 6, False, None, None),
    (received, "", 12, False, 2, None),
    (paused, "", 14, False, None, None),
    (supplemented, "early", 5, False, None, None),
    (supplemented, "on_time", 3, False, None, None),
    (supplemented, "late", 2, False, None, None),
    (two_supplements, "late", 3, False, None, None),
    (consult_open, "", 5, False, 15, None),
    (consult_done, "early", 5, False, None, None),
    (transfer_open, "", 3, False, 10, {"H11.06.01"}),
    (transfer_done, "early", 3, False, None, {"H11.06.01"}),
    (transfer_done, "late", 1, False, None, {"H11.06.01"}),
    (apology_open, "", 3, False, None, None),
    (apology_done, "late", 4, False, None, None),
    (sent_back, "on_time", 3, False, None, None),
    (sent_back, "early", 2, False, None, None),
    (rejected, "early", 4, False, None, None),
    (rejected, "on_time", 2, False, None, None),
    (withdrawn, "", 6, False, None, None),
    (cancelled, "", 4, False, None, None),
    (refused, "", 8, False, None, None),
    (completion, "", 7, False, None, None),
    (online_waiting, "", 10, True, 3, None),
    (online_completion, "", 4, True, 20, None),
    (online_refused, "", 2, True, 30, None),
    (online_withdrawn, "", 2, True, 30, None),
    (online_review, "", 4, True, 10, None),
    (online_returned, "early", 6, True, None, None),
    (online_returned, "on_time", 2, True, None, None),
    (online_completed, "early", 2, True, 40, None),
]


def _pick_track(planner: Planner, tracks: list[Track]) -> Track:
    """A track at random, each department (and the communes) getting its share."""
    weights = []
    by_dept = Counter(t.dept for t in tracks)
    for t in tracks:
        share = COMMUNE_WEIGHT if t.dept == "commune" else DEPARTMENT_WEIGHTS[t.dept]
        weights.append(share / by_dept[t.dept])
    return planner.rng.choices(tracks, weights=weights)[0]


def plans_draw(planner: Planner) -> tuple[list[Plan], int]:
    """The plans of every scenario (`count` of each, as far as they fit before now) and how
    many were skipped."""
    rng = planner.rng
    plans: list[Plan] = []
    skipped = 0
    citizen_done: set[str] = set()  # the demo citizen has one dossier of each online kind
    for build, variant, count, online, recent, depts in SCENARIOS:
        name = build.__name__
        candidates = [
            t
            for t in planner.tracks
            if (t.online or not online) and (depts is None or t.dept in depts)
        ]
        for _ in range(count):
            plan = None
            for _attempt in range(200):
                tr = _pick_track(planner, candidates)
                citizen = online and name not in citizen_done and "person" in tr.kinds
                app = (
                    CONGDAN
                    if citizen
                    else planner.applicants.make(
                        kinds=tr.kinds, commune_code=tr.commune, dept=tr.dept
                    )
                )
                try:
                    if online:
                        t0 = planner.online_time(recent or WINDOW_DAYS)
                    else:
                        t0 = planner.intake_time(recent)
                    ops = build(planner, tr, app, t0, variant)
                except Infeasible:
                    continue
                channel = "online" if online else ("postal" if rng.random() < 0.08 else "desk")
                plan = Plan(name, tr, app, channel, ops, expect=variant, citizen=citizen)
                if citizen:
                    citizen_done.add(name)
                break
            if plan is None:
                skipped += 1
            else:
                plans.append(plan)
    return plans, skipped
