"""Side effects after commit: the one helper services use to schedule background jobs."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, /, **kwargs: Any) -> None:
    """Send the named Celery task once the current transaction commits.

    Eager in the embedded default (CELERY_TASK_ALWAYS_EAGER); never sent for a rolled-back
    transaction."""
    from config.celery import app

    def _send() -> None:
        logger.info("enqueue %s %s", task_name, kwargs)
        if app.conf.task_always_eager:
            app.tasks[task_name].apply(kwargs=kwargs)
        else:
            app.send_task(task_name, kwargs=kwargs)

    transaction.on_commit(_send)
