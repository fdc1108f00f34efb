"""manage.py reports_rebuild: write the report's fact table again from the dossiers' events."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reports.api import facts_rebuild


class Command(BaseCommand):
    help = "Rebuild the report fact table (reports.DailyFlow) from the dossiers' events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk", type=int, default=2000, help="Dossiers read per batch (default 2000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = facts_rebuild(chunk=options["chunk"])
        self.stdout.write(f"{rows} rows in {time.monotonic() - started:.1f} s")
