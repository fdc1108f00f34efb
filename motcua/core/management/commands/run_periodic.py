"""Run Celery beat's schedule in this process, eagerly: the embedded default's stand-in for
`celery beat` + a worker (no broker needed). Each job runs once at start, then on its period."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the periodic jobs of config/celery.py eagerly (embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        from config.celery import app

        schedule = app.conf.beat_schedule
        next_run = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if now >= next_run[name]:
                    result = app.tasks[entry["task"]].apply().get()
                    self.stdout.write(f"{name}: {result}")
                    next_run[name] = now + float(entry["schedule"])
            if options["once"]:
                return
            time.sleep(5)
