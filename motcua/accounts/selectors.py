from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from vietnam_provinces import Ward

from motcua.accounts.data import OVERSIGHT_ROLES, WORKER_ROLES, Landing, Role
from motcua.accounts.models import Agency, CitizenProfile, RoleAssignment, User
from motcua.core.identifiers import phone_normalize


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


_AGENCY_FIELDS = list(Agency._meta.concrete_fields)


def desk_agencies_sql(*, by_code: bool) -> str:
    """SQL for the agencies (every column, alias `a`) where a user holds the desk officer
    role; with `by_code`, only the agency with a given code. Parameters, in order: the code
    (with `by_code`), the user's id, the role (`Role.DESK_OFFICER.value`). The one definition
    of "desk officer there" in SQL: `agency_where_desk_officer` runs it, and the dossiers
    app's intake folds it into its code-counter statement (ADR 0015). Table and column names
    are our models', not input."""
    where = "a.code = %s AND " if by_code else ""
    return (
        f"SELECT {', '.join('a.' + f.column for f in _AGENCY_FIELDS)} "  # noqa: S608
        f"FROM {Agency._meta.db_table} a WHERE {where}EXISTS ("
        f"SELECT 1 FROM {RoleAssignment._meta.db_table} r "
        "WHERE r.agency_id = a.id AND r.user_id = %s AND r.role = %s)"
    )


_DESK_SQL = desk_agencies_sql(by_code=True)
_AGENCY_ATTNAMES = [f.attname for f in _AGENCY_FIELDS]


def agency_from_row(*, values: list[Any]) -> Agency:
    """The agency of a row whose columns are `desk_agencies_sql`'s (every column, in the
    model's order): for a statement of another app that folds that SQL in. No query."""
    return Agency.from_db(connection.alias, _AGENCY_ATTNAMES, values)


def agencies_by_id(*, ids: Iterable[int]) -> dict[int, Agency]:
    """The agencies with these ids, by id (one query)."""
    return {a.pk: a for a in Agency.objects.filter(pk__in=list(ids))}


def agencies_served_by(*, desk_ids: Iterable[int]) -> set[int]:
    """The ids of the agencies whose dossiers these desks receive (one query)."""
    return set(Agency.objects.filter(receiving_desk_id__in=desk_ids).values_list("id", flat=True))


def desks_of(*, user: User) -> list[Agency]:
    """The desks where the user is a desk officer, ordered by code: one query, the roles
    joined (never cached)."""
    return list(
        Agency.objects.filter(
            role_assignments__user=user, role_assignments__role=Role.DESK_OFFICER.value
        )
        .distinct()
        .order_by("code")
    )


def agency_where_desk_officer(*, user: User, code: str) -> Agency | None:
    """The agency with this code if `user` is a desk officer there, else None. On the path of
    every intake: one statement, no queryset compilation."""
    with connection.cursor() as cursor:
        cursor.execute(_DESK_SQL, [code, user.pk, Role.DESK_OFFICER.value])
        row = cursor.fetchone()
    if row is None:
        return None
    return Agency.from_db(connection.alias, [f.attname for f in _AGENCY_FIELDS], list(row))


def user_roles(*, user: User) -> set[tuple[str, int | None]]:
    """(role, agency id) pairs the user holds; empty for anonymous users."""
    if not user.is_authenticated:
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", "agency_id"))


def user_landing(*, user: User) -> Landing:
    """Where the user lands after signing in, by the roles held (in any agency): people who
    work on dossiers on their worklist; supervisors and admins on the desk overview; staff
    holding no role on the administration site; everyone else (citizens) on their dossiers.

    One query; read-only. An anonymous user gets MY_DOSSIERS (the sign-in page follows)."""
    if not user.is_authenticated:
        return Landing.MY_DOSSIERS
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if held & {r.value for r in WORKER_ROLES}:
        return Landing.WORKLIST
    if held & {r.value for r in OVERSIGHT_ROLES}:
        return Landing.OVERVIEW
    if Role.FEEDBACK_OFFICER.value in held:
        return Landing.FEEDBACK
    if user.is_staff and not held:
        return Landing.ADMIN
    return Landing.MY_DOSSIERS


