"""The one writer of AuditEntry rows. Call inside the service's transaction.

Every row is chained (ADR 0035, `core.chain`): its stream is the object's type and one of
`SHARDS` shards of the object's id (`audit_stream`), so writers about different objects
rarely wait for the same head row, and all rows about one object are in one stream, in order.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.utils import timezone

from motcua.core.chain import chain_append
from motcua.core.models import AuditEntry

#: Streams per object type.
SHARDS = 16


def audit_stream(object_type: str, object_id: str) -> str:
    """The stream of the audit chain that rows about this object go to."""
    return f"{object_type}/{zlib.crc32(object_id.encode()) % SHARDS}"


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: Any = None,
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Record who did what to which object (`obj`, or `object_type` and `object_id` for
    something that is not a row, e.g. a failed sign-in of an unknown name), chained."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    if not object_type:
        raise TypeError("audit_record() needs obj or object_type")
    object_id = object_id[:64]
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_label=str(getattr(actor, "username", "") or ("system" if actor is None else actor))[
            :150
        ],
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data or {},
    )
    chain_append(entry, stream=audit_stream(object_type, object_id))
    return entry
