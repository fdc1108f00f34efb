"""A dossier's steps: instantiated from its version at acceptance, entered, finished, waiting
for consultations, added (consultations, transfers, steps done again), cancelled.

The one module that writes a step's status (the status check in tests/test_status_writes.py
allows it here). Called by the services inside a transition (`services/transition.py`), which
has locked the dossier and its steps first; each save names its fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from motcua.calendar.api import WorkingCalendar
from motcua.core import fastinsert
from motcua.core.errors import ValidationFailed
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.permissions import step_context
from motcua.dossiers.workflow import UNFINISHED_STEP, StepKind, StepStatus

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User
    from motcua.catalog.models import ProcedureVersion


def steps_instantiate(
    dossier: Dossier, *, actor: User | None, cal: WorkingCalendar
) -> list[DossierStep]:
    """The version's steps for an accepted dossier (one multi-row INSERT), the first (the
    desk's intake) started by `actor` at the clock's start, due from the received time."""
    version: ProcedureVersion = dossier.procedure_version
    steps = []
    for s in version.steps.all():
        if s.agency_id is not None:
            agency_id = s.agency_id
        elif s.kind in (StepKind.INTAKE, StepKind.RETURN):
            agency_id = dossier.receiving_agency_id
        else:
            agency_id = dossier.deciding_agency_id
        steps.append(
            fastinsert.new(
                DossierStep,
                dossier=dossier,
                position=s.position,
                kind=s.kind,
                title=s.title,
                role=s.role,
                agency_id=agency_id,
                budget_hours=s.budget_hours,
            )
        )
    if steps:
        first = steps[0]
        first.status = StepStatus.ACTIVE
        first.assignee = actor
        first.started_at = dossier.clock_started_at
        assert dossier.received_at is not None
        first.due_at = deadlines.step_due(
            start=dossier.received_at,
            budget_hours=first.budget_hours,
            cap=dossier.appointment_at,
            cal=cal,
        )
        deadlines.step_marks_set(first, cal=cal)
    return list(fastinsert.insert(steps))


def main_step(dossier: Dossier) -> DossierStep:
    """The main step in progress (or waiting for consultations)."""
    main = step_context(dossier).main
    if main is None:  # pragma: no cover - guarded by permissions
        raise ValidationFailed(_("The dossier has no step in progress."))
    return main


def step_next_main(dossier: Dossier, current: DossierStep) -> DossierStep | None:
    """The main step after `current` not entered yet."""
    return (
        DossierStep.objects.filter(
            dossier=dossier,
            parent__isnull=True,
            status=StepStatus.PENDING,
            position__gt=current.position,
        )
        .order_by("position", "id")
        .first()
    )


def step_finish(step: DossierStep, now: dt.datetime, note: str = "") -> str:
    """Done now; returns its timeliness (early, on_time, late; "" without a deadline)."""
    cal = deadlines.calendar()
    step.status = StepStatus.DONE
    step.finished_at = now
    step.outcome = deadlines.timeliness(at=now, due=step.due_at, cal=cal) if step.due_at else ""
    if note:
        step.note = note
    step.save(update_fields=["status", "finished_at", "outcome", "note"])
    return step.outcome


def step_activate(
    step: DossierStep, dossier: Dossier, now: dt.datetime, assignee: User | None
) -> None:
    """Entered now, by `assignee` (None: in its role's queue), due after its budget (within the
    dossier's appointment)."""
    cal = deadlines.calendar()
    step.status = StepStatus.ACTIVE
    step.started_at = now
    step.assignee = assignee
    step.due_at = deadlines.step_due(
        start=now, budget_hours=step.budget_hours, cap=dossier.appointment_at, cal=cal
    )
    deadlines.step_marks_set(step, cal=cal)
    step.save(update_fields=["status", "started_at", "assignee", "due_at", *deadlines.STEP_MARKS])


def step_add(
    dossier: Dossier,
    *,
    position: int,
    kind: str,
    title: str,
    role: str,
    agency: Agency,
    budget_hours: Decimal,
    parent: DossierStep | None = None,
    note: str = "",
) -> DossierStep:
    """A new step, not entered yet: a consultation (with its parent), a transfer's step at
    another agency, a step done again after a send-back."""
    return DossierStep.objects.create(
        dossier=dossier,
        position=position,
        kind=kind,
        title=title,
        role=role,
        agency=agency,
        parent=parent,
        budget_hours=budget_hours,
        note=note,
    )


def step_wait(step: DossierStep) -> None:
    """The main step waits for the answers of its consultations."""
    step.status = StepStatus.WAITING
    step.save(update_fields=["status"])


def step_resume_if_answered(parent: DossierStep) -> None:
    """The main step works again once no consultation of it is open."""
    if not DossierStep.objects.filter(parent=parent, status=StepStatus.ACTIVE).exists():
        parent.status = StepStatus.ACTIVE
        parent.save(update_fields=["status"])


def steps_skip_to_return(dossier: Dossier, current: DossierStep) -> DossierStep | None:
    """The result is ready at `current`: the main steps between it and the return are
    cancelled; returns the return step (None when the process has none)."""
    nxt = step_next_main(dossier, current)
    while nxt is not None and nxt.kind != StepKind.RETURN:
        nxt.status = StepStatus.CANCELLED
        nxt.save(update_fields=["status"])
        nxt = step_next_main(dossier, current)
    return nxt


def steps_cancel_unfinished(dossier: Dossier) -> None:
    """The dossier stopped: every step not done is cancelled."""
    DossierStep.objects.filter(dossier=dossier, status__in=sorted(UNFINISHED_STEP)).update(
        status=StepStatus.CANCELLED
    )


def step_copy_fields(template: DossierStep) -> dict[str, Any]:
    """What a step done again keeps of the one it repeats."""
    return {
        "position": template.position,
        "kind": template.kind,
        "title": template.title,
        "role": template.role,
        "agency": template.agency,
        "budget_hours": template.budget_hours,
    }
