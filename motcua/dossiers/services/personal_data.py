"""Personal data in dossiers (ADR 0036): the anonymisation of a closed dossier past its
retention period (ẩn danh hoá), and everything held about a citizen for their own export.

The privacy app decides which dossiers are due and runs the job (`privacy.anonymise_due`);
this module is the one writer of a dossier's personal fields after it closed. It changes no
status, date, agency, procedure, step or DossierEvent row (events may be hash-chained, and
the reports' figures come from those), and keeps every DossierDocument row (the reports count
dossiers with attachments): it only empties the stored files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from motcua.dossiers.locks import dossier_for_update
from motcua.dossiers.models import Dossier, DossierDocument, DraftFile, OnlineDraft
from motcua.dossiers.workflow import TERMINAL, InvalidTransition

if TYPE_CHECKING:
    from motcua.accounts.models import User

#: What the applicant's name becomes (data, not a message: stays the same in every language).
ANONYMISED_NAME = "(đã ẩn danh)"

#: What a deleted file's name becomes (the name may carry the applicant's name).
DELETED_FILE_NAME = "(đã xoá khi ẩn danh)"

#: The files kept: the signed result is the agency's administrative decision, an archival
#: record under the archives law (its own retention, UNCONFIRMED); everything else stored for
#: the dossier (the applicant's attachments and supplements, the forms 01–06 that copy the
#: applicant's details) is deleted from storage.
KEPT_DOCUMENT_KINDS = frozenset({"result"})


@dataclass
class Anonymised:
    """What `dossier_anonymise` changed: the dossier, and the storage names of the files to
    delete once the transaction commits (deleting them earlier could not be rolled back)."""

    dossier_id: int
    files: list[str] = field(default_factory=list)


def dossiers_closed_before(
    *, procedure_codes: Iterable[str] | None, exclude_codes: Iterable[str] = (), before: dt.datetime
) -> QuerySet[Dossier]:
    """Closed dossiers (refused, returned, withdrawn, stopped) of these procedures (None: any
    procedure but `exclude_codes`) whose last change — the return of the result, else the
    result, else the last transition — was before `before`, in id order.

    The selection of the anonymisation job; the caller excludes the ones already done."""
    qs = Dossier.objects.filter(status__in=[s.value for s in TERMINAL])
    if procedure_codes is not None:
        qs = qs.filter(procedure_code__in=list(procedure_codes))
    excluded = list(exclude_codes)
    if excluded:
        qs = qs.exclude(procedure_code__in=excluded)
    closed = Coalesce(F("returned_at"), F("finished_at"), F("updated_at"))
    return qs.alias(closed_at=closed).filter(Q(closed_at__lt=before)).order_by("id")


def dossier_anonymise(*, dossier_id: int) -> Anonymised:
    """Replace the personal data of one closed dossier. Call inside a transaction: locks the
    dossier row (InvalidTransition if it is not closed, NotFound if there is none).

    A person: name → ANONYMISED_NAME; ID number, date of birth, tax code, phone, e-mail,
    address, the receiver's name and ID, the postal address and the form's answers emptied.
    An organisation keeps its name, tax code and address (not personal data); its
    representative, phone and e-mail are emptied. Kept: the commune (statistics), status,
    dates, agencies, procedure, steps, events, the decision note. The draft the dossier was
    submitted from is emptied the same way, its files deleted.

    Idempotent: a second call changes nothing more and returns no file. `updated_at` is left as
    it was (a queryset update), so the dossier's closing time does not move."""
    dossier = dossier_for_update(dossier_id=dossier_id)
    if dossier.status not in TERMINAL:
        raise InvalidTransition("Only a closed dossier can be anonymised.", code="not_closed")
    person = dossier.applicant_kind != "organisation"
    changes: dict[str, object] = {
        "id_number": "",
        "date_of_birth": None,
        "representative": "",
        "phone": "",
        "email": "",
        "form_data": {},
        "result_delivery_address": "",
        "returned_to": "",
    }
    if person:
        changes.update(applicant_name=ANONYMISED_NAME, tax_code="", address="")
    Dossier.objects.filter(pk=dossier.pk).update(**changes)
    files: list[str] = []
    documents = DossierDocument.objects.filter(dossier_id=dossier.pk).exclude(
        kind__in=KEPT_DOCUMENT_KINDS
    )
    for name in documents.exclude(file="").values_list("file", flat=True):
        files.append(str(name))
    documents.exclude(file="").update(file="", name=DELETED_FILE_NAME)
    drafts = OnlineDraft.objects.filter(dossier_id=dossier.pk)
    draft_files = DraftFile.objects.filter(draft__in=drafts)
    files.extend(str(n) for n in draft_files.exclude(file="").values_list("file", flat=True))
    draft_files.delete()
    drafts.update(applicant={}, form_data={}, delivery_address="")
    return Anonymised(dossier_id=dossier.pk, files=files)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


