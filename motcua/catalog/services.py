"""Writes of the catalog: drafts, publishing, import."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.accounts.api import agency_list
from motcua.accounts.data import AgencyKind
from motcua.catalog import exchange
from motcua.catalog.cache import catalog_changed
from motcua.catalog.data import ALL_COMMUNES, ProcedureSpec, VersionStatus
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
)
from motcua.catalog.selectors import procedure_cache_clear, version_to_raw
from motcua.catalog.specs import procedure_spec_parse
from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.core.text import fold

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User


def _today() -> datetime.date:
    return timezone.localdate()


def _agency_map() -> dict[str, Agency]:
    return {a.code: a for a in agency_list(on=_today())}


def field_get_or_create(*, name: str) -> Field:
    code = slugify(fold(name))[:120] or "khac"
    obj, _created = Field.objects.get_or_create(code=code, defaults={"name": name})
    return obj


def _resolve_agencies(codes: tuple[str, ...], agencies: dict[str, Agency]) -> list[Agency]:
    result: dict[int, Agency] = {}
    for code in codes:
        if code == ALL_COMMUNES:
            for agency in agencies.values():
                if agency.kind == AgencyKind.COMMUNE:
                    result[agency.pk] = agency
        else:
            result[agencies[code].pk] = agencies[code]
    return list(result.values())


def _write_content(
    version: ProcedureVersion, spec: ProcedureSpec, agencies: dict[str, Agency]
) -> None:
    version.name = spec.name
    version.field = field_get_or_create(name=spec.field)
    version.level = spec.level
    version.processing_amount = spec.amount
    version.processing_unit = spec.unit
    version.processing_note = spec.processing_note
    version.fees_known = spec.fees_known
    version.documents_known = spec.documents_known
    version.result_name = spec.result_name
    version.result_kind = spec.result_kind
    version.legal_basis = list(spec.legal_basis)
    version.online_level = spec.online_level or ""
    version.applicant_kinds = list(spec.applicant_kinds)
    version.restart_on_supplement = spec.restart_on_supplement
    version.form_fields = [f.as_raw() for f in spec.form_fields]
    version.source = spec.source
    version.notes = spec.notes
    version.save()
    version.agencies.set(_resolve_agencies(spec.agencies, agencies))
    version.documents.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            version=version,
            position=i,
            name=d.name,
            originals=d.originals,
            copies=d.copies,
            requirement=d.requirement,
            condition=d.condition,
            template_url=d.template_url,
        )
        for i, d in enumerate(spec.documents, start=1)
    )
    version.fees.all().delete()
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            name=f.name,
            kind=f.kind,
            amount_vnd=f.amount_vnd,
            case=f.case,
        )
        for i, f in enumerate(spec.fees, start=1)
    )
    version.steps.all().delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            position=i,
            kind=s.kind,
            title=s.title,
            role=s.role,
            agency=agencies[s.agency] if s.agency else None,
            budget_hours=s.budget_hours,
        )
        for i, s in enumerate(spec.steps, start=1)
    )


@transaction.atomic
def procedure_draft_save(*, spec: ProcedureSpec, actor: User | None) -> ProcedureVersion:
    """Write the spec into the procedure's draft, creating the procedure and the draft if
    needed. Published versions are never touched."""
    procedure, created = Procedure.objects.select_for_update().get_or_create(
        code=spec.code, defaults={"code_is_provisional": spec.code_is_provisional}
    )
    if not created and procedure.code_is_provisional != spec.code_is_provisional:
        procedure.code_is_provisional = spec.code_is_provisional
        procedure.save(update_fields=["code_is_provisional", "updated_at"])
    draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        draft = ProcedureVersion(procedure=procedure, status=VersionStatus.DRAFT)
    _write_content(draft, spec, _agency_map())
    audit_record(actor=actor, action="procedure.draft_saved", obj=draft, data={"code": spec.code})
    return draft


@transaction.atomic
def procedure_draft_start(*, procedure: Procedure, actor: User | None) -> ProcedureVersion:
    """Open a draft of the procedure, copied from its current version. Idempotent: an existing
    draft is returned as it is."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    current = procedure.versions.filter(is_current=True).first()
    if current is None:
        raise Conflict(_("This procedure has no version to copy."))
    spec, errors = procedure_spec_parse(version_to_raw(current), agency_codes=set(_agency_map()))
    if spec is None:
        raise ValidationFailed(_("The current version cannot be copied."), field_errors=errors)
    draft = ProcedureVersion(procedure=procedure, status=VersionStatus.DRAFT)
    _write_content(draft, spec, _agency_map())
    audit_record(actor=actor, action="procedure.draft_started", obj=draft)
    return draft


def _search_text(version: ProcedureVersion) -> str:
    parts = [version.procedure.code, version.name, version.field.name if version.field else ""]
    return " " + fold(" ".join(parts)) + " "


