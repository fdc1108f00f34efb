"""The dossier's paperwork: the official forms rendered and stored, the result signed.

Forms are built from the dossier's rows into `documents.data` shapes and rendered by
`documents.api` (which never sees a dossier). Rendered files are stored as DossierDocument
rows with their SHA-256; a document is never overwritten: a changed rendering is a new row
that supersedes the previous one, and rendering the same content again stores nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts.api import role_holder_ids, user_get
from motcua.core import clock
from motcua.core.errors import ApplicationError, NotFound
from motcua.core.faultpoints import faultpoint
from motcua.core.links import public_url
from motcua.core.storage import deletes_on_rollback, track
from motcua.documents import data as forms
from motcua.documents.api import (
    credential_exists,
    render_form,
    sign_pdf,
    signer_config_for,
    tsa_from_settings,
)
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, Notice
from motcua.dossiers.selectors import control_sheet
from motcua.dossiers.workflow import Action, DossierStatus

if TYPE_CHECKING:
    from motcua.accounts.models import Agency, User

logger = logging.getLogger(__name__)

#: Called with the dossier and its signed result right after the signed file is stored, inside
#: that transaction (the reports' `e_results` count): write in the same transaction, never
#: change the dossier; an exception undoes the store (the signing job tries again).
ResultSignedHook = Callable[[Dossier, DossierDocument], None]
_SIGNED_HOOKS: list[ResultSignedHook] = []


def result_signed_hook_add(hook: ResultSignedHook) -> ResultSignedHook:
    """Call `hook(dossier, document)` each time a signed result is stored (once per dossier
    in the flow: a run that finds the latest result signed stores nothing). Adding the same
    hook twice adds it once."""
    if hook not in _SIGNED_HOOKS:
        _SIGNED_HOOKS.append(hook)
    return hook


def result_signed_hook_remove(hook: ResultSignedHook) -> None:
    if hook in _SIGNED_HOOKS:
        _SIGNED_HOOKS.remove(hook)


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
    """The tracking page of the dossier with its PIN (the receipt's QR code)."""
    path = reverse("portal:track_code", args=[dossier.code])
    return public_url(f"{path}?pin={dossier.lookup_pin}")


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


def _applicant_person(d: Dossier) -> str:
    """Who hands over or receives for the applicant: the person, or the organisation's
    representative (the organisation's name when none is recorded)."""
    if d.applicant_kind == "organisation" and d.representative:
        return d.representative
    return d.applicant_name


#: How the result reaches the applicant, after the applicant's name on the control sheet.
RETURN_VIA = {
    "post": " (qua dịch vụ bưu chính công ích)",
    "online": " (trực tuyến)",
}


def _handover(d: Dossier, e: DossierEvent) -> forms.Handover:
    """One row of form 06. The first handover is the applicant's (giving the dossier to the
    desk officer who received it), the last the desk's (giving the result to the applicant or
    the receiver whose identity was recorded). The return is labelled with the dossier's
    outcome (deadlines.dossier_outcome, DESIGN §6); the other rows with their step's."""
    timeliness = e.deadline_status
    if e.action == "accept":
        from_agency, from_person = d.applicant_name, _applicant_person(d)
        to_agency = e.to_agency.name if e.to_agency else d.receiving_agency.name
        to_person = e.actor_name
    elif e.action == "return_result":
        data = e.data or {}
        from_agency = e.from_agency.name if e.from_agency else d.receiving_agency.name
        from_person = e.actor_name
        to_agency = d.applicant_name + RETURN_VIA.get(str(data.get("method", "")), "")
        to_person = str(data.get("receiver") or "") or _applicant_person(d)
        timeliness = d.outcome or timeliness
    else:
        from_agency = e.from_agency.name if e.from_agency else d.receiving_agency.name
        from_person = e.actor_name
        to_agency = e.to_agency.name if e.to_agency else ""
        to_person = (e.to_user.full_name or e.to_user.username) if e.to_user else ""
    return forms.Handover(
        from_agency=from_agency,
        from_person=from_person,
        to_agency=to_agency,
        to_person=to_person,
        at=e.at,
        timeliness=forms.Timeliness(timeliness) if timeliness else None,
        note=e.note[:200],
    )


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
            lookup_pin=d.lookup_pin,
            tracking_page=public_url(reverse("portal:track")),
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
        rows = [_handover(d, e) for e in control_sheet(dossier=d)]
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
    track(doc.file.storage, doc.file.name)  # deleted if the transaction rolls back (ADR 0046)
    doc.save()
    return doc


@deletes_on_rollback
def dossier_form_render(*, dossier_id: int, kind: str) -> DossierDocument:
    """Render one of the dossier's forms and store it (idempotent: the same content is stored
    once; a changed one becomes a new version that supersedes the previous). The rendering
    runs outside any transaction; only the store holds the dossier's row, briefly."""
    dossier = Dossier.objects.select_related(
        "procedure_version", "receiving_agency__parent", "deciding_agency__parent", "created_by"
    ).get(pk=dossier_id)
    pdf = render_form(kind=FORM_FOR_KIND[kind], data=form_data(dossier=dossier, kind=kind))
    digest = hashlib.sha256(pdf).hexdigest()
    faultpoint("dossiers.render.before_store")
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk").first()
        latest = dossier.documents.filter(kind=kind).order_by("-created_at", "-id").first()
        if latest is not None and latest.sha256 == digest:
            return latest
        name = FORM_FOR_KIND[kind].file_name(dossier.code or f"ho-so-{dossier.pk}")
        return _store(dossier, kind, name, pdf, supersedes=latest)


def dossier_form_pdf(*, dossier: Dossier, kind: str) -> DossierDocument:
    """The stored form, rendered now if it was never rendered (e.g. demo data). The control
    sheet grows with every handover: it is rendered again (stored only when it changed)."""
    latest = dossier.documents.filter(kind=kind).order_by("-created_at", "-id").first()
    if latest is not None and kind != "control_sheet":
        return latest
    return dossier_form_render(dossier_id=dossier.pk, kind=kind)


#: The event that issues each form given on paper after intake (the receipt and the control
#: sheet exist from the acceptance on).
FORM_EVENTS = {
    "completion_request": "request_completion",
    "refusal": "refuse",
    "apology": "apologize",
    "stop_notice": "withdraw",
}


def dossier_form_kinds(*, dossier: Dossier) -> list[str]:
    """The official forms this dossier has, in the order of their numbers (01…06): the receipt
    and the control sheet once it was accepted, and each form whose event happened."""
    actions = set(dossier.events.values_list("action", flat=True))
    accepted = bool(dossier.code and dossier.received_at and dossier.appointment_at)
    kinds = []
    for kind in FORM_FOR_KIND:
        event = FORM_EVENTS.get(kind)
        if (event is None and accepted) or (event is not None and event in actions):
            kinds.append(kind)
    if "apology" in kinds and (dossier.received_at is None or not dossier.original_appointment_at):
        kinds.remove("apology")
    return kinds


def dossier_forms_ensure(*, dossier: Dossier) -> list[DossierDocument]:
    """Every form of the dossier as a stored PDF, rendering those never rendered (and the
    control sheet when it changed): the documents list shows them all."""
    return [
        dossier_form_pdf(dossier=dossier, kind=kind) for kind in dossier_form_kinds(dossier=dossier)
    ]


SIGNATURE_FIELDS = ("Signature_leader", "Signature_seal")


class ResultNotSigned(ApplicationError):
    """The result could not be signed (key store, token or time-stamping authority): recorded,
    told to the leaders, and tried again later. The message says why."""

    status_code = 503

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(
            _("The result could not be signed: %(reason)s") % {"reason": reason}, code=code
        )
        self.reason = reason


def _latest_result(dossier: Dossier) -> DossierDocument | None:
    return dossier.documents.filter(kind="result").order_by("-created_at", "-id").first()


def result_approver_id(*, dossier: Dossier) -> int | None:
    """Who approved (or completed) the result: the person whose key signs it first."""
    event = (
        dossier.events.filter(
            action__in=[Action.APPROVE, Action.COMPLETE], to_status=DossierStatus.RESULT_READY
        )
        .order_by("-at", "-id")
        .first()
    )
    return event.actor_id if event is not None else None


def result_signing_expected(*, dossier: Dossier, signer_id: int | None) -> bool:
    """Whether a result this person approves for this dossier must be signed before it is
    returned: a signing key is registered for them or for the deciding agency's seal."""
    signer = user_get(pk=signer_id) if signer_id else None
    return credential_exists(user=signer) or credential_exists(agency=dossier.deciding_agency)


def result_unsigned(*, dossier: Dossier) -> DossierDocument | None:
    """The latest result when it still waits for its signature: an approved PDF result, not
    signed, that must be signed (result_signing_expected). None otherwise."""
    if not dossier.result_approved:
        return None
    result = _latest_result(dossier)
    if result is None or result.signed or result.content_type != "application/pdf":
        return None
    if not result_signing_expected(dossier=dossier, signer_id=result_approver_id(dossier=dossier)):
        return None
    return result


def result_signing_failure(*, dossier: Dossier) -> str:
    """Why the result waiting for its signature could not be signed (the last recorded
    failure), or "" when nothing failed or nothing waits."""
    result = result_unsigned(dossier=dossier)
    if result is None:
        return ""
    notice = (
        Notice.objects.filter(dossier=dossier, kind="sign_failed")
        .order_by("-created_at", "-id")
        .first()
    )
    return notice.message if notice is not None else ""


def _sign_configs(dossier: Dossier, signer: User | None) -> list[tuple[str, Any, str]]:
    configs = []
    if signer is not None:
        config = signer_config_for(user=signer)
        if config is not None:
            configs.append(("leader", config, _officer(signer)))
    seal = signer_config_for(agency=dossier.deciding_agency)
    if seal is not None:
        configs.append(("seal", seal, dossier.deciding_agency.name))
    return configs


@deletes_on_rollback
def dossier_result_sign(*, dossier_id: int, signer_id: int | None) -> DossierDocument | None:
    """Sign the latest result PDF with the approving leader's key, then the deciding agency's
    seal when one is registered; store the signed file as a new version. Returns None when
    there is nothing to sign or no key is registered (the unsigned result stays).

    The signing (which may wait for a token or a time-stamping authority) runs outside any
    transaction; only the store holds the dossier's row. When it fails the failure is
    recorded (notices to the approver and the deciding agency's leaders, once) and
    ResultNotSigned is raised: the job retries, and the result cannot be returned unsigned."""
    dossier = Dossier.objects.select_related("deciding_agency").get(pk=dossier_id)
    result = _latest_result(dossier)
    if result is None or result.signed or result.content_type != "application/pdf":
        return None
    signer = user_get(pk=signer_id) if signer_id else None
    try:
        configs = _sign_configs(dossier, signer)
        if not configs:
            logger.warning("no signing key registered for dossier %s", dossier.code)
            return None
        with result.file.open("rb") as fh:
            pdf = fh.read()
        tsa_url, tsa_timeout = tsa_from_settings()
        when = clock.now()
        local = when.astimezone(ZoneInfo(settings.TIME_ZONE))
        for field, config, who in configs:
            pdf = sign_pdf(
                pdf=pdf,
                signer=config,
                field_name=f"Signature_{field}",
                reason=f"Phê duyệt kết quả hồ sơ {dossier.code}",
                location=dossier.deciding_agency.name,
                stamp_lines=[
                    f"Ký bởi: {who}",
                    dossier.deciding_agency.name,
                    f"Thời gian: {local:%d/%m/%Y %H:%M}",
                ],
                box=(330, 40, 565, 120) if field == "leader" else (40, 40, 275, 120),
                tsa_url=tsa_url,
                tsa_timeout=tsa_timeout,
                signing_time=when,
            )
    except ApplicationError as exc:
        logger.error("signing the result of %s failed (%s): %s", dossier.code, exc.code, exc)
        _signing_failed_record(dossier, signer, exc.message)
        raise ResultNotSigned(exc.message, code=exc.code) from exc
    faultpoint("dossiers.sign.before_store")
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk").first()
        latest = _latest_result(dossier)
        if latest is None or latest.pk != result.pk:
            # Signed (or replaced) meanwhile by another run: keep that one.
            return latest if latest is not None and latest.signed else None
        doc = _store(
            dossier, "result", f"ket-qua-{dossier.code}.pdf", pdf, signed=True, supersedes=result
        )
        for hook in tuple(_SIGNED_HOOKS):
            hook(dossier, doc)
        Notice.objects.filter(dossier=dossier, kind="sign_failed", read_at__isnull=True).update(
            read_at=clock.now()
        )
    return doc


def _signing_failed_record(dossier: Dossier, signer: User | None, reason: str) -> None:
    """Tell the approver and the deciding agency's leaders (one unread notice each) that the
    result is not signed and why; the dossier page shows it too."""
    people = {signer.pk} if signer is not None else set()
    people |= set(role_holder_ids(role="leader", agency_id=dossier.deciding_agency_id))
    message = _(
        "Dossier %(code)s: the result could not be signed digitally (%(reason)s). The system "
        "tries again; the result cannot be returned until it is signed."
    ) % {"code": dossier.code, "reason": reason.rstrip(".")}
    now = clock.now()
    with transaction.atomic():
        for user_id in sorted(people):
            if Notice.objects.filter(
                user_id=user_id, dossier=dossier, kind="sign_failed", read_at__isnull=True
            ).exists():
                continue
            Notice.objects.create(
                user_id=user_id,
                dossier=dossier,
                kind="sign_failed",
                message=message,
                created_at=now,
            )
    if not people:
        logger.error("nobody to tell that the result of %s is not signed", dossier.code)


def results_to_sign_again(*, limit: int = 50) -> list[tuple[int, int | None]]:
    """(dossier id, approver id) of results whose signature failed and still wait for it
    (the periodic retry): dossiers with a failure notice, result ready, result unsigned."""
    ids = (
        Notice.objects.filter(kind="sign_failed", dossier__status=DossierStatus.RESULT_READY)
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    rows = []
    for dossier in Dossier.objects.filter(pk__in=list(ids)).select_related("deciding_agency")[
        :limit
    ]:
        if result_unsigned(dossier=dossier) is not None:
            rows.append((dossier.pk, result_approver_id(dossier=dossier)))
    return rows


def results_sign_again(*, limit: int = 50) -> dict[str, int]:
    """Try again to sign the results whose signature failed (the job dossiers.sign_pending)."""
    tried = signed = 0
    for dossier_id, signer_id in results_to_sign_again(limit=limit):
        tried += 1
        try:
            if dossier_result_sign(dossier_id=dossier_id, signer_id=signer_id) is not None:
                signed += 1
        except ResultNotSigned:
            continue
    return {"tried": tried, "signed": signed}


def result_find_by_sha256(*, sha256: str) -> DossierDocument | None:
    """The registered result document with this hash (for public verification)."""
    return (
        DossierDocument.objects.filter(kind="result", sha256=sha256)
        .select_related("dossier")
        .first()
    )
