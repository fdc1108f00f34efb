"""The one way a dossier changes status (ADR 0025).

Every action on a dossier — the desk's decisions, each processing action, the applicant's own
answers online — runs inside `dossier_transition`, and a new dossier row is written by its
sibling `dossier_creation`:

    with dossier_transition(dossier_id=dossier_id, action=Action.FORWARD, actor=actor) as t:
        ...                                # the action's own checks and step changes
        t.move_to(DossierStatus.PROCESSING)
        t.record(step=current, note=note)  # what the DossierEvent says besides from/to
        t.after_commit("dossiers.render_form", kind="receipt")

Opening (in this order, before the block runs): lock the dossier row; check the action
against the status (`workflow.ACTION_STATUSES`, 409); for an action that touches the steps,
lock them and check their state (`permissions.state_problem`, 409); check the actor's right
(`permissions.require_may`, 403; the applicant's own answer: `require_applicant`). In the
block, `move_to` checks the one TRANSITIONS table (`workflow.assert_can_transition`, 409)
and is the only place a dossier's status is assigned (tests/test_status_writes.py).

Closing (when the block ends without an error): the dossier's changed fields are saved with
`update_fields` (the status whenever `move_to` was called, and `updated_at`) with the
dossier's audit chain head (ADR 0035: also for a handover, which changes no other column;
not for a new dossier otherwise unchanged), the DossierEvent is written, chained
(`services/events.py`, which also sends `dossier_event_recorded`), the transition hooks
run, and the after-commit jobs are scheduled
(`core.jobs.enqueue_on_commit`). An error anywhere leaves nothing: the caller's transaction
rolls back and no hook or job runs.

The hook point: `transition_hook_add(hook)` registers `hook(dossier, event)`, called inside
the transaction right after the event row is written, for every transition and creation
(`event.action`, `event.from_status`, `event.to_status`, `event.actor`, `event.at`; the
dossier as saved). For rows that must change with the dossier (statistics fact tables, an
outbox, an audit chain): write in the same transaction; never change the dossier; schedule
anything slow with `core.jobs.enqueue_on_commit`. An exception aborts the transition."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.transaction import TransactionManagementError

from motcua.core import fastinsert
from motcua.core.chain import GENESIS
from motcua.core.jobs import enqueue_on_commit
from motcua.dossiers.chain import head_for_next
from motcua.dossiers.locks import dossier_for_update, steps_lock
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.permissions import require_applicant, require_may, state_problem, step_context
from motcua.dossiers.services.events import dossier_event_record
from motcua.dossiers.workflow import (
    INITIAL,
    Action,
    DossierStatus,
    InvalidTransition,
    assert_action_allowed,
    assert_can_transition,
)

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

#: A function called with the dossier and its new event after every transition.
TransitionHook = Callable[[Dossier, DossierEvent], None]
_HOOKS: list[TransitionHook] = []

#: The desk's decisions on a dossier that has no step yet (an online submission, or one
#: completed after form 02): they touch no step, so they lock none.
STEPLESS = frozenset({Action.ACCEPT, Action.REQUEST_COMPLETION, Action.REFUSE})

#: Saved with every change of the row (auto_now), never compared.
_ALWAYS = "updated_at"
#: The dossier's audit chain head (ADR 0035): set by the closing only.
_HEAD = "chain_head"


def transition_hook_add(hook: TransitionHook) -> TransitionHook:
    """Call `hook(dossier, event)` after every dossier transition and creation, inside its
    transaction, right after the event is written (hooks run in the order added; adding the
    same hook twice adds it once). Returns the hook, so it can decorate a function."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def transition_hook_remove(hook: TransitionHook) -> None:
    """Stop calling `hook` (nothing happens for a hook not added)."""
    if hook in _HOOKS:
        _HOOKS.remove(hook)


@functools.cache
def _fields() -> tuple[tuple[str, bool], ...]:
    """(attname, is JSON) of the dossier's columns that a transition may change."""
    return tuple(
        (f.attname, isinstance(f, models.JSONField))
        for f in Dossier._meta.concrete_fields
        if not f.primary_key and f.attname not in (_ALWAYS, _HEAD)
    )


def _json_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_copy(v) for v in value]
    return value


def _snapshot(dossier: Dossier) -> dict[str, Any]:
    # JSON values are copied: a list or dict changed in place must still count as changed.
    values = dossier.__dict__
    return {
        name: _json_copy(values[name]) if is_json else values[name] for name, is_json in _fields()
    }


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("A dossier transition runs inside transaction.atomic.")