def user_has_any_role(*, user: User, roles: frozenset[Role] | set[Role]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return RoleAssignment.objects.filter(user=user, role__in=[r.value for r in roles]).exists()


#: The roles that reach below the agency where they are held (its whole subtree): a
#: province admin and a supervisor. Every other role (desk officer, specialist, leader,
#: agency admin) covers only the agency where it is held (accounts/README.md, "Who sees
#: what").
SUBTREE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SUPERVISOR})


def _with_subtree(ids: set[int]) -> set[int]:
    """The agencies and every agency below them."""
    found, frontier = set(ids), set(ids)
    while frontier:
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = children - found
        found |= children
    return found


def _held(*, user: User, roles: frozenset[Role] | set[Role]) -> list[tuple[str, int]]:
    if not user.is_authenticated:
        return []
    return [
        (r, a)
        for r, a in RoleAssignment.objects.filter(
            user=user, role__in=[r.value for r in roles]
        ).values_list("role", "agency_id")
        if a is not None
    ]


def user_agency_ids(*, user: User, roles: frozenset[Role] | set[Role]) -> set[int]:
    """Agencies in which the user holds one of the roles; where the role is a province
    admin's or a supervisor's (`SUBTREE_ROLES`), with every agency below it. Any other role
    held at a parent agency does not reach its sub-agencies (the dossier access rule:
    `dossiers.api.visible_dossiers`, personal data included)."""
    held = _held(user=user, roles=roles)
    below = {a for r, a in held if r in {s.value for s in SUBTREE_ROLES}}
    return {a for _r, a in held} | _with_subtree(below)


def agencies_in_force() -> QuerySet[Agency]:
    """The agencies in force today (local date), ordered by code."""
    return agency_list(on=timezone.localdate())


def agencies_where_desk_officer(*, user: User) -> list[Agency]:
    """The desks (receiving agencies) where the user is a desk officer, ordered by code."""
    ids = [a for r, a in user_roles(user=user) if r == Role.DESK_OFFICER and a is not None]
    return list(Agency.objects.filter(pk__in=ids).order_by("code"))


def agencies_watched_by(*, user: User, roles: frozenset[Role] | set[Role]) -> list[Agency]:
    """Agencies whose dossiers the user may list (the deadlines page): those of
    `user_agency_ids` (the subtree only for a province admin or supervisor) and the agencies
    those desks receive dossiers for; ordered by code."""
    ids = user_agency_ids(user=user, roles=roles)
    served = set(Agency.objects.filter(receiving_desk_id__in=ids).values_list("id", flat=True))
    return list(Agency.objects.filter(pk__in=ids | served).order_by("code"))


def agencies_monitored_by(*, user: User, roles: frozenset[Role] | set[Role]) -> list[Agency]:
    """Agencies whose **figures** the user watches (the reports: aggregates, no personal
    data): those where they hold one of `roles` with every agency below them, whatever the
    role, and the agencies those desks receive dossiers for; ordered by code. Never for a
    list of dossiers: that is `agencies_watched_by` / `dossiers.api.visible_dossiers`."""
    ids = _with_subtree({a for _r, a in _held(user=user, roles=roles)})
    served = set(Agency.objects.filter(receiving_desk_id__in=ids).values_list("id", flat=True))
    return list(Agency.objects.filter(pk__in=ids | served).order_by("code"))


