"""The dossier's paperwork: the official forms rendered and stored, the result signed.

Forms are built from the dossier's rows into `documents.data` shapes and rendered by
`documents.api` (which never sees a dossier). Rendered files are stored as DossierDocument
rows with their SHA-256; a document is never overwritten: a changed rendering is a new row
that supersedes the previous one, and rendering the same content again stores nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from motcua.accounts.api import Agency, User
from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFound
from motcua.documents import data as forms
from motcua.documents.api import render_form, sign_pdf, signer_config_for, tsa_from_settings
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.selectors import control_sheet

logger = logging.getLogger(__name__)

UNIT_TEXT = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "days": "ngày",
    "same_day": "",
}
RETURN_TEXT = {
    "desk": "Bộ phận Một cửa",
    "post": "Dịch vụ bưu chính công ích",
    "online": "Trực tuyến",
}
FORM_FOR_KIND = {
    "receipt": forms.FormKind.RECEIPT,
    "completion_request": forms.FormKind.COMPLETION_REQUEST,
    "refusal": forms.FormKind.REFUSAL,
    "apology": forms.FormKind.APOLOGY,
    "stop_notice": forms.FormKind.STOP_NOTICE,
    "control_sheet": forms.FormKind.CONTROL_SHEET,
}


def tracking_url(dossier: Dossier) -> str:
    base = str(getattr(settings, "MOTCUA_PUBLIC_URL", "")).rstrip("/")
    return f"{base}/tra-cuu-ho-so/{dossier.code}/?pin={dossier.lookup_pin}"


def _header(agency: Agency) -> forms.AgencyHeader:
    parent = agency.parent.name if agency.parent_id and agency.parent else ""
    return forms.AgencyHeader(
        name=agency.name,
        parent_name=parent,
        place=str(getattr(settings, "MOTCUA_PROVINCE_NAME", "")),
    )


def _applicant(d: Dossier) -> forms.Applicant:
    name = d.applicant_name
    if d.applicant_kind == "organisation" and d.representative:
        name = f"{d.applicant_name} (người đại diện: {d.representative})"
    return forms.Applicant(
        name=name,
        id_number=d.id_number or d.tax_code,
        address=d.address,
        phone=d.phone,
        email=d.email,
    )


def _regulated(d: Dossier) -> str:
    v = d.procedure_version
    if v.processing_unit == "same_day":
        return "Trong ngày"
    amount = (v.processing_amount or Decimal(0)).normalize()
    number = (
        f"{int(amount):02d}"
        if amount == amount.to_integral_value()
        else f"{amount:f}".replace(".", ",")
    )
    return f"{number} {UNIT_TEXT[v.processing_unit]}"


def _local_date(value: dt.datetime | None) -> dt.date:
    from zoneinfo import ZoneInfo

    return (value or clock.now()).astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _officer(user: User | None) -> str:
    return (user.full_name or user.username) if user else ""


def _last_event(d: Dossier, action: str):  # type: ignore[no-untyped-def]
    return d.events.filter(action=action).order_by("-at", "-id").first()


def form_data(*, dossier: Dossier, kind: str) -> forms.FormData:
    """The documents.data shape of one of the dossier's forms."""
    d = dossier
    number_base = str(d.pk)
    if kind == "receipt":
        assert d.code and d.received_at and d.appointment_at
        items = tuple(
            forms.DocumentItem(
                name=str(r["name"]), originals=int(r["originals"]), copies=int(r["copies"])
            )
            for r in d.checklist
            if r.get("received")
        )
        return forms.ReceiptData(
            header=_header(d.receiving_agency),
            number=f"{number_base}/TNHS",
            code=d.code,
            applicant=_applicant(d),
            procedure_name=d.procedure_name,
            documents=items,
            regulated_time=_regulated(d),
            received_at=d.received_at,
            appointment_at=d.appointment_at,
            result_at=d.receiving_agency.name,
            officer_name=_officer(d.created_by),
            tracking_url=tracking_url(d),
        )
    if kind == "completion_request":
        event = _last_event(d, "request_completion")
        return forms.CompletionRequestData(
            header=_header(d.receiving_agency),
            number=f"{number_base}/PBS",
            issued_on=_local_date(event.at if event else None),
            applicant=_applicant(d),
            procedure_name=d.procedure_name,
            items=tuple(d.missing),
            reason=d.decision_note or "Hồ sơ chưa đầy đủ theo quy định.",
            contact_name=_officer(event.actor if event else d.created_by),
            contact_phone="",
            officer_name=_officer(event.actor if event else d.created_by),
        )
    if kind == "refusal":
        event = _last_event(d, "refuse")
        return forms.RefusalData(
            header=_header(d.receiving_agency),
            number=f"{number_base}/PTC",
            issued_on=_local_date(event.at if event else None),
            applicant=_applicant(d),
            procedure_name=d.procedure_name,
            reasons=(d.decision_note,),
            officer_name=_officer(event.actor if event else d.created_by),
            code=d.code or "",
        )
    if kind == "apology":
        event = _last_event(d, "apologize")
        if event is None or d.received_at is None or d.original_appointment_at is None:
            raise NotFound("No apology was issued for this dossier.")
        return forms.ApologyData(
            header=_header(d.deciding_agency),
            number=f"{number_base}/PXL",
            issued_on=_local_date(event.at),
            addressee=d.applicant_name,
            applicant=_applicant(d),
            procedure_name=d.procedure_name,
            code=d.code or "",
            received_at=d.received_at,
            original_appointment_at=d.original_appointment_at,
            reason=event.note,
            new_appointment_at=d.appointment_at or d.original_appointment_at,
            signer_name=_officer(event.actor),
        )
    if kind == "stop_notice":
        event = _last_event(d, "withdraw")
        if event is None:
            raise NotFound("The dossier was not withdrawn.")
        return forms.StopNoticeData(
            header=_header(d.receiving_agency),
            number=f"{number_base}/TB",
            issued_on=_local_date(event.at),
            applicant=_applicant(d),
            procedure_name=d.procedure_name,
            code=d.code or "",
            received_at=d.received_at or event.at,
            request_date=_local_date(event.at),
            reason=event.note,
            signer_name=_officer(event.actor),
        )
    if kind == "control_sheet":
        assert d.code and d.received_at and d.appointment_at
        rows = []
        for e in control_sheet(dossier=d):
            rows.append(
                forms.Handover(
                    from_agency=e.from_agency.name if e.from_agency else d.receiving_agency.name,
                    from_person=e.actor_name,
                    to_agency=e.to_agency.name if e.to_agency else "",
                    to_person=(e.to_user.full_name or e.to_user.username) if e.to_user else "",
                    at=e.at,
                    timeliness=forms.Timeliness(e.deadline_status) if e.deadline_status else None,
                    note=e.note[:200],
                )
            )
        return forms.ControlSheetData(
            header=_header(d.receiving_agency),
            number=f"{number_base}/PKS",
            code=d.code,
            deciding_agency=d.deciding_agency.name,
            received_at=d.received_at,
            appointment_at=d.original_appointment_at or d.appointment_at,
            rows=tuple(rows),
        )
    raise NotFound(f"Unknown form {kind}.")


