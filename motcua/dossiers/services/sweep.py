"""The deadline sweep: warn assignees of near-due and overdue steps, escalate overdue steps to
the leaders of the step's agency. Idempotent: one notice per person, step and kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.api import RoleAssignment
from motcua.core import clock
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierStep, Notice
from motcua.dossiers.selectors import near_due_threshold_seconds


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


def _people(step: DossierStep, role: str | None = None) -> list[int]:
    if role is None and step.assignee_id is not None:
        return [step.assignee_id]
    return list(
        RoleAssignment.objects.filter(role=role or step.role, agency_id=step.agency_id).values_list(
            "user_id", flat=True
        )
    )


def deadline_sweep() -> SweepReport:
    """Run by the periodic job `dossiers.deadline_sweep`."""
    now = clock.now()
    cal = deadlines.calendar()
    report = SweepReport()
    steps = (
        DossierStep.objects.filter(status="active", due_at__isnull=False)
        .exclude(dossier__status="supplement_requested")
        .select_related("dossier", "agency")
    )
    for step in steps.iterator():
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
            continue
        left = cal.working_seconds_between(now, step.due_at)
        total = int(float(step.budget_hours) * 3600)
        if left <= near_due_threshold_seconds(total_seconds=total):
            msg = _("Dossier %(code)s: step “%(step)s” is due soon.") % {
                "code": code,
                "step": step.title,
            }
            report.near_due += sum(_notify(u, step, "near_due", msg) for u in _people(step))
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
