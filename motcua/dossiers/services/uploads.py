"""Upload limits (issue 13 item 10, docs/adr/0037): files per dossier, and bytes per user.

- **Files per dossier** (`MOTCUA_MAX_FILES_PER_DOSSIER`, default 50): the files of an online
  draft; the scans of one desk intake; the attachments and supplements a dossier already has
  plus those being added. Results and the forms the system renders are not counted: the agency
  must always be able to finish a dossier.
- **Bytes per user** (`MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER`, default 200 MB), for what a person
  uploads as an applicant (portal drafts, a completion, a supplement answer): the files held in
  their drafts not yet submitted, plus the files they uploaded to dossiers in the last 24
  hours, plus the new ones. Officers' scans are not counted — receiving dossiers is their work;
  the per-dossier limit and the 10 MB per file (validators.upload_problem) bound them.

`upload_limits_check` asks for both in one query (scalar subqueries over the indexed owner,
draft, dossier and uploader columns, no counter column to keep) and locks the user's row, so
two uploads of one person at once are counted one after the other (the draft's own row is
locked by the draft services). The errors name the limit and what is used, in the field of
the first file over it, and nothing is written: the files already held stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, F, Func, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.dossiers.data import UploadedFile
from motcua.dossiers.models import Dossier, DossierDocument, DraftFile, OnlineDraft

#: The kinds of dossier document counted in the per-dossier limit (what people upload).
COUNTED_KINDS = ("attachment", "supplement")
#: How far back a user's uploads to dossiers count in their quota.
QUOTA_WINDOW = dt.timedelta(hours=24)


def max_files_per_dossier() -> int:
    return int(settings.MOTCUA_MAX_FILES_PER_DOSSIER)


def upload_quota_bytes() -> int:
    return int(settings.MOTCUA_UPLOAD_QUOTA_BYTES_PER_USER)


@dataclass(frozen=True)
class UploadUse:
    """What is already used: files of the draft or dossier, bytes of the user (0 when not
    asked for)."""

    files: int = 0
    bytes: int = 0


def _scalar(
    qs: QuerySet[DraftFile] | QuerySet[DossierDocument], function: str, field: str
) -> Coalesce:
    """SUM or COUNT of a column over `qs`, as a scalar subquery (0 when no row)."""
    total = qs.order_by().annotate(
        total=Func(F(field), function=function, output_field=BigIntegerField())
    )
    return Coalesce(Subquery(total.values("total")[:1]), Value(0), output_field=BigIntegerField())


def upload_use(
    *, user_id: int | None = None, draft_id: int | None = None, dossier_id: int | None = None
) -> UploadUse:
    """One query: the files of the draft (or of the dossier, counted kinds) and, when a user
    is given, the bytes of their unsubmitted drafts and of their uploads to dossiers in the
    last 24 hours. The user's row is locked until the transaction ends (call it inside one)."""
    columns: dict[str, Coalesce] = {}
    if draft_id is not None:
        columns["files"] = _scalar(DraftFile.objects.filter(draft_id=draft_id), "COUNT", "id")
    elif dossier_id is not None:
        counted = DossierDocument.objects.filter(dossier_id=dossier_id, kind__in=COUNTED_KINDS)
        columns["files"] = _scalar(counted, "COUNT", "id")
    if user_id is not None:
        held = DraftFile.objects.filter(draft__owner_id=user_id, draft__submitted_at__isnull=True)
        # created_at is written with the real time (auto_now_add), so the window is too.
        recent = DossierDocument.objects.filter(
            uploaded_by_id=user_id, created_at__gte=timezone.now() - QUOTA_WINDOW
        )
        columns["held"] = _scalar(held, "SUM", "size")
        columns["recent"] = _scalar(recent, "SUM", "size")
    if not columns:
        return UploadUse()
    base: QuerySet[Any]
    if user_id is not None:
        base = get_user_model().objects.select_for_update().filter(pk=user_id)
    elif draft_id is not None:
        base = OnlineDraft.objects.filter(pk=draft_id)
    else:
        base = Dossier.objects.filter(pk=dossier_id or 0)
    row: dict[str, Any] = dict(base.values(**columns).first() or {})
    return UploadUse(
        files=int(row.get("files") or 0),
        bytes=int(row.get("held") or 0) + int(row.get("recent") or 0),
    )


def upload_limits_check(
    *,
    files: Sequence[UploadedFile],
    user_id: int | None = None,
    draft_id: int | None = None,
    dossier_id: int | None = None,
    field: str | None = None,
) -> None:
    """Raise ValidationFailed when adding `files` would pass the files-per-dossier limit (of the
    draft, of the dossier, or of these files alone when neither is given) or, with `user_id`,
    the user's quota. The error is on `field`, or on `documents[i]`, i the first new file over
    the limit (1-based, the name every upload error uses). Nothing is written."""
    if not files:
        return
    use = upload_use(user_id=user_id, draft_id=draft_id, dossier_id=dossier_id)
    maximum = max_files_per_dossier()
    if use.files + len(files) > maximum:
        first_over = max(1, maximum - use.files + 1)
        message = _(
            "A dossier holds at most %(max)d files: it has %(have)d and %(adding)d more were "
            "sent. Remove files you do not need, or put several pages into one PDF file."
        ) % {"max": maximum, "have": use.files, "adding": len(files)}
        raise ValidationFailed(
            message,
            code="too_many_files",
            field_errors={field or f"documents[{first_over}]": [message]},
        )
    if user_id is None:
        return
    quota = upload_quota_bytes()
    adding = sum(len(f.content) for f in files)
    if use.bytes + adding > quota:
        running, first_over = use.bytes, 1
        for i, f in enumerate(files, start=1):
            running += len(f.content)
            if running > quota:
                first_over = i
                break
        message = _(
            "You may upload at most %(quota)s: the files in your dossiers not yet submitted "
            "plus those you uploaded in the last 24 hours. You have used %(used)s; the files "
            "sent now (%(adding)s) would go over it. Remove files from drafts you no longer "
            "need, or try again tomorrow."
        ) % {
            "quota": filesizeformat(quota),
            "used": filesizeformat(use.bytes),
            "adding": filesizeformat(adding),
        }
        raise ValidationFailed(
            message,
            code="upload_quota",
            field_errors={field or f"documents[{first_over}]": [message]},
        )


__all__ = [
    "COUNTED_KINDS",
    "UploadUse",
    "max_files_per_dossier",
    "upload_limits_check",
    "upload_quota_bytes",
    "upload_use",
]