@transaction.atomic
def procedure_publish(*, version: ProcedureVersion, actor: User | None) -> ProcedureVersion:
    """Freeze a draft as the procedure's new current version.

    Refused, with every problem listed, when the draft is incomplete (no documents, no steps,
    step budgets that do not add up to the regulated time, unknown agencies…). The previous
    version becomes superseded; dossiers received under it keep it."""
    version = (
        ProcedureVersion.objects.select_for_update(of=("self",))
        .select_related("procedure", "field")
        .get(pk=version.pk)
    )
    if version.status != VersionStatus.DRAFT:
        raise Conflict(_("Only a draft can be published; this version is already frozen."))
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    raw = version_to_raw(version)
    _spec, errors = procedure_spec_parse(raw, agency_codes=set(_agency_map()))
    if errors:
        raise ValidationFailed(_("The draft cannot be published yet."), field_errors=errors)
    previous = ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, is_current=True
    ).first()
    if previous is not None:
        previous.is_current = False
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["is_current", "status", "updated_at"])
    last = (
        ProcedureVersion.objects.filter(procedure_id=version.procedure_id, number__isnull=False)
        .order_by("-number")
        .first()
    )
    version.number = (last.number or 0) + 1 if last else 1
    version.status = VersionStatus.PUBLISHED
    version.is_current = True
    version.published_at = timezone.now()
    version.published_by = actor
    version.search_text = _search_text(version)
    version.sort_key = fold(version.name)[:600]
    version.save()
    procedure_cache_clear()
    transaction.on_commit(procedure_cache_clear)
    # The public pages and API answers (cache.py; the model signals do it too, this says it).
    catalog_changed()
    audit_record(
        actor=actor,
        action="procedure.published",
        obj=version,
        data={"code": version.procedure.code, "number": version.number},
    )
    return version


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _comparable(raw: dict[str, Any]) -> dict[str, Any]:
    raw = dict(raw)
    for key in ("version", "published_at"):
        raw.pop(key, None)
    return raw


@transaction.atomic
def catalog_import(
    *, content: bytes, filename: str, actor: User | None, publish: bool = True
) -> ImportReport:
    """Import procedures from JSON or Excel (docs/catalog-format.md).

    Every row is validated first; when any fails, ValidationFailed lists every error by row
    and column and nothing is imported. A procedure whose content equals its current version
    is left as it is (importing the same file twice changes nothing)."""
    rows = exchange.read(content=content, filename=filename)
    agencies = _agency_map()
    known = set(agencies) | {ALL_COMMUNES}
    errors: dict[str, list[str]] = {}
    specs: list[ProcedureSpec] = []
    seen: dict[str, str] = {}
    for row in rows:
        spec, row_errors = procedure_spec_parse(row.data, agency_codes=known, locate=row.locate)
        errors.update(row_errors)
        if spec is not None:
            if spec.code in seen:
                errors.setdefault(row.locate("code"), []).append(
                    _("The code %(code)s appears twice (also at %(other)s).")
                    % {"code": spec.code, "other": seen[spec.code]}
                )
            seen[spec.code] = row.locate("code")
            specs.append(spec)
    if not rows:
        errors.setdefault(_("file"), []).append(_("The file contains no procedure."))
    if errors:
        raise ValidationFailed(
            _("The import was refused: %(n)d problem(s) found. Nothing was imported.")
            % {"n": sum(len(v) for v in errors.values())},
            field_errors=errors,
        )
    report = ImportReport()
    for spec in specs:
        current = ProcedureVersion.objects.filter(
            procedure__code=spec.code, is_current=True
        ).first()
        draft = procedure_draft_save(spec=spec, actor=actor)
        if current is not None and _comparable(version_to_raw(current)) == _comparable(
            version_to_raw(draft)
        ):
            draft.agencies.clear()
            draft.delete()
            report.unchanged.append(spec.code)
            continue
        if publish:
            procedure_publish(version=draft, actor=actor)
        (report.updated if current else report.created).append(spec.code)
    return report


@transaction.atomic
def procedure_retention_set(*, code: str, years: int | None, actor: User | None) -> Procedure:
    """Set how many years a closed dossier of the procedure keeps its personal data (None: the
    default, MOTCUA_DOSSIER_RETENTION_YEARS; ADR 0036). Audited; 1–100 years."""
    procedure = Procedure.objects.select_for_update().filter(code=code).first()
    if procedure is None:
        raise ValidationFailed(
            _("No procedure with this code."), field_errors={"code": [_("No such procedure.")]}
        )
    if years is not None and not 1 <= years <= 100:
        message = _("The retention period must be between 1 and 100 years.")
        raise ValidationFailed(message, field_errors={"retention_years": [message]})
    before = procedure.retention_years
    procedure.retention_years = years
    procedure.save(update_fields=["retention_years", "updated_at"])
    audit_record(
        actor=actor,
        action="procedure.retention_set",
        obj=procedure,
        data={"before": before, "after": years},
    )
    return procedure
