from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import ValidationFailed
from motcua.documents.pki import demo_pki_ensure

DEFAULT_PEOPLE = [("Nguyễn Văn An", "Sở Công Thương"), ("Trần Thị Bích Ngọc", "Sở Xây dựng")]


class Command(BaseCommand):
    help = (
        "Make (once) a DEMO certificate authority and PKCS#12 keys for leaders and agency seals. "
        "Demo only: documents signed with them are not legally signed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default_dir = getattr(settings, "MOTCUA_DEMO_PKI_DIR", None) or (
            Path(getattr(settings, "VAR_DIR", "var")) / "pki"
        )
        parser.add_argument("--dir", default=str(default_dir), help="Where to keep the files")
        parser.add_argument("--force", action="store_true", help="Remake every key and the root")
        parser.add_argument(
            "--person",
            action="append",
            metavar="NAME=AGENCY",
            help="A leader and their agency (repeatable); default: two demo leaders",
        )
        parser.add_argument(
            "--agency", action="append", help="An agency that gets a seal (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people: list[tuple[str, str]] = []
        for item in options["person"] or []:
            name, sep, agency = item.partition("=")
            if not sep or not name.strip() or not agency.strip():
                raise CommandError(f"--person wants NAME=AGENCY, got {item!r}")
            people.append((name.strip(), agency.strip()))
        if not people and not options["agency"]:
            people = DEFAULT_PEOPLE
        agencies = options["agency"] or sorted({agency for _name, agency in people})
        try:
            pki = demo_pki_ensure(
                directory=options["dir"], people=people, agencies=agencies, force=options["force"]
            )
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        for path in pki.created:
            self.stdout.write(f"created {path}")
        if not pki.created:
            self.stdout.write(f"demo PKI already in {pki.directory}; nothing to do")
        self.stdout.write(f"trust root (demo only): {pki.root_cert}")
        for name, path in pki.leaders.items():
            self.stdout.write(f"leader  {name}: {path}")
        for agency, path in pki.seals.items():
            self.stdout.write(f"seal    {agency}: {path}")
