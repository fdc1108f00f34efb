"""Side effects after commit: the one helper services use to schedule background jobs.

The Celery app is `celery.current_app`: config/celery.py (the composition root, loaded with the
settings through config/__init__.py) makes its app the default of every thread, so nothing here
imports `config`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

_suppressed: ContextVar[bool] = ContextVar("motcua_jobs_suppressed", default=False)


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Enqueue nothing inside the block (bulk loads such as the demo data, whose documents are
    rendered on first use instead)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def enqueue_on_commit(task_name: str, /, **kwargs: Any) -> None:
    """Send the named Celery task once the current transaction commits.

    Eager in the embedded default (CELERY_TASK_ALWAYS_EAGER); never sent for a rolled-back
    transaction."""
    if _suppressed.get():
        return

    def _send() -> None:
        logger.info("enqueue %s %s", task_name, kwargs)
        tasks_load()
        if current_app.conf.task_always_eager:
            current_app.tasks[task_name].apply(kwargs=kwargs)
        else:
            current_app.send_task(task_name, kwargs=kwargs)

    # robust: a failing job is logged; it never turns a committed change into an error page.
    transaction.on_commit(_send, robust=True)


def tasks_load() -> None:
    """Import every app's tasks module (Celery's autodiscovery is lazy)."""
    if not getattr(tasks_load, "_done", False):
        current_app.autodiscover_tasks(force=True)
        tasks_load._done = True  # type: ignore[attr-defined]
