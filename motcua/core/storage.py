"""Object storage (docs/adr/0046): what counts as the store being down, and deleting the
objects that a transaction wrote when that transaction does not commit.

**Outages.** `storage_outage(exc)` is True for the errors of an S3-compatible store that is
unreachable or failing (botocore's connection errors and timeouts, a 5xx or a throttling
answer — retrying later may succeed) and for a local disk that is full or read-only. The
interfaces answer them 503 with Retry-After (`core.http_errors.storage_unavailable_response`,
the API's code `storage_unavailable`), never 500.

**Objects of a rolled-back transaction.** Django has no `on_rollback`. A service that stores
files calls `track(storage, name)` for each object it wrote for rows of the current
transaction; `track` registers an `on_commit` that marks the object kept. The service is
wrapped (outside its `transaction.atomic`) in `deletes_on_rollback`, a scope that, when it
ends:

- after an exception: deletes every object written within it that was not kept (its rows
  were rolled back with the savepoint or the transaction);
- normally, when it was the outermost scope and no transaction is open any more: deletes every
  object not kept — its transaction rolled back (an enclosing `atomic` failed after the
  service returned, or a savepoint around it was rolled back: Django drops the `on_commit`
  callbacks registered inside a savepoint that rolls back, so the mark never comes).

When the scope ends inside a transaction opened by a caller that has no scope of its own, or
with the database unreachable (the connection may have been lost during COMMIT, so the rows
may be there — docs/adr/0044), the outcome is not known: the objects stay, and the orphan sweep (`manage.py storage_orphans`,
which deletes objects no row names, older than an hour) removes them if that transaction
rolled back — as it does for a process killed between the upload and the commit, and for a
delete that failed because the store was down (those are retried at the next scope's end
first)."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger("motcua.core.storage")

F = TypeVar("F", bound=Callable[..., Any])

#: S3 error codes that say the service is failing or throttling, not that the request is wrong.
S3_OUTAGE_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "503",
        "500",
        "502",
        "504",
    }
)
#: errno of a local disk that cannot take a file now.
DISK_OUTAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT})


class StorageUnavailable(Exception):
    """The object store could not be reached or failed: nothing was saved; try again later."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from or while handling (boto3 wraps botocore's)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        yield current
        current = current.__cause__ or current.__context__


def _botocore_outage(error: BaseException) -> bool:
    try:
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as BotoConnectionError
    except ImportError:  # pragma: no cover - django-storages[s3] is a runtime requirement
        return False
    # ConnectionError: EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError,
    # SSLError; HTTPClientError: ReadTimeoutError, ConnectionClosedError — no answer.
    if isinstance(error, BotoConnectionError | HTTPClientError):
        return True
    if isinstance(error, ClientError):
        response: dict[str, Any] = getattr(error, "response", None) or {}
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        code = str(response.get("Error", {}).get("Code") or "")
        return status >= 500 or code in S3_OUTAGE_CODES
    return False


def storage_outage(exc: BaseException) -> bool:
    """True when `exc` says the file store is unreachable or failing (see the module)."""
    from motcua.core.errors import ApplicationError

    for error in _chain(exc):
        if isinstance(error, ApplicationError):
            return False  # a rule of the domain, told to the user as it is
        if isinstance(error, StorageUnavailable) or _botocore_outage(error):
            return True
        if isinstance(error, OSError) and error.errno in DISK_OUTAGE_ERRNOS:
            return True
    return False


# --- objects written by a transaction --------------------------------------------------------


@dataclass(eq=False)
class Written:
    """An object written for rows of a transaction; `kept` once that transaction committed."""

    storage: Any
    name: str
    kept: bool = False

    def keep(self) -> None:
        self.kept = True


_scope: contextvars.ContextVar[list[Written] | None] = contextvars.ContextVar(
    "motcua_storage_written", default=None
)
#: Objects whose delete failed (the store was down): retried when a scope ends.
_undeleted: list[tuple[Any, str]] = []
_undeleted_lock = threading.Lock()
MAX_UNDELETED = 10_000


