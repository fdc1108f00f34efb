"""Small reads the desk pages need that the domain apps do not offer as selectors.

Only `api.py` / `data.py` names are used. Nothing here decides anything: each function reads
rows to fill a form's choices or a page's rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from motcua.accounts.api import (
    Agency,
    RoleAssignment,
    User,
    agency_list,
    commune_choices,
    user_agency_ids,
    user_roles,
)
from motcua.accounts.data import Role
from motcua.dossiers.api import Dossier, DossierStep, Notice, step_context

from .permissions import MONITOR_ROLES, PAYMENT_REPORT_ROLES, SATISFACTION_ROLES


def dossier_ref(dossier: Dossier) -> str:
    """What the desk URLs use for a dossier: its code, or "#<id>" before it has one."""
    return dossier.code or f"#{dossier.pk}"


def next_main_step(dossier: Dossier) -> DossierStep | None:
    """The step that comes after the current one (the one `forward` will start)."""
    current = step_context(dossier).main
    if current is None:
        return None
    pending = [
        s
        for s in dossier.steps.all()
        if s.parent_id is None and s.status == "pending" and s.position > current.position
    ]
    pending.sort(key=lambda s: (s.position, s.pk))
    return pending[0] if pending else None


def earlier_steps(dossier: Dossier) -> list[DossierStep]:
    """One main step per earlier position, for `send_back`."""
    current = step_context(dossier).main
    if current is None:
        return []
    by_position: dict[int, DossierStep] = {}
    for s in sorted(dossier.steps.all(), key=lambda s: s.pk):
        if s.parent_id is None and s.position < current.position:
            by_position.setdefault(s.position, s)
    return [by_position[p] for p in sorted(by_position)]


def role_holders(*, role: str, agency_id: int) -> list[User]:
    """Active people holding `role` in the agency (candidates to receive a step)."""
    assignments = (
        RoleAssignment.objects.filter(role=role, agency_id=agency_id, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    return [a.user for a in assignments]


def agencies_in_force() -> QuerySet[Agency]:
    return agency_list(on=timezone.localdate())


def province_communes() -> list[tuple[int, str]]:
    """The communes of the province this installation serves (address forms)."""
    code = int(getattr(settings, "MOTCUA_PROVINCE_CODE", 11))
    return commune_choices(province_code=code)


def desk_agencies(user: User) -> list[Agency]:
    """The desks (receiving agencies) where the user is a desk officer."""
    ids = [a for r, a in user_roles(user=user) if r == Role.DESK_OFFICER and a is not None]
    return list(Agency.objects.filter(pk__in=ids).order_by("code"))


def monitored_agencies(user: User) -> list[Agency]:
    """Agencies whose deadlines the user watches: where they are a leader or desk officer,
    and the agencies those desks receive dossiers for."""
    ids = user_agency_ids(user=user, roles=set(MONITOR_ROLES))
    served = set(Agency.objects.filter(receiving_desk_id__in=ids).values_list("id", flat=True))
    return list(Agency.objects.filter(pk__in=ids | served).order_by("code"))


def user_notices(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).select_related("dossier").order_by("-created_at", "-id")


def unread_notice_count(user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True)
class NavInfo:
    is_desk_officer: bool
    is_monitor: bool
    is_worker: bool
    sees_payments: bool
    sees_satisfaction: bool
    unread: int


def nav_info(user: User) -> NavInfo:
    roles = {r for r, _a in user_roles(user=user)}
    return NavInfo(
        is_desk_officer=Role.DESK_OFFICER in roles,
        is_monitor=bool(roles & {r.value for r in MONITOR_ROLES}),
        is_worker=bool(roles & {Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER}),
        sees_payments=bool(roles & {r.value for r in PAYMENT_REPORT_ROLES}),
        sees_satisfaction=bool(roles & {r.value for r in SATISFACTION_ROLES}),
        unread=unread_notice_count(user),
    )