def _store(
    dossier: Dossier,
    kind: str,
    name: str,
    content: bytes,
    *,
    signed: bool = False,
    supersedes: DossierDocument | None = None,
) -> DossierDocument:
    digest = hashlib.sha256(content).hexdigest()
    doc = DossierDocument(
        dossier=dossier,
        kind=kind,
        name=name,
        sha256=digest,
        size=len(content),
        content_type="application/pdf",
        signed=signed,
        supersedes=supersedes,
    )
    doc.file.save(f"{digest[:16]}-{name}", ContentFile(content), save=False)
    doc.save()
    return doc


@transaction.atomic
def dossier_form_render(*, dossier_id: int, kind: str) -> DossierDocument:
    """Render one of the dossier's forms and store it (idempotent: the same content is stored
    once; a changed one becomes a new version that supersedes the previous)."""
    dossier = Dossier.objects.select_related(
        "procedure_version", "receiving_agency__parent", "deciding_agency__parent", "created_by"
    ).get(pk=dossier_id)
    pdf = render_form(kind=FORM_FOR_KIND[kind], data=form_data(dossier=dossier, kind=kind))
    digest = hashlib.sha256(pdf).hexdigest()
    latest = dossier.documents.filter(kind=kind).order_by("-created_at", "-id").first()
    if latest is not None and latest.sha256 == digest:
        return latest
    name = f"{kind}-{dossier.code or dossier.pk}.pdf"
    return _store(dossier, kind, name, pdf, supersedes=latest)


def dossier_form_pdf(*, dossier: Dossier, kind: str) -> DossierDocument:
    """The stored form, rendered now if it was never rendered (e.g. demo data)."""
    latest = dossier.documents.filter(kind=kind).order_by("-created_at", "-id").first()
    if latest is not None and kind != "control_sheet":
        return latest
    return dossier_form_render(dossier_id=dossier.pk, kind=kind)


@transaction.atomic
def dossier_result_sign(*, dossier_id: int, signer_id: int | None) -> DossierDocument | None:
    """Sign the latest result PDF with the approving leader's key, then the deciding agency's
    seal when one is registered; store the signed file as a new version. Returns None when
    there is nothing to sign or no key is registered (the unsigned result stays)."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("deciding_agency")
        .get(pk=dossier_id)
    )
    result = dossier.documents.filter(kind="result").order_by("-created_at", "-id").first()
    if result is None or result.signed or result.content_type != "application/pdf":
        return None
    signer = User.objects.filter(pk=signer_id).first() if signer_id else None
    configs = []
    if signer is not None:
        config = signer_config_for(user=signer)
        if config is not None:
            configs.append(("leader", config, _officer(signer)))
    seal = signer_config_for(agency=dossier.deciding_agency)
    if seal is not None:
        configs.append(("seal", seal, dossier.deciding_agency.name))
    if not configs:
        logger.warning("no signing key registered for dossier %s", dossier.code)
        return None
    with result.file.open("rb") as fh:
        pdf = fh.read()
    tsa_url, tsa_timeout = tsa_from_settings()
    from zoneinfo import ZoneInfo

    when = clock.now().astimezone(ZoneInfo(settings.TIME_ZONE))
    for field, config, who in configs:
        try:
            pdf = sign_pdf(
                pdf=pdf,
                signer=config,
                field_name=f"Signature_{field}",
                reason=f"Phê duyệt kết quả hồ sơ {dossier.code}",
                location=dossier.deciding_agency.name,
                stamp_lines=[
                    f"Ký bởi: {who}",
                    dossier.deciding_agency.name,
                    f"Thời gian: {when:%d/%m/%Y %H:%M}",
                ],
                box=(330, 40, 565, 120) if field == "leader" else (40, 40, 275, 120),
                tsa_url=tsa_url,
                tsa_timeout=tsa_timeout,
            )
        except ApplicationError:
            logger.exception("signing the result of %s failed", dossier.code)
            return None
    return _store(
        dossier, "result", f"ket-qua-{dossier.code}.pdf", pdf, signed=True, supersedes=result
    )


def result_find_by_sha256(*, sha256: str) -> DossierDocument | None:
    """The registered result document with this hash (for public verification)."""
    return (
        DossierDocument.objects.filter(kind="result", sha256=sha256)
        .select_related("dossier")
        .first()
    )
