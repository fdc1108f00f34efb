"""The orphan sweep of the default storage (docs/adr/0046): objects that no row names.

A transaction whose outcome was not known (the database connection lost at COMMIT), a process
killed between an upload and its commit, or a delete that kept failing while the store was
down leaves an object that no row names. It is harmless (private, never served by URL) but
takes space. This command lists the objects under the folders the models' file fields write to
(`dossiers/`, `drafts/`, `pakn/`, … — the first part of each FileField's upload_to; the desk's
holding area has its own sweep), keeps those a row names, and reports — or with --delete
deletes — the others older than --older-than-hours (default 24: never an upload whose
transaction may still be running)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.db import models
from django.utils import timezone

from motcua.core.storage import file_fields


def _prefix(field: models.FileField) -> str | None:
    upload_to = field.upload_to
    if not isinstance(upload_to, str) or "/" not in upload_to.strip("/"):
        return None
    return upload_to.strip("/").split("/", 1)[0]


def _walk(storage: Storage, folder: str) -> list[str]:
    directories, files = storage.listdir(folder)
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names.extend(_walk(storage, f"{folder}/{directory}"))
    return names


def storage_orphans(*, older_than: dt.timedelta, delete: bool) -> dict[str, Any]:
    """The objects no row names, older than `older_than`; deleted when `delete`."""
    fields = file_fields()
    named: set[str] = set()
    prefixes: set[str] = set()
    for model, field in fields:
        prefix = _prefix(field)
        if prefix:
            prefixes.add(prefix)
        named.update(
            name
            for name in model._default_manager.exclude(**{field.name: ""}).values_list(
                field.name, flat=True
            )
            if name
        )
    limit = timezone.now() - older_than
    orphans: list[str] = []
    scanned = 0
    for prefix in sorted(prefixes):
        try:
            names = _walk(default_storage, prefix)
        except FileNotFoundError:
            continue
        for name in names:
            scanned += 1
            if name in named:
                continue
            if default_storage.get_modified_time(name) > limit:
                continue  # perhaps an upload whose transaction is still running
            orphans.append(name)
    deleted = 0
    if delete:
        for name in orphans:
            default_storage.delete(name)
            deleted += 1
    return {"scanned": scanned, "named": len(named), "orphans": orphans, "deleted": deleted}


class Command(BaseCommand):
    help = "List (or --delete) objects of the default storage that no row names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-hours", type=float, default=24.0)
        parser.add_argument("--delete", action="store_true", help="delete them")

    def handle(self, *args: Any, **options: Any) -> None:
        result = storage_orphans(
            older_than=dt.timedelta(hours=options["older_than_hours"]),
            delete=options["delete"],
        )
        for name in result["orphans"]:
            self.stdout.write(name)
        self.stdout.write(
            f"{result['scanned']} objects scanned, {len(result['orphans'])} orphans, "
            f"{result['deleted']} deleted"
        )
