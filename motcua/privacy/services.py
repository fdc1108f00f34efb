"""Writes of the privacy app (ADR 0036): the view log, a reason to see personal data, the
anonymisation of closed dossiers past their retention period, a citizen's own-data export."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.api import citizen_profile_get
from motcua.catalog.api import procedure_retention_years
from motcua.core import clock, ratelimit
from motcua.core.audit import audit_record
from motcua.core.errors import ApplicationError, ValidationFailed
from motcua.core.storage import delete_objects
from motcua.dossiers.api import (
    applicant_files,
    applicant_personal_data,
    dossier_anonymise,
    dossiers_closed_before,
)
from motcua.notifications.api import notifications_for_citizen
from motcua.pakn.api import feedback_personal_data
from motcua.payments.api import payments_personal_data
from motcua.privacy.data import REVEAL_REASONS, ViewReason
from motcua.privacy.models import AnonymisationRun, AnonymisedDossier, PersonalDataView

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier

logger = logging.getLogger(__name__)

NOTE_MAX = 500


class TooManyExports(ApplicationError):
    """The citizen asked for their data too often (429)."""

    status_code = 429


def _view_row(*, user: User, dossier: Dossier, reason: str, note: str, channel: str) -> Any:
    return PersonalDataView(
        at=clock.now(),
        dossier_id=dossier.pk,
        dossier_code=dossier.code or "",
        user_id=user.pk,
        user_label=(getattr(user, "full_name", "") or user.username)[:255],
        reason=reason,
        note=note[:NOTE_MAX],
        channel=channel,
    )


def personal_data_view_record(
    *, user: User, dossier: Dossier, reason: str, note: str = "", channel: str = "desk"
) -> None:
    """Log one unmasked view of the dossier's personal data: one INSERT, no lock, no read."""
    _view_row(user=user, dossier=dossier, reason=reason, note=note, channel=channel).save(
        force_insert=True
    )


def personal_data_views_record(
    *, user: User, dossiers: Iterable[Dossier], reason: str, channel: str = "api"
) -> None:
    """Log the unmasked views of several dossiers (one page of a list): one INSERT."""
    rows = [
        _view_row(user=user, dossier=d, reason=reason, note="", channel=channel) for d in dossiers
    ]
    if rows:
        PersonalDataView.objects.bulk_create(rows)


def personal_data_reveal_check(*, reason: str, note: str) -> tuple[str, str]:
    """The reason (one of REVEAL_REASONS) and its explanation, cleaned; ValidationFailed with
    the field's message otherwise. `other` needs an explanation."""
    reason = (reason or "").strip()
    note = " ".join((note or "").split())
    if reason not in {r.value for r in REVEAL_REASONS}:
        message = _("Choose why you need to see the personal data.")
        raise ValidationFailed(message, field_errors={"reason": [message]})
    if reason == ViewReason.OTHER and len(note) < 10:
        message = _("Explain in a few words why you need to see the personal data.")
        raise ValidationFailed(message, field_errors={"note": [message]})
    if len(note) > NOTE_MAX:
        message = _("The explanation is too long (at most 500 characters).")
        raise ValidationFailed(message, field_errors={"note": [message]})
    return reason, note


def personal_data_reveal(
    *, user: User, dossier: Dossier, reason: str, note: str = "", channel: str = "desk"
) -> tuple[str, str]:
    """Someone who does not handle the dossier asks to see its personal data: the reason is
    checked (`personal_data_reveal_check`) and the view logged. Returns (reason, note) to
    remember for the next views (each logged again)."""
    reason, note = personal_data_reveal_check(reason=reason, note=note)
    personal_data_view_record(user=user, dossier=dossier, reason=reason, note=note, channel=channel)
    return reason, note


# --- Anonymisation -------------------------------------------------------------------------


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def _delete_files(names: list[str]) -> None:
    # Never raises (an S3 outage is not an OSError): a failed delete is logged and retried
    # later; what is left is found by `manage.py storage_orphans` (docs/adr/0046).
    delete_objects([(default_storage, name) for name in names])


