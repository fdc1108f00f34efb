"""Reads of the privacy app: who sees a dossier's personal data unmasked, and the view log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from motcua.accounts.api import user_has_any_role
from motcua.accounts.data import Role
from motcua.dossiers.api import handles_dossier, visible_dossiers
from motcua.privacy.data import REVEAL_REASONS, PersonalDataAccess, ViewReason
from motcua.privacy.models import AnonymisedDossier, PersonalDataView

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier

#: Who may read the view log (of the dossiers they may see: their agencies' subtree).
LOG_READER_ROLES = frozenset({Role.SUPERVISOR, Role.PROVINCE_ADMIN})


def personal_data_access(
    *, user: User, dossier: Dossier, revealed_reason: str | None = None
) -> PersonalDataAccess:
    """What `user` (who may already see the dossier) sees of its personal data.

    Unmasked for whoever handles it (`dossiers.api.handles_dossier`: the receiving desk, the
    holders of its steps past and present, the holders of its open step's queue), with the
    reason `handling`. For anyone else, unmasked only with a reason they gave
    (`revealed_reason`, one of REVEAL_REASONS, checked by `personal_data_reveal`); masked
    otherwise."""
    if handles_dossier(user=user, dossier=dossier):
        return PersonalDataAccess(unmasked=True, handler=True, reason=ViewReason.HANDLING.value)
    if revealed_reason in {r.value for r in REVEAL_REASONS}:
        return PersonalDataAccess(unmasked=True, handler=False, reason=revealed_reason)
    return PersonalDataAccess(unmasked=False, handler=False, reason=None)


def may_read_view_log(*, user: User) -> bool:
    return user_has_any_role(user=user, roles=set(LOG_READER_ROLES))


def personal_data_views(
    *, reader: User, dossier_id: int | None = None, username: str | None = None
) -> QuerySet[PersonalDataView]:
    """The view log, newest first, of the dossiers the reader may see (a supervisor or province
    admin: the agencies of their subtree), for one dossier and/or one officer (by username).
    Empty for anyone else."""
    if not may_read_view_log(user=reader):
        return PersonalDataView.objects.none()
    qs = PersonalDataView.objects.filter(dossier_id__in=visible_dossiers(user=reader).values("pk"))
    if dossier_id is not None:
        qs = qs.filter(dossier_id=dossier_id)
    if username:
        qs = qs.filter(user__username=username)
    return qs.order_by("-at", "-id")


def dossier_is_anonymised(*, dossier_id: int) -> bool:
    return AnonymisedDossier.objects.filter(dossier_id=dossier_id).exists()
