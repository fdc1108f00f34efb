"""`pdf_signable_check` (issue 17 item 3): a result is parsed and tried before it is accepted,
so a damaged, encrypted or unsignable PDF is refused at the desk instead of failing the
signature job after commit. Messages are in the page's language, one language at a time."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.utils import translation
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from motcua.core import clock
from motcua.core.aio import run_coroutine
from motcua.core.errors import ValidationFailed
from motcua.documents.api import pdf_signable_check, sign_pdf
from motcua.documents.signing import _load_pkcs12
from motcua.documents.tests.test_signing import (
    ThrowawayPki,
    make_throwaway_pki,
    sign_leader,
    tiny_pdf,
)


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayPki:
    return make_throwaway_pki(tmp_path_factory.mktemp("pki"))


def _encrypted() -> bytes:
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(tiny_pdf())))
    writer.encrypt("owner-secret", "user-secret")
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _certified_no_changes(test_pki: ThrowawayPki) -> bytes:
    """A PDF certified by its author with "no changes allowed" (DocMDP level 1)."""
    meta = signers.PdfSignatureMetadata(
        field_name="Author",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(tiny_pdf()))
    pdf_signer = signers.PdfSigner(meta, signer=_load_pkcs12(test_pki.leader_signer))
    # run_coroutine: also when a browser test left an event loop running in this thread.
    out = run_coroutine(pdf_signer.async_sign_pdf(writer, output=BytesIO()))
    return bytes(out.getvalue())


def _code(pdf: bytes, **kwargs: Any) -> str:
    with pytest.raises(ValidationFailed) as err:
        pdf_signable_check(pdf=pdf, **kwargs)
    return err.value.code


def test_a_readable_pdf_passes() -> None:
    assert pdf_signable_check(pdf=tiny_pdf(pages=2)) is None


def test_files_that_cannot_be_signed_are_told_apart(test_pki: ThrowawayPki) -> None:
    assert _code(b"GIF89a not a pdf") == "not_pdf"
    assert _code(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n") == "damaged_pdf"
    assert _code(_encrypted()) == "encrypted_pdf"
    assert _code(_certified_no_changes(test_pki)) == "unsignable_pdf"


def test_a_pdf_without_pages_cannot_be_signed() -> None:
    empty = tiny_pdf(pages=0)
    assert PdfFileReader(BytesIO(empty)).root["/Pages"]["/Count"] == 0
    assert _code(empty) == "unsignable_pdf"


def test_a_field_already_signed_is_refused(test_pki: ThrowawayPki) -> None:
    signed = sign_leader(test_pki, field_name="Signature_leader")
    assert _code(signed, field_names=("Signature_leader", "Signature_seal")) == "field_taken"
    # Signing more is possible: another field.
    assert pdf_signable_check(pdf=signed, field_names=("Signature_seal",)) is None


def test_messages_are_in_one_language_the_active_one() -> None:
    damaged = b"%PDF-1.7\ngarbage without a cross-reference table"
    with translation.override("vi"), pytest.raises(ValidationFailed) as vi:
        pdf_signable_check(pdf=damaged)
    with translation.override("en"), pytest.raises(ValidationFailed) as en:
        pdf_signable_check(pdf=damaged)
    assert vi.value.message == "Tệp PDF bị hỏng, không đọc được."
    assert en.value.message == "The PDF is damaged and cannot be read."


def test_the_stated_signing_time_is_the_service_clock(test_pki: ThrowawayPki) -> None:
    """The signer's stated time comes from core.clock (what the stamp shows), not from the
    machine's clock that pyHanko would read."""
    from pyhanko.sign.validation import EmbeddedPdfSignature

    when = dt.datetime(2025, 12, 4, 10, 30, tzinfo=dt.UTC)
    with clock.at(when):
        signed = sign_pdf(
            pdf=tiny_pdf(),
            signer=test_pki.leader_signer,
            field_name="LanhDao",
            reason="",
            location="",
            stamp_lines=["Thời gian: 04/12/2025 17:30"],
        )
    reader = PdfFileReader(BytesIO(signed))
    [(name, _value, field)] = list(fields.enumerate_sig_fields(reader, filled_status=True))
    embedded = EmbeddedPdfSignature(reader, field, name)
    assert embedded.self_reported_timestamp == when
