"""The public catalog's read cache (docs/adr/0042).

What the anonymous catalog pages and `GET /api/v1/procedures` show changes only when the
catalog does: a version is published, a procedure, field or agency is edited or imported. A
**generation**, a random token kept in Django's shared cache (the one every worker and
process of the installation sees: a file cache for `make run`, Redis in production; ADR 0016),
names the current state of the catalog. Every change replaces it, at once and again when its
transaction commits, so no worker reads the old data under the new generation.

Each process keeps what it computed from the database in a memo keyed by the generation it
read: the rows of the catalog, the field and agency lists, rendered pages and API answers. A
request reads the generation once (one cache read, no database) and finds its data in the
memo; after a change every process misses once and computes again. A generation missing from
the shared cache (cleared, evicted, culled) is replaced by a new one: a miss, never stale data.
When the shared cache cannot be read the memo is not used at all (the pages read the database).

Changes are seen through model signals (`connect_signals`, called by CatalogConfig.ready), so
the admin's edits, the catalog services and the agency services (accounts) all invalidate
without importing this module; bulk updates (`QuerySet.update`, `bulk_create`) and raw SQL
send no signal: a writer that uses them on public data calls `catalog_changed()`."""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from motcua.catalog.data import VersionStatus

log = logging.getLogger(__name__)
T = TypeVar("T")

# Entries kept per process for the current generation (rows, lists, pages, API answers). A
# search page is ~15 kB: at most ~10 MB per worker (the RSS budget of issue 12 is 200 MB).
MEMO_MAX_ENTRIES = 600


def _key() -> str:
    # The database name is part of the key: several installations (or test databases) may share
    # one file cache directory.
    return "motcua:catalog-generation:" + str(settings.DATABASES["default"].get("NAME", ""))


def catalog_generation() -> str | None:
    """The current generation of the catalog, or None when the shared cache cannot be read
    (then nothing is served from the memo)."""
    key = _key()
    try:
        generation = cache.get(key)
        if generation is None:
            cache.add(key, secrets.token_hex(8), timeout=None)
            generation = cache.get(key)
    except Exception:  # noqa: BLE001 — an unreachable cache only turns caching off
        log.warning("catalog cache: the shared cache cannot be read", exc_info=True)
        return None
    return str(generation) if generation is not None else None


def catalog_cache_bump() -> None:
    """Start a new generation now (every process's memo misses on its next read)."""
    try:
        cache.set(_key(), secrets.token_hex(8), timeout=None)
    except Exception:  # noqa: BLE001
        # The next reader may still see the old token: say so loudly; readers that cannot
        # reach the cache do not use the memo.
        log.exception("catalog cache: the generation could not be replaced")
    _MEMO.clear()


def catalog_changed() -> None:
    """The public catalog changed (or will when the current transaction commits): a new
    generation now, and another one after the commit, so that a reader that took the first
    one before the commit and read the old rows cannot keep them."""
    catalog_cache_bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is catalog_cache_bump for entry in connection.run_on_commit
    ):
        # Once per transaction (an import publishes many versions); a callback dropped with a
        # rolled-back savepoint is not found here, so the next change registers it again.
        transaction.on_commit(catalog_cache_bump)


class _Memo:
    """Process-local values of one generation, least recently used dropped first."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._data: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, generation: str, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if generation != self._generation or key not in self._data:
                return False, None
            self._data.move_to_end(key)
            return True, self._data[key]

    def put(self, generation: str, key: Hashable, value: Any) -> None:
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._data.clear()
            self._data[key] = value
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._generation = None
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


_MEMO = _Memo(MEMO_MAX_ENTRIES)


def catalog_memo(key: Hashable, compute: Callable[[], T], *, generation: str | None = None) -> T:
    """`compute()`'s value for `key` in the current generation of the catalog, computed at most
    once per process and generation. `generation`: the one the caller already read for this
    request (saves a cache read); without it, read here. The value is shared between threads:
    callers must not change it."""
    if generation is None:
        generation = catalog_generation()
        if generation is None:
            return compute()
    found, value = _MEMO.get(generation, key)
    if found:
        return value  # type: ignore[no-any-return]
    value = compute()
    _MEMO.put(generation, key, value)
    return value


def catalog_memo_clear() -> None:
    """Forget this process's memo (tests)."""
    _MEMO.clear()


# --- What invalidates: model signals ----------------------------------------------------------


def _is_draft(instance: Any) -> bool:
    return getattr(instance, "status", None) == VersionStatus.DRAFT and not getattr(
        instance, "is_current", False
    )


def _on_version_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A draft is not public: saving or deleting one changes no page (publishing saves it as
    # published, which is seen here).
    if not _is_draft(instance):
        catalog_changed()


def _on_changed(sender: Any, **kwargs: Any) -> None:
    catalog_changed()


def _on_version_agencies_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and not (hasattr(instance, "status") and _is_draft(instance)):
        catalog_changed()


def connect_signals() -> None:
    """Connect the invalidation to the models whose rows the public catalog shows."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from motcua.catalog.models import Field, Procedure, ProcedureVersion

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            _on_version_saved, sender=ProcedureVersion, dispatch_uid=f"catalog-cache-v-{name}"
        )
        signal.connect(_on_changed, sender=Procedure, dispatch_uid=f"catalog-cache-p-{name}")
        signal.connect(_on_changed, sender=Field, dispatch_uid=f"catalog-cache-f-{name}")
        # The agency tree (accounts): names and validity dates are shown by the agency list,
        # the search filter and the procedure page. A lazy reference: no import of accounts.
        signal.connect(
            _on_changed, sender="accounts.Agency", dispatch_uid=f"catalog-cache-a-{name}"
        )
    m2m_changed.connect(
        _on_version_agencies_changed,
        sender=ProcedureVersion.agencies.through,
        dispatch_uid="catalog-cache-va",
    )
