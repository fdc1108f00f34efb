"""manage.py seed_calendar [--years 2025 2026]: load holidays and decreed days off."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.calendar.api import calendar_seed
from motcua.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Load statutory holidays (holidays package) and the government's yearly decisions "
        "into the working-day calendar. Idempotent; never overwrites rows edited by an admin. "
        "Default: the current year and the next (Asia/Ho_Chi_Minh)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", nargs="+", type=int, metavar="YEAR")

    def handle(self, *args: Any, **options: Any) -> None:
        years: list[int] | None = options.get("years")
        if not years:
            today = timezone.localdate(timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
            years = [today.year, today.year + 1]
        try:
            result = calendar_seed(years=years, actor=None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Seeded the working-day calendar for {', '.join(map(str, result.years))}:"
        )
        for label, days in (
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
            ("removed", result.removed),
            ("kept (edited by an admin)", result.kept_admin),
        ):
            listed = ", ".join(f"{d:%Y-%m-%d}" for d in days)
            detail = f" ({listed})" if listed and label != "unchanged" else ""
            self.stdout.write(f"  {label}: {len(days)}{detail}")
        self.stdout.write(self.style.SUCCESS("Done."))
