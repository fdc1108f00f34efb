"""A small certificate authority for demonstrations and tests. NEVER for production.

`demo_pki_ensure` makes (once) a demo root CA and, signed by it, one PKCS#12 file per leader
(CN = full name, O = agency, OU, C=VN; key usage non-repudiation + digital signature) and one
per agency seal (CN = O = agency name). Documents signed with these keys are verifiable only
where the demo root is configured as a trust root, which production must never do.

The PKCS#12 files and the root key are encrypted with one passphrase: the argument, else the
setting `MOTCUA_DEMO_PKI_PASSPHRASE`, else the one kept in `<directory>/passphrase.txt`, else a
new random one written there (mode 0600). No passphrase is written in code.

The lower-level helpers (`ca_create`, `certificate_issue`, `pkcs12_bytes`) build throwaway
PKIs for tests and benchmarks, including a time-stamping authority certificate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from motcua.core.errors import ValidationFailed
from motcua.core.text import fold

DEMO_ROOT_NAME = "motcua Demo Root CA – không dùng thật"
DEMO_ORGANIZATION = "motcua demo – không dùng thật"
LEADER_UNIT = "Lãnh đạo"
SEAL_UNIT = "Con dấu điện tử"
PASSPHRASE_FILE = "passphrase.txt"
ROOT_CERT_FILE = "root-ca.pem"
ROOT_KEY_FILE = "root-ca.key.pem"
RENEW_BEFORE = dt.timedelta(days=30)

CertKind = Literal["person", "seal", "tsa"]


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA's key and certificate (kept in memory; `demo_pki_ensure` stores the demo one)."""

    key: rsa.RSAPrivateKey = field(repr=False)
    cert: x509.Certificate


@dataclass(frozen=True)
class Issued:
    """An end-entity key and its certificate."""

    key: rsa.RSAPrivateKey = field(repr=False)
    cert: x509.Certificate


@dataclass(frozen=True)
class DemoPki:
    """Where the demo PKI lives. `leaders` maps full name → .p12, `seals` agency → .p12.

    `created` lists the files written by this call (empty when everything already existed)."""

    directory: Path
    root_cert: Path
    passphrase: str = field(repr=False)
    leaders: dict[str, Path]
    seals: dict[str, Path]
    created: tuple[Path, ...] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def _new_key() -> rsa.RSAPrivateKey:
    # RSA-2048: what the Vietnamese public CAs and USB tokens issue today.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(*, common_name: str, organization: str, unit: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def ca_create(
    *, common_name: str = DEMO_ROOT_NAME, organization: str = DEMO_ORGANIZATION, days: int = 3650
) -> CertificateAuthority:
    """A new self-signed root CA (RSA-2048, SHA-256) that may sign end-entity certificates."""
    key = _new_key()
    name = _name(common_name=common_name, organization=organization)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(key=key, cert=cert)


def certificate_issue(
    *,
    ca: CertificateAuthority,
    common_name: str,
    organization: str,
    unit: str | None = None,
    kind: CertKind = "person",
    days: int = 3 * 365,
) -> Issued:
    """A new key and a certificate for it signed by `ca`.

    kind "person" and "seal": key usage non-repudiation + digital signature (critical);
    kind "tsa": digital signature + extended key usage time-stamping (critical), as RFC 3161
    requires of a time-stamping authority."""
    key = _new_key()
    now = _now()
    not_after = min(now + dt.timedelta(days=days), ca.cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name=common_name, organization=organization, unit=unit))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=kind != "tsa",
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    if kind == "tsa":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Issued(key=key, cert=builder.sign(ca.key, hashes.SHA256()))


def pkcs12_bytes(
    *, issued: Issued, ca_certs: Sequence[x509.Certificate], passphrase: str, name: str
) -> bytes:
    """The key, its certificate and the CA chain as a PKCS#12 archive (AES-256, PBKDF2)."""
    return pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8"),
        key=issued.key,
        cert=issued.cert,
        cas=list(ca_certs),
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def certificate_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def _slug(value: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in fold(value)).split()
    base = "-".join(words)[:60] or "x"
    # A short digest keeps two names that fold alike ("Lê" / "Lệ") apart.
    return f"{base}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:6]}"


