"""manage.py verify_audit: walk the audit's hash chains (ADR 0035).

Exit status 0 when every chain holds; 1, naming the first broken row (table, id, what is
wrong, expected and found), when a row was changed, deleted or inserted behind the system's
back. Rows from before the chain that are not chained yet are counted apart (they are not a
break: `manage.py audit_chain_backfill` chains them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from motcua.core.anchor import anchors_verify
from motcua.core.chain import Report, VerifyOptions, chain_sources

SHOWN = 20


def _since(text: str) -> dt.datetime:
    when = parse_datetime(text)
    if when is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"--since: not a date or a date and time: {text!r}")
        when = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


class Command(BaseCommand):
    help = "Check the audit's hash chains; non-zero and the first broken row when one fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chain",
            action="append",
            default=[],
            help="Only this kind of chain (repeatable): "
            + ", ".join(sorted(chain_sources()))
            + ", anchors.",
        )
        parser.add_argument("--dossier", help="Only this dossier's chain (its code or id).")
        parser.add_argument(
            "--since",
            help="Only chains written from then on (YYYY-MM-DD or an ISO date and time); "
            "the rows of a stream before then are trusted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sources = chain_sources()
        wanted = options["chain"] or [*sorted(sources), "anchors"]
        if options["dossier"]:
            wanted = ["dossiers"]
        unknown = [name for name in wanted if name not in sources and name != "anchors"]
        if unknown:
            raise CommandError(f"--chain: no such chain: {', '.join(unknown)}")
        since = _since(options["since"]) if options["since"] else None
        verify = VerifyOptions(since=since, dossier=options["dossier"])
        report = Report()
        for name in wanted:
            if name == "anchors":
                anchors_verify(report, since=since.date() if since else None)
            else:
                sources[name].verify(report, verify)
        self.stdout.write(
            f"{report.chains} chains, {report.rows} rows checked, {report.anchors} daily anchors"
        )
        for table, count in sorted(report.unchained.items()):
            self.stdout.write(
                f"not chained yet (from before the chain): {count} rows of {table} "
                "— manage.py audit_chain_backfill"
            )
        if not report.breaks:
            self.stdout.write("intact")
            return
        for brk in report.breaks[:SHOWN]:
            self.stderr.write(f"BROKEN {brk}")
        if len(report.breaks) > SHOWN:
            self.stderr.write(f"… and {len(report.breaks) - SHOWN} more")
        raise CommandError(
            f"{len(report.breaks)} broken; the first: {report.breaks[0]}", returncode=1
        )
