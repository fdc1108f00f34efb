"""The deadline sweep: warn assignees of near-due and overdue steps, escalate overdue steps to
the leaders of the step's agency. Idempotent: one notice per person, step and kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.api import RoleAssignment
from motcua.calendar.api import working_calendar_fingerprint
from motcua.core import clock
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierStep, Notice

BATCH = 2000
#: The cache key of the basis (calendar and near-due settings) of the stored near_due_at.
NEAR_DUE_BASIS_KEY = "dossiers:near-due-basis"


def near_due_basis() -> str:
    """What the stored near-due instants depend on besides each deadline: the working
    calendar and the MOTCUA_NEAR_DUE_* settings."""
    return repr(
        (
            working_calendar_fingerprint(),
            getattr(settings, "MOTCUA_NEAR_DUE_WORKING_HOURS", 8),
            getattr(settings, "MOTCUA_NEAR_DUE_FRACTION", 0.2),
        )
    )


def near_due_recompute(
    *, dossier_model: Any = Dossier, step_model: Any = DossierStep
) -> tuple[int, int]:
    """Compute near_due_at again for every dossier whose clock runs or is paused and every
    active step, on the current calendar and settings (ADR 0017). Returns the numbers of
    dossiers and steps. The models may be a migration's historical ones."""
    cal = deadlines.calendar()
    dossiers = dossier_model.objects.filter(
        status__in=["received", "processing", "supplement_requested"],
        appointment_at__isnull=False,
    ).only("id", "clock_started_at", "appointment_at", "near_due_at")
    n_dossiers = _recompute(
        dossier_model,
        dossiers,
        lambda d: deadlines.dossier_near_due_from(
            clock_started_at=d.clock_started_at, appointment_at=d.appointment_at, cal=cal
        ),
    )
    steps = step_model.objects.filter(status="active", due_at__isnull=False).only(
        "id", "due_at", "budget_hours", "near_due_at"
    )
    n_steps = _recompute(
        step_model,
        steps,
        lambda s: deadlines.step_near_due_from(
            due_at=s.due_at, budget_hours=s.budget_hours, cal=cal
        ),
    )
    return n_dossiers, n_steps


def _recompute(model: Any, rows: Any, value: Any) -> int:
    count, batch = 0, []
    for row in rows.iterator(chunk_size=BATCH):
        new = value(row)
        count += 1
        if new != row.near_due_at:
            row.near_due_at = new
            batch.append(row)
        if len(batch) >= BATCH:
            _write_near_due(model, batch)
            batch = []
    if batch:
        _write_near_due(model, batch)
    return count


def _write_near_due(model: Any, rows: list[Any]) -> None:
    """near_due_at of these rows, in one statement. On PostgreSQL an UPDATE joined to a
    VALUES list (linear; `bulk_update`'s CASE over 2,000 ids is quadratic in the batch and
    made recomputing a million rows take minutes); elsewhere `bulk_update`."""
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, ["near_due_at"])
        return
    table = model._meta.db_table
    values = ", ".join(["(%s::bigint, %s::timestamptz)"] * len(rows))
    params: list[Any] = []
    for row in rows:
        params += [row.pk, row.near_due_at]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET near_due_at = v.at FROM (VALUES {values}) "  # noqa: S608
            "AS v(id, at) WHERE t.id = v.id",
            params,
        )


def near_due_ensure_current() -> bool:
    """Recompute the stored near-due instants when the calendar or the near-due settings
    changed since they were computed (a day off decreed, office hours changed). Run by the
    deadline sweep before it reads them; True when it recomputed. The basis is kept in the
    shared cache: when the cache lost it, one recompute too many, never one too few."""
    basis = near_due_basis()
    if cache.get(NEAR_DUE_BASIS_KEY) == basis:
        return False
    near_due_recompute()
    cache.set(NEAR_DUE_BASIS_KEY, basis, timeout=None)
    return True


@dataclass
class SweepReport:
    near_due: int = 0
    overdue: int = 0
    escalated: int = 0
    review_overdue: int = 0


def _notify(user_id: int, step: DossierStep, kind: str, message: str) -> bool:
    try:
        with transaction.atomic():
            Notice.objects.create(
                user_id=user_id,
                dossier=step.dossier,
                step=step,
                kind=kind,
                message=message,
                created_at=clock.now(),
            )
    except IntegrityError:
        return False  # already warned
    return True


def _mark(step: DossierStep, warned: str) -> None:
    """Remember the warning given for this deadline (only if the deadline is still the one
    warned of: a step re-entered or resumed meanwhile starts again from "")."""
    DossierStep.objects.filter(pk=step.pk, due_at=step.due_at, status="active").update(
        warned=warned
    )


def _people(step: DossierStep, role: str | None = None) -> list[int]:
    if role is None and step.assignee_id is not None:
        return [step.assignee_id]
    return list(
        RoleAssignment.objects.filter(role=role or step.role, agency_id=step.agency_id).values_list(
            "user_id", flat=True
        )
    )


def deadline_sweep() -> SweepReport:
    """Run by the periodic job `dossiers.deadline_sweep`. Reads only the steps with a warning
    still to give (ADR 0017): active, near due from their stored near_due_at on, and not yet
    warned of this (near due once, overdue once); each is marked as warned."""
    near_due_ensure_current()
    now = clock.now()
    report = SweepReport()
    steps = (
        DossierStep.objects.filter(status="active", near_due_at__lte=now)
        .exclude(warned="overdue")
        .filter(Q(due_at__lt=now) | Q(warned=""))
        .exclude(dossier__status="supplement_requested")
        .select_related("dossier", "agency")
        .order_by("near_due_at", "id")
    )
    for step in steps.iterator(chunk_size=500):
        assert step.due_at is not None
        code = step.dossier.code or f"#{step.dossier_id}"
        if step.due_at < now:
            msg = _("Dossier %(code)s: step “%(step)s” is overdue.") % {
                "code": code,
                "step": step.title,
            }
            report.overdue += sum(_notify(u, step, "overdue", msg) for u in _people(step))
            esc = _("Dossier %(code)s: step “%(step)s” at %(agency)s is overdue.") % {
                "code": code,
                "step": step.title,
                "agency": step.agency.name,
            }
            report.escalated += sum(
                _notify(u, step, "escalated", esc) for u in _people(step, "leader")
            )
            _mark(step, "overdue")
            continue
        msg = _("Dossier %(code)s: step “%(step)s” is due soon.") % {
            "code": code,
            "step": step.title,
        }
        report.near_due += sum(_notify(u, step, "near_due", msg) for u in _people(step))
        _mark(step, "near_due")
    # Online submissions the desk has not accepted or sent back within 8 working hours.
    late_reviews = Dossier.objects.filter(status="submitted", review_due_at__lt=now)
    for dossier in late_reviews.select_related("receiving_agency"):
        officers = RoleAssignment.objects.filter(
            role="desk_officer", agency_id=dossier.receiving_agency_id
        )
        for user_id in officers.values_list("user_id", flat=True):
            if Notice.objects.filter(
                user_id=user_id, dossier=dossier, step__isnull=True, kind="review_overdue"
            ).exists():
                continue
            Notice.objects.create(
                user_id=user_id,
                dossier=dossier,
                kind="review_overdue",
                created_at=now,
                message=_(
                    "An online submission has waited more than 8 working hours for "
                    "the desk's decision."
                ),
            )
            report.review_overdue += 1
    return report


@transaction.atomic
def notice_mark_read(*, user: Any, notice_ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all of them, or the given ones). Returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=notice_ids)
    return qs.update(read_at=clock.now())
