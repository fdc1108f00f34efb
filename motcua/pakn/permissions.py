"""Who may see and do what on a feedback (ADR 0040). Deny by default.

* feedback desk officer (Role.FEEDBACK_OFFICER, the province's desk): sees every feedback;
  receive, classify, forward, assign, refuse, publish, request_more;
* the handling agency's specialists and desk officers, and the assignee: see it; answer,
  request_more;
* the handling agency's leaders: see it; answer, approve, assign within the agency;
* the agency administrators of the handling agency: see it (read only);
* province administrators and supervisors: see everything (read only).
Everybody else (citizens included) sees and does nothing here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from motcua.accounts.api import user_roles
from motcua.accounts.data import Role
from motcua.pakn import workflow
from motcua.pakn.data import ACTIONS

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.pakn.models import Feedback

PROVINCE_READERS = frozenset({Role.FEEDBACK_OFFICER, Role.PROVINCE_ADMIN, Role.SUPERVISOR})
AGENCY_WORKERS = frozenset({Role.SPECIALIST, Role.DESK_OFFICER, Role.LEADER})
AGENCY_READERS = AGENCY_WORKERS | {Role.AGENCY_ADMIN}
OFFICER_ROLES = PROVINCE_READERS | AGENCY_READERS

DESK_ACTIONS = frozenset(
    {"receive", "classify", "forward", "assign", "refuse", "publish", "request_more"}
)
WORKER_ACTIONS = frozenset({"answer", "request_more"})
LEADER_ACTIONS = frozenset({"answer", "approve", "assign", "request_more"})


class Roles:
    """The roles a user holds, read once (one query) for a batch of checks."""

    def __init__(self, user: User | Any) -> None:
        self.user = user
        self.pairs: set[tuple[str, int | None]] = (
            user_roles(user=user) if user is not None and user.is_authenticated else set()
        )
        self.names = {r for r, _a in self.pairs}

    def holds(self, *roles: str) -> bool:
        return bool(self.names & {str(r) for r in roles})

    def agencies(self, roles: frozenset[Role] | set[Role]) -> set[int]:
        wanted = {str(r) for r in roles}
        return {a for r, a in self.pairs if r in wanted and a is not None}

    @property
    def desk(self) -> bool:
        return self.holds(Role.FEEDBACK_OFFICER)

    @property
    def province_reader(self) -> bool:
        return self.holds(*PROVINCE_READERS)

    @property
    def officer(self) -> bool:
        return self.holds(*OFFICER_ROLES)


def may_see(roles: Roles, feedback: Feedback) -> bool:
    if roles.user is None or not roles.user.is_authenticated or not roles.user.is_active:
        return False
    if roles.province_reader:
        return True
    if feedback.assignee_id is not None and feedback.assignee_id == roles.user.pk:
        return True
    return (
        feedback.handling_agency_id is not None
        and feedback.handling_agency_id in roles.agencies(AGENCY_READERS)
    )


def may_do(roles: Roles, feedback: Feedback, action: str) -> bool:
    """Whether the user may take `action` on the feedback, whatever its status."""
    if action not in ACTIONS or not may_see(roles, feedback):
        return False
    if roles.desk and action in DESK_ACTIONS:
        return True
    agency = feedback.handling_agency_id
    if agency is None:
        return False
    if agency in roles.agencies({Role.LEADER}) and action in LEADER_ACTIONS:
        return True
    is_worker = agency in roles.agencies(AGENCY_WORKERS) or (feedback.assignee_id == roles.user.pk)
    return is_worker and action in WORKER_ACTIONS


def available_actions(roles: Roles, feedback: Feedback) -> list[str]:
    """The actions the user may take now (allowed by the status and by their roles)."""
    out = []
    for action in ACTIONS:
        if not workflow.allowed(action, feedback.status):
            continue
        if action == "request_more" and feedback.more_requested_at is not None:
            continue
        if may_do(roles, feedback, action):
            out.append(action)
    return out
