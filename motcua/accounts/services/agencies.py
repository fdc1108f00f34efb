"""The agency tree: create or update an agency (`agency_upsert`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import Agency, User
from motcua.core.audit import audit_record
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    receiving_desk: Agency | None = None,
    admin_unit_code: int | None = None,
    valid_from: datetime.date = datetime.date(2025, 7, 1),
    valid_to: datetime.date | None = None,
    code_is_placeholder: bool = False,
    actor: User | None = None,
) -> Agency:
    """Create the agency with this code, or update it. Validates the code and the dates."""
    agency = Agency.objects.select_for_update().filter(code=code).first() or Agency(code=code)
    agency.name = nfc(name).strip()
    agency.kind = kind
    agency.parent = parent
    agency.receiving_desk = receiving_desk
    agency.admin_unit_code = admin_unit_code
    agency.valid_from = valid_from
    agency.valid_to = valid_to
    agency.code_is_placeholder = code_is_placeholder
    try:
        agency.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The agency is not valid."), field_errors=exc.message_dict
        ) from exc
    created = agency.pk is None
    agency.save()
    audit_record(actor=actor, action="agency.created" if created else "agency.updated", obj=agency)
    return agency
