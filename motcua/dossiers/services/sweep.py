"""The deadline sweep: warn assignees of near-due and overdue steps, escalate overdue steps to
the leaders of the step's agency. Idempotent: one notice per person, step and kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.api import role_holder_ids
from motcua.calendar.api import working_calendar_fingerprint
from motcua.core import clock
from motcua.dossiers import deadlines
from motcua.dossiers.models import Dossier, DossierStep, Notice
from motcua.dossiers.workflow import DossierStatus, StepStatus

BATCH = 2000
#: The cache key of the basis (calendar and near-due settings) of the stored near_due_at.
NEAR_DUE_BASIS_KEY = "dossiers:near-due-basis"


def near_due_basis() -> str:
    """What the stored instants depend on besides each deadline: the working calendar, the
    near-due settings and the apology's lead time."""
    return repr((working_calendar_fingerprint(), deadlines.marks_settings()))


def near_due_recompute(
    *,
    dossier_model: Any = Dossier,
    step_model: Any = DossierStep,
    reminders_from_scratch: bool = False,
    since: Any = None,
) -> tuple[int, int]:
    """Compute the stored instants again on the current calendar and settings (ADR 0017):
    near_due_at of every dossier whose clock runs or is paused and of every active step, and
    the apology reminders still to give (`reminders_from_scratch`: of every dossier not
    extended, for a first fill). Returns the numbers of dossiers and steps. The models may
    be a migration's historical ones. With `since`, only the deadlines at or after it: one
    already past is overdue whatever its near-due instant (every such instant is before it),
    and its apology can no longer be sent."""
    cal = deadlines.calendar()
    dossiers = dossier_model.objects.filter(
        status__in=[
            DossierStatus.RECEIVED,
            DossierStatus.PROCESSING,
            DossierStatus.SUPPLEMENT_REQUESTED,
        ],
        appointment_at__isnull=False,
    )
    steps = step_model.objects.filter(status=StepStatus.ACTIVE, due_at__isnull=False)
    if since is not None:
        dossiers = dossiers.filter(appointment_at__gte=since)
        steps = steps.filter(due_at__gte=since)
    dossiers = dossiers.only(
        "id", "clock_started_at", "appointment_at", "extended", "near_due_at", "apology_remind_at"
    )

    def dossier_values(d: Any) -> dict[str, Any]:
        values = {
            "near_due_at": deadlines.dossier_near_due_from(
                clock_started_at=d.clock_started_at, appointment_at=d.appointment_at, cal=cal
            )
        }
        if d.apology_remind_at is not None or (reminders_from_scratch and not d.extended):
            values["apology_remind_at"] = deadlines.apology_remind_from(
                appointment_at=d.appointment_at, extended=d.extended, cal=cal
            )
        return values

    n_dossiers = _recompute(dossier_model, dossiers, dossier_values)
    steps = steps.only("id", "due_at", "budget_hours", "near_due_at")
    n_steps = _recompute(
        step_model,
        steps,
        lambda s: {
            "near_due_at": deadlines.step_near_due_from(
                due_at=s.due_at, budget_hours=s.budget_hours, cal=cal
            )
        },
    )
    return n_dossiers, n_steps


def _pages(rows: Any, size: int | None = None) -> Iterator[list[Any]]:
    """The rows in pages of `size` by primary key, each read in full before it is handed out.
    Never an open cursor while writing: on SQLite a connection that holds a read (a cursor
    not read to the end) and then wants to write fails at once with "database is locked"
    whenever another connection wrote meanwhile (no busy wait is possible), and a
    transaction per page keeps every write short (issue 17)."""
    size = size or BATCH
    last = None
    while True:
        page_rows = rows.order_by("pk")
        if last is not None:
            page_rows = page_rows.filter(pk__gt=last)
        page = list(page_rows[:size])
        if not page:
            return
        yield page
        last = page[-1].pk


