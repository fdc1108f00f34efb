"""Online submission by a signed-in citizen: drafts (hồ sơ nháp) saved step by step, files
uploaded to the draft, one submission per draft; then the applicant's own answers: the
dossier completed after a completion request (form 02), supplements uploaded while it is
processed, withdrawal.

A draft is submitted once: the draft row is locked and remembers the dossier it became (a
one-to-one column), so a second submit — a double click, a retried POST, a race — returns
the same dossier."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.data import AgencyKind
from motcua.catalog.api import form_data_clean, procedure_get_current
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.core.hostile import ascii_int
from motcua.core.storage import deletes_on_rollback, track
from motcua.core.text import nfc
from motcua.dossiers import deadlines
from motcua.dossiers.data import ApplicantData, UploadedFile
from motcua.dossiers.models import DRAFT_STEPS, Dossier, DraftFile, OnlineDraft
from motcua.dossiers.permissions import require_applicant
from motcua.dossiers.services import processing
from motcua.dossiers.services.intake import (
    ONLINE_REVIEW_HOURS,
    _cleans_files_on_error,
    _files_errors,
    _store_files,
    _validate_applicant,
    dossier_submit_online,
)
from motcua.dossiers.services.transition import dossier_transition
from motcua.dossiers.services.uploads import upload_limits_check
from motcua.dossiers.validators import sanitize_filename, sniff_content_type, stored_name
from motcua.dossiers.workflow import DossierStatus

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.catalog.models import ProcedureVersion

S = DossierStatus
ONLINE_LEVELS = ("full", "partial")
DELIVERY_METHODS = ("desk", "post", "online")
APPLICANT_KEYS = (
    "kind",
    "full_name",
    "id_number",
    "date_of_birth",
    "name",
    "tax_code",
    "representative",
    "phone",
    "email",
    "address",
    "commune_code",
    "agency",
)


# --- helpers ---------------------------------------------------------------------------------


def _online_version(code: str) -> ProcedureVersion:
    version = procedure_get_current(code=code)
    if version is None:
        raise NotFound(_("No published procedure has this code."), code="not_found")
    if version.online_level not in ONLINE_LEVELS:
        raise ValidationFailed(
            _("This procedure is not offered online."),
            field_errors={"procedure": [_("This procedure is not offered online.")]},
        )
    return version


def _draft_for_update(draft_id: int, owner: User) -> OnlineDraft:
    """The owner's draft, locked. Another person's draft is NotFound (never says it exists)."""
    draft = OnlineDraft.objects.select_for_update().filter(pk=draft_id, owner_id=owner.pk).first()
    if draft is None:
        raise NotFound(_("No such draft."), code="not_found")
    return draft


def _open_draft(draft_id: int, owner: User) -> OnlineDraft:
    draft = _draft_for_update(draft_id, owner)
    if draft.dossier_id is not None or draft.submitted_at is not None:
        raise ValidationFailed(
            _("This draft was already submitted."),
            code="submitted",
            field_errors={"draft": [_("This draft was already submitted.")]},
        )
    return draft


def _reach(draft: OnlineDraft, step: str) -> None:
    """Remember the furthest step the applicant reached."""
    if DRAFT_STEPS.index(step) > DRAFT_STEPS.index(draft.step or DRAFT_STEPS[0]):
        draft.step = step


def _text_map(data: Mapping[str, Any], keys: Sequence[str]) -> dict[str, str]:
    return {k: nfc(str(data.get(k) or "")).strip() for k in keys}


def _parse_date(value: str) -> dt.date | None:
    from motcua.catalog.api import parse_date

    return parse_date(value) if value else None


def applicant_data_from(raw: Mapping[str, str]) -> tuple[ApplicantData, dict[str, list[str]]]:
    """The applicant as the dossier keeps it, from the strings of the applicant step, and the
    problems of parsing (date, commune)."""
    errors: dict[str, list[str]] = {}
    dob = None
    if raw.get("date_of_birth"):
        dob = _parse_date(raw["date_of_birth"])
        if dob is None:
            errors["applicant.date_of_birth"] = [_("Enter a date, e.g. 17/05/1995.")]
    commune: int | None = None
    if raw.get("commune_code"):
        commune = ascii_int(raw["commune_code"], maximum=2**31 - 1)
        if commune is None:
            errors["applicant.commune_code"] = [_("Choose a commune from the list.")]
    kind = raw.get("kind") or ""
    applicant = ApplicantData(
        kind=kind,
        full_name=raw.get("full_name", "") if kind == "person" else "",
        id_number=raw.get("id_number", "").replace(" ", ""),
        date_of_birth=dob if kind == "person" else None,
        name=raw.get("name", "") if kind == "organisation" else "",
        tax_code=raw.get("tax_code", "").replace(" ", "") if kind == "organisation" else "",
        representative=raw.get("representative", "") if kind == "organisation" else "",
        phone=raw.get("phone", ""),
        email=raw.get("email", ""),
        address=raw.get("address", ""),
        commune_code=commune,
    )
    return applicant, errors


def _applicant_errors(version: ProcedureVersion, raw: Mapping[str, str]) -> dict[str, list[str]]:
    applicant, errors = applicant_data_from(raw)
    for key, messages in _validate_applicant(applicant).items():
        errors.setdefault(key, []).extend(messages)
    kinds = list(version.applicant_kinds or [])
    if applicant.kind in ("person", "organisation") and kinds and applicant.kind not in kinds:
        errors.setdefault("applicant.kind", []).append(
            _("Only organisations may apply for this procedure.")
            if applicant.kind == "person"
            else _("Only individuals may apply for this procedure.")
        )
    agencies = list(version.agencies.all())
    # When several agencies handle the procedure the applicant chooses one: "Choose…" is not
    # an answer (the form preselects the agency of the applicant's commune, if it is one).
    if len(agencies) > 1 and raw.get("agency") not in {a.code for a in agencies}:
        errors.setdefault("applicant.agency", []).append(
            _("Choose the agency that handles your dossier.")
        )
    return errors


def commune_agency_code(version: ProcedureVersion, commune_code: str | int | None) -> str:
    """The code of the version's agency for this commune (the procedures every commune
    handles), or "" — the applicant step preselects it."""
    text = "" if commune_code is None else str(commune_code)
    if ascii_int(text) is None:
        return ""
    return next(
        (
            a.code
            for a in version.agencies.all()
            if a.kind == AgencyKind.COMMUNE and a.admin_unit_code == int(text)
        ),
        "",
    )


def _delivery_errors(delivery: str, address: str) -> dict[str, list[str]]:
    if delivery not in DELIVERY_METHODS:
        return {"delivery": [_("Choose how you want to receive the result.")]}
    if delivery == "post" and not address:
        return {"delivery_address": [_("Enter the address where the post should bring it.")]}
    return {}


def _documents_errors(version: ProcedureVersion, draft: OnlineDraft) -> dict[str, list[str]]:
    have = {f.checklist_position for f in draft.files.all()}
    missing = [
        d
        for d in version.documents.all()
        if d.requirement == "mandatory" and d.position not in have
    ]
    errors: dict[str, list[str]] = {}
    for d in missing:
        errors[f"documents.{d.position}"] = [
            _("Upload “%(name)s”: it is required.") % {"name": d.name}
        ]
    if not version.documents_known and not have:
        errors["documents"] = [_("Upload at least one document.")]
    return errors


# --- drafts ----------------------------------------------------------------------------------


@transaction.atomic
def online_draft_start(
    *, owner: User, procedure_code: str, applicant: Mapping[str, Any] | None = None
) -> OnlineDraft:
    """A new draft for the procedure's current version, its applicant step prefilled (from
    the citizen's profile). An open draft of the same procedure is returned instead, so a
    double click does not make two."""
    if not owner.is_authenticated:
        raise PermissionDenied(_("Sign in to submit online."), code="forbidden")
    version = _online_version(procedure_code)
    existing = (
        OnlineDraft.objects.select_for_update()
        .filter(owner_id=owner.pk, procedure_code=procedure_code, submitted_at__isnull=True)
        .order_by("-updated_at")
        .first()
    )
    if existing is not None:
        return existing
    prefill = _text_map(applicant or {}, APPLICANT_KEYS)
    if prefill["kind"] not in ("person", "organisation"):
        kinds = list(version.applicant_kinds or ["person"])
        prefill["kind"] = "person" if "person" in kinds else kinds[0]
    draft = OnlineDraft.objects.create(
        owner=owner,
        procedure_version=version,
        procedure_code=version.procedure.code,
        procedure_name=version.name,
        applicant={k: v for k, v in prefill.items() if v},
    )
    audit_record(actor=owner, action="draft.started", obj=draft, data={"code": procedure_code})
    return draft


@transaction.atomic
def online_draft_save_applicant(
    *, draft_id: int, owner: User, data: Mapping[str, Any]
) -> OnlineDraft:
    """The applicant step: a person (name, ID number, date of birth) or an organisation (name,
    tax code, representative), contacts, address; the handling agency when several may."""
    draft = _open_draft(draft_id, owner)
    raw = _text_map(data, APPLICANT_KEYS)
    errors = _applicant_errors(draft.procedure_version, raw)
    if errors:
        raise ValidationFailed(_("Check the applicant's details."), field_errors=errors)
    draft.applicant = {k: v for k, v in raw.items() if v}
    _reach(draft, "fields")
    draft.save(update_fields=["applicant", "step", "updated_at"])
    return draft


@transaction.atomic
def online_draft_save_fields(
    *, draft_id: int, owner: User, values: Mapping[str, Any]
) -> OnlineDraft:
    """The procedure-specific fields the version declares (catalog form_fields)."""
    draft = _open_draft(draft_id, owner)
    cleaned, errors = form_data_clean(
        fields=draft.procedure_version.form_fields or [], values=values
    )
    if errors:
        raise ValidationFailed(_("Check the fields marked below."), field_errors=errors)
    draft.form_data = cleaned
    _reach(draft, "documents")
    draft.save(update_fields=["form_data", "step", "updated_at"])
    return draft


@deletes_on_rollback
@transaction.atomic
def online_draft_file_add(
    *, draft_id: int, owner: User, file: UploadedFile, checklist_position: int | None
) -> DraftFile:
    """Attach a file to a draft, for one document of the checklist (or, when the procedure
    publishes no checklist, as an unnamed document). Checked like every upload: type by
    content, size, malware scan; the name is made safe."""
    draft = _open_draft(draft_id, owner)
    version = draft.procedure_version
    positions = {d.position for d in version.documents.all()}
    key = f"documents.{checklist_position}" if checklist_position else "documents"
    if checklist_position is not None and checklist_position not in positions:
        raise ValidationFailed(
            _("The procedure's checklist has no such document."),
            field_errors={key: [_("The procedure's checklist has no such document.")]},
        )
    if checklist_position is None and positions:
        raise ValidationFailed(
            _("Say which document of the checklist this file is."),
            field_errors={"documents": [_("Say which document of the checklist this file is.")]},
        )
    # Files of the draft and the owner's quota: one query (docs/adr/0037).
    upload_limits_check(files=[file], user_id=owner.pk, draft_id=draft.pk, field=key)
    problems = _files_errors([file])
    if problems:
        messages = [m for ms in problems.values() for m in ms]
        raise ValidationFailed(messages[0], field_errors={key: messages})
    digest = hashlib.sha256(file.content).hexdigest()
    content_type = sniff_content_type(file.content[:16]) or ""
    name = sanitize_filename(file.name, content_type)
    row = DraftFile(
        draft=draft,
        checklist_position=checklist_position,
        name=name,
        sha256=digest,
        size=len(file.content),
        content_type=content_type,
    )
    row.file.save(stored_name(digest, name), ContentFile(file.content), save=False)
    track(row.file.storage, row.file.name)  # deleted if the transaction rolls back (ADR 0046)
    try:
        row.save()
        _reach(draft, "documents")
        draft.save(update_fields=["step", "updated_at"])
    except BaseException:
        _delete_stored([row.file.name], row.file.storage)  # the row did not stay: no orphan
        raise
    return row


def _delete_stored(names: list[str], storage: Any) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # a missing file is already gone
            storage.delete(name)


def _delete_after_commit(stored: list[tuple[Any, str]]) -> None:
    """Delete stored files once the rows that pointed to them are gone for good."""

    def run() -> None:
        for storage, name in stored:
            _delete_stored([name], storage)

    transaction.on_commit(run)


@transaction.atomic
def online_draft_file_remove(*, draft_id: int, owner: User, file_id: int) -> None:
    draft = _open_draft(draft_id, owner)
    row = DraftFile.objects.filter(pk=file_id, draft=draft).first()
    if row is None:
        raise NotFound(_("No such file."), code="not_found")
    storage, name = row.file.storage, row.file.name
    row.delete()
    draft.save(update_fields=["updated_at"])
    _delete_after_commit([(storage, name)])


@transaction.atomic
def online_draft_save_delivery(
    *, draft_id: int, owner: User, delivery: str, address: str = ""
) -> OnlineDraft:
    """How the result is received: at the desk, by post (to this address) or online (the
    signed e-result on the portal)."""
    draft = _open_draft(draft_id, owner)
    address = nfc(address or "").strip()
    errors = _delivery_errors(delivery, address)
    if not errors and len(address) > 500:
        errors = {"delivery_address": [_("At most %(n)d characters.") % {"n": 500}]}
    if errors:
        raise ValidationFailed(_("Choose how you want to receive the result."), field_errors=errors)
    draft.delivery = delivery
    draft.delivery_address = address if delivery == "post" else ""
    _reach(draft, "review")
    draft.save(update_fields=["delivery", "delivery_address", "step", "updated_at"])
    return draft


@transaction.atomic
def online_draft_discard(*, draft_id: int, owner: User) -> None:
    """Delete an open draft and its files."""
    draft = _open_draft(draft_id, owner)
    stored = [(f.file.storage, f.file.name) for f in draft.files.all()]
    draft.delete()
    _delete_after_commit(stored)


def online_draft_problems(*, draft: OnlineDraft) -> dict[str, list[str]]:
    """Everything still wrong with a draft, by field (the review step lists them)."""
    version = procedure_get_current(code=draft.procedure_code)
    if version is None or version.online_level not in ONLINE_LEVELS:
        return {"procedure": [_("This procedure is no longer offered online.")]}
    errors = _applicant_errors(version, _text_map(draft.applicant or {}, APPLICANT_KEYS))
    _cleaned, form_errors = form_data_clean(
        fields=version.form_fields or [], values=draft.form_data or {}
    )
    errors.update(form_errors)
    errors.update(_documents_errors(version, draft))
    errors.update(_delivery_errors(draft.delivery, draft.delivery_address))
    return errors


@_cleans_files_on_error
@transaction.atomic
def online_draft_submit(*, draft_id: int, owner: User) -> Dossier:
    """Submit a draft: one dossier, waiting for the desk's review (accept, request completion
    or refuse within 8 working hours). Idempotent: the locked draft remembers its dossier, and
    submitting it again returns that dossier."""
    draft = _draft_for_update(draft_id, owner)
    if draft.dossier_id is not None:
        return Dossier.objects.get(pk=draft.dossier_id)
    errors = online_draft_problems(draft=draft)
    if errors:
        raise ValidationFailed(
            _("The dossier was not submitted: check the fields."), field_errors=errors
        )
    version = procedure_get_current(code=draft.procedure_code)
    assert version is not None  # checked by online_draft_problems
    raw = _text_map(draft.applicant or {}, APPLICANT_KEYS)
    applicant, _errors = applicant_data_from(raw)
    cleaned, _form_errors = form_data_clean(
        fields=version.form_fields or [], values=draft.form_data
    )
    rows = list(draft.files.all())
    files = [
        UploadedFile(name=f.name, content=_read(f), checklist_position=f.checklist_position)
        for f in rows
    ]
    dossier = dossier_submit_online(
        applicant_user=owner,
        procedure_code=draft.procedure_code,
        applicant=applicant,
        files=files,
        deciding_agency_code=raw.get("agency") or None,
        form_data=cleaned,
        delivery=draft.delivery,
        delivery_address=draft.delivery_address,
    )
    draft.dossier = dossier
    draft.submitted_at = dossier.submitted_at
    draft.save(update_fields=["dossier", "submitted_at", "updated_at"])
    stored = [(f.file.storage, f.file.name) for f in rows]
    DraftFile.objects.filter(draft=draft).delete()
    _delete_after_commit(stored)
    return dossier


def _read(row: DraftFile) -> bytes:
    with row.file.open("rb") as fh:
        return bytes(fh.read())


# --- the applicant's answers -----------------------------------------------------------------

#: Working days the applicant has to answer a supplement request, when the setting
#: MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS is not given. UNCONFIRMED for Decree 118 (domain.md
#: §1.4, §14): 15 working days is the window of the 09/06/2025 interconnection decree.
SUPPLEMENT_ANSWER_WORKING_DAYS = 15


def supplement_answer_due(
    *, dossier: Dossier, requested_at: dt.datetime | None = None
) -> dt.datetime | None:
    """By when the applicant should send the supplements asked for: the request's time (the
    clock's pause, or `requested_at` for a past request) plus
    MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS working days on the working calendar. None when
    no supplement request is open and no request time is given. Read-only.

    Nothing closes the dossier when it passes: the agency may then stop it (cancel)."""
    start = requested_at
    if start is None:
        if dossier.status != S.SUPPLEMENT_REQUESTED or dossier.paused_at is None:
            return None
        start = dossier.paused_at
    days = int(
        getattr(settings, "MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS", SUPPLEMENT_ANSWER_WORKING_DAYS)
    )
    if days <= 0:
        return None
    return deadlines.calendar().deadline(start, days, "working_days")


def _user_id(actor: User | None) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _need_files(files: Sequence[UploadedFile]) -> None:
    if not files:
        message = _("Upload the documents you were asked for.")
        raise ValidationFailed(message, field_errors={"files": [message]})
    errors = _files_errors(files)
    if errors:
        raise ValidationFailed(_("A file was refused."), field_errors=errors)


@_cleans_files_on_error
@transaction.atomic
def dossier_resubmit(
    *, dossier_id: int, actor: User | None, files: Sequence[UploadedFile], note: str = ""
) -> Dossier:
    """The applicant completes an online dossier after a completion request (form 02): the
    missing documents are uploaded and it goes back to the desk's queue (submitted), with a
    new 8-working-hour review deadline. The received time, if accepted, is this one: a
    dossier is received when it is complete."""
    _need_files(files)
    with dossier_transition(
        dossier_id=dossier_id, action="submit", actor=actor, by_applicant=True
    ) as t:
        # The dossier's files and the applicant's quota, once the dossier is locked and the
        # actor known to be its applicant (docs/adr/0037).
        upload_limits_check(files=files, user_id=_user_id(actor), dossier_id=dossier_id)
        dossier = t.dossier
        t.move_to(S.SUBMITTED)
        now = clock.now()
        cal = deadlines.calendar()
        asked = list(dossier.missing or [])
        positions = {f.checklist_position for f in files if f.checklist_position}
        if positions and dossier.checklist:
            dossier.checklist = [
                {**row, "received": True} if row.get("position") in positions else row
                for row in dossier.checklist
            ]
        dossier.submitted_at = now
        dossier.review_due_at = cal.deadline(now, ONLINE_REVIEW_HOURS, "working_hours")
        dossier.missing = []
        _store_files(dossier, files, "supplement", t.actor)
        t.record(  # submitted again: the desk reviews it as a new submission
            to_agency=dossier.receiving_agency,
            note=nfc(note).strip(),
            data={"again": True, "asked": asked, "files": len(files)},
        )
    return dossier


@_cleans_files_on_error
@transaction.atomic
def dossier_supplement_upload(
    *, dossier_id: int, actor: User | None, files: Sequence[UploadedFile], note: str = ""
) -> Dossier:
    """The applicant answers a supplement request by uploading what is missing: the
    supplement is received as at the desk, so the clock resumes (or restarts) by the
    version's rule."""
    _need_files(files)
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("No such dossier."), code="not_found")
    require_applicant(user=actor, dossier=dossier)
    # The applicant's quota here; the dossier's file count in dossier_receive_supplement.
    upload_limits_check(files=files, user_id=_user_id(actor))
    return processing.dossier_receive_supplement(
        dossier_id=dossier_id, actor=actor, files=files, note=note
    )


@transaction.atomic
def dossier_withdraw_by_applicant(*, dossier_id: int, actor: User | None, reason: str) -> Dossier:
    """The applicant asks to stop the dossier before there is a result (notice of stopping,
    form 05)."""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("No such dossier."), code="not_found")
    require_applicant(user=actor, dossier=dossier)
    return processing.dossier_withdraw(dossier_id=dossier_id, actor=actor, reason=reason)
