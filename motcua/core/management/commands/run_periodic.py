"""Run Celery beat's schedule in this process, eagerly: the embedded default's stand-in for
`celery beat` + a worker (no broker needed). Each job runs once at start, then on its period.

A job that fails (a bug, a database busy for longer than its timeout) is logged with its
traceback and tried again after at most a minute; the other jobs and the runner go on."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger("motcua.core.periodic")

# A failed job is tried again after this many seconds (or its period, if shorter).
RETRY_AFTER_FAILURE = 60.0


class Command(BaseCommand):
    help = "Run the periodic jobs of config/celery.py eagerly (embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        from celery import current_app as app

        from motcua.core.jobs import tasks_load

        # Celery's autodiscovery is lazy: without this, app.tasks knows none of the jobs.
        tasks_load()
        schedule = app.conf.beat_schedule
        missing = sorted(e["task"] for e in schedule.values() if e["task"] not in app.tasks)
        if missing:
            raise RuntimeError(f"scheduled jobs not registered: {', '.join(missing)}")
        next_run = dict.fromkeys(schedule, 0.0)
        self.stdout.write(
            f"{timezone.localtime():%Y-%m-%d %H:%M:%S} periodic jobs: {len(schedule)}"
        )
        while True:
            for name, entry in schedule.items():
                now = time.monotonic()
                if now < next_run[name]:
                    continue
                period = float(entry["schedule"])
                _fresh_connections()
                try:
                    result = app.tasks[entry["task"]].apply().get()
                except Exception:
                    wait = min(period, RETRY_AFTER_FAILURE)
                    logger.exception("periodic job %s failed; next try in %d s", name, wait)
                    next_run[name] = time.monotonic() + wait
                    continue
                finally:
                    _fresh_connections()
                took = int((time.monotonic() - now) * 1000)
                self.stdout.write(
                    f"{timezone.localtime():%Y-%m-%d %H:%M:%S} "
                    f"periodic job {name} done in {took} ms: {result}"
                )
                next_run[name] = now + period
            if options["once"]:
                return
            time.sleep(max(0.0, min(min(next_run.values()) - time.monotonic(), 5.0)))


def _fresh_connections() -> None:
    """Between jobs, drop connections past their age or broken (as Django does around each
    request); never inside a transaction (a test calling the command)."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()
