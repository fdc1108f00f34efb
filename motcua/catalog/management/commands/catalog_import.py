from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.api import catalog_import
from motcua.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Import procedures from a JSON or Excel file (docs/catalog-format.md). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--draft", action="store_true", help="Save as drafts; do not publish.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            report = catalog_import(
                content=path.read_bytes(),
                filename=path.name,
                actor=None,
                publish=not options["draft"],
            )
        except ValidationFailed as exc:
            for where, messages in exc.field_errors.items():
                for message in messages:
                    self.stderr.write(f"{where}: {message}")
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{report.total} procedures: {len(report.created)} created, "
            f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
        )