def track(storage: Any, name: str, *, using: str = DEFAULT_DB_ALIAS) -> Written:
    """Record an object just written for rows of the current transaction of `using`: kept
    when it commits, deleted by the enclosing `deletes_on_rollback` scope otherwise. Outside
    any transaction (autocommit) the caller saves its row at once: the object is kept."""
    entry = Written(storage=storage, name=name)
    if not transaction.get_connection(using).in_atomic_block:
        entry.keep()
        return entry
    transaction.on_commit(entry.keep, using=using)
    journal = _scope.get()
    if journal is not None:
        journal.append(entry)
    return entry


def delete_objects(objects: list[tuple[Any, str]]) -> int:
    """Delete these objects; never raises. A delete that fails because the store is down is
    remembered and tried again when a scope ends (the orphan sweep is the backstop). Returns
    how many were deleted."""
    done = 0
    for storage, name in objects:
        try:
            storage.delete(name)
            done += 1
        except FileNotFoundError:
            done += 1  # already gone
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the error being handled
            logger.warning("could not delete %s from storage: %s", name, exc)
            with _undeleted_lock:
                if len(_undeleted) < MAX_UNDELETED:
                    _undeleted.append((storage, name))
    return done


def _retry_undeleted() -> None:
    with _undeleted_lock:
        pending = list(_undeleted)
        _undeleted.clear()
    if pending:
        delete_objects(pending)


def undeleted_count() -> int:
    """How many objects are waiting for a delete that failed (for tests and /readyz)."""
    with _undeleted_lock:
        return len(_undeleted)


@contextlib.contextmanager
def written_scope(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[list[Written]]:
    """The scope of `deletes_on_rollback`, as a context manager (see the module)."""
    outer = _scope.get()
    journal: list[Written] = outer if outer is not None else []
    start = len(journal)
    token = _scope.set(journal)
    try:
        yield journal
    except BaseException as exc:
        # Only what this scope wrote: an enclosing scope looks after its own.
        mine = journal[start:]
        del journal[start:]
        if _commit_unknown(exc) and _named_by_a_row(mine, using) is not False:
            # The connection was lost, perhaps during COMMIT, and a fresh connection could not
            # tell (or a row does name them): the rows may be there. Keep the objects; the
            # orphan sweep deletes them if no row names them (ADR 0044, 0046).
            logger.warning(
                "database unreachable: %d stored objects kept for the orphan sweep to judge",
                sum(1 for w in mine if not w.kept),
            )
        else:
            delete_objects([(w.storage, w.name) for w in mine if not w.kept])
        raise
    finally:
        _scope.reset(token)
    if outer is not None:
        return  # the enclosing scope decides when it ends
    if transaction.get_connection(using).in_atomic_block:
        return  # a caller's transaction is still open: left to the orphan sweep if it fails
    delete_objects([(w.storage, w.name) for w in journal if not w.kept])
    journal.clear()
    _retry_undeleted()


def file_fields(*, default_storage_only: bool = True) -> list[tuple[Any, Any]]:
    """Every (model, FileField) — by default only those whose files live in the default
    storage: the rows that can name an object (the orphan sweep; `_named_by_a_row`, after a
    lost connection, asks every storage's fields)."""
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db import models

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
        and (field.storage is default_storage or not default_storage_only)
    ]


def _named_by_a_row(written: list[Written], using: str) -> bool | None:
    """After a lost connection: does a committed row name one of these objects? Asked on a
    fresh connection; None when that cannot be known (still unreachable, or a caller's
    transaction is open on the connection)."""
    from django.db import DatabaseError, connections

    names = [w.name for w in written if not w.kept]
    if not names:
        return False
    connection = connections[using]
    if connection.in_atomic_block:
        return None
    try:
        connection.close()
        for model, field in file_fields(default_storage_only=False):
            lookup = {f"{field.name}__in": names}
            if model._default_manager.using(using).filter(**lookup).exists():
                return True
    except DatabaseError:
        return None
    return False


def _commit_unknown(exc: BaseException) -> bool:
    """True when the database connection was lost: whether the transaction committed is not
    known (the error may come from the COMMIT itself)."""
    from motcua.core.dbdown import database_unreachable

    return database_unreachable(exc)


def deletes_on_rollback(service: F) -> F:
    """Wrap a service that stores files (put it outside `@transaction.atomic`): the objects it
    `track`ed are deleted when its transaction does not commit (see the module)."""

    @functools.wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with written_scope():
            return service(*args, **kwargs)

    return cast(F, wrapper)
