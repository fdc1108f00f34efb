"""Side effects after commit: the one helper services use to schedule background jobs, the
job outbox that keeps them while the broker is down, and the queues (ADR 0045).

The Celery app is `celery.current_app`: config/celery.py (the composition root, loaded with the
settings through config/__init__.py) makes its app the default of every thread, so nothing here
imports `config`.

Two ways a job runs:

- **Eager** (no broker: `make run`, the tests, the benches; CELERY_TASK_ALWAYS_EAGER): the job
  runs in the web process right after the commit, as it always did. No outbox row.
- **With a broker**: `enqueue_on_commit` writes a `JobOutbox` row in the caller's transaction
  (the job exists exactly when the change does), publishes it after the commit and deletes the
  row. When the broker cannot be reached the row stays (the request is not held: short
  timeouts, and after one failure the process stops trying for BROKER_PAUSE seconds) and
  `manage.py jobs_relay` publishes it when the broker is back. The task id is `outbox-<row id>`:
  a job published twice (the relay and the after-commit publish racing) is the same task
  twice, which every job tolerates (each is idempotent: ADR 0045 says why, job by job).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from celery import Task, current_app
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from motcua.core.models import JobOutbox

logger = logging.getLogger(__name__)

_suppressed: ContextVar[bool] = ContextVar("motcua_jobs_suppressed", default=False)

#: The queues, each served by the workers named in docs/adr/0045 (deploy/prodctl):
#: signing, rendering: CPU and the key store; notifications, exchange: slow remote services;
#: reports and default: sweeps and everything else.
QUEUES = ("signing", "rendering", "notifications", "exchange", "reports", "default")
#: Jobs routed by exact name.
ROUTES = {
    "dossiers.sign_result": "signing",
    "dossiers.sign_pending": "signing",
    "dossiers.render_form": "rendering",
    "accounts.send_verification_code": "notifications",
}
#: Jobs routed by the prefix of their name (the first that matches).
PREFIX_ROUTES = (
    ("notifications.", "notifications"),
    # Inter-agency exchange and the national portal's sync (none is a job yet: ADR 0045).
    ("exchange.", "exchange"),
    ("integrations.", "exchange"),
    ("reports.", "reports"),
)
DEFAULT_QUEUE = "default"

#: Seconds a process stops publishing directly after the broker failed once (the relay
#: publishes the rows meanwhile): one web request in this many pays the connection timeout.
BROKER_PAUSE = 10.0
_broker_down_until = 0.0
_broker_lock = threading.Lock()


#: Retries of a job that failed because the database, the file store or the broker could not
#: be reached (2, 4, 8 … 60 s apart: about half an hour of outage); then the sweeps.
OUTAGE_RETRIES = 30
OUTAGE_RETRY_MAX_SECONDS = 60


def infrastructure_outage(exc: BaseException) -> bool:
    """True when `exc` says a service the job needs was out of reach (the database down or
    busy, the file store failing, Redis): worth trying again later, unlike a bug or a rule
    of the domain."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from motcua.core.busy import database_busy
    from motcua.core.dbdown import database_unreachable
    from motcua.core.storage import storage_outage

    return (
        database_unreachable(exc)
        or database_busy(exc)
        or storage_outage(exc)
        or isinstance(exc, RedisConnectionError | RedisTimeoutError)
    )