def role_holders(*, role: str, agency_id: int) -> list[User]:
    """Active people holding `role` in the agency (candidates to receive a step), by name."""
    assignments = (
        RoleAssignment.objects.filter(role=role, agency_id=agency_id, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    return [a.user for a in assignments]


def role_holder_ids(*, role: str, agency_id: int) -> list[int]:
    """The ids of the people holding `role` in the agency, active or not (one query)."""
    return list(
        RoleAssignment.objects.filter(role=role, agency_id=agency_id).values_list(
            "user_id", flat=True
        )
    )


def role_assignments_held(*, user: User) -> list[RoleAssignment]:
    """The user's roles other than citizen, with their agencies, ordered by role and agency
    code (one query)."""
    return list(
        RoleAssignment.objects.filter(user=user)
        .exclude(role=Role.CITIZEN.value)
        .select_related("agency")
        .order_by("role", "agency__code")
    )


def role_assignments_by_role(*, role: str) -> list[RoleAssignment]:
    """Everyone's assignments of one role, with the user and the agency (one query)."""
    return list(RoleAssignment.objects.filter(role=role).select_related("user", "agency"))


# --- user accounts ----------------------------------------------------------------------------


def user_get(*, pk: int, active_only: bool = False) -> User | None:
    """The user with this id (only if active, with `active_only`), or None (one query)."""
    users = (
        User.objects.filter(pk=pk, is_active=True) if active_only else User.objects.filter(pk=pk)
    )
    return users.first()


def user_exists(*, username: str) -> bool:
    return User.objects.filter(username=username).exists()


def users_by_username(*, usernames: Iterable[str]) -> dict[str, User]:
    """The users with these usernames, by username (one query); unknown ones are left out."""
    return {u.username: u for u in User.objects.filter(username__in=list(usernames))}


# --- citizen accounts -------------------------------------------------------------------------


def citizen_profile_get(*, user: User) -> CitizenProfile | None:
    """The citizen profile of a signed-in user, or None (officers, anonymous users)."""
    if not user.is_authenticated:
        return None
    return CitizenProfile.objects.filter(user_id=user.pk).first()


def citizen_is_verified(*, user: User) -> bool:
    """Whether the user reached one of their contacts with a code, or signed in with the
    national e-ID. Anonymous and inactive users are never verified."""
    if not user.is_authenticated or not user.is_active:
        return False
    profile = citizen_profile_get(user=user)
    return profile is not None and profile.is_verified


def user_find_by_contact(*, contact: str) -> User | None:
    """The one active user with this email address (any case) or mobile number, or None when
    there is none or more than one."""
    contact = (contact or "").strip()
    if not contact:
        return None
    if "@" in contact:
        users = list(User.objects.filter(email__iexact=contact, is_active=True)[:2])
    else:
        phone = phone_normalize(contact)
        if phone is None:
            return None
        users = list(User.objects.filter(phone=phone, is_active=True)[:2])
    return users[0] if len(users) == 1 else None


def contact_taken(*, email: str = "", phone: str = "", exclude_user_id: int | None = None) -> bool:
    """Whether another account already uses this email address or mobile number."""
    qs = User.objects.all()
    if exclude_user_id is not None:
        qs = qs.exclude(pk=exclude_user_id)
    if email and qs.filter(email__iexact=email).exists():
        return True
    return bool(phone) and qs.filter(phone=phone).exists()


def citizen_find_by_oidc(*, issuer: str, subject: str) -> User | None:
    profile = (
        CitizenProfile.objects.select_related("user")
        .filter(oidc_issuer=issuer, oidc_subject=subject)
        .first()
    )
    return profile.user if profile else None


@functools.cache
def commune_codes(*, province_code: int) -> frozenset[int]:
    """National codes of the province's communes (vietnam-provinces, 2025 data; the list is
    part of the installed package, so it is computed once per process)."""
    return _commune_codes(province_code)


@functools.lru_cache(maxsize=8)
def _commune_codes(province_code: int) -> frozenset[int]:
    return frozenset(int(w.code) for w in Ward.iter_all() if int(w.province_code) == province_code)


def password_reset_users(*, email: str) -> list[User]:
    """Active users a password-reset link may be sent to for this email address: those with a
    password, and, for citizens, only when the address was verified."""
    return [
        u
        for u in User.objects.filter(email__iexact=email, is_active=True).select_related(
            "citizen_profile"
        )
        if u.has_usable_password()
        and (not hasattr(u, "citizen_profile") or u.citizen_profile.email_verified_at is not None)
    ]