def _selections(default_years: int) -> list[tuple[int, list[str] | None, list[str]]]:
    """(years, the procedures with that period or None for the rest, the procedures excluded)."""
    own = procedure_retention_years()
    by_years: dict[int, list[str]] = {}
    for code, years in own.items():
        by_years.setdefault(years, []).append(code)
    out: list[tuple[int, list[str] | None, list[str]]] = [
        (years, sorted(codes), []) for years, codes in sorted(by_years.items())
    ]
    out.append((default_years, None, sorted(own)))
    return out


@dataclass(frozen=True)
class AnonymiseReport:
    runs: int
    dossiers: int
    files: int


def anonymise_due(
    *,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> AnonymiseReport:
    """Anonymise the closed dossiers past their retention period (the procedure's
    `retention_years`, else MOTCUA_DOSSIER_RETENTION_YEARS), in batches.

    Each batch is one transaction: `dossiers.api.dossier_anonymise` on each dossier (row
    locked; personal fields replaced; DossierEvent rows untouched), a marker row per dossier
    (`AnonymisedDossier`), one `AnonymisationRun` row and one audit entry
    (`privacy.anonymised`, with the dossier ids). The files are deleted from storage after the
    batch commits. Idempotent: a marked dossier is never selected again, and a run that stops
    half-way leaves whole batches only. At most `max_batches` batches per call."""
    now = now or clock.now()
    batch_size = batch_size or settings.MOTCUA_ANONYMISE_BATCH
    budget = max_batches or settings.MOTCUA_ANONYMISE_MAX_BATCHES
    done = AnonymisedDossier.objects.values("dossier_id")
    runs = dossiers = files = 0
    for years, codes, excluded in _selections(settings.MOTCUA_DOSSIER_RETENTION_YEARS):
        before = _years_before(now, years)
        last = 0  # id cursor: each batch reads on from the previous one (one pass per run)
        while runs < budget:
            ids = list(
                dossiers_closed_before(procedure_codes=codes, exclude_codes=excluded, before=before)
                .filter(pk__gt=last)
                .exclude(pk__in=done)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            last = ids[-1]
            deleted = _anonymise_batch(ids=ids, years=years, before=before, now=now)
            runs += 1
            dossiers += len(ids)
            files += deleted
    return AnonymiseReport(runs=runs, dossiers=dossiers, files=files)


@transaction.atomic
def _anonymise_batch(*, ids: list[int], years: int, before: dt.datetime, now: dt.datetime) -> int:
    run = AnonymisationRun.objects.create(at=now, retention_years=years, closed_before=before)
    names: list[str] = []
    for dossier_id in ids:
        names.extend(dossier_anonymise(dossier_id=dossier_id).files)
    AnonymisedDossier.objects.bulk_create(
        [AnonymisedDossier(dossier_id=i, at=now, run=run) for i in ids], ignore_conflicts=True
    )
    run.dossiers = len(ids)
    run.files = len(names)
    run.save(update_fields=["dossiers", "files"])
    audit_record(
        actor=None,
        action="privacy.anonymised",
        obj=run,
        data={
            "dossier_ids": ids,
            "files_deleted": len(names),
            "retention_years": years,
            "closed_before": before.isoformat(),
        },
    )
    transaction.on_commit(lambda: _delete_files(names))
    return len(names)


# --- Own-data export -----------------------------------------------------------------------


@dataclass(frozen=True)
class OwnDataExport:
    filename: str
    content: bytes
    content_type: str


def _profile(user: User) -> dict[str, Any]:
    profile = citizen_profile_get(user=user)
    data: dict[str, Any] = {
        "username": user.username,
        "full_name": getattr(user, "full_name", ""),
        "email": user.email,
        "phone": getattr(user, "phone", ""),
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
    if profile is not None:
        data["citizen_profile"] = {
            "kind": profile.kind,
            "id_number": profile.id_number,
            "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else None,
            "address": profile.address,
            "commune_code": profile.commune_code,
            "organisation_name": profile.organisation_name,
            "tax_code": profile.tax_code,
            "representative": profile.representative,
            "email_verified_at": _iso(profile.email_verified_at),
            "phone_verified_at": _iso(profile.phone_verified_at),
            "identity_verified_at": _iso(profile.identity_verified_at),
            "e_id_linked": bool(profile.oidc_subject),
        }
    return data


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def own_data_collect(*, user: User) -> dict[str, Any]:
    """Everything held about the signed-in citizen, linked to their account: their profile,
    the dossiers they submitted online (fields, answers, documents, timeline), their drafts,
    payments of those dossiers, the notifications the portal showed them. Satisfaction
    ratings are anonymous by design (ADR 0012) and linked to no one: none are included.
    Nothing of anyone else (the officers' names are left out of the timeline)."""
    held = applicant_personal_data(user=user)
    ids = held.pop("dossier_ids")
    codes = {d["reference"]: d["code"] for d in held["dossiers"]}
    notifications = [
        {
            # Messages without a dossier (feedback, surveys) have none.
            "dossier": (n.dossier.code or str(n.dossier.reference)) if n.dossier else "",
            "kind": n.kind,
            "subject": n.subject,
            "body": n.body,
            "created_at": _iso(n.created_at),
            "read_at": _iso(n.read_at),
        }
        for n in notifications_for_citizen(user=user).order_by("created_at", "id")
    ]
    return {
        "generated_at": clock.now().isoformat(),
        "profile": _profile(user),
        "dossiers": held["dossiers"],
        "drafts": held["drafts"],
        "payments": payments_personal_data(dossier_ids=ids),
        "notifications": notifications,
        # Feedback and recommendations sent from the account (ADR 0040).
        "feedback": feedback_personal_data(user=user),
        "satisfaction_ratings": [],
        "notes": {
            "satisfaction_ratings": "Anonymous by design: not linked to any account.",
            "dossier_codes": codes,
        },
    }


def own_data_export(*, user: User, with_files: bool = False) -> OwnDataExport:
    """The signed-in citizen's own data as a JSON file (or a ZIP with the JSON and their
    dossiers' stored files). Rate-limited: MOTCUA_OWN_DATA_EXPORTS per
    MOTCUA_OWN_DATA_EXPORT_WINDOW_HOURS (TooManyExports, 429). Audited
    (`privacy.own_data_exported`)."""
    window = settings.MOTCUA_OWN_DATA_EXPORT_WINDOW_HOURS * 3600
    if ratelimit.hit(
        key=f"rl:own-data:{user.pk}", limit=settings.MOTCUA_OWN_DATA_EXPORTS, window_seconds=window
    ):
        raise TooManyExports(
            _("You have asked for your data several times already: try again tomorrow."),
            code="rate_limited",
        )
    data = own_data_collect(user=user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    stamp = clock.now().strftime("%Y%m%d")
    files = applicant_files(user=user) if with_files else []
    with transaction.atomic():
        audit_record(
            actor=user,
            action="privacy.own_data_exported",
            obj=user,
            data={"dossiers": len(data["dossiers"]), "files": len(files)},
        )
    if not with_files:
        return OwnDataExport(
            filename=f"du-lieu-ca-nhan-{stamp}.json",
            content=body,
            content_type="application/json",
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("du-lieu-ca-nhan.json", body)
        for path, stored in files:
            try:
                with stored.open("rb") as fh:
                    archive.writestr(f"tep/{path}", fh.read())
            except (OSError, ValueError):  # a file missing from storage: listed in the JSON
                continue
    return OwnDataExport(
        filename=f"du-lieu-ca-nhan-{stamp}.zip",
        content=buffer.getvalue(),
        content_type="application/zip",
    )
