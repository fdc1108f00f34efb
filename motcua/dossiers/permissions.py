"""Who may see a dossier and who may take which action. Deny by default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.api import user_agency_ids, user_roles
from motcua.accounts.data import Role
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.hostile import ascii_int
from motcua.core.identifiers import dossier_code_normalize
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.workflow import (
    OPEN_STEP,
    Action,
    DossierStatus,
    StepKind,
    StepStatus,
    action_allowed_in,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

A = Action
VIEW_ROLES = frozenset(
    {
        Role.DESK_OFFICER,
        Role.SPECIALIST,
        Role.LEADER,
        Role.AGENCY_ADMIN,
        Role.PROVINCE_ADMIN,
        Role.SUPERVISOR,
    }
)


@dataclass
class StepContext:
    main: DossierStep | None
    consultations: list[DossierStep]


def step_context(dossier: Dossier) -> StepContext:
    steps = [s for s in dossier.steps.all() if s.status in OPEN_STEP]
    main = next((s for s in steps if s.parent_id is None), None)
    consultations = [s for s in steps if s.parent_id is not None and s.status == StepStatus.ACTIVE]
    return StepContext(main=main, consultations=consultations)


def visible_dossiers(*, user: User) -> QuerySet[Dossier]:
    """Dossiers of the user's agencies (received, decided, or with a step there: consultations
    and transfers). Province admins and supervisors see their whole subtree."""
    agency_ids = user_agency_ids(user=user, roles=VIEW_ROLES)
    if not agency_ids:
        return Dossier.objects.none()
    step_dossiers = DossierStep.objects.filter(agency_id__in=agency_ids).values("dossier_id")
    return Dossier.objects.filter(
        Q(receiving_agency_id__in=agency_ids)
        | Q(deciding_agency_id__in=agency_ids)
        | Q(pk__in=step_dossiers)
    )


def access_dossier_for_officer(*, user: User, code: str) -> Dossier:
    """The dossier with this code (or #id for a dossier without code), if the user may see it;
    NotFound otherwise (never tells whether it exists).

    The code is read as people type it (`core.identifiers.dossier_code_normalize`: case,
    spaces, dashes), here once for every officer lookup: desk pages, REST operations, the
    documents list and downloads."""
    qs = visible_dossiers(user=user).select_related(
        "procedure_version", "receiving_agency", "deciding_agency"
    )
    if code.startswith("#"):
        pk = ascii_int(code[1:])  # ASCII digits only: "#²" or "#١" is no id
        dossier = qs.filter(pk=pk).first() if pk is not None else None
    else:
        printed = dossier_code_normalize(code)
        dossier = qs.filter(code=printed).first() if printed else None
    if dossier is None:
        raise NotFound(_("No dossier with this code is visible to you."), code="not_found")
    return dossier


def is_applicant(*, user: User, dossier: Dossier) -> bool:
    """Whether the user is the signed-in citizen who submitted the dossier online."""
    return (
        user.is_authenticated
        and dossier.applicant_user_id is not None
        and dossier.applicant_user_id == user.pk
    )


def require_applicant(*, user: User | None, dossier: Dossier) -> User:
    """PermissionDenied unless the user is the dossier's applicant (`is_applicant`): for the
    applicant's own answers online (completing, supplements, withdrawal)."""
    if user is None or not is_applicant(user=user, dossier=dossier):
        raise PermissionDenied(_("Only the applicant may do this."), code="forbidden")
    return user


def access_dossier_for_applicant(*, user: User, reference: str) -> Dossier:
    """The citizen's own dossier by its reference (a UUID: online dossiers have no code until
    the desk accepts them). NotFound for anyone else's, without saying it exists."""
    import uuid

    try:
        ref = uuid.UUID(str(reference))
    except ValueError as exc:
        raise NotFound(_("No such dossier among yours."), code="not_found") from exc
    dossier = (
        Dossier.objects.select_related("procedure_version", "receiving_agency", "deciding_agency")
        .filter(reference=ref, applicant_user_id=user.pk)
        .first()
        if user.is_authenticated
        else None
    )
    if dossier is None:
        raise NotFound(_("No such dossier among yours."), code="not_found")
    return dossier


APPLICANT_ACTIONS = ("resubmit", "supplement", "withdraw")


def applicant_actions(*, user: User, dossier: Dossier) -> list[str]:
    """What the applicant may do online now: complete the dossier after a completion request
    (`resubmit`), upload a supplement (`supplement`), ask to stop (`withdraw`)."""
    if not is_applicant(user=user, dossier=dossier):
        return []
    actions = []
    if dossier.status == DossierStatus.COMPLETION_REQUESTED:
        actions.append("resubmit")
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        actions.append("supplement")
    if action_allowed_in(A.WITHDRAW, dossier.status):
        actions.append("withdraw")
    return actions


def _holds(roles: set[tuple[str, int | None]], role: str, agency_id: int | None) -> bool:
    return (role, agency_id) in roles


def _may_work_step(roles: set[tuple[str, int | None]], user: User, step: DossierStep) -> bool:
    if step.assignee_id is not None:
        return step.assignee_id == user.pk
    return _holds(roles, step.role, step.agency_id)


def _may(
    action: Action,
    user: User,
    roles: set[tuple[str, int | None]],
    dossier: Dossier,
    ctx: StepContext,
) -> bool:
    desk = _holds(roles, Role.DESK_OFFICER, dossier.receiving_agency_id)
    main = ctx.main
    if action in (A.ACCEPT, A.REQUEST_COMPLETION, A.REFUSE, A.RETURN_RESULT):
        return desk
    if action == A.WITHDRAW:  # recorded at the desk, or asked online by the applicant
        return desk or is_applicant(user=user, dossier=dossier)
    if action == A.RECEIVE_SUPPLEMENT:  # the applicant uploads the supplement online
        return (
            desk
            or is_applicant(user=user, dossier=dossier)
            or (main is not None and _may_work_step(roles, user, main))
        )
    if action == A.CANCEL:
        return _holds(roles, Role.LEADER, dossier.deciding_agency_id)
    if action == A.APOLOGIZE:
        agencies = {dossier.deciding_agency_id, main.agency_id if main else None}
        return any(_holds(roles, Role.LEADER, a) for a in agencies)
    if action == A.ANSWER_CONSULTATION:
        return any(
            _holds(roles, c.role, c.agency_id) or _holds(roles, Role.LEADER, c.agency_id)
            for c in ctx.consultations
        )
    if main is None:
        return False
    if action == A.TAKE:
        return main.assignee_id is None and _holds(roles, main.role, main.agency_id)
    if not _may_work_step(roles, user, main):
        return False
    if action == A.APPROVE:
        return main.kind == StepKind.APPROVE
    if action == A.COMPLETE:
        return main.kind not in (StepKind.INTAKE, StepKind.RETURN)
    if action == A.FORWARD:
        return main.kind != StepKind.RETURN
    if action == A.SEND_BACK:
        return main.kind != StepKind.INTAKE
    if action in (A.CONSULT, A.TRANSFER, A.REQUEST_SUPPLEMENT, A.REJECT):
        return main.kind not in (StepKind.INTAKE, StepKind.RETURN)
    return False


MOVING = frozenset(
    {
        A.FORWARD,
        A.SEND_BACK,
        A.CONSULT,
        A.TRANSFER,
        A.REQUEST_SUPPLEMENT,
        A.COMPLETE,
        A.APPROVE,
        A.REJECT,
    }
)


def state_problem(action: Action, dossier: Dossier, ctx: StepContext) -> str | None:
    """Why the action is not possible in the dossier's current state beyond its status (a step
    waiting for consultations, an appointment already extended), or None."""
    if action in MOVING and ctx.main is not None and ctx.main.status == StepStatus.WAITING:
        return _("The step is waiting for the answers of the consulted agencies.")
    if action == A.APOLOGIZE and dossier.extended:
        return _("A new appointment can be set only once.")
    if action == A.TAKE and ctx.main is not None and ctx.main.assignee_id is not None:
        return _("Someone has already taken this step.")
    return None


def available_actions(*, user: User, dossier: Dossier) -> list[str]:
    """The actions this user may take on this dossier now, in a stable order."""
    if not user.is_authenticated:
        return []
    roles = user_roles(user=user)
    ctx = step_context(dossier)
    return [
        a.value
        for a in Action
        if action_allowed_in(a, dossier.status) and _may(a, user, roles, dossier, ctx)
    ]


def require_may(*, user: User | None, dossier: Dossier, action: Action) -> None:
    """PermissionDenied unless the user may take the action (the status was checked before).
    A None user is the system itself (demo loader, imports) and may do anything."""
    if user is None:
        return
    roles = user_roles(user=user)
    if not _may(action, user, roles, dossier, step_context(dossier)):
        raise PermissionDenied(_("You may not do this on this dossier now."), code="forbidden")


def handles_dossier(
    *, user: User, dossier: Dossier, roles: set[tuple[str, int | None]] | None = None
) -> bool:
    """Whether the user handles the dossier, so sees its applicant's personal data unmasked
    (Decree 13/2023/ND-CP; ADR 0036). Handling means, and only means:

    - a desk officer (Bộ phận Một cửa) of the receiving agency: receives, returns the result;
    - the officer holding a step of it now, or who held one before (its assignee, including
      consultations and transfers; the leader who approves holds the approve step);
    - for an open step no one has taken yet: the holders of its role at its agency (they take
      it from their queue), and for an open consultation the leaders of the consulted agency
      (they answer it).

    Everyone else who may open the dossier (supervisors, admins, colleagues of the agency)
    sees it masked and must give a reason to see the personal data. Uses `dossier.steps`
    (prefetch it for a list) and the user's roles (`roles`, read once for a list)."""
    if not user.is_authenticated:
        return False
    if roles is None:
        roles = user_roles(user=user)
    if _holds(roles, Role.DESK_OFFICER, dossier.receiving_agency_id):
        return True
    for step in dossier.steps.all():
        if step.assignee_id == user.pk:
            return True
        if step.status not in OPEN_STEP:
            continue
        if step.assignee_id is None and _holds(roles, step.role, step.agency_id):
            return True
        if step.parent_id is not None and _holds(roles, Role.LEADER, step.agency_id):
            return True
    return False