def _in_order_by_pages(rows: Any, size: int) -> Iterator[Any]:
    """The rows in the queryset's order, `size` at a time, each page read in full before it is
    handed out (no cursor open while the caller writes, see `_pages`). The ids are read at the
    start; a row that no longer matches when its page is read is left out."""
    ids = list(rows.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield from list(rows.filter(pk__in=ids[start : start + size]))


def _recompute(model: Any, rows: Any, values: Any) -> int:
    """Set the values computed for each row (a dict of instants by field name), writing only
    the rows where one changed: one short transaction per page of BATCH rows."""
    count, fields = 0, ["near_due_at"]
    for page in _pages(rows):
        batch = []
        for row in page:
            new = values(row)
            count += 1
            changed = False
            for name, value in new.items():
                if name not in fields:
                    fields.append(name)
                if getattr(row, name) != value:
                    setattr(row, name, value)
                    changed = True
            if changed:
                batch.append(row)
        if batch:
            _write_instants(model, batch, fields)
    return count


def _write_instants(model: Any, rows: list[Any], fields: list[str]) -> None:
    """These datetime fields of these rows, in one short transaction. On PostgreSQL an UPDATE
    joined to a VALUES list; on SQLite one prepared UPDATE by primary key, run for each row
    (`executemany`). Both linear: `bulk_update`'s CASE over 2,000 ids is quadratic in the
    batch, made recomputing a million rows take minutes on PostgreSQL and held SQLite's write
    lock for up to 5 s a page (bench/sqlite_write_lock.py, ADR 0021). The field names are our
    models', not input."""
    if connection.vendor != "postgresql":
        quote = connection.ops.quote_name
        model_fields = [model._meta.get_field(name) for name in fields]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
        values = [
            [f.get_db_prep_save(getattr(row, f.name), connection) for f in model_fields] + [row.pk]
            for row in rows
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE id = %s",  # noqa: S608
                values,
            )
        return
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    row_sql = "(%s::bigint" + ", %s::timestamptz" * len(columns) + ")"
    params: list[Any] = []
    for row in rows:
        params.append(row.pk)
        params += [getattr(row, name) for name in fields]
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM (VALUES "  # noqa: S608
            f"{', '.join([row_sql] * len(rows))}) AS v(id, {', '.join(columns)}) "
            "WHERE t.id = v.id",
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
    near_due_recompute(since=clock.now())
    cache.set(NEAR_DUE_BASIS_KEY, basis, timeout=None)
    return True


@dataclass
class SweepReport:
    apology_due: int = 0
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


def _remind_apologies(now: Any) -> int:
    """Remind the deciding agency's leaders, once per dossier, that if the dossier will be
    late the apology (form 04) must go out before its last moment; the reminder is emptied
    whether or not it could still be useful (an appointment already too close gets none)."""
    cal = deadlines.calendar()
    sent = 0
    due = Dossier.objects.filter(
        apology_remind_at__lte=now, status__in=["received", "processing"], extended=False
    )
    for dossier in (d for page in _pages(due, 500) for d in page):
        assert dossier.appointment_at is not None
        with transaction.atomic():
            # Claim the reminder first: of two sweeps at once, one gets it (the other's
            # UPDATE waits for the row, then matches nothing), so nobody is reminded twice.
            claimed = Dossier.objects.filter(
                pk=dossier.pk, apology_remind_at=dossier.apology_remind_at
            ).update(apology_remind_at=None)
            last = deadlines.apology_deadline(appointment_at=dossier.appointment_at, cal=cal)
            if not claimed or now >= last:
                continue
            message = _(
                "Dossier %(code)s is due on %(due)s. If it cannot be resolved by then, send the "
                "apology and new appointment (form 04) before %(last)s."
            ) % {
                "code": dossier.code or f"#{dossier.pk}",
                "due": _local(dossier.appointment_at, cal),
                "last": _local(last, cal),
            }
            leaders = role_holder_ids(role="leader", agency_id=dossier.deciding_agency_id)
            for user_id in leaders:
                Notice.objects.create(
                    user_id=user_id,
                    dossier=dossier,
                    kind="apology_due",
                    created_at=now,
                    message=message,
                )
                sent += 1
    return sent


def _local(value: Any, cal: Any) -> str:
    return str(value.astimezone(cal.tz).strftime("%H:%M %d/%m/%Y"))


def _mark(step: DossierStep, warned: str) -> None:
    """Remember the warning given for this deadline (only if the deadline is still the one
    warned of: a step re-entered or resumed meanwhile starts again from "")."""
    DossierStep.objects.filter(pk=step.pk, due_at=step.due_at, status=StepStatus.ACTIVE).update(
        warned=warned
    )


def _people(step: DossierStep, role: str | None = None) -> list[int]:
    if role is None and step.assignee_id is not None:
        return [step.assignee_id]
    return role_holder_ids(role=role or step.role, agency_id=step.agency_id)


def deadline_sweep() -> SweepReport:
    """Run by the periodic job `dossiers.deadline_sweep`. Reads only the steps with a warning
    still to give (ADR 0017): active, near due from their stored near_due_at on, and not yet
    warned of this (near due once, overdue once); each is marked as warned."""
    near_due_ensure_current()
    now = clock.now()
    report = SweepReport()
    steps = (
        DossierStep.objects.filter(status=StepStatus.ACTIVE, near_due_at__lte=now)
        .exclude(warned="overdue")
        .filter(Q(due_at__lt=now) | Q(warned=""))
        .exclude(dossier__status=DossierStatus.SUPPLEMENT_REQUESTED)
        .select_related("dossier", "agency")
        .order_by("near_due_at", "id")
    )
    for step in _in_order_by_pages(steps, 500):
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
    report.apology_due = _remind_apologies(now)
    # Online submissions the desk has not accepted or sent back within 8 working hours.
    late_reviews = Dossier.objects.filter(status=DossierStatus.SUBMITTED, review_due_at__lt=now)
    for dossier in late_reviews.select_related("receiving_agency"):
        officers = role_holder_ids(role="desk_officer", agency_id=dossier.receiving_agency_id)
        for user_id in officers:
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
