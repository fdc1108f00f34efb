"""Publish the jobs left in the outbox (ADR 0045): those whose after-commit publish failed
(the broker was down) or never ran (the web process died between the commit and the publish).

Runs until SIGTERM or SIGINT (finishing the batch in hand), polling every `--interval`
seconds; while the broker is down it waits 1, 2, 4 … up to `--max-backoff` seconds between
tries. A database that cannot be reached is waited for the same way. `--once` publishes what
is there and stops (tests, cron). Exit status 0, or 1 when `--once` met a broker error."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, transaction

logger = logging.getLogger("motcua.core.jobs_relay")


class Command(BaseCommand):
    help = "Publish the jobs waiting in the job outbox to the broker (runs until SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Publish once and stop.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls (default 1)."
        )
        parser.add_argument(
            "--older-than",
            type=float,
            default=5.0,
            help="Leave rows younger than this many seconds to their own process (default 5).",
        )
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="Longest wait between tries while the broker is down (default 30).",
        )
        parser.add_argument("--batch", type=int, default=100, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.core.jobs import tasks_load

        tasks_load()
        stop = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_a: stop.set())
        try:
            self._loop(stop, options)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _loop(self, stop: threading.Event, options: dict[str, Any]) -> None:
        from motcua.core.jobs import BrokerDown, outbox_relay_once

        older_than = float(options["older_than"])
        interval = float(options["interval"])
        max_backoff = float(options["max_backoff"])
        batch = int(options["batch"])
        backoff = 0.0
        total = 0
        while not stop.is_set():
            if not transaction.get_connection().in_atomic_block:  # (a test's transaction)
                close_old_connections()  # a connection the database dropped: a new one
            try:
                sent = outbox_relay_once(older_than=older_than, batch=batch)
            except (BrokerDown, DatabaseError) as exc:
                if options["once"]:
                    self.stderr.write(f"jobs_relay: {exc}")
                    raise SystemExit(1) from exc
                backoff = min(max_backoff, backoff * 2 if backoff else 1.0)
                logger.warning("jobs relay: %s; next try in %.0f s", exc, backoff)
                stop.wait(backoff)
                continue
            if backoff:
                logger.info("jobs relay: the broker is back")
                backoff = 0.0
            total += sent
            if sent:
                logger.info("jobs relay: published %s job(s)", sent)
            if options["once"]:
                break
            if sent < batch:  # a full batch: more may wait, go on at once
                stop.wait(interval)
        self.stdout.write(f"jobs_relay: published {total} job(s)")
