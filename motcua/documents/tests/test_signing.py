"""PAdES signing: PKCS#12, PKCS#11 (SoftHSM2), RFC 3161 timestamps, the visible stamp.

Every check of a signature goes through pyHanko's validator; poppler's pdfsig is a second,
independent reader of the digest. Tools missing here skip, and fail under CI (conftest)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from conftest import _require
from motcua.core.errors import ValidationFailed
from motcua.documents import pki
from motcua.documents.signing import SignerConfig, sign_pdf
from motcua.documents.tests.tsa_server import tsa_server_run

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PASSPHRASE = "test-passphrase-không-dùng-thật"
LEADER = "Nguyễn Văn An"
AGENCY = "Sở Công Thương tỉnh Điện Biên"
TOKEN_LABEL = "motcua-test"
TOKEN_PIN = "123456"
KEY_LABEL = "leader"

# --- helpers shared with test_verification -----------------------------------------------


def tiny_pdf(text: str = "Giay xac nhan dang ky - motcua test", pages: int = 1) -> bytes:
    """A small valid PDF written by hand (one uncompressed content stream per page)."""
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    font_ref = 3 + 2 * pages
    for i in range(pages):
        stream = f"BT /F1 18 Tf 72 760 Td ({text} - page {i + 1}) Tj ET".encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_ref} 0 R >> >> /Contents {4 + 2 * i} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@dataclass(frozen=True)
class ThrowawayPki:
    root: pki.CertificateAuthority
    leader: pki.Issued
    seal: pki.Issued
    tsa: pki.Issued
    leader_p12: Path
    seal_p12: Path
    root_pem: bytes
    root_der: bytes

    @property
    def leader_signer(self) -> SignerConfig:
        return SignerConfig.pkcs12(path=self.leader_p12, passphrase=PASSPHRASE)

    @property
    def seal_signer(self) -> SignerConfig:
        return SignerConfig.pkcs12(path=self.seal_p12, passphrase=PASSPHRASE)


def make_throwaway_pki(directory: Path) -> ThrowawayPki:
    root = pki.ca_create(common_name="motcua Test Root CA", organization="motcua tests")
    leader = pki.certificate_issue(
        ca=root, common_name=LEADER, organization=AGENCY, unit=pki.LEADER_UNIT, kind="person"
    )
    seal = pki.certificate_issue(
        ca=root, common_name=AGENCY, organization=AGENCY, unit=pki.SEAL_UNIT, kind="seal"
    )
    tsa = pki.certificate_issue(
        ca=root, common_name="motcua Test TSA", organization="motcua tests", kind="tsa"
    )
    paths = []
    for name, issued in (("leader", leader), ("seal", seal)):
        path = directory / f"{name}.p12"
        path.write_bytes(
            pki.pkcs12_bytes(issued=issued, ca_certs=[root.cert], passphrase=PASSPHRASE, name=name)
        )
        paths.append(path)
    return ThrowawayPki(
        root=root,
        leader=leader,
        seal=seal,
        tsa=tsa,
        leader_p12=paths[0],
        seal_p12=paths[1],
        root_pem=pki.certificate_pem(root.cert),
        root_der=root.cert.public_bytes(serialization.Encoding.DER),
    )


def sign_leader(test_pki: ThrowawayPki, pdf: bytes | None = None, **kwargs: Any) -> bytes:
    args: dict[str, Any] = {
        "pdf": tiny_pdf() if pdf is None else pdf,
        "signer": test_pki.leader_signer,
        "field_name": "LanhDao",
        "reason": "Phê duyệt kết quả giải quyết thủ tục hành chính",
        "location": "Điện Biên",
        "stamp_lines": [f"Ký bởi: {LEADER}", f"Cơ quan: {AGENCY}", "Thời gian: 09:30 15/04/2026"],
    }
    args.update(kwargs)
    return sign_pdf(**args)


def sign_seal(test_pki: ThrowawayPki, pdf: bytes, **kwargs: Any) -> bytes:
    args: dict[str, Any] = {
        "pdf": pdf,
        "signer": test_pki.seal_signer,
        "field_name": "DauCoQuan",
        "reason": "Đóng dấu cơ quan",
        "location": "Điện Biên",
        "stamp_lines": [f"Đóng dấu: {AGENCY}", "Thời gian: 09:31 15/04/2026"],
        "box": (330, 130, 565, 210),
    }
    args.update(kwargs)
    return sign_pdf(**args)


def pyhanko_statuses(pdf: bytes, root_der: bytes) -> list[Any]:
    vc = ValidationContext(trust_roots=[asn1_x509.Certificate.load(root_der)])
    reader = PdfFileReader(BytesIO(pdf))
    return [validate_pdf_signature(sig, vc) for sig in reader.embedded_signatures]


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        package = "softhsm2" if name.startswith("softhsm") else "poppler-utils"
        _require(name, f"{name} not installed (apt-get install {package})")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayPki:
    return make_throwaway_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def signed_once(test_pki: ThrowawayPki) -> bytes:
    return sign_leader(test_pki)


# --- PKCS#12 ------------------------------------------------------------------------------


def test_pkcs12_signature_is_intact_and_trusted_for_pyhanko(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    original = tiny_pdf()

    [status] = pyhanko_statuses(signed_once, test_pki.root_der)

    assert signed_once.startswith(original)  # incremental: the original bytes are untouched
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == LEADER
    assert status.timestamp_validity is None  # B-B: no TSA
    reader = PdfFileReader(BytesIO(signed_once))
    sig = reader.embedded_signatures[0]
    assert sig.field_name == "LanhDao"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert sig.sig_object["/Reason"] == "Phê duyệt kết quả giải quyết thủ tục hành chính"
    assert sig.sig_object["/Location"] == "Điện Biên"


def test_pdfsig_reports_the_signature_valid(signed_once: bytes, tmp_path: Path) -> None:
    pdfsig = require_tool("pdfsig")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_once)
    # An empty HOME: poppler starts NSS without a database, so our test root is unknown to it
    # and the chain is reported untrusted; the digest and the signature are still checked.
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(
        [pdfsig, "-no-ocsp", str(path)], capture_output=True, text=True, env=env, check=False
    )

    assert "Signature Validation: Signature is Valid." in result.stdout, result.stdout
    assert "Total document signed" in result.stdout
    assert f"Signer Certificate Common Name: {LEADER}" in result.stdout
    assert "Certificate issuer isn't Trusted" in result.stdout


def test_one_changed_byte_is_caught_by_pyhanko_and_pdfsig(
    test_pki: ThrowawayPki, signed_once: bytes, tmp_path: Path
) -> None:
    tampered = signed_once.replace(b"(Giay xac nhan", b"(Giay xac nhen", 1)
    assert tampered != signed_once and len(tampered) == len(signed_once)

    [status] = pyhanko_statuses(tampered, test_pki.root_der)

    assert not status.intact and not status.bottom_line
    pdfsig = require_tool("pdfsig")
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    env = {**os.environ, "HOME": str(tmp_path)}
    out = subprocess.run(
        [pdfsig, "-no-ocsp", str(path)], capture_output=True, text=True, env=env, check=False
    ).stdout
    assert "Signature is Valid." not in out
    assert "Digest Mismatch" in out, out


def test_leader_then_seal_keeps_both_signatures_valid(
    test_pki: ThrowawayPki, signed_once: bytes
) -> None:
    sealed = sign_seal(test_pki, signed_once)

    leader, seal = pyhanko_statuses(sealed, test_pki.root_der)

    assert sealed.startswith(signed_once)
    assert leader.bottom_line and seal.bottom_line
    assert leader.coverage.name == "ENTIRE_REVISION"
    assert leader.modification_level.name == "FORM_FILLING"  # only a signature was added
    assert seal.coverage.name == "ENTIRE_FILE"
    assert seal.signing_cert.subject.native["common_name"] == AGENCY


def test_a_signed_field_cannot_be_signed_again(test_pki: ThrowawayPki, signed_once: bytes) -> None:
    with pytest.raises(ValidationFailed) as err:
        sign_leader(test_pki, pdf=signed_once)

    assert err.value.code == "field_taken"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a not a pdf at all", "not_pdf"),
        (b"", "not_pdf"),
        (b"%PDF-1.7\ngarbage without a cross-reference table", "damaged_pdf"),
    ],
)
def test_input_that_is_not_a_usable_pdf_is_refused(
    test_pki: ThrowawayPki, data: bytes, code: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        sign_leader(test_pki, pdf=data)

    assert err.value.code == code
    assert err.value.message and " / " not in err.value.message  # one language, the page's


def test_encrypted_pdf_is_refused(test_pki: ThrowawayPki) -> None:
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(tiny_pdf())))
    writer.encrypt("owner-secret", "user-secret")
    buf = BytesIO()
    writer.write(buf)

    with pytest.raises(ValidationFailed) as err:
        sign_leader(test_pki, pdf=buf.getvalue())

    assert err.value.code == "encrypted_pdf"


def test_wrong_passphrase_and_missing_key_file_are_told_apart(
    test_pki: ThrowawayPki, tmp_path: Path
) -> None:
    with pytest.raises(ValidationFailed) as wrong:
        sign_leader(test_pki, signer=SignerConfig.pkcs12(path=test_pki.leader_p12, passphrase="x"))
    with pytest.raises(ValidationFailed) as missing:
        sign_leader(
            test_pki, signer=SignerConfig.pkcs12(path=tmp_path / "none.p12", passphrase="x")
        )

    assert wrong.value.code == "key_passphrase"
    assert "sai mật khẩu" in wrong.value.message
    assert missing.value.code == "key_not_found"


def test_secrets_stay_out_of_repr() -> None:
    config = SignerConfig.pkcs12(path="/k.p12", passphrase="hunter2")
    token = SignerConfig.pkcs11(
        module_path="/m.so", token_label="t", key_label="k", user_pin="9999"
    )

    assert "hunter2" not in repr(config)
    assert "9999" not in repr(token)


# --- the visible stamp ----------------------------------------------------------------------


def test_stamp_shows_vietnamese_text_with_an_embedded_font(
    signed_once: bytes, tmp_path: Path
) -> None:
    pdftotext = require_tool("pdftotext")
    pdftoppm = require_tool("pdftoppm")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_once)

    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(
        [pdftoppm, "-r", "100", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )

    assert f"Ký bởi: {LEADER}" in text
    assert f"Cơ quan: {AGENCY}" in text
    assert "Thời gian: 09:30 15/04/2026" in text
    assert b"/FontFile2" in signed_once  # Noto Sans, embedded (subset)
    assert b"NotoSans" in signed_once
    assert (tmp_path / "page.png").stat().st_size > 5000
    # For a person to look at: MOTCUA_STAMP_PNG=/tmp/stamp.png pytest -k stamp_shows
    if target := os.environ.get("MOTCUA_STAMP_PNG"):
        shutil.copy(tmp_path / "page.png", target)


def test_percent_signs_in_stamp_lines_are_printed_as_they_are(
    test_pki: ThrowawayPki, tmp_path: Path
) -> None:
    pdftotext = require_tool("pdftotext")
    signed = sign_leader(test_pki, stamp_lines=["Giảm 50% lệ phí", "%(ts)s"])
    path = tmp_path / "p.pdf"
    path.write_bytes(signed)

    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "Giảm 50% lệ phí" in text
    assert "%(ts)s" in text


def test_stamp_goes_on_the_requested_page(test_pki: ThrowawayPki) -> None:
    signed = sign_leader(test_pki, pdf=tiny_pdf(pages=3), page=-1)

    reader = PdfFileReader(BytesIO(signed))
    pages_with_widget = [
        i for i in range(3) if "/Annots" in reader.root["/Pages"]["/Kids"][i].get_object()
    ]

    assert pages_with_widget == [2]


# --- RFC 3161 timestamps (B-T) ------------------------------------------------------------------


def test_with_a_tsa_the_signature_carries_a_trusted_timestamp(test_pki: ThrowawayPki) -> None:
    with tsa_server_run(tsa=test_pki.tsa, ca_cert=test_pki.root.cert) as tsa:
        signed = sign_leader(test_pki, tsa_url=tsa.url, tsa_timeout=5)

    [status] = pyhanko_statuses(signed, test_pki.root_der)

    assert status.bottom_line
    tst = status.timestamp_validity
    assert tst is not None and tst.intact and tst.valid and tst.trusted
    assert tst.timestamp == tsa.issued[-1]
    assert tsa.requests >= 1


def test_an_unreachable_tsa_is_a_clear_error(test_pki: ThrowawayPki) -> None:
    with tsa_server_run(tsa=test_pki.tsa, ca_cert=test_pki.root.cert) as tsa:
        url = tsa.url  # the server is stopped once the block ends: nothing listens there

    with pytest.raises(ValidationFailed) as err:
        sign_leader(test_pki, tsa_url=url, tsa_timeout=2)

    assert err.value.code == "tsa_unreachable"
    assert url in err.value.message
    assert "máy chủ cấp dấu thời gian" in err.value.message


# --- PKCS#11 (SoftHSM2) -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory, test_pki: ThrowawayPki) -> str:
    """A SoftHSM2 token in a temp dir holding the leader's key and certificate (imported with
    python-pkcs11). The module reads SOFTHSM2_CONF when first loaded, once per process."""
    if not Path(SOFTHSM_MODULE).exists():
        _require("SoftHSM2", f"{SOFTHSM_MODULE} missing (apt-get install softhsm2)")
    util = require_tool("softhsm2-util")
    import pkcs11
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [util, "--init-token", "--free", "--label", TOKEN_LABEL]
        + ["--so-pin", "87654321", "--pin", TOKEN_PIN],
        check=True,
        capture_output=True,
    )
    key_id = uuid.uuid4().bytes[:8]
    key_der = test_pki.leader.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    cert_der = test_pki.leader.cert.public_bytes(serialization.Encoding.DER)
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=TOKEN_PIN) as session:
        key_attrs = decode_rsa_private_key(key_der)
        key_attrs.update(
            {
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: key_id,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
            }
        )
        session.create_object(key_attrs)
        cert_attrs = decode_x509_certificate(cert_der)
        cert_attrs.update({Attribute.LABEL: KEY_LABEL, Attribute.ID: key_id, Attribute.TOKEN: True})
        session.create_object(cert_attrs)
    return TOKEN_LABEL


def _token_signer(**overrides: str) -> SignerConfig:
    values = {
        "module_path": SOFTHSM_MODULE,
        "token_label": TOKEN_LABEL,
        "key_label": KEY_LABEL,
        "user_pin": TOKEN_PIN,
    }
    values.update(overrides)
    return SignerConfig.pkcs11(**values)


def test_pkcs11_softhsm_signature_validates(test_pki: ThrowawayPki, softhsm_token: str) -> None:
    signed = sign_leader(test_pki, signer=_token_signer())
    sealed = sign_seal(test_pki, signed)

    leader, seal = pyhanko_statuses(sealed, test_pki.root_der)

    assert leader.bottom_line and seal.bottom_line
    assert leader.signing_cert.subject.native["common_name"] == LEADER


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"token_label": "no-such-token"}, "token_not_found"),
        ({"user_pin": "000000"}, "token_pin"),
        ({"key_label": "no-such-key"}, "token_key_not_found"),
        ({"module_path": "/nonexistent/libpkcs11.so"}, "token_not_found"),
    ],
)
def test_pkcs11_problems_are_specific(
    test_pki: ThrowawayPki, softhsm_token: str, overrides: dict[str, str], code: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        sign_leader(test_pki, signer=_token_signer(**overrides))

    assert err.value.code == code


# --- the demo PKI ------------------------------------------------------------------------------


def test_demo_pki_is_made_once_and_signs(tmp_path: Path) -> None:
    people = [(LEADER, AGENCY), ("Trần Thị Bích Ngọc", "Sở Xây dựng")]
    first = pki.demo_pki_ensure(
        directory=tmp_path, people=people, agencies=[AGENCY], passphrase=PASSPHRASE
    )
    again = pki.demo_pki_ensure(
        directory=tmp_path, people=people, agencies=[AGENCY], passphrase=PASSPHRASE
    )

    assert len(first.created) == 5  # root key + cert, two leaders, one seal
    assert again.created == ()
    assert again.leaders == first.leaders
    root = asn1_x509.Certificate.load(_pem_to_der(first.root_cert.read_bytes()))
    assert "không dùng thật" in root.subject.native["common_name"]
    signed = sign_pdf(
        pdf=tiny_pdf(),
        signer=SignerConfig.pkcs12(path=first.leaders[LEADER], passphrase=PASSPHRASE),
        field_name="LanhDao",
        reason="Demo",
        location="Điện Biên",
        stamp_lines=[LEADER],
    )
    [status] = pyhanko_statuses(signed, root.dump())
    assert status.bottom_line
    cert = status.signing_cert
    assert cert.subject.native == {
        "country_name": "VN",
        "organization_name": AGENCY,
        "organizational_unit_name": pki.LEADER_UNIT,
        "common_name": LEADER,
    }
    assert set(cert.key_usage_value.native) == {"digital_signature", "non_repudiation"}
    assert (first.leaders[LEADER].stat().st_mode & 0o777) == 0o600


def _pem_to_der(data: bytes) -> bytes:
    from asn1crypto import pem

    return pem.unarmor(data)[2]


def test_demo_pki_renews_a_certificate_when_the_agency_changes(tmp_path: Path) -> None:
    pki.demo_pki_ensure(
        directory=tmp_path, people=[(LEADER, AGENCY)], agencies=[], passphrase=PASSPHRASE
    )
    moved = pki.demo_pki_ensure(
        directory=tmp_path, people=[(LEADER, "Sở Xây dựng")], agencies=[], passphrase=PASSPHRASE
    )

    assert moved.created == (moved.leaders[LEADER],)


def test_demo_pki_with_another_passphrase_asks_for_force(tmp_path: Path) -> None:
    pki.demo_pki_ensure(directory=tmp_path, people=[], agencies=[AGENCY], passphrase=PASSPHRASE)

    with pytest.raises(ValidationFailed) as err:
        pki.demo_pki_ensure(directory=tmp_path, people=[], agencies=[AGENCY], passphrase="other")
    forced = pki.demo_pki_ensure(
        directory=tmp_path, people=[], agencies=[AGENCY], passphrase="other", force=True
    )

    assert "--force" in err.value.message
    assert len(forced.created) == 3


def test_make_demo_pki_command_keeps_a_generated_passphrase(
    tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.MOTCUA_DEMO_PKI_PASSPHRASE = ""

    call_command("make_demo_pki", "--dir", str(tmp_path), "--person", f"{LEADER}={AGENCY}")
    first = capsys.readouterr().out
    call_command("make_demo_pki", "--dir", str(tmp_path), "--person", f"{LEADER}={AGENCY}")
    second = capsys.readouterr().out

    assert "created" in first and "passphrase.txt" in first
    assert "nothing to do" in second
    assert (tmp_path / "passphrase.txt").stat().st_mode & 0o777 == 0o600
    assert f"seal    {AGENCY}" in second
