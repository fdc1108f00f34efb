"""Check the signatures of a PDF anyone uploads: intact, trusted, covering the whole document.

pyHanko is the validator (docs/adr/0009-signatures.md). `verify_pdf` never trusts the operating
system's certificate list: only the trust roots it is given (`trust_roots_from_settings`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}

#: What can be wrong, by code, in plain words (English msgids: the page's language is used).
PROBLEMS: dict[str, Any] = {
    "not_pdf": gettext_lazy("The file is not a PDF."),
    "too_large": gettext_lazy("The file is too large to check."),
    "damaged_pdf": gettext_lazy("The PDF is damaged and cannot be read."),
    "encrypted_pdf": gettext_lazy(
        "The PDF is encrypted (password-protected); its signatures cannot be checked."
    ),
    "no_signature": gettext_lazy("The PDF has no digital signature."),
    "broken_signature": gettext_lazy("A digital signature is broken and cannot be checked."),
    "modified": gettext_lazy("The document was changed after it was signed."),
    "untrusted": gettext_lazy(
        "The signer's certificate is not issued by a trusted authority, or has expired."
    ),
    "allowed_changes": gettext_lazy(
        "After signing, allowed changes (form filling) were added; the signed content was not "
        "changed."
    ),
    "timestamp_untrusted": gettext_lazy("The timestamp is invalid or not trusted."),
}
#: Problems of the file itself: its signatures could not be looked at.
UNCHECKED = frozenset({"not_pdf", "too_large", "damaged_pdf", "encrypted_pdf", "no_signature"})


def _problem(code: str) -> str:
    """The problem in the active language (the page's, or the API caller's)."""
    return str(PROBLEMS[code]) if code else ""


@dataclass(frozen=True)
class SignatureReport:
    """One signature (or document timestamp) of the file, in the order they were applied.

    `signed_at` is the time of the RFC 3161 timestamp when there is one (`timestamped`), else
    the signer's own claimed time (not proof). `covers_whole_document`: nothing was appended
    after this signature. `valid`: intact, trusted, and only allowed updates (more signatures,
    validation data) after it. `problem` is empty when valid."""

    field_name: str
    kind: str  # "signature" or "document_timestamp"
    signer_name: str
    agency: str
    signed_at: dt.datetime | None
    intact: bool
    trusted: bool
    valid: bool
    timestamped: bool
    covers_whole_document: bool
    reason: str
    problem: str = ""
    problem_code: str = ""


@dataclass(frozen=True)
class VerificationReport:
    """The answer for one file. `valid`: it has at least one signature and every signature is
    valid. `modified_after_signing`: a signed byte changed, or something other than validation
    data was added after the last signature. `problem` (in the active language, made when the
    report is) and `problem_code` explain the first thing wrong; both are empty when the file is valid and
    untouched since its last signature ("allowed_changes" when valid but form fields were
    filled after it)."""

    valid: bool
    modified_after_signing: bool
    signatures: tuple[SignatureReport, ...]
    sha256: str
    problem: str = ""
    problem_code: str = ""

    @property
    def checked(self) -> bool:
        """The signatures were looked at: it is a readable PDF that has some."""
        return self.problem_code not in UNCHECKED

    @property
    def integrity_known(self) -> bool:
        """Whether "changed after signing or not" can be said: every signature could be
        checked (none broken), whatever its trust."""
        return self.checked and self.problem_code != "broken_signature"


def _report(pdf: bytes, code: str, **kwargs: Any) -> VerificationReport:
    return VerificationReport(
        valid=False,
        modified_after_signing=kwargs.pop("modified_after_signing", False),
        signatures=kwargs.pop("signatures", ()),
        sha256=hashlib.sha256(pdf).hexdigest(),
        problem=_problem(code),
        problem_code=code,
    )


def certificates_load(data: bytes) -> list[Any]:
    """Certificates (asn1crypto) from DER or PEM bytes (a PEM file may hold several).

    Raises ValueError when `data` holds no certificate: trust roots are configuration."""
    from asn1crypto import pem, x509

    try:
        if pem.detect(data):
            certs = [
                x509.Certificate.load(der)
                for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            certs = [x509.Certificate.load(data)]
        for cert in certs:
            cert.native  # noqa: B018  (parses now, so bad bytes fail here)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a DER or PEM certificate") from exc
    if not certs:
        raise ValueError("not a DER or PEM certificate: no CERTIFICATE block")
    return certs


def trust_roots_from_settings() -> list[bytes]:
    """The trust roots to verify against, as file contents.

    `MOTCUA_SIGNATURE_TRUST_ROOTS`: list of paths of PEM/DER certificate files or directories
    of them (.pem .crt .cer .der). With `USE_DEMO_PKI` on, the demo root in
    `MOTCUA_DEMO_PKI_DIR` (default VAR_DIR/pki) is added: never in production."""
    from django.conf import settings

    paths = [Path(p) for p in getattr(settings, "MOTCUA_SIGNATURE_TRUST_ROOTS", []) or []]
    if getattr(settings, "USE_DEMO_PKI", False):
        demo_dir = getattr(settings, "MOTCUA_DEMO_PKI_DIR", None) or (
            Path(getattr(settings, "VAR_DIR", "var")) / "pki"
        )
        paths.append(Path(demo_dir) / "root-ca.pem")
    roots: list[bytes] = []
    for path in paths:
        files = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in CERT_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        for file in files:
            try:
                roots.append(file.read_bytes())
            except OSError:
                logger.warning("Trust root %s cannot be read; ignored", file)
    return roots


def _name_parts(cert: Any) -> tuple[str, str]:
    if cert is None:
        return "", ""
    subject = cert.subject.native

    def first(key: str) -> str:
        value = subject.get(key, "")
        return str(value[0] if isinstance(value, list) else value)

    return first("common_name"), first("organization_name")


def _broken(field_name: str, kind: str, reason: str, cert: Any = None) -> SignatureReport:
    name, agency = _name_parts(cert)
    return SignatureReport(
        field_name=field_name,
        kind=kind,
        signer_name=name,
        agency=agency,
        signed_at=None,
        intact=False,
        trusted=False,
        valid=False,
        timestamped=False,
        covers_whole_document=False,
        reason=reason,
        problem=_problem("broken_signature"),
        problem_code="broken_signature",
    )


def _collect(reader: Any) -> tuple[list[Any], list[SignatureReport]]:
    """The filled signature fields: (parsed signatures in signing order, broken ones)."""
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation import EmbeddedPdfSignature

    parsed, broken = [], []
    for fq_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            parsed.append(EmbeddedPdfSignature(reader, sig_field, fq_name))
        except Exception as exc:  # noqa: BLE001 - an unparsable signature is "broken"
            logger.info("Signature %s cannot be parsed: %s", fq_name, exc)
            obj = sig_obj.get_object()
            kind = "document_timestamp" if obj.get("/Type") == "/DocTimeStamp" else "signature"
            broken.append(_broken(str(fq_name), kind, str(obj.get("/Reason", "") or "")))
    parsed.sort(key=lambda emb: emb.signed_revision)
    return parsed, broken


def _check_one(emb: Any, vc: Any, ku: Any) -> tuple[SignatureReport, Any]:
    """Validate one embedded signature; (report, modification level or None)."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import (
        SignatureCoverageLevel,
        validate_pdf_signature,
        validate_pdf_timestamp,
    )

    kind = "document_timestamp" if emb.sig_object_type == "/DocTimeStamp" else "signature"
    reason = str(emb.sig_object.get("/Reason", "") or "")
    try:
        cert = emb.signer_cert
    except Exception:  # noqa: BLE001 - a broken CMS blob has no readable certificate
        cert = None
    name, agency = _name_parts(cert)
    status: Any
    try:
        if kind == "signature":
            status = validate_pdf_signature(emb, vc, key_usage_settings=ku)
        else:
            status = validate_pdf_timestamp(emb, validation_context=vc)
    except Exception as exc:  # noqa: BLE001 - whatever pyHanko cannot check is "broken"
        logger.info("Signature %s cannot be validated: %s", emb.field_name, exc)
        return _broken(str(emb.field_name), kind, reason, cert), ModificationLevel.NONE
    level = status.modification_level
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    allowed_after = covers or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.FORM_FILLING
    )
    if kind == "signature":
        tst = status.timestamp_validity
        timestamped = tst is not None and tst.intact and tst.valid and tst.trusted
        signed_at = tst.timestamp if tst is not None else status.signer_reported_dt
        tst_bad = tst is not None and not timestamped
    else:
        timestamped, signed_at, tst_bad = status.trusted, status.timestamp, False
    intact = bool(status.intact and status.valid)
    valid = bool(status.bottom_line and allowed_after and not tst_bad)
    if status.intact and not status.valid:
        code = "broken_signature"
    elif not intact or not allowed_after:
        code = "modified"
    elif not status.trusted:
        code = "untrusted"
    elif tst_bad:
        code = "timestamp_untrusted"
    elif not valid:
        code = "untrusted"
    else:
        code = ""
    report = SignatureReport(
        field_name=str(emb.field_name),
        kind=kind,
        signer_name=name,
        agency=agency,
        signed_at=signed_at,
        intact=intact,
        trusted=bool(status.trusted),
        valid=valid,
        timestamped=bool(timestamped),
        covers_whole_document=covers,
        reason=reason,
        problem=_problem(code),
        problem_code=code,
    )
    return report, (ModificationLevel.NONE if covers else level)


