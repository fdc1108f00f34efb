"""manage.py audit_chain_backfill: chain the audit rows written before the chain existed
(ADR 0035), in batches (one transaction each; safe to stop and run again, and to run while
the system works: each dossier is locked while its events are chained). Every kind of chain
registered with `core.chain.chain_source_add` that has rows from before."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.core.chain import chain_sources


class Command(BaseCommand):
    help = "Chain the audit rows and dossier events written before the audit chain existed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        for name, source in sorted(chain_sources().items()):
            if source.backfill is not None:
                self.stdout.write(f"{name}: {source.backfill(batch)} chained")
