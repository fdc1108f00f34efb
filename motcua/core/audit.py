"""The one writer of AuditEntry rows. Call inside the service's transaction."""

from __future__ import annotations

from typing import Any

from motcua.core.models import AuditEntry


def audit_record(
    *, actor: Any | None, action: str, obj: Any, data: dict[str, Any] | None = None
) -> AuditEntry:
    actor_id = getattr(actor, "pk", None)
    return AuditEntry.objects.create(
        actor_id=actor_id,
        actor_label=str(getattr(actor, "username", "") or ("system" if actor is None else actor)),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