APPLICANT_EXPORT_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "id_number",
    "date_of_birth",
    "tax_code",
    "representative",
    "phone",
    "email",
    "address",
    "commune_code",
)


def applicant_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the dossiers app holds about a signed-in citizen, as JSON-ready data: the
    dossiers they submitted online (the applicant's fields, the form's answers, dates,
    status, the documents' names and checksums, the timeline without the officers' names)
    and their drafts. Only rows linked to this account (`applicant_user`, draft `owner`):
    nothing of anyone else. Read-only; a few queries whatever the number of dossiers."""
    dossiers = list(
        Dossier.objects.filter(applicant_user_id=user.pk)
        .prefetch_related("events", "documents")
        .order_by("id")
    )
    out: list[dict[str, Any]] = []
    for d in dossiers:
        applicant = {
            name: _iso(v) if isinstance(v, dt.date) else v
            for name in APPLICANT_EXPORT_FIELDS
            for v in [getattr(d, name)]
        }
        events = sorted(d.events.all(), key=lambda e: (e.at, e.pk))
        out.append(
            {
                "code": d.code,
                "reference": str(d.reference),
                "procedure": {"code": d.procedure_code, "name": d.procedure_name},
                "channel": d.channel,
                "status": d.status,
                "applicant": applicant,
                "form_data": d.form_data,
                "result_delivery": d.result_delivery,
                "result_delivery_address": d.result_delivery_address,
                "returned_to": d.returned_to,
                "submitted_at": _iso(d.submitted_at),
                "received_at": _iso(d.received_at),
                "appointment_at": _iso(d.appointment_at),
                "finished_at": _iso(d.finished_at),
                "returned_at": _iso(d.returned_at),
                "outcome": d.outcome,
                "documents": [
                    {
                        "kind": doc.kind,
                        "name": doc.name,
                        "size": doc.size,
                        "sha256": doc.sha256,
                        "uploaded_at": _iso(doc.created_at),
                        "stored": bool(doc.file),
                    }
                    for doc in sorted(d.documents.all(), key=lambda x: x.pk)
                ],
                "events": [
                    {
                        "at": _iso(e.at),
                        "action": e.action,
                        "from_status": e.from_status,
                        "to_status": e.to_status,
                        "note": e.note,
                    }
                    for e in events
                ],
            }
        )
    drafts = [
        {
            "procedure": {"code": dr.procedure_code, "name": dr.procedure_name},
            "applicant": dr.applicant,
            "form_data": dr.form_data,
            "delivery": dr.delivery,
            "delivery_address": dr.delivery_address,
            "created_at": _iso(dr.created_at),
            "updated_at": _iso(dr.updated_at),
            "submitted_at": _iso(dr.submitted_at),
            "files": [
                {"name": f.name, "size": f.size, "uploaded_at": _iso(f.created_at)}
                for f in sorted(dr.files.all(), key=lambda x: x.pk)
            ],
        }
        for dr in OnlineDraft.objects.filter(owner_id=user.pk)
        .prefetch_related("files")
        .order_by("id")
    ]
    return {"dossiers": out, "drafts": drafts, "dossier_ids": [d.pk for d in dossiers]}


def applicant_files(*, user: User) -> list[tuple[str, Any]]:
    """(path inside the archive, the stored file) of every file still stored for the
    citizen's own dossiers, for the ZIP of their export."""
    rows = (
        DossierDocument.objects.filter(dossier__applicant_user_id=user.pk)
        .exclude(file="")
        .select_related("dossier")
        .order_by("id")
    )
    return [
        (f"{doc.dossier.code or doc.dossier.reference}/{doc.pk}-{doc.name}", doc.file)
        for doc in rows
    ]
