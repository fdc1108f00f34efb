"""manage.py reports_rebuild: write the report's fact table again from what is stored (the
dossiers' events, the payments, the signed results, the ratings). Safe while the system runs
(ADR 0029): it reads one snapshot and adds the difference; what commits meanwhile is kept."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.reports.api import facts_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the report fact table (reports.DailyFlow) from the dossiers' events, the "
        "payments, the signed results and the ratings; safe beside live traffic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk", type=int, default=2000, help="Dossiers read per batch (default 2000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = facts_rebuild(chunk=options["chunk"])
        self.stdout.write(f"{rows} rows in {time.monotonic() - started:.1f} s")
