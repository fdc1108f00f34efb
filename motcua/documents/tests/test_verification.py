"""verify_pdf: what a citizen learns about a file they upload."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

from motcua.core.errors import ValidationFailed
from motcua.documents import pki
from motcua.documents.tests.test_signing import (
    AGENCY,
    LEADER,
    PASSPHRASE,
    ThrowawayPki,
    make_throwaway_pki,
    pyhanko_statuses,
    sign_leader,
    sign_seal,
    tiny_pdf,
)
from motcua.documents.tests.tsa_server import tsa_server_run
from motcua.documents.verification import (
    PROBLEMS,
    VerificationReport,
    trust_roots_from_settings,
    verify_pdf,
)


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayPki:
    return make_throwaway_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def signed_once(test_pki: ThrowawayPki) -> bytes:
    return sign_leader(test_pki)


def _append_update(pdf: bytes, change: Any) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_on_page(writer: IncrementalPdfFileWriter) -> None:
    stream = generic.StreamObject(stream_data=b"BT /F1 40 Tf 72 500 Td (DA DUYET 100 TY) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))


def _add_empty_signature_field(writer: IncrementalPdfFileWriter) -> None:
    fields.append_signature_field(writer, fields.SigFieldSpec("ChoKyThem", box=(40, 40, 200, 90)))


def _add_sticky_note(writer: IncrementalPdfFileWriter) -> None:
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (100, 600, 130, 630)]
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject("Đã sửa số tiền"),
        }
    )
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else generic.ArrayObject()
    annots.append(writer.add_object(annot))
    page[generic.pdf_name("/Annots")] = annots
    writer.update_container(page)


def test_a_signed_document_is_valid_and_says_who_signed(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    report = verify_pdf(pdf=signed_once, trust_roots=[test_pki.root_pem])

    assert report.valid and not report.modified_after_signing
    assert report.problem == "" and report.problem_code == ""
    assert report.sha256 == hashlib.sha256(signed_once).hexdigest()
    [sig] = report.signatures
    assert (sig.signer_name, sig.agency, sig.field_name, sig.kind) == (
        LEADER,
        AGENCY,
        "LanhDao",
        "signature",
    )
    assert sig.intact and sig.trusted and sig.valid and sig.covers_whole_document
    assert not sig.timestamped
    assert sig.reason == "Phê duyệt kết quả giải quyết thủ tục hành chính"
    assert sig.signed_at is not None
    assert abs(sig.signed_at - dt.datetime.now(tz=dt.UTC)) < dt.timedelta(hours=1)


def test_trust_roots_in_der_or_in_a_pem_bundle_are_accepted(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    other = pki.ca_create(common_name="Another CA", organization="x")
    bundle = pki.certificates_pem([other.cert, test_pki.root.cert])

    assert verify_pdf(pdf=signed_once, trust_roots=[test_pki.root_der]).valid
    assert verify_pdf(pdf=signed_once, trust_roots=[bundle]).valid


@pytest.mark.parametrize("roots", ["other", "none"])
def test_a_signer_from_an_untrusted_authority_is_not_valid(
    test_pki: ThrowawayPki, signed_once: bytes, roots: str
) -> None:
    trust = (
        [pki.certificate_pem(pki.ca_create(common_name="Another CA", organization="x").cert)]
        if roots == "other"
        else []
    )

    report = verify_pdf(pdf=signed_once, trust_roots=trust)

    assert not report.valid and not report.modified_after_signing
    assert report.problem_code == "untrusted"
    [sig] = report.signatures
    assert sig.intact and not sig.trusted and not sig.valid
    assert sig.signer_name == LEADER  # still shown, so the citizen sees who claims to sign


def test_one_changed_byte_makes_the_document_modified(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    tampered = signed_once.replace(b"(Giay xac nhan", b"(Giay xac nhen", 1)

    report = verify_pdf(pdf=tampered, trust_roots=[test_pki.root_pem])
    [status] = pyhanko_statuses(tampered, test_pki.root_der)

    assert not status.intact  # pyHanko agrees
    assert not report.valid and report.modified_after_signing
    assert report.problem_code == "modified"
    assert report.problem == PROBLEMS["modified"]
    assert not report.signatures[0].intact


def test_leader_and_seal_are_both_valid(test_pki: ThrowawayPki, signed_once: bytes) -> None:
    sealed = sign_seal(test_pki, signed_once)

    report = verify_pdf(pdf=sealed, trust_roots=[test_pki.root_pem])

    assert report.valid and not report.modified_after_signing
    leader, seal = report.signatures
    assert (leader.signer_name, seal.signer_name) == (LEADER, AGENCY)
    assert leader.valid and seal.valid
    assert not leader.covers_whole_document and seal.covers_whole_document


def test_content_drawn_after_signing_is_caught(test_pki: ThrowawayPki, signed_once: bytes) -> None:
    changed = _append_update(signed_once, _draw_on_page)

    report = verify_pdf(pdf=changed, trust_roots=[test_pki.root_pem])

    assert changed.startswith(signed_once)
    assert not report.valid and report.modified_after_signing
    assert report.problem_code == "modified"
    [sig] = report.signatures
    assert sig.intact and not sig.valid and not sig.covers_whole_document


def test_an_annotation_added_after_signing_is_not_accepted(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    changed = _append_update(signed_once, _add_sticky_note)

    report = verify_pdf(pdf=changed, trust_roots=[test_pki.root_pem])

    assert not report.valid and report.modified_after_signing
    assert report.problem_code == "modified"


def test_an_empty_signature_field_added_later_is_an_allowed_change(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    changed = _append_update(signed_once, _add_empty_signature_field)

    report = verify_pdf(pdf=changed, trust_roots=[test_pki.root_pem])

    assert report.valid and report.modified_after_signing
    assert report.problem_code == "allowed_changes"


def test_a_timestamped_signature_reports_the_tsa_time(test_pki: ThrowawayPki) -> None:
    with tsa_server_run(tsa=test_pki.tsa, ca_cert=test_pki.root.cert) as tsa:
        signed = sign_leader(test_pki, tsa_url=tsa.url)

    report = verify_pdf(pdf=signed, trust_roots=[test_pki.root_pem])

    assert report.valid
    [sig] = report.signatures
    assert sig.timestamped
    assert sig.signed_at == tsa.issued[-1]


def test_a_timestamp_from_an_untrusted_tsa_fails(test_pki: ThrowawayPki) -> None:
    stranger = pki.ca_create(common_name="Stranger CA", organization="x")
    rogue_tsa = pki.certificate_issue(
        ca=stranger, common_name="Rogue TSA", organization="x", kind="tsa"
    )
    with tsa_server_run(tsa=rogue_tsa, ca_cert=stranger.cert) as tsa:
        signed = sign_leader(test_pki, tsa_url=tsa.url)

    report = verify_pdf(pdf=signed, trust_roots=[test_pki.root_pem])

    assert not report.valid
    assert report.problem_code == "timestamp_untrusted"
    [sig] = report.signatures
    assert sig.intact and sig.trusted and not sig.timestamped and not sig.valid


def test_a_corrupted_signature_blob_is_a_broken_signature(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    start = signed_once.index(b"/Contents <") + len(b"/Contents <")
    broken = signed_once[:start] + b"0" * 64 + signed_once[start + 64 :]

    report = verify_pdf(pdf=broken, trust_roots=[test_pki.root_pem])

    assert not report.valid
    assert report.problem_code == "broken_signature"
    assert report.signatures[0].problem == PROBLEMS["broken_signature"]


def _encrypted_pdf() -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(tiny_pdf())))
    writer.encrypt("owner-secret", "user-secret")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: b"PK\x03\x04 a zip, not a pdf", "not_pdf"),
        (lambda: b"%PDF-1.7\nno cross-reference table here", "damaged_pdf"),
        (tiny_pdf, "no_signature"),
        (_encrypted_pdf, "encrypted_pdf"),
    ],
)
def test_files_that_cannot_be_verified_get_a_plain_answer(
    test_pki: ThrowawayPki, make: Any, code: str
) -> None:
    data = make()

    report = verify_pdf(pdf=data, trust_roots=[test_pki.root_pem])

    assert report == VerificationReport(
        valid=False,
        modified_after_signing=False,
        signatures=(),
        sha256=hashlib.sha256(data).hexdigest(),
        problem=PROBLEMS[code],
        problem_code=code,
    )
    # One language, the active one (the page's): Vietnamese here.
    assert report.problem == str(PROBLEMS[code]) and " / " not in report.problem


def test_a_file_over_the_limit_is_not_parsed(test_pki: ThrowawayPki, signed_once: bytes) -> None:
    report = verify_pdf(pdf=signed_once, trust_roots=[test_pki.root_pem], max_bytes=1000)

    assert not report.valid and report.problem_code == "too_large"


def test_nothing_to_check_is_an_input_error() -> None:
    with pytest.raises(ValidationFailed) as err:
        verify_pdf(pdf=b"", trust_roots=[])

    assert err.value.code == "empty"


def test_a_trust_root_that_is_not_a_certificate_is_a_configuration_error(
    signed_once: bytes,
) -> None:
    with pytest.raises(ValueError, match="certificate"):
        verify_pdf(pdf=signed_once, trust_roots=[b"not a certificate"])
    with pytest.raises(ValueError, match="certificate"):
        verify_pdf(
            pdf=signed_once,
            trust_roots=[b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"],
        )


def test_trust_roots_come_from_settings(
    test_pki: ThrowawayPki, signed_once: bytes, settings: Any, tmp_path: Path
) -> None:
    roots_dir = tmp_path / "roots"
    roots_dir.mkdir()
    (roots_dir / "test-root.crt").write_bytes(test_pki.root_der)
    (roots_dir / "README.txt").write_text("ignored")
    demo = pki.demo_pki_ensure(
        directory=tmp_path / "demo", people=[], agencies=[AGENCY], passphrase=PASSPHRASE
    )
    settings.MOTCUA_SIGNATURE_TRUST_ROOTS = [str(roots_dir)]
    settings.USE_DEMO_PKI = False

    production = trust_roots_from_settings()
    settings.USE_DEMO_PKI = True
    settings.MOTCUA_DEMO_PKI_DIR = str(tmp_path / "demo")
    with_demo = trust_roots_from_settings()

    assert production == [test_pki.root_der]
    assert with_demo == [test_pki.root_der, demo.root_cert.read_bytes()]
    assert verify_pdf(pdf=signed_once, trust_roots=production).valid
