from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.accounts.province_import import province_import


class Command(BaseCommand):
    help = (
        "Import a province and its communes (vietnam-provinces, 2025 data) and create its "
        "departments and public administration service centres."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "province", type=int, help="National province code, e.g. 11 = Điện Biên"
        )
        parser.add_argument("--eid", help="The province's electronic ID (default H<code>)")
        parser.add_argument("--no-departments", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = province_import(
                province_code=options["province"],
                eid=options["eid"],
                with_departments=not options["no_departments"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.province}: {report.departments} departments, {report.communes} communes."
        )