class JobTask(Task):  # type: ignore[misc]
    """The base of every job (config/celery.py: `task_cls`): a job that fails because the
    database, the file store or Redis was out of reach is retried with backoff on a worker
    (at most OUTAGE_RETRIES times, whatever its own `max_retries`), not dropped. Eager jobs
    raise as before (no worker to retry later: the sweeps do).

    Like Celery's own `autoretry_for`, the task's `run` is wrapped when the task is made (a
    custom `__call__` would change the request eager jobs see)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner: Callable[..., Any] = getattr(self, "run")  # noqa: B009 — the task's body

        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return inner(*args, **kwargs)
            except Retry:
                raise
            except Exception as exc:
                self._retry_after_outage(exc)
                raise

        run.__wrapped__ = inner  # type: ignore[attr-defined]
        setattr(self, "run", run)  # noqa: B010 — an attribute of this task only

    def _retry_after_outage(self, exc: Exception) -> None:
        """Raise Retry when `exc` is an outage and retries are left; else return."""
        request = self.request
        if request.is_eager or not infrastructure_outage(exc):
            return
        retries = int(request.retries or 0)
        if retries >= OUTAGE_RETRIES:
            return
        countdown = retry_countdown(min(2 ** (retries + 1), OUTAGE_RETRY_MAX_SECONDS))
        logger.warning(
            "job %s[%s] met an outage (%s: %s); retry %s in %s s",
            self.name,
            request.id,
            type(exc).__name__,
            exc,
            retries + 1,
            countdown,
        )
        raise self.retry(
            exc=exc,
            countdown=countdown,
            max_retries=max(int(self.max_retries or 0), OUTAGE_RETRIES),
        ) from exc


def queue_for(task_name: str) -> str:
    """The queue of the named job."""
    queue = ROUTES.get(task_name)
    if queue is not None:
        return queue
    for prefix, queue in PREFIX_ROUTES:
        if task_name.startswith(prefix):
            return queue
    return DEFAULT_QUEUE


def route_task(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any) -> Any:
    """Celery's router (CELERY_TASK_ROUTES): every job sent, by beat too, goes to its queue. A
    queue given when sending (the outbox row's) wins."""
    return {"queue": queue_for(name)}


def retry_countdown(seconds: float) -> int:
    """`seconds`, at most half the broker's visibility timeout: a job waiting for its retry is
    held unacknowledged by a worker, and one held longer than the visibility timeout would be
    delivered a second time meanwhile (Celery with Redis)."""
    limit = int(getattr(settings, "MOTCUA_CELERY_VISIBILITY_TIMEOUT", 3600)) // 2
    return max(1, min(int(seconds), max(limit, 1)))


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Enqueue nothing inside the block (bulk loads such as the demo data, whose documents are
    rendered on first use instead)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def enqueue_on_commit(task_name: str, /, *, queue: str | None = None, **kwargs: Any) -> None:
    """Run the named job once the current transaction commits; never for a rolled-back one.

    Eager without a broker (CELERY_TASK_ALWAYS_EAGER). With a broker the job is written to the
    outbox in the caller's transaction and published after the commit (the relay publishes it
    later when the broker is down). `queue` overrides the job's usual queue (`queue_for`).
    The arguments must be JSON values."""
    if _suppressed.get():
        return
    tasks_load()
    if current_app.conf.task_always_eager:

        def _run() -> None:
            logger.info("enqueue %s %s", task_name, kwargs)
            current_app.tasks[task_name].apply(kwargs=kwargs)

        # robust: a failing job is logged; it never turns a committed change into an error page.
        transaction.on_commit(_run, robust=True)
        return

    from motcua.core.models import JobOutbox

    row = JobOutbox.objects.create(
        task_name=task_name, kwargs=kwargs, queue=queue or queue_for(task_name)
    )
    transaction.on_commit(lambda: _publish_after_commit(row), robust=True)


def _publish_after_commit(row: JobOutbox) -> None:
    """Publish a committed outbox row and delete it; on failure leave it to the relay."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return  # the broker failed a moment ago: the relay publishes it
    try:
        _publish(row)
    except Exception as exc:  # noqa: BLE001 — any broker error: the row stays for the relay
        with _broker_lock:
            _broker_down_until = time.monotonic() + BROKER_PAUSE
        logger.warning("job %s #%s left for the relay: %s", row.task_name, row.pk, exc)
        _record_failure([row.pk], exc)
        return
    from motcua.core.models import JobOutbox

    try:
        JobOutbox.objects.filter(pk=row.pk).delete()
    except Exception:  # noqa: BLE001 — published: the relay may publish it again (harmless)
        logger.warning("job %s #%s published, its outbox row not deleted", row.task_name, row.pk)


def task_id_for(row_id: int) -> str:
    """The Celery task id of an outbox row: the same however often the row is published."""
    return f"outbox-{row_id}"


def _publish(row: JobOutbox) -> None:
    from motcua.core.faultpoints import faultpoint

    faultpoint("jobs.before_publish")
    current_app.send_task(
        row.task_name, kwargs=row.kwargs, queue=row.queue, task_id=task_id_for(row.pk)
    )


def _record_failure(ids: list[int], exc: BaseException) -> None:
    from django.db.models import F

    from motcua.core.models import JobOutbox

    try:
        JobOutbox.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
    except Exception:  # noqa: BLE001 — the database too: the row keeps its old error
        logger.warning("outbox rows %s: the failure could not be recorded", ids)


class BrokerDown(Exception):
    """The broker refused or could not be reached while the relay published."""


def outbox_relay_once(*, older_than: float = 5.0, batch: int = 100) -> int:
    """Publish the outbox rows older than `older_than` seconds (younger ones are being
    published by the process that wrote them), oldest first, at most `batch`; delete each one
    published. Rows are locked `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several relays never
    publish the same row at once. Returns how many were published; raises BrokerDown (after
    recording the error on the row) when the broker fails, leaving the rest for next time."""
    from motcua.core.models import JobOutbox

    cutoff = timezone.now() - dt.timedelta(seconds=older_than)
    published: list[int] = []
    error: Exception | None = None
    with transaction.atomic():
        rows = list(
            JobOutbox.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=cutoff)
            .order_by("id")[:batch]
        )
        for row in rows:
            try:
                _publish(row)
            except Exception as exc:  # noqa: BLE001 — any broker error stops the batch
                error = exc
                _record_failure([row.pk], exc)
                break
            published.append(row.pk)
        if published:
            JobOutbox.objects.filter(pk__in=published).delete()
    if error is not None:
        raise BrokerDown(f"{type(error).__name__}: {error}") from error
    return len(published)


def jobs_outbox_pending() -> int:
    """How many jobs wait in the outbox (for the metrics: 0 or a few at rest)."""
    from motcua.core.models import JobOutbox

    return JobOutbox.objects.count()


def jobs_outbox_lag_seconds() -> float:
    """Age in seconds of the oldest job waiting in the outbox (0 when none): how long the
    broker has been out of reach, or the relay stopped."""
    from motcua.core.models import JobOutbox

    oldest = JobOutbox.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None:
        return 0.0
    return max(0.0, (timezone.now() - oldest).total_seconds())


def tasks_load() -> None:
    """Import every app's tasks module (Celery's autodiscovery is lazy)."""
    if not getattr(tasks_load, "_done", False):
        current_app.autodiscover_tasks(force=True)
        tasks_load._done = True  # type: ignore[attr-defined]