class Transition:
    """One action on a locked dossier, being made (see the module's docstring)."""

    def __init__(
        self,
        dossier: Dossier,
        *,
        action: str,
        actor: User | None,
        before: str,
        creation: bool = False,
    ):
        self.dossier = dossier
        self._creation = creation
        self.action = action
        self.actor = actor
        #: The status when the row was locked ("" for a new dossier): the event's from_status.
        self.before = before
        self._loaded = _snapshot(dossier)
        self._moved = False
        self._event: dict[str, Any] | None = None
        self._jobs: list[tuple[str, dict[str, Any]]] = []

    def move_to(self, target: DossierStatus) -> None:
        """The new status: InvalidTransition (409) unless TRANSITIONS allows it from the
        current one. Saved (even when it stays the same) when the transition closes."""
        assert_can_transition(self.dossier.status, target)
        self.dossier.status = target
        self._moved = True

    def record(
        self,
        *,
        step: DossierStep | None = None,
        from_agency: Agency | None = None,
        to_agency: Agency | None = None,
        to_user: User | None = None,
        deadline_status: str = "",
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> None:
        """What the transition's DossierEvent says besides who, when, the action and the
        statuses (written when the transition closes)."""
        self._event = {
            "step": step,
            "from_agency": from_agency,
            "to_agency": to_agency,
            "to_user": to_user,
            "deadline_status": deadline_status,
            "note": note,
            "data": data,
        }

    def after_commit(self, task_name: str, **kwargs: Any) -> None:
        """Run the named job about this dossier (`dossier_id=` is added) once the transaction
        commits (`core.jobs.enqueue_on_commit`; scheduled when the transition closes)."""
        self._jobs.append((task_name, kwargs))

    def changed_fields(self) -> list[str]:
        """The dossier's columns changed since it was loaded (the status once moved)."""
        now = self.dossier.__dict__
        changed = [name for name, was in self._loaded.items() if now[name] != was]
        if self._moved and "status" not in changed:
            changed.insert(0, "status")
        return changed

    def _close(self) -> DossierEvent:
        if self._event is None:
            raise RuntimeError(f"The transition “{self.action}” recorded no event.")
        changed = self.changed_fields()
        # The event chains onto the dossier's last one (ADR 0035); the row saved with the new
        # head right before the event's INSERT. A new dossier whose row is otherwise unchanged
        # keeps the head "" (its one event is the head): the intake writes no UPDATE.
        prev = GENESIS if self._creation else head_for_next(self.dossier)

        def save_row(event: DossierEvent) -> None:
            if self._creation and not changed:
                return
            self.dossier.chain_head = event.hash
            self.dossier.save(update_fields=[*changed, _HEAD, *([_ALWAYS] if changed else [])])

        event = dossier_event_record(
            dossier=self.dossier,
            actor=self.actor,
            action=self.action,
            from_status=self.before,
            prev_hash=prev,
            before_insert=save_row,
            **self._event,
        )
        for hook in tuple(_HOOKS):
            hook(self.dossier, event)
        for task_name, kwargs in self._jobs:
            enqueue_on_commit(task_name, dossier_id=self.dossier.pk, **kwargs)
        return event


@contextlib.contextmanager
def dossier_transition(
    *,
    dossier_id: int,
    action: Action | str,
    actor: User | None,
    by_applicant: bool = False,
) -> Iterator[Transition]:
    """The one way an existing dossier changes (its status, its steps, its handovers): see
    the module's docstring. Runs inside the caller's `transaction.atomic` (no savepoint of
    its own). `action` is an `Action`, checked against the status and the actor's right;
    with `by_applicant` it is only the event's name (the applicant completing a dossier after
    form 02: "submit"), and the right is the applicant's (`require_applicant`), checked first.

    NotFound (404), InvalidTransition (409), PermissionDenied (403) before the block runs."""
    _require_transaction()
    dossier = dossier_for_update(dossier_id=dossier_id)
    if by_applicant:
        require_applicant(user=actor, dossier=dossier)
        name = str(action)
    else:
        officer = Action(action)
        assert_action_allowed(officer, dossier.status)
        if officer not in STEPLESS:
            steps_lock(dossier)
            problem = state_problem(officer, dossier, step_context(dossier))
            if problem:
                raise InvalidTransition(problem, code="not_now")
        require_may(user=actor, dossier=dossier, action=officer)
        name = officer.value
    transition = Transition(dossier, action=name, actor=actor, before=dossier.status)
    yield transition
    transition._close()


@contextlib.contextmanager
def dossier_creation(
    *, dossier: Dossier, status: DossierStatus, action: str, actor: User | None
) -> Iterator[Transition]:
    """A new dossier row with its first status (one of `workflow.INITIAL`): the row is
    inserted (`core.fastinsert`, one statement) before the block, which adds what belongs to
    it (steps, files); closing writes the event (from_status "") and runs the hooks and jobs
    as `dossier_transition` does. The actor's right was checked by the intake before (the
    desk check inside the code counter, ADR 0015); nothing is locked (nobody else sees the
    row yet)."""
    _require_transaction()
    if status not in INITIAL:
        raise ValueError(f"A dossier is not created “{status}”.")
    dossier.status = status
    fastinsert.insert([dossier])
    transition = Transition(dossier, action=action, actor=actor, before="", creation=True)
    yield transition
    transition._close()
