"""Roles held in agencies (`role_grant`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.data import Role
from motcua.accounts.models import Agency, RoleAssignment, User
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed


@transaction.atomic
def role_grant(
    *, user: User, role: Role, agency: Agency | None, actor: User | None = None
) -> RoleAssignment:
    """Give a user a role in an agency (idempotent)."""
    if (role == Role.CITIZEN) != (agency is None):
        raise ValidationFailed(
            _("Officer roles are held in an agency; the citizen role is held without one."),
            field_errors={"agency": [_("Choose an agency for this role.")]},
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role.value, agency=agency
    )
    if created:
        audit_record(
            actor=actor,
            action="role.granted",
            obj=assignment,
            data={"role": role.value, "agency": agency.code if agency else None},
        )
    return assignment
