from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.api import catalog_export


class Command(BaseCommand):
    help = "Export the current catalog to a .json or .xlsx file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("json", "xlsx"):
            raise CommandError("Use a .json or .xlsx file name.")
        path.write_bytes(catalog_export(fmt=fmt))
        self.stdout.write(f"Wrote {path}")
