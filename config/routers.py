"""The database router (docs/adr/0044): the primary (`default`) takes every write and every
migration; a read goes where its queryset says.

Reads are not sent to the replica by model: most reads decide something (an access check
before a write, the tracking page a citizen just changed, a service inside its transaction)
and must see the primary. The lists and reports that may lag a few seconds choose the replica
themselves with `.using(motcua.core.replica.read_alias())`, which also decides when it may not
be used (pinned after a write, inside a transaction, the replica down or too far behind).
This router keeps the two aliases consistent around those reads:

- an object read from the replica and then saved (or given to a new row as a foreign key)
  is written to the primary, never to the read-only standby;
- objects of the two aliases may be related (they are the same database);
- migrations run on the primary only (the standby replays them).
Without a replica configured it changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_SAME_DATABASE = frozenset({DEFAULT_DB_ALIAS, REPLICA})


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        """No opinion: the queryset's alias, the related instance's, or the primary."""
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        """The primary for anything read from the replica (Django would otherwise write where
        the instance came from)."""
        instance = hints.get("instance")
        if instance is not None and getattr(instance._state, "db", None) == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= _SAME_DATABASE:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
