from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from motcua.accounts.data import Role
from motcua.accounts.models import Agency, RoleAssignment, User


def agency_list(*, on: datetime.date | None = None, kind: str | None = None) -> QuerySet[Agency]:
    """Agencies, optionally only those in force on a day, ordered by code."""
    qs = Agency.objects.select_related("parent").order_by("code")
    if on is not None:
        qs = qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def agency_get_by_code(*, code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def user_roles(*, user: User) -> set[tuple[str, int | None]]:
    """(role, agency id) pairs the user holds; empty for anonymous users."""
    if not user.is_authenticated:
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", "agency_id"))


def user_has_any_role(*, user: User, roles: frozenset[Role] | set[Role]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return RoleAssignment.objects.filter(user=user, role__in=[r.value for r in roles]).exists()


def user_agency_ids(*, user: User, roles: frozenset[Role] | set[Role]) -> set[int]:
    """Agencies in which the user holds one of the roles. A province admin covers the
    whole subtree of the agencies he holds it in."""
    if not user.is_authenticated:
        return set()
    ids = {
        a
        for a in RoleAssignment.objects.filter(
            user=user, role__in=[r.value for r in roles]
        ).values_list("agency_id", flat=True)
        if a is not None
    }
    frontier = set(ids)
    while frontier:
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = children - ids
        ids |= children
    return ids
