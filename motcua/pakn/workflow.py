"""The one transition table of a feedback (ADR 0040). Pure data and two small functions: no
database, no permissions (those are in permissions.py)."""

from __future__ import annotations

from motcua.pakn.data import Classification, Status

S = Status

#: action -> {from status: to status}. `classify` and `forward` have several targets: the
#: service picks one of those listed in CLASSIFY_TARGETS / FORWARD_TARGETS.
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {"": S.SUBMITTED},
    "enter": {"": S.RECEIVED},  # an officer enters a letter, a call, a visit, an e-mail
    "receive": {S.SUBMITTED: S.RECEIVED},
    "classify": {S.RECEIVED: S.CLASSIFIED},  # or REFUSED / TO_FORWARD by the classification
    "forward": {
        S.TO_FORWARD: S.FORWARDED,
        S.CLASSIFIED: S.IN_PROGRESS,  # or FORWARDED when the agency is outside our system
        S.IN_PROGRESS: S.IN_PROGRESS,
    },
    "assign": {S.CLASSIFIED: S.IN_PROGRESS, S.IN_PROGRESS: S.IN_PROGRESS},
    "request_more": {S.IN_PROGRESS: S.AWAITING_SENDER},
    "sender_reply": {S.AWAITING_SENDER: S.IN_PROGRESS},
    "answer": {S.IN_PROGRESS: S.ANSWERED, S.ANSWERED: S.ANSWERED},
    "approve": {S.ANSWERED: S.APPROVED},
    "publish": {S.APPROVED: S.PUBLISHED},
    "refuse": {S.RECEIVED: S.REFUSED},
    "rate": {S.APPROVED: S.APPROVED, S.PUBLISHED: S.PUBLISHED},
}

CLASSIFY_TARGETS: dict[str, str] = {
    Classification.REJECTED: S.REFUSED,
    Classification.CONDUCT: S.TO_FORWARD,
    Classification.OUTSIDE: S.TO_FORWARD,
    Classification.WITHIN: S.CLASSIFIED,
}


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS.get(action, {})


def target(action: str, status: str) -> str:
    """The status `action` leads to from `status` (KeyError when not allowed)."""
    return TRANSITIONS[action][status]