def verify_pdf(
    *,
    pdf: bytes,
    trust_roots: list[bytes],
    max_bytes: int = MAX_BYTES,
    allow_fetching: bool = False,
) -> VerificationReport:
    """Check every signature of `pdf` against `trust_roots` (DER or PEM certificates).

    Returns a report for every file it is given, also when the answer is "no": not a PDF, too
    large (over `max_bytes`), encrypted, damaged, no signature, a broken signature, changed
    after signing, an untrusted signer. Then `valid` is False and `problem` says why in the
    active language (`problem_code` for programs).

    Raises ValidationFailed (code "empty") only when there is nothing to check: `pdf` is empty
    or not bytes; the REST layer answers 400. Raises ValueError when a trust root is not a
    certificate (a configuration error). `allow_fetching` lets pyHanko fetch OCSP/CRL data over
    the network (off by default: revocation is then checked in soft-fail mode with what the
    file embeds). Synchronous; called from a thread that runs an event loop, it does its work
    on a worker thread (pyHanko's synchronous API starts its own loop)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        import concurrent.futures

        from django.utils import translation

        language = translation.get_language()

        def in_worker() -> VerificationReport:
            # The answer's words in the caller's language (the active language is per thread).
            with translation.override(language):
                return verify_pdf(
                    pdf=pdf,
                    trust_roots=trust_roots,
                    max_bytes=max_bytes,
                    allow_fetching=allow_fetching,
                )

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_worker).result()
    if not isinstance(pdf, bytes | bytearray) or not pdf:
        raise ValidationFailed(_("There is no file to check."), code="empty")
    pdf = bytes(pdf)
    if len(pdf) > max_bytes:
        return _report(pdf, "too_large")
    if b"%PDF-" not in pdf[:1024]:
        return _report(pdf, "not_pdf")

    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    roots = [cert for data in trust_roots for cert in certificates_load(data)]
    try:
        reader = PdfFileReader(BytesIO(pdf))
        if reader.encrypted:
            return _report(pdf, "encrypted_pdf")
        embedded, broken = _collect(reader)
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        logger.info("Unreadable PDF: %s", exc)
        return _report(pdf, "damaged_pdf")
    if not embedded and not broken:
        return _report(pdf, "no_signature")

    vc = ValidationContext(trust_roots=roots, allow_fetching=allow_fetching)
    # A leader's certificate carries non-repudiation; some CAs issue only digital signature.
    ku = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})
    reports: list[SignatureReport] = []
    levels: list[Any] = []
    for emb in embedded:
        report, level = _check_one(emb, vc, ku)
        reports.append(report)
        levels.append(level)
    reports += broken  # where they were applied is unknown: listed last

    modified = any(r.problem_code == "modified" for r in reports) or (
        bool(levels) and (levels[-1] is None or levels[-1] > ModificationLevel.LTA_UPDATES)
    )
    sha = hashlib.sha256(pdf).hexdigest()
    if all(r.valid for r in reports):
        # Valid; `modified` can still be true when form fields were filled after the last
        # signature (an update PDF allows): say so, without failing the document.
        return VerificationReport(
            valid=True,
            modified_after_signing=modified,
            signatures=tuple(reports),
            sha256=sha,
            problem=_problem("allowed_changes") if modified else "",
            problem_code="allowed_changes" if modified else "",
        )
    problems = {r.problem_code for r in reports}
    if "broken_signature" in problems:
        code = "broken_signature"
    elif modified or "modified" in problems:
        code = "modified"
    elif "timestamp_untrusted" in problems and "untrusted" not in problems:
        code = "timestamp_untrusted"
    else:
        code = "untrusted"
    return _report(pdf, code, modified_after_signing=modified, signatures=tuple(reports))
