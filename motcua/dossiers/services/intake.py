"""Intake at the desk (in person, by post) and of online submissions: accept (receipt, code,
appointment), request completion (form 02, no clock), refuse (form 03).

A new dossier is written by `dossier_creation`, a decision on an online one is a
`dossier_transition` (services/transition.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.api import (
    agency_get_by_code,
    agency_where_desk_officer,
    commune_codes,
    desks_of,
)
from motcua.accounts.data import AgencyKind
from motcua.catalog.api import form_data_clean, procedure_get_current
from motcua.core import clock, fastinsert
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.storage import delete_objects, deletes_on_rollback, track
from motcua.core.text import nfc
from motcua.dossiers import deadlines
from motcua.dossiers.data import ApplicantData, ChecklistItem, UploadedFile
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services.codes import dossier_code_next, dossier_code_next_at_desk
from motcua.dossiers.services.steps import steps_instantiate
from motcua.dossiers.services.transition import dossier_creation, dossier_transition
from motcua.dossiers.services.uploads import upload_limits_check
from motcua.dossiers.validators import (
    id_number_problem,
    phone_problem,
    sanitize_filename,
    sniff_content_type,
    stored_name,
    tax_code_problem,
    upload_problem,
)
from motcua.dossiers.workflow import Action, DossierStatus

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User
    from motcua.catalog.models import ProcedureVersion

S = DossierStatus
F = TypeVar("F", bound=Callable[..., Any])
ONLINE_REVIEW_HOURS = 8  # accept or send back an online submission within 8 working hours
CHANNELS = ("desk", "postal", "online")


def _validate_applicant(applicant: ApplicantData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(f"applicant.{field}", []).append(message)

    if applicant.kind == "person":
        if not applicant.full_name.strip():
            add("full_name", _("Enter the applicant's full name."))
        problem = id_number_problem(applicant.id_number, applicant.date_of_birth)
        if problem:
            add("id_number", problem)
    elif applicant.kind == "organisation":
        if not applicant.name.strip():
            add("name", _("Enter the organisation's name."))
        problem = tax_code_problem(applicant.tax_code)
        if problem:
            add("tax_code", problem)
        if not applicant.representative.strip():
            add("representative", _("Enter the name of the organisation's representative."))
    else:
        add("kind", _("The applicant is a person or an organisation."))
    problem = phone_problem(applicant.phone)
    if problem:
        add("phone", problem)
    if applicant.email:
        try:
            validate_email(applicant.email)
        except DjangoValidationError:
            add("email", _("Enter a valid email address."))
    if not applicant.address.strip():
        add("address", _("Enter the applicant's address."))
    if applicant.commune_code is not None and applicant.commune_code not in commune_codes(
        province_code=int(getattr(settings, "MOTCUA_PROVINCE_CODE", 11))
    ):
        # The commune routes the dossier to its commune's agency; an address outside the
        # province is written in the address line with no commune chosen.
        add(
            "commune_code",
            _(
                "Choose a commune of the province from the list, or none if the address is "
                "outside the province."
            ),
        )
    return errors


def _desk_agencies(actor: User) -> list[Agency]:
    """The desks where the actor is a desk officer (one query)."""
    return desks_of(user=actor)


def _resolve_receiving(actor: User | None, code: str | None, version: ProcedureVersion) -> Agency:
    if code:
        if actor is not None:
            # The happy path in one query: the desk, if the actor is a desk officer there.
            mine = agency_where_desk_officer(user=actor, code=code)
            if mine is not None:
                return mine
        agency = agency_get_by_code(code=code)
        if agency is None:
            raise ValidationFailed(
                _("Unknown agency."), field_errors={"receiving_agency": [_("Unknown agency.")]}
            )
        if actor is not None:
            raise PermissionDenied(_("You do not work at this desk."), code="forbidden")
        return agency
    if actor is None:
        raise ValidationFailed(
            _("Say which desk receives the dossier."),
            field_errors={"receiving_agency": [_("Choose the desk that receives the dossier.")]},
        )
    desks = _desk_agencies(actor)
    if not desks:
        raise PermissionDenied(_("Only desk officers receive dossiers."), code="forbidden")
    if len(desks) > 1:
        raise ValidationFailed(
            _("You work at several desks: say which one receives it."),
            field_errors={"receiving_agency": [_("Choose the desk that receives the dossier.")]},
        )
    return desks[0]


def _resolve_deciding(
    version: ProcedureVersion, code: str | None, commune_code: int | None
) -> Agency:
    agencies = list(version.agencies.all())
    if code:
        chosen = next((a for a in agencies if a.code == code), None)
        if chosen is None:
            raise ValidationFailed(
                _("This agency does not handle this procedure."),
                field_errors={"deciding_agency": [_("Choose one of the procedure's agencies.")]},
            )
        return chosen
    if len(agencies) == 1:
        return agencies[0]
    if commune_code is not None:
        match = [
            a
            for a in agencies
            if a.kind == AgencyKind.COMMUNE and a.admin_unit_code == commune_code
        ]
        if match:
            return match[0]
    raise ValidationFailed(
        _("Several agencies handle this procedure: choose the one that decides."),
        field_errors={"deciding_agency": [_("Choose the agency that decides.")]},
    )


#: A service that stores files is wrapped in this (outside its transaction): the files it
#: wrote are deleted when its transaction does not commit — it raised, or an enclosing
#: transaction rolled back after it returned (core/storage.py, docs/adr/0046).
_cleans_files_on_error = deletes_on_rollback


def _store_files(
    dossier: Dossier, files: Sequence[UploadedFile], kind: str, actor: User | None
) -> None:
    """Store the files and their rows. Checklist positions are checked against the dossier's
    version first (nothing is written for a wrong one); a failure while storing deletes the
    files this call wrote."""
    errors = (
        _positions_errors(dossier.procedure_version, files)
        if any(f.checklist_position is not None for f in files)
        else {}
    )
    if errors:
        message = next(iter(errors.values()))[0]
        raise ValidationFailed(message, field_errors=errors)
    written: list[tuple[Any, str]] = []
    try:
        for f in files:
            digest = hashlib.sha256(f.content).hexdigest()
            content_type = sniff_content_type(f.content[:16]) or ""
            name = sanitize_filename(f.name, content_type)
            doc = DossierDocument(
                dossier=dossier,
                kind=kind,
                name=name,
                sha256=digest,
                size=len(f.content),
                content_type=content_type,
                checklist_position=f.checklist_position,
                uploaded_by=actor,
            )
            doc.file.save(stored_name(digest, name), ContentFile(f.content), save=False)
            written.append((doc.file.storage, doc.file.name))
            track(doc.file.storage, doc.file.name)  # deleted if the transaction rolls back
            doc.save()
    except BaseException:
        delete_objects(written)
        raise


def _positions_errors(
    version: ProcedureVersion, files: Sequence[UploadedFile]
) -> dict[str, list[str]]:
    """A file that names a checklist position must name a document of the version."""
    if all(f.checklist_position is None for f in files):
        return {}  # nothing to check (and no query: results, supplements, most desk scans)
    known = {doc.position for doc in version.documents.all()}
    errors: dict[str, list[str]] = {}
    for i, f in enumerate(files, start=1):
        position = f.checklist_position
        if position is not None and position not in known:
            errors.setdefault(f"documents[{i}]", []).append(
                _(
                    "The file “%(name)s” is for document number %(n)s, which the procedure's "
                    "checklist does not have."
                )
                % {"name": sanitize_filename(f.name), "n": position}
            )
    return errors


def _files_errors(files: Sequence[UploadedFile]) -> dict[str, list[str]]:
    """Every file checked (type by content, size, malware scan): the one place uploads pass."""
    errors: dict[str, list[str]] = {}
    for i, f in enumerate(files, start=1):
        problem = upload_problem(sanitize_filename(f.name), f.content)
        if problem:
            errors.setdefault(f"documents[{i}]", []).append(problem)
    return errors


def _files_count_errors(files: Sequence[UploadedFile]) -> dict[str, list[str]]:
    """More files at once than a dossier may hold (docs/adr/0037; no query)."""
    try:
        upload_limits_check(files=files)
    except ValidationFailed as exc:
        return dict(exc.field_errors)
    return {}


MAX_PAPER_COUNT = 99  # originals or copies of one document handed in


def _checklist_check(
    version: ProcedureVersion, checklist: Sequence[ChecklistItem]
) -> tuple[list[dict[str, object]], list[str], dict[str, list[str]]]:
    """The version's checklist as ticked, the names of mandatory documents not received, and
    the problems: positions the version does not have, counts outside 0–99 (named by the
    document, under `documents.<position>.originals` / `.copies`)."""
    ticked = {c.position: c for c in checklist}
    documents = list(version.documents.all())
    known = {doc.position for doc in documents}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(ticked) - known)
    if unknown:
        errors["documents"] = [
            _("The procedure's checklist has no document number %(n)s.")
            % {"n": ", ".join(str(p) for p in unknown)}
        ]
    rows: list[dict[str, object]] = []
    missing: list[str] = []
    for doc in documents:
        item = ticked.get(doc.position)
        for count, value in (
            ("originals", item.originals if item else 0),
            ("copies", item.copies if item else 0),
        ):
            if not 0 <= value <= MAX_PAPER_COUNT:
                message = (
                    _("“%(name)s”: the number of originals is a whole number from 0 to %(max)d.")
                    if count == "originals"
                    else _("“%(name)s”: the number of copies is a whole number from 0 to %(max)d.")
                )
                errors.setdefault(f"documents.{doc.position}.{count}", []).append(
                    message % {"name": doc.name, "max": MAX_PAPER_COUNT}
                )
        received = bool(item and item.received)
        rows.append(
            {
                "position": doc.position,
                "name": doc.name,
                "received": received,
                "originals": item.originals if item else 0,
                "copies": item.copies if item else 0,
                "requirement": doc.requirement,
                "note": item.note if item else "",
            }
        )
        if not received and doc.requirement == "mandatory":
            missing.append(doc.name)
    return rows, missing, errors


def _checklist_rows(
    version: ProcedureVersion, checklist: Sequence[ChecklistItem]
) -> tuple[list[dict[str, object]], list[str]]:
    """The version's checklist as ticked, and the names of mandatory documents not received;
    ValidationFailed for a position the version does not have or a count out of range."""
    rows, missing, errors = _checklist_check(version, checklist)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    return rows, missing


def _clock_fields(
    dossier: Dossier, *, received_at: dt.datetime, cal: Any = None, code: str = ""
) -> Any:
    """Give the code (the next one of the desk's day unless `code` was already taken), the
    received time and the appointment (before the row is written). Returns the working
    calendar used, for the steps."""
    cal = cal or deadlines.calendar()
    version = dossier.procedure_version
    dossier.received_at = received_at
    dossier.code = code or dossier_code_next(
        agency=dossier.receiving_agency, day=received_at.astimezone(cal.tz).date()
    )
    dossier.clock_started_at = cal.clock_start(received_at)
    dossier.appointment_at = deadlines.dossier_due(
        start=received_at, amount=version.processing_amount, unit=version.processing_unit, cal=cal
    )
    dossier.original_appointment_at = dossier.appointment_at
    deadlines.dossier_marks_set(dossier, cal=cal)
    return cal


def _start_clock(dossier: Dossier, *, received_at: dt.datetime, actor: User | None) -> None:
    """Code, appointment and steps for a dossier row that already exists."""
    cal = _clock_fields(dossier, received_at=received_at)
    steps_instantiate(dossier, actor=actor, cal=cal)


@dataclass
class _IntakeCheck:
    """What validating an intake found: every problem by field, and what the writes need."""

    errors: dict[str, list[str]]
    version: ProcedureVersion | None = None
    rows: list[dict[str, object]] = field(default_factory=list)
    all_missing: list[str] = field(default_factory=list)
    deciding: Agency | None = None
    #: The decision's own problem, said first when it is the only one.
    headline: str = ""


def _intake_problems(
    *,
    procedure_code: str,
    channel: str,
    applicant: ApplicantData,
    decision: str,
    checklist: Sequence[ChecklistItem],
    files: Sequence[UploadedFile],
    missing: Sequence[str],
    note: str,
    deciding_agency_code: str | None,
) -> _IntakeCheck:
    """Every problem of an intake in one pass (the applicant, the files, the checklist, what
    the decision needs, the deciding agency), so a form can show them all at once. Reads
    only; the receiving desk is checked by the caller."""
    errors: dict[str, list[str]] = {}

    def merge(more: Mapping[str, list[str]]) -> None:
        for key, messages in more.items():
            errors.setdefault(key, []).extend(messages)

    version = procedure_get_current(code=procedure_code)
    if version is None:
        errors["procedure"] = [_("No published procedure has this code.")]
    if channel not in CHANNELS:
        errors["channel"] = [_("The channel is desk, postal or online.")]
    if decision not in ("accept", "request_completion", "refuse"):
        errors["decision"] = [_("The decision is accept, request_completion or refuse.")]
    merge(_validate_applicant(applicant))
    merge(_files_errors(files))
    merge(_files_count_errors(files))
    check = _IntakeCheck(errors=errors, version=version)
    if version is None:
        return check
    if channel == "online" and version.online_level not in ("full", "partial"):
        errors.setdefault("channel", []).append(_("This procedure is not offered online."))
    merge(_positions_errors(version, files))
    rows, missing_mandatory, checklist_errors = _checklist_check(version, checklist)
    merge(checklist_errors)
    check.rows = rows
    check.all_missing = missing_mandatory + [nfc(m).strip() for m in missing if m.strip()]
    if decision == "accept" and missing_mandatory:
        errors.setdefault("documents", []).append(
            _("Missing: %(names)s") % {"names": "; ".join(missing_mandatory)}
        )
        check.headline = _("Mandatory documents are missing: request completion instead.")
    if decision == "request_completion" and not check.all_missing:
        errors.setdefault("missing", []).append(_("List what is missing."))
        check.headline = _("List what is missing.")
    if decision == "refuse" and not note.strip():
        errors.setdefault("note", []).append(_("Give the reason for refusing."))
        check.headline = _("Give the reason for refusing.")
    try:
        check.deciding = _resolve_deciding(version, deciding_agency_code, applicant.commune_code)
    except ValidationFailed as exc:
        merge(exc.field_errors)
    return check


def dossier_intake_check(
    *,
    actor: User | None,
    procedure_code: str,
    channel: str,
    applicant: ApplicantData,
    decision: str,
    checklist: Sequence[ChecklistItem] = (),
    files: Sequence[UploadedFile] = (),
    missing: Sequence[str] = (),
    note: str = "",
    receiving_agency_code: str | None = None,
    deciding_agency_code: str | None = None,
) -> dict[str, list[str]]:
    """Every problem `dossier_intake` would refuse these values for, by field, without writing
    anything: a form whose own parsing failed shows the service's problems too, all at once.
    Raises PermissionDenied as `dossier_intake` does (not a desk officer, another desk)."""
    check = _intake_problems(
        procedure_code=procedure_code,
        channel=channel,
        applicant=applicant,
        decision=decision,
        checklist=checklist,
        files=files,
        missing=missing,
        note=note,
        deciding_agency_code=deciding_agency_code,
    )
    if check.version is not None:
        try:
            _resolve_receiving(actor, receiving_agency_code, check.version)
        except ValidationFailed as exc:
            for key, messages in exc.field_errors.items():
                check.errors.setdefault(key, []).extend(messages)
    return check.errors


@_cleans_files_on_error
@transaction.atomic
def dossier_intake(
    *,
    actor: User | None,
    procedure_code: str,
    channel: str,
    applicant: ApplicantData,
    decision: str,
    checklist: Sequence[ChecklistItem] = (),
    files: Sequence[UploadedFile] = (),
    missing: Sequence[str] = (),
    note: str = "",
    receiving_agency_code: str | None = None,
    deciding_agency_code: str | None = None,
    idempotency_key: str = "",
) -> Dossier:
    """Receive a dossier at the desk, by post, or an online one keyed in by the desk.

    decision = accept: a code (no gaps per desk and day), the received time, the appointment
    from the calendar and the version's regulated time, the first step started.
    request_completion: form 02 lists every missing document (the mandatory ones not ticked
    plus `missing`); no code, no clock. refuse: form 03 with the reason in `note`.
    Everything is validated first and every problem reported at once (ValidationFailed with
    all field errors); on any error nothing is stored — no row and no file (files are written
    last, and deleted again if the transaction fails after them).

    `idempotency_key` (the API's Idempotency-Key, docs/adr/0044) is stored on the dossier,
    unique per actor: a second intake with the same key raises IntegrityError (nothing of it
    kept) and `dossier_by_intake_key` gives the first one."""
    check = _intake_problems(
        procedure_code=procedure_code,
        channel=channel,
        applicant=applicant,
        decision=decision,
        checklist=checklist,
        files=files,
        missing=missing,
        note=note,
        deciding_agency_code=deciding_agency_code,
    )
    if check.errors or check.version is None or check.deciding is None:
        only_the_decision = check.headline and len(check.errors) == 1
        raise ValidationFailed(
            check.headline
            if only_the_decision
            else _("The dossier was not received: check the fields."),
            field_errors=check.errors,
        )
    version, deciding, rows, all_missing = (
        check.version,
        check.deciding,
        check.rows,
        check.all_missing,
    )
    now = clock.now()
    cal = deadlines.calendar() if decision == "accept" else None
    taken = None
    if cal is not None and actor is not None:
        # The happy path in one statement on PostgreSQL: the desk (the one named, or the
        # actor's only desk), if the actor is a desk officer there (read now: roles are never
        # cached), and its next dossier code (ADR 0015). Anything else takes no number and is
        # told apart by _resolve_receiving.
        taken = dossier_code_next_at_desk(
            user=actor, agency_code=receiving_agency_code, day=now.astimezone(cal.tz).date()
        )
    receiving, code = taken or (_resolve_receiving(actor, receiving_agency_code, version), "")
    status = {
        "accept": S.RECEIVED,
        "request_completion": S.COMPLETION_REQUESTED,
        "refuse": S.REFUSED,
    }[decision]
    dossier = fastinsert.new(
        Dossier,
        procedure_version=version,
        procedure_code=version.procedure.code,
        procedure_name=version.name,
        receiving_agency=receiving,
        deciding_agency=deciding,
        channel=channel,
        applicant_kind=applicant.kind,
        applicant_name=nfc(
            applicant.full_name if applicant.kind == "person" else applicant.name
        ).strip(),
        id_number=applicant.id_number.strip(),
        date_of_birth=applicant.date_of_birth,
        tax_code=applicant.tax_code.strip(),
        representative=nfc(applicant.representative).strip(),
        phone=applicant.phone.strip(),
        email=applicant.email.strip(),
        address=nfc(applicant.address).strip(),
        commune_code=applicant.commune_code,
        checklist=rows,
        missing=all_missing if decision == "request_completion" else [],
        decision_note=nfc(note).strip(),
        created_by=actor,
        intake_key=idempotency_key if actor is not None else "",
    )
    if cal is not None:
        _clock_fields(dossier, received_at=now, cal=cal, code=code)
    with dossier_creation(dossier=dossier, status=status, action=decision, actor=actor) as t:
        if cal is not None:  # accepted
            steps_instantiate(dossier, actor=actor, cal=cal)
        _store_files(dossier, files, "attachment", actor)
        t.record(
            to_agency=receiving,
            note=dossier.decision_note,
            data={"missing": dossier.missing, "channel": channel},
        )
        form = {
            "accept": "receipt",
            "request_completion": "completion_request",
            "refuse": "refusal",
        }[decision]
        t.after_commit("dossiers.render_form", kind=form)
    return dossier


@_cleans_files_on_error
@transaction.atomic
def dossier_submit_online(
    *,
    applicant_user: User | None,
    procedure_code: str,
    applicant: ApplicantData,
    files: Sequence[UploadedFile] = (),
    deciding_agency_code: str | None = None,
    form_data: Mapping[str, Any] | None = None,
    delivery: str = "",
    delivery_address: str = "",
) -> Dossier:
    """An online submission: waits for the desk, which must accept it or ask for completion
    within 8 working hours; if accepted, its received time is the submission's.

    `form_data` holds the values of the version's form fields (checked against them; None
    when the channel did not collect them, e.g. the demo loader — nothing is checked then);
    `delivery` is how the applicant wants the result (desk, post with an address, online).
    Files that name a checklist position tick that document in the dossier's checklist."""
    errors = _validate_applicant(applicant)
    errors.update(_files_errors(files))
    errors.update(_files_count_errors(files))
    version = procedure_get_current(code=procedure_code)
    cleaned: dict[str, Any] = {}
    if version is None:
        errors["procedure"] = [_("No published procedure has this code.")]
    elif version.online_level not in ("full", "partial"):
        errors["procedure"] = [_("This procedure is not offered online.")]
    elif form_data is not None:
        cleaned, form_errors = form_data_clean(fields=version.form_fields or [], values=form_data)
        errors.update(form_errors)
    delivery_address = nfc(delivery_address or "").strip()
    if delivery and delivery not in ("desk", "post", "online"):
        errors["delivery"] = [_("Choose how you want to receive the result.")]
    elif delivery == "post" and not delivery_address:
        errors["delivery_address"] = [_("Enter the address where the post should bring it.")]
    if version is not None:
        errors.update(_positions_errors(version, files))
    if errors or version is None:
        raise ValidationFailed(
            _("The dossier was not submitted: check the fields."), field_errors=errors
        )
    deciding = _resolve_deciding(version, deciding_agency_code, applicant.commune_code)
    receiving = deciding.receiving_desk or deciding
    now = clock.now()
    cal = deadlines.calendar()
    dossier = Dossier(
        procedure_version=version,
        procedure_code=version.procedure.code,
        procedure_name=version.name,
        receiving_agency=receiving,
        deciding_agency=deciding,
        channel="online",
        applicant_kind=applicant.kind,
        applicant_name=nfc(
            applicant.full_name if applicant.kind == "person" else applicant.name
        ).strip(),
        id_number=applicant.id_number,
        date_of_birth=applicant.date_of_birth,
        tax_code=applicant.tax_code,
        representative=applicant.representative,
        phone=applicant.phone,
        email=applicant.email,
        address=nfc(applicant.address),
        commune_code=applicant.commune_code,
        applicant_user=applicant_user,
        submitted_at=now,
        review_due_at=cal.deadline(now, ONLINE_REVIEW_HOURS, "working_hours"),
        form_data=cleaned,
        result_delivery=delivery,
        result_delivery_address=delivery_address[:500] if delivery == "post" else "",
    )
    uploaded = sorted({f.checklist_position for f in files if f.checklist_position})
    if uploaded:
        dossier.checklist, _missing = _checklist_rows(
            version, [ChecklistItem(position=p, received=True, originals=1) for p in uploaded]
        )
    with dossier_creation(
        dossier=dossier, status=S.SUBMITTED, action="submit", actor=applicant_user
    ) as t:
        _store_files(dossier, files, "attachment", applicant_user)
        t.record(to_agency=receiving)
    return dossier


@transaction.atomic
def dossier_accept(
    *, dossier_id: int, actor: User | None, checklist: Sequence[ChecklistItem] = ()
) -> Dossier:
    """The desk accepts an online submission: code, appointment counted from the submission
    time (or from now when it comes back after a completion request)."""
    with dossier_transition(dossier_id=dossier_id, action=Action.ACCEPT, actor=actor) as t:
        dossier = t.dossier
        rows, missing = (
            _checklist_rows(dossier.procedure_version, checklist)
            if checklist
            else (dossier.checklist, [])
        )
        if missing:
            raise ValidationFailed(
                _("Mandatory documents are missing: request completion instead."),
                field_errors={"documents": ["; ".join(missing)]},
            )
        t.move_to(S.RECEIVED)
        dossier.checklist = rows
        received_at = (
            dossier.submitted_at
            if t.before == S.SUBMITTED and dossier.submitted_at
            else clock.now()
        )
        _start_clock(dossier, received_at=received_at, actor=actor)
        t.record(to_agency=dossier.receiving_agency)
        t.after_commit("dossiers.render_form", kind="receipt")
    return dossier


@transaction.atomic
def dossier_request_completion(
    *, dossier_id: int, actor: User | None, missing: Sequence[str], note: str = ""
) -> Dossier:
    """Form 02 for an online submission: everything missing, once and in full."""
    with dossier_transition(
        dossier_id=dossier_id, action=Action.REQUEST_COMPLETION, actor=actor
    ) as t:
        dossier = t.dossier
        items = [nfc(m).strip() for m in missing if m.strip()]
        if not items:
            raise ValidationFailed(
                _("List what is missing."), field_errors={"missing": [_("List what is missing.")]}
            )
        t.move_to(S.COMPLETION_REQUESTED)
        dossier.missing = items
        dossier.decision_note = nfc(note).strip()
        t.record(note=dossier.decision_note, data={"missing": items})
        t.after_commit("dossiers.render_form", kind="completion_request")
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier_id: int, actor: User | None, reason: str) -> Dossier:
    """Form 03: not received, with the reason."""
    with dossier_transition(dossier_id=dossier_id, action=Action.REFUSE, actor=actor) as t:
        dossier = t.dossier
        if not reason.strip():
            raise ValidationFailed(
                _("Give the reason for refusing."),
                field_errors={"note": [_("Give the reason for refusing.")]},
            )
        t.move_to(S.REFUSED)
        dossier.decision_note = nfc(reason).strip()
        dossier.finished_at = clock.now()
        t.record(note=dossier.decision_note)
        t.after_commit("dossiers.render_form", kind="refusal")
    return dossier
