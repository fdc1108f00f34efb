from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.demo.accounts import DEMO_ACCOUNTS, demo_password
from motcua.demo.loader import DemoRefused, demo_load


class Command(BaseCommand):
    help = "Load the demo data (Điện Biên, calendar, procedures, accounts) once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load again even if loaded.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = demo_load(force=options["force"])
        except DemoRefused as exc:
            raise CommandError(exc.message) from exc
        for line in done:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password: {demo_password()}):")
        for acc in DEMO_ACCOUNTS:
            where = f" @ {acc.agency_code}" if acc.agency_code else ""
            self.stdout.write(f"  {acc.username:<11} {acc.role.value}{where}")
