"""The dossier state machine: statuses, the transition table, the actions; the states and
kinds of a dossier's steps. No ORM here.

Every status change goes through the one transition function,
`services/transition.py` (`dossier_transition`, and `dossier_creation` for a new row): it
locks the row, calls `assert_can_transition`, saves and writes a DossierEvent (ADRs 0003,
0025)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The kinds of a dossier's steps are those of the catalog's process steps, which they copy.
from motcua.catalog.data import StepKind as StepKind
from motcua.core.errors import Conflict


class DossierStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # online, waiting for the desk (national 1)
    COMPLETION_REQUESTED = "completion_requested"  # form 02 at intake, no clock (national 5)
    REFUSED = "refused"  # form 03, not received (national 3)
    RECEIVED = "received"  # accepted, at the desk's intake step (national 2)
    PROCESSING = "processing"  # national 4
    SUPPLEMENT_REQUESTED = "supplement_requested"  # clock paused (national 5)
    RESULT_READY = "result_ready"  # processed, result at the desk (national 9)
    RETURNED = "returned"  # result handed over (national 10)
    WITHDRAWN = "withdrawn"  # applicant asked to stop, form 05 (national 7)
    CANCELLED = "cancelled"  # stopped by a leader (national 8)


S = DossierStatus

STATUS_LABELS: Mapping[DossierStatus, Any] = {  # lazy translations
    DossierStatus.SUBMITTED: gettext_lazy("Submitted online"),
    DossierStatus.COMPLETION_REQUESTED: gettext_lazy("Completion requested"),
    DossierStatus.REFUSED: gettext_lazy("Refused"),
    DossierStatus.RECEIVED: gettext_lazy("Received"),
    DossierStatus.PROCESSING: gettext_lazy("Being processed"),
    DossierStatus.SUPPLEMENT_REQUESTED: gettext_lazy("Waiting for supplements"),
    DossierStatus.RESULT_READY: gettext_lazy("Result ready"),
    DossierStatus.RETURNED: gettext_lazy("Result returned"),
    DossierStatus.WITHDRAWN: gettext_lazy("Withdrawn"),
    DossierStatus.CANCELLED: gettext_lazy("Stopped"),
}

NATIONAL_STATUS: Mapping[DossierStatus, int] = {
    S.SUBMITTED: 1,
    S.RECEIVED: 2,
    S.REFUSED: 3,
    S.PROCESSING: 4,
    S.COMPLETION_REQUESTED: 5,
    S.SUPPLEMENT_REQUESTED: 5,
    S.WITHDRAWN: 7,
    S.CANCELLED: 8,
    S.RESULT_READY: 9,
    S.RETURNED: 10,
}

TERMINAL = frozenset({S.REFUSED, S.RETURNED, S.WITHDRAWN, S.CANCELLED})
# The statuses a dossier is created with: the desk's three intake decisions, and an online
# submission waiting for the desk.
INITIAL = frozenset({S.SUBMITTED, S.RECEIVED, S.COMPLETION_REQUESTED, S.REFUSED})
# Statuses in which the deadline clock runs.
CLOCK_RUNNING = frozenset({S.RECEIVED, S.PROCESSING})
# Statuses in which the dossier counts as "in progress" for statistics.
IN_PROGRESS = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED})

TRANSITIONS: Mapping[DossierStatus, frozenset[DossierStatus]] = {
    S.SUBMITTED: frozenset({S.RECEIVED, S.COMPLETION_REQUESTED, S.REFUSED, S.WITHDRAWN}),
    S.COMPLETION_REQUESTED: frozenset({S.SUBMITTED, S.RECEIVED, S.REFUSED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.PROCESSING, S.RESULT_READY, S.WITHDRAWN, S.CANCELLED}),
    S.PROCESSING: frozenset(
        {S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.RESULT_READY, S.WITHDRAWN, S.CANCELLED}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset({S.PROCESSING, S.WITHDRAWN, S.CANCELLED}),
    S.RESULT_READY: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.RETURNED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.CANCELLED: frozenset(),
}


class Action(enum.StrEnum):
    """What a person may do to a dossier (the names in `available_actions`)."""

    ACCEPT = "accept"
    REQUEST_COMPLETION = "request_completion"
    REFUSE = "refuse"
    TAKE = "take"
    FORWARD = "forward"
    SEND_BACK = "send_back"
    CONSULT = "consult"
    ANSWER_CONSULTATION = "answer_consultation"
    TRANSFER = "transfer"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    COMPLETE = "complete"
    APPROVE = "approve"
    REJECT = "reject"
    APOLOGIZE = "apologize"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"


A = Action

# Statuses in which each action may be taken (who may take it is decided in permissions.py).
ACTION_STATUSES: Mapping[Action, frozenset[DossierStatus]] = {
    A.ACCEPT: frozenset({S.SUBMITTED, S.COMPLETION_REQUESTED}),
    A.REQUEST_COMPLETION: frozenset({S.SUBMITTED}),
    A.REFUSE: frozenset({S.SUBMITTED, S.COMPLETION_REQUESTED}),
    A.TAKE: frozenset({S.RECEIVED, S.PROCESSING}),
    A.FORWARD: frozenset({S.RECEIVED, S.PROCESSING}),
    A.SEND_BACK: frozenset({S.PROCESSING}),
    A.CONSULT: frozenset({S.PROCESSING}),
    A.ANSWER_CONSULTATION: frozenset({S.PROCESSING, S.SUPPLEMENT_REQUESTED}),
    A.TRANSFER: frozenset({S.PROCESSING}),
    A.REQUEST_SUPPLEMENT: frozenset({S.PROCESSING}),
    A.RECEIVE_SUPPLEMENT: frozenset({S.SUPPLEMENT_REQUESTED}),
    A.COMPLETE: frozenset({S.PROCESSING}),
    A.APPROVE: frozenset({S.PROCESSING}),
    A.REJECT: frozenset({S.PROCESSING}),
    A.APOLOGIZE: frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}),
    A.RETURN_RESULT: frozenset({S.RESULT_READY}),
    A.WITHDRAW: frozenset(
        {S.SUBMITTED, S.COMPLETION_REQUESTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}
    ),
    A.CANCEL: frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED}),
}


class InvalidTransition(Conflict):
    """The action or status change is not allowed from the current status."""


def can_transition(current: DossierStatus | str, target: DossierStatus | str) -> bool:
    return DossierStatus(target) in TRANSITIONS[DossierStatus(current)]


def assert_can_transition(current: DossierStatus | str, target: DossierStatus | str) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(
            _("A dossier cannot go from “%(current)s” to “%(target)s”.")
            % {
                "current": STATUS_LABELS[DossierStatus(current)],
                "target": STATUS_LABELS[DossierStatus(target)],
            },
            code="invalid_transition",
        )


def action_allowed_in(action: Action | str, status: DossierStatus | str) -> bool:
    return DossierStatus(status) in ACTION_STATUSES[Action(action)]


def assert_action_allowed(action: Action | str, status: DossierStatus | str) -> None:
    """InvalidTransition (409) unless the action may be taken in this status."""
    if not action_allowed_in(action, status):
        raise InvalidTransition(
            _("“%(action)s” is not possible while the dossier is “%(status)s”.")
            % {"action": Action(action).value, "status": STATUS_LABELS[DossierStatus(status)]},
            code="invalid_transition",
        )


class StepStatus(enum.StrEnum):
    """Where one step of a dossier (or a consultation: a step with a parent) stands."""

    PENDING = "pending"  # not entered yet
    ACTIVE = "active"  # being worked on
    WAITING = "waiting"  # a main step waiting for the answers of its consultations
    DONE = "done"
    CANCELLED = "cancelled"  # never done: the dossier was stopped or its result came earlier


STEP_STATUS_LABELS: Mapping[StepStatus, Any] = {  # lazy translations
    StepStatus.PENDING: gettext_lazy("Not started"),
    StepStatus.ACTIVE: gettext_lazy("In progress"),
    StepStatus.WAITING: gettext_lazy("Waiting for consultations"),
    StepStatus.DONE: gettext_lazy("Done"),
    StepStatus.CANCELLED: gettext_lazy("Cancelled"),
}

#: The steps someone is at: the current main step (working or waiting) and open consultations.
OPEN_STEP = frozenset({StepStatus.ACTIVE, StepStatus.WAITING})
#: The steps a stopped dossier cancels.
UNFINISHED_STEP = frozenset({StepStatus.PENDING, StepStatus.ACTIVE, StepStatus.WAITING})
