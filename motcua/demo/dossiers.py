"""Demo dossiers for `make run`: a few hundred dossiers of Điện Biên in every state, made
through the real services at chosen instants (`clock.at`), over the last eight weeks.

How it works: for each scenario (returned early, overdue, paused, consulted, transferred…) a
plan is drawn — a procedure of a department or commune, an applicant, and a timeline of
actions by the officers who hold the steps' roles, at office hours of working days, computed
on the real working calendar so the end state and the outcome come out as intended. Then
every action of every plan is run in time order through `dossier_intake`,
`dossier_submit_online` and `dossier_act`, so codes, appointments, step deadlines, events and
outcomes are all the services' own. Seeded: the same day gives the same dossiers.

Where things are: the people in `accounts.py`, the applicants in `applicants.py` (names from
`data/applicants.json`), the procedures' tracks in `tracks.py`, the plans' machinery in
`planner.py`, the scenarios in `scenarios.py`, running them in `runner.py`."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.utils import translation

from motcua.accounts.api import (
    account_ensure,
    agency_get_by_code,
    commune_choices,
    role_grant,
    users_by_username,
)
from motcua.calendar.api import working_calendar_get
from motcua.core import clock, jobs
from motcua.demo.accounts import (
    BASE_OFFICERS,
    EXTRA_OFFICERS,
    Officer,
    commune_officers,
    demo_password,
)
from motcua.demo.applicants import Applicants
from motcua.demo.planner import WINDOW_DAYS, Plan, Planner
from motcua.demo.runner import Runner
from motcua.demo.scenarios import plans_draw
from motcua.demo.tracks import tracks_load
from motcua.dossiers.api import (
    DossierStatus,
    deadline_sweep,
    demo_status_counts,
    dossiers_near_due,
    dossiers_overdue,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

SEED = 20250701
DIEN_BIEN = 11


def _accounts() -> tuple[dict[str, User], list[Officer]]:
    hashed = make_password(demo_password())  # once: hashing is slow on purpose
    extra = EXTRA_OFFICERS + commune_officers()
    for o in extra:
        user = account_ensure(
            username=o.username,
            full_name=o.full_name,
            password_hash=hashed,
            two_factor_exempt=True,  # demo accounts: password only, with a banner (ADR 0034)
        )
        agency = agency_get_by_code(code=o.agency_code)
        if agency is None:  # pragma: no cover - the province import creates them all
            raise RuntimeError(f"Unknown agency {o.agency_code}")
        role_grant(user=user, role=o.role, agency=agency)
    names = [o.username for o in BASE_OFFICERS + extra] + ["congdan"]
    users = users_by_username(usernames=names)
    return users, extra


def _summary(now: dt.datetime, plans: list[Plan], skipped: int) -> list[str]:
    ids = [p.dossier_id for p in plans]
    by_status, outcomes = demo_status_counts(ids=ids)
    with clock.at(now):
        overdue = dossiers_overdue().filter(pk__in=ids).count()
        near = dossiers_near_due().filter(pk__in=ids).count()
    scen = Counter(p.scenario for p in plans)
    parts = [f"{by_status.get(s.value, 0)} {s.value}" for s in DossierStatus]
    lines = [
        f"{len(plans)} demo dossiers over the last {WINDOW_DAYS // 7} weeks: " + ", ".join(parts),
        f"  outcomes of processed dossiers: {outcomes.get('early', 0)} early, "
        f"{outcomes.get('on_time', 0)} on time, {outcomes.get('late', 0)} late; "
        f"in progress: {overdue} overdue, {near} near due",
        f"  {scen['consult_open'] + scen['consult_done']} with consultations, "
        f"{scen['transfer_open'] + scen['transfer_done']} transferred (liên thông), "
        f"{scen['apology_open'] + scen['apology_done']} with an apology (form 04), "
        f"{scen['sent_back']} sent back, {scen['rejected']} refused after review",
    ]
    if skipped:
        lines.append(f"  ({skipped} planned dossiers did not fit the calendar and were skipped)")
    return lines


def demo_dossiers_load(*, now: dt.datetime | None = None, seed: int = SEED) -> list[str]:
    """Create the demo officers and dossiers. Returns what was done, line by line."""
    now = now or clock.now()
    # Forms (receipts, form 02…05) and result signatures are rendered on first use, not here.
    with translation.override("vi"), jobs.suppressed():
        users, extra = _accounts()
        cal = working_calendar_get()
        rng = random.Random(seed)  # noqa: S311 - demo data, not security
        planner = Planner(
            now=now,
            cal=cal,
            rng=rng,
            tracks=tracks_load(),
            applicants=Applicants(rng, commune_choices(province_code=DIEN_BIEN)),
        )
        plans, skipped = plans_draw(planner)
        runner = Runner(users, cal.tz)
        steps = sorted(
            ((op.at, i, k) for i, p in enumerate(plans) for k, op in enumerate(p.ops)),
            key=lambda x: (x[0], x[1], x[2]),
        )
        for _at, i, k in steps:
            runner.run(plans[i], plans[i].ops[k])
        with clock.at(now):
            sweep = deadline_sweep()
        lines = _summary(now, plans, skipped)
    lines.append(
        f"  deadline warnings sent: {sweep.near_due} near due, {sweep.overdue} overdue, "
        f"{sweep.escalated} escalated"
    )
    lines.append(f"Officer accounts for the demo dossiers (password: {demo_password()}):")
    for o in extra:
        lines.append(f"  {o.username:<15} {o.role.value:<13} @ {o.agency_code}  {o.full_name}")
    return lines