def _passphrase(directory: Path, explicit: str | None) -> tuple[str, list[Path]]:
    if explicit:
        return explicit, []
    from django.conf import settings

    configured = getattr(settings, "MOTCUA_DEMO_PKI_PASSPHRASE", "")
    if configured:
        return str(configured), []
    stored = directory / PASSPHRASE_FILE
    if stored.exists():
        return stored.read_text(encoding="utf-8").strip(), []
    value = secrets.token_urlsafe(24)
    _write_private(stored, (value + "\n").encode("utf-8"))
    return value, [stored]


def _load_root(directory: Path, passphrase: str) -> CertificateAuthority | None:
    cert_path, key_path = directory / ROOT_CERT_FILE, directory / ROOT_KEY_FILE
    if not (cert_path.exists() and key_path.exists()):
        return None
    try:
        key = serialization.load_pem_private_key(
            key_path.read_bytes(), password=passphrase.encode("utf-8")
        )
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            f"The demo root key in {key_path} does not open with the configured passphrase; "
            "run `manage.py make_demo_pki --force` to make a new demo PKI.",
            code="demo_pki_passphrase",
        ) from exc
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if not isinstance(key, rsa.RSAPrivateKey) or cert.not_valid_after_utc - RENEW_BEFORE < _now():
        return None
    return CertificateAuthority(key=key, cert=cert)


def _existing_ok(
    path: Path, *, passphrase: str, root: CertificateAuthority, subject: x509.Name
) -> bool:
    """True when `path` holds a key and certificate from `root` for `subject`, not near expiry."""
    if not path.exists():
        return False
    try:
        _key, cert, _cas = pkcs12.load_key_and_certificates(
            path.read_bytes(), passphrase.encode("utf-8")
        )
    except ValueError:
        return False
    return (
        cert is not None
        and cert.subject == subject
        and cert.issuer == root.cert.subject
        and cert.not_valid_after_utc - RENEW_BEFORE > _now()
    )


def demo_pki_ensure(
    *,
    directory: Path | str,
    people: list[tuple[str, str]],
    agencies: list[str],
    passphrase: str | None = None,
    force: bool = False,
) -> DemoPki:
    """Make the demo PKI in `directory` unless it is already there, and say where it is.

    `people` are (full name, agency name) pairs: one leader certificate each. `agencies`: one
    seal certificate each. Idempotent: a file is (re)made only when it is missing, expires within
    30 days, names someone else, or was issued by another root; `force` remakes everything
    (the root too, so documents signed before no longer verify against the new root).
    Raises ValidationFailed when existing files do not open with the passphrase (use force)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    if force:
        for old in (directory / ROOT_CERT_FILE, directory / ROOT_KEY_FILE):
            old.unlink(missing_ok=True)
    secret, written = _passphrase(directory, passphrase)
    created.extend(written)

    root = None if force else _load_root(directory, secret)
    if root is None:
        root = ca_create()
        _write_private(
            directory / ROOT_KEY_FILE,
            root.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(secret.encode("utf-8")),
            ),
        )
        (directory / ROOT_CERT_FILE).write_bytes(certificate_pem(root.cert))
        created += [directory / ROOT_KEY_FILE, directory / ROOT_CERT_FILE]

    def ensure(path: Path, common_name: str, organization: str, unit: str, kind: CertKind) -> Path:
        subject = _name(common_name=common_name, organization=organization, unit=unit)
        if force or not _existing_ok(path, passphrase=secret, root=root, subject=subject):
            issued = certificate_issue(
                ca=root, common_name=common_name, organization=organization, unit=unit, kind=kind
            )
            _write_private(
                path,
                pkcs12_bytes(
                    issued=issued, ca_certs=[root.cert], passphrase=secret, name=common_name
                ),
            )
            created.append(path)
        return path

    leaders = {
        full_name: ensure(
            directory / f"leader-{_slug(full_name)}.p12", full_name, agency, LEADER_UNIT, "person"
        )
        for full_name, agency in people
    }
    seals = {
        agency: ensure(directory / f"seal-{_slug(agency)}.p12", agency, agency, SEAL_UNIT, "seal")
        for agency in agencies
    }
    return DemoPki(
        directory=directory,
        root_cert=directory / ROOT_CERT_FILE,
        passphrase=secret,
        leaders=leaders,
        seals=seals,
        created=tuple(created),
    )


def certificates_pem(certs: Iterable[x509.Certificate]) -> bytes:
    return b"".join(certificate_pem(c) for c in certs)
