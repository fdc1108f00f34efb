"""Documents of a dossier (list and download) and public signature verification."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from motcua.core.errors import NotFound, ValidationFailed
from motcua.core.links import public_url
from motcua.documents.api import trust_roots_from_settings, verify_pdf
from motcua.dossiers.api import (
    access_dossier_for_officer,
    dossier_forms_ensure,
    result_find_by_sha256,
)
from motcua.rest.auth import AUTHENTICATED, PUBLIC
from motcua.rest.v1.schemas import ErrorOut

router = Router(tags=["documents"])
verify_router = Router(tags=["verification"])

MAX_VERIFY_BYTES = 20 * 1024 * 1024


class DossierFileOut(Schema):
    id: int
    kind: str
    name: str
    url: str
    sha256: str
    size: int
    signed: bool
    supersedes: int | None


class DossierFileListOut(Schema):
    items: list[DossierFileOut]


@router.get(
    "/{code}/documents",
    auth=AUTHENTICATED,
    response={200: DossierFileListOut, 404: ErrorOut},
    url_name="dossier-documents",
)
def dossier_documents_api(request: HttpRequest, code: str) -> dict[str, Any]:
    """Every file of the dossier: attachments, supplements, every official form the dossier has
    (receipt, completion request, refusal, apology, stop notice, control sheet: rendered now
    when never rendered before) and the result (the signed version supersedes the unsigned
    one). `url` (absolute, from MOTCUA_PUBLIC_URL) downloads it for whoever may see the
    dossier."""
    dossier = access_dossier_for_officer(user=request.auth, code=code)  # type: ignore[attr-defined]
    dossier_forms_ensure(dossier=dossier)  # forms never rendered (e.g. demo data) are rendered now
    items = []
    for doc in dossier.documents.order_by("created_at", "id"):
        url = reverse(
            "api-v1:dossier-document-file",
            kwargs={"code": dossier.code or f"#{dossier.pk}", "doc_id": doc.pk},
        )
        items.append(
            {
                "id": doc.pk,
                "kind": doc.kind,
                "name": doc.name,
                "url": public_url(url),
                "sha256": doc.sha256,
                "size": doc.size,
                "signed": doc.signed,
                "supersedes": doc.supersedes_id,
            }
        )
    return {"items": items}


@router.get(
    "/{code}/documents/{doc_id}/file",
    auth=AUTHENTICATED,
    response={404: ErrorOut},
    url_name="dossier-document-file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment, in its own media type.",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def dossier_document_file_api(request: HttpRequest, code: str, doc_id: int) -> Any:
    """The file itself."""
    dossier = access_dossier_for_officer(user=request.auth, code=code)  # type: ignore[attr-defined]
    doc = dossier.documents.filter(pk=doc_id).first()
    if doc is None:
        raise NotFound("No such document in this dossier.", code="not_found")
    return FileResponse(
        doc.file.open("rb"),
        as_attachment=True,
        filename=doc.name,
        content_type=doc.content_type or "application/octet-stream",
    )


class SignatureOut(Schema):
    signer: str
    agency: str
    signed_at: str | None
    valid: bool
    timestamped: bool
    problem: str | None
    problem_code: str | None


class VerifyOut(Schema):
    valid: bool
    modified_after_signing: bool
    registered_for: str | None
    sha256: str
    problem: str | None = Field(description="What is wrong, in the request's language.")
    problem_code: str | None = Field(
        description="not_pdf, too_large, damaged_pdf, encrypted_pdf, no_signature, "
        "broken_signature, modified, untrusted, timestamp_untrusted, allowed_changes."
    )
    signatures: list[SignatureOut]


@verify_router.post("", auth=PUBLIC, response={200: VerifyOut, 400: ErrorOut})
def verify_api(
    request: HttpRequest, file: Annotated[UploadedFile, File(description="The PDF to verify")]
) -> Any:
    """Verify every signature of a PDF against the configured trust roots; say whether it was
    changed after signing and whether it is the result registered for a dossier (by SHA-256).
    A file that is not a PDF, is encrypted, or has a broken signature gives `valid: false`
    with the reason in `problem`; an empty or too large upload gives 400."""
    if file.size and file.size > MAX_VERIFY_BYTES:
        message = _("The file is larger than 20 MB.")
        raise ValidationFailed(message, code="too_large", field_errors={"file": [message]})
    content = file.read()
    report = verify_pdf(pdf=content, trust_roots=trust_roots_from_settings())
    registered = result_find_by_sha256(sha256=report.sha256)
    return {
        "valid": report.valid,
        "modified_after_signing": report.modified_after_signing,
        "registered_for": registered.dossier.code if registered else None,
        "sha256": report.sha256,
        "problem": report.problem or None,
        "problem_code": report.problem_code or None,
        "signatures": [
            {
                "signer": s.signer_name,
                "agency": s.agency,
                "signed_at": s.signed_at.isoformat() if s.signed_at else None,
                "valid": s.valid,
                "timestamped": s.timestamped,
                "problem": s.problem or None,
                "problem_code": s.problem_code or None,
            }
            for s in report.signatures
        ],
    }
