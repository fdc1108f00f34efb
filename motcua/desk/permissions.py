"""Who may see each desk page (conventions C8: role rules of the desk live here).

Object-level access is decided by the dossiers app (`access_dossier_for_officer`,
`available_actions`); these decorators only say which roles may open a page at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from motcua.accounts.api import roles_required, two_factor_demo_off, user_roles
from motcua.accounts.data import CATALOG_EDITOR_ROLES, OFFICER_ROLES, Role
from motcua.calendar.api import calendar_year_undecided_soon
from motcua.core import clock
from motcua.dossiers.api import notices_unread_count
from motcua.pakn.api import feedback_user_is_officer
from motcua.privacy.api import LOG_READER_ROLES
from motcua.reports.api import REPORT_ROLES

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: People who work on dossiers: they have a worklist and take actions.
WORKER_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
#: People who may look dossiers up (read only for admins and supervisors).
VIEWER_ROLES = (*WORKER_ROLES, Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN, Role.SUPERVISOR)
#: People who watch the overdue and near-due dossiers of their agencies (of the agencies
#: below theirs too: a supervisor or province admin of the province sees the province).
MONITOR_ROLES = (
    Role.LEADER,
    Role.DESK_OFFICER,
    Role.AGENCY_ADMIN,
    Role.PROVINCE_ADMIN,
    Role.SUPERVISOR,
)
#: Who sees the payment reconciliation: the leaders, admins and desk officers of the
#: receiving agency (a province admin covers the agencies below his). UNCONFIRMED: whether
#: the finance officer (kế toán) needs a role of its own.
PAYMENT_REPORT_ROLES = (Role.AGENCY_ADMIN, Role.LEADER, Role.DESK_OFFICER, Role.PROVINCE_ADMIN)
#: Who may see the satisfaction figures of their agencies.
SATISFACTION_ROLES = (
    Role.LEADER,
    Role.DESK_OFFICER,
    Role.SUPERVISOR,
    Role.AGENCY_ADMIN,
    Role.PROVINCE_ADMIN,
)

#: Who sees the official report and the dossiers behind its figures: leaders, province admins
#: and supervisors, for the agencies they watch (the deadlines page's rule).

workers = roles_required(*WORKER_ROLES)
viewers = roles_required(*VIEWER_ROLES)
desk_officers = roles_required(Role.DESK_OFFICER)
monitors = roles_required(*MONITOR_ROLES)
payment_reporters = roles_required(*PAYMENT_REPORT_ROLES)
reporters = roles_required(*REPORT_ROLES)


@dataclass(frozen=True)
class NavInfo:
    """Which entries of the desk menu a person sees, by the roles they hold, and their
    unread notices."""

    is_desk_officer: bool
    is_monitor: bool
    is_worker: bool
    sees_payments: bool
    sees_satisfaction: bool
    unread: int
    sees_reports: bool = False
    #: For a province admin: the year starting soon (or started) without the government's
    #: day-off decision loaded (`calendar.api.calendar_year_undecided_soon`), else None.
    calendar_undecided_year: int | None = None
    #: Catalog editors and province admins: the compliance cost and simplification plans.
    sees_simplification: bool = False
    #: A demo account with two-factor sign-in off: the desk shows a banner (ADR 0034).
    two_factor_demo_off: bool = False
    #: Supervisors and province admins read the log of personal data views (ADR 0036).
    sees_personal_log: bool = False
    #: People who work on feedback and recommendations (`pakn.api.feedback_user_is_officer`).
    sees_feedback: bool = False
    #: Province admins and supervisors: satisfaction survey campaigns (ADR 0041).
    sees_surveys: bool = False
    #: Officers: questions from the public about their agencies' procedures (ADR 0041).
    sees_qa: bool = False


def nav_info(user: User) -> NavInfo:
    roles = {r for r, _a in user_roles(user=user)}
    return NavInfo(
        is_desk_officer=Role.DESK_OFFICER in roles,
        is_monitor=bool(roles & {r.value for r in MONITOR_ROLES}),
        is_worker=bool(roles & {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER}),
        sees_payments=bool(roles & {r.value for r in PAYMENT_REPORT_ROLES}),
        sees_satisfaction=bool(roles & {r.value for r in SATISFACTION_ROLES}),
        unread=notices_unread_count(user=user),
        sees_reports=bool(roles & {r.value for r in REPORT_ROLES}),
        sees_simplification=bool(
            roles & {r.value for r in CATALOG_EDITOR_ROLES | {Role.PROVINCE_ADMIN}}
        ),
        sees_personal_log=bool(roles & {r.value for r in LOG_READER_ROLES}),
        sees_feedback=feedback_user_is_officer(user),
        sees_surveys=bool(roles & {Role.PROVINCE_ADMIN.value, Role.SUPERVISOR.value}),
        sees_qa=bool(roles & {r.value for r in OFFICER_ROLES}),
        calendar_undecided_year=(
            calendar_year_undecided_soon(today=timezone.localtime(clock.now()).date())
            if Role.PROVINCE_ADMIN in roles
            else None
        ),
        two_factor_demo_off=two_factor_demo_off(user=user),
    )
