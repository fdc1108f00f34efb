"""PAdES signatures on result PDFs (pyHanko), with keys in PKCS#12 files or on PKCS#11 tokens.

`sign_pdf` adds one signature as an incremental update, so signatures made before it stay valid
(the leader signs, then the agency seal is added). Without a time-stamping authority the result
is PAdES B-B; with `tsa_url` an RFC 3161 signature timestamp is embedded: PAdES B-T.
See docs/adr/0009-signatures.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import ssl
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.aio import run_coroutine
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc

logger = logging.getLogger(__name__)

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSans-Regular.ttf"
# Bottom-right of an A4 page (points, origin bottom-left): x1, y1, x2, y2.
DEFAULT_BOX: tuple[int, int, int, int] = (330, 40, 565, 120)
STAMP_COLOR = (0.7, 0.05, 0.05)
MAX_FIELD_NAME = 100
# What a stamp can show: Latin, Vietnamese (Latin Extended Additional), combining marks,
# punctuation, the đồng sign. The font is cut to these once per process: pyHanko subsets the
# font again for every signature, and the full Noto Sans (3,300 glyphs) costs ~0.4 s each time.
STAMP_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
    0x20AC,
    0x2116,
]


@dataclass(frozen=True)
class SignerConfig:
    """Where a signing key is. Build with `SignerConfig.pkcs12(...)` or `.pkcs11(...)`.

    pkcs12: `path` to a .p12/.pfx file holding the key, its certificate and the CA chain,
    `passphrase` to open it. pkcs11: `module_path` of the PKCS#11 library (e.g.
    /usr/lib/softhsm/libsofthsm2.so or the token vendor's), `token_label`, `key_label` (and
    `cert_label` when the certificate has another label), `user_pin`. Secrets are kept out of
    repr()."""

    kind: Literal["pkcs12", "pkcs11"]
    path: str = ""
    passphrase: str = field(default="", repr=False)
    module_path: str = ""
    token_label: str = ""
    key_label: str = ""
    cert_label: str = ""
    user_pin: str = field(default="", repr=False)

    @classmethod
    def pkcs12(cls, *, path: str | Path, passphrase: str) -> SignerConfig:
        return cls(kind="pkcs12", path=str(path), passphrase=passphrase)

    @classmethod
    def pkcs11(
        cls,
        *,
        module_path: str,
        token_label: str,
        key_label: str,
        user_pin: str,
        cert_label: str = "",
    ) -> SignerConfig:
        return cls(
            kind="pkcs11",
            module_path=module_path,
            token_label=token_label,
            key_label=key_label,
            cert_label=cert_label or key_label,
            user_pin=user_pin,
        )


def tsa_from_settings() -> tuple[str | None, float]:
    """(TSA URL or None, timeout in seconds) from the settings `USE_TSA`, `MOTCUA_TSA_URL`,
    `MOTCUA_TSA_TIMEOUT` (default 10 s). With USE_TSA true the URL is required."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    timeout = float(getattr(settings, "MOTCUA_TSA_TIMEOUT", 10.0))
    if not getattr(settings, "USE_TSA", False):
        return None, timeout
    url = str(getattr(settings, "MOTCUA_TSA_URL", "") or "")
    if not url:
        raise ImproperlyConfigured("USE_TSA is on but MOTCUA_TSA_URL is empty")
    return url, timeout


_PKCS12_CACHE: dict[tuple[str, int, int, str], Any] = {}
_PKCS12_CACHE_SIZE = 32
_PKCS12_LOCK = threading.Lock()


def _fail(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code)


def _check_pdf(pdf: bytes) -> Any:
    """The pyHanko reader of `pdf`, or ValidationFailed: not a PDF, damaged, encrypted."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise _fail(_("The file is not a PDF."), "not_pdf")
    try:
        reader = PdfFileReader(BytesIO(pdf))
        encrypted = reader.encrypted
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.info("Unreadable PDF: %s", exc)
        raise _fail(_("The PDF is damaged and cannot be read."), "damaged_pdf") from exc
    if encrypted:
        raise _fail(
            _("The PDF is encrypted (password-protected) and cannot be signed."),
            "encrypted_pdf",
        )
    return reader


@functools.lru_cache(maxsize=1)
def _simple_signer_class() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses its private key again for every raw signature (twice
        per PDF signature, ~70 ms each for RSA-2048 with cryptography's key checks). This one
        keeps the parsed key; RSA PKCS#1 v1.5 and ECDSA are signed here, the rest by pyHanko."""

        def __init__(self, *, pyca_key: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.pyca_key = pyca_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            key = self.pyca_key
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                name = mechanism.signature_algo
            except ValueError:
                name = mechanism["algorithm"].native
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algo)
            if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(hash_algo))
            return bytes(super().sign_raw(data, digest_algorithm))

    return KeptKeySigner


def _pkcs12_signer(data: bytes, passphrase: str) -> Any:
    """A signer from PKCS#12 bytes (the key, its certificate, the CA certificates in it)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, others = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") or None)
    if key is None or cert is None:
        raise ValueError("the PKCS#12 file holds no key or no certificate")
    return _signer_from_keys(key, cert, list(others))


def _signer_from_keys(key: Any, cert: Any, others: list[Any]) -> Any:
    """A pyHanko signer from a pyca private key, its certificate and CA certificates."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(c: Any) -> Any:
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    store = SimpleCertificateStore()
    store.register_multiple([der(c) for c in others])
    return _simple_signer_class()(
        pyca_key=key,
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        signing_cert=der(cert),
        cert_registry=store,
    )


def _load_pkcs12(config: SignerConfig) -> Any:
    """The pyHanko signer of a PKCS#12 file. Opening one costs ~90 ms (PBKDF2), so a signer is
    kept per (file, its mtime and size, passphrase digest): a replaced file is read again."""
    try:
        stat = Path(config.path).stat()
        data = Path(config.path).read_bytes()
    except OSError as exc:
        raise _fail(
            _("The signing key file %(path)s cannot be read (%(error)s).")
            % {"path": config.path, "error": exc.strerror},
            "key_not_found",
        ) from exc
    key = (
        config.path,
        stat.st_mtime_ns,
        stat.st_size,
        hashlib.sha256(config.passphrase.encode("utf-8")).hexdigest(),
    )
    with _PKCS12_LOCK:
        cached = _PKCS12_CACHE.get(key)
    if cached is not None:
        return cached
    try:
        signer = _pkcs12_signer(data, config.passphrase)
    except (ValueError, TypeError) as exc:
        raise _fail(
            _("Cannot open the signing key: wrong passphrase or damaged PKCS#12 file."),
            "key_passphrase",
        ) from exc
    with _PKCS12_LOCK:
        if len(_PKCS12_CACHE) >= _PKCS12_CACHE_SIZE:
            _PKCS12_CACHE.pop(next(iter(_PKCS12_CACHE)))
        _PKCS12_CACHE[key] = signer
    return signer


@contextmanager
def _pkcs11_signer(config: SignerConfig) -> Iterator[Any]:
    import pkcs11
    from pkcs11 import exceptions as p11_exc
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_p11
    from pyhanko.sign.general import SigningError

    if not Path(config.module_path).exists():
        raise _fail(
            _("The PKCS#11 module %(path)s is not found.") % {"path": config.module_path},
            "token_not_found",
        )
    try:
        session = hanko_p11.open_pkcs11_session(
            config.module_path,
            token_criteria=TokenCriteria(label=config.token_label),
            user_pin=config.user_pin,
        )
    except (p11_exc.PinIncorrect, p11_exc.PinInvalid, p11_exc.PinLenRange) as exc:
        raise _fail(_("Wrong PIN for the signing token."), "token_pin") from exc
    except p11_exc.PinLocked as exc:
        raise _fail(_("The signing token's PIN is locked."), "token_pin") from exc
    except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
        logger.warning("PKCS#11 token %r not found: %s", config.token_label, exc)
        raise _fail(
            _("The signing token “%(label)s” is not found.") % {"label": config.token_label},
            "token_not_found",
        ) from exc
    try:
        signer = hanko_p11.PKCS11Signer(
            session, cert_label=config.cert_label or config.key_label, key_label=config.key_label
        )
        try:
            signer.signing_cert  # noqa: B018  (loads the key and certificate now)
        except (SigningError, pkcs11.PKCS11Error) as exc:
            logger.warning("Key %r not found on the token: %s", config.key_label, exc)
            raise _fail(
                _("The key or certificate “%(label)s” is not on the signing token.")
                % {"label": config.key_label},
                "token_key_not_found",
            ) from exc
        yield signer
    finally:
        session.close()


@contextmanager
def _signer(config: SignerConfig) -> Iterator[Any]:
    if config.kind == "pkcs12":
        yield _load_pkcs12(config)
    elif config.kind == "pkcs11":
        with _pkcs11_signer(config) as signer:
            yield signer
    else:  # pragma: no cover - the Literal type forbids it
        raise _fail(f"Unknown signer kind {config.kind!r}", "signer_kind")


@functools.lru_cache(maxsize=1)
def _stamp_font() -> bytes:
    """Noto Sans Regular cut to STAMP_UNICODES (about 40 kB), made once per process."""
    from fontTools import subset, ttLib

    font = ttLib.TTFont(str(FONT_PATH))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # pyHanko drops the layout tables when it embeds the font; without them here too, fontTools
    # need not parse them for every signature. Vietnamese is NFC, precomposed: no mark shaping.
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.layout_features = []
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=STAMP_UNICODES)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def _font_factory(size: int) -> Any:
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    class StampFontFactory(FontEngineFactory):
        """GlyphAccumulatorFactory's job, from the pre-cut font in memory."""

        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=BytesIO(_stamp_font()),
                font_size=size,
                bcp47_lang_code="vi",
                obj_stream=obj_stream,
            )

    return StampFontFactory()


def _stamp_style(lines: list[str]) -> Any:
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout, text

    # fontTools logs every subsetting step at INFO; keep the log readable unless configured.
    font_logger = logging.getLogger("fontTools")
    if font_logger.level == logging.NOTSET:
        font_logger.setLevel(logging.WARNING)
    # pyHanko fills the stamp text with %-interpolation: escape the caller's percent signs.
    stamp_text = "\n".join(nfc(line).replace("%", "%%") for line in lines)
    return stamp.TextStampStyle(
        stamp_text=stamp_text,
        text_box_style=text.TextBoxStyle(
            font=_font_factory(10),
            font_size=10,
            leading=13,
            text_color=STAMP_COLOR,
        ),
        border_width=1,
        border_color=STAMP_COLOR,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(6),
        ),
    )


@functools.lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """The TLS context for https TSAs: certifi's CA bundle, as pyHanko uses, loaded once."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _caused_by(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def sign_pdf(
    *,
    pdf: bytes,
    signer: SignerConfig,
    field_name: str,
    reason: str,
    location: str,
    stamp_lines: list[str],
    page: int = -1,
    box: tuple[int, int, int, int] = DEFAULT_BOX,
    tsa_url: str | None = None,
    tsa_timeout: float = 10.0,
    signing_time: dt.datetime | None = None,
) -> bytes:
    """Return `pdf` with one more PAdES signature, appended as an incremental update.

    The signature goes in the (new or existing, empty) field `field_name`, visible on `page`
    (0-based; -1 = last) in `box` (x1, y1, x2, y2 in points from the bottom-left), showing
    `stamp_lines` in Noto Sans (Vietnamese diacritics). `reason` and `location` are stored in
    the signature dictionary. With `tsa_url` an RFC 3161 timestamp is requested (PAdES B-T),
    else B-B. The bytes already signed are not touched, so earlier signatures stay valid.
    `signing_time` is the time the signer states in the signature (default: the service clock,
    `core.clock.now()`; only a timestamp proves it).

    Raises ValidationFailed (message in the active language, `code` for programs):
    not_pdf, damaged_pdf, encrypted_pdf, unsignable_pdf, field_taken, key_not_found,
    key_passphrase, token_not_found, token_pin, token_key_not_found, tsa_unreachable,
    tsa_refused, signing_failed. Synchronous: do not call it from a running asyncio event
    loop (pyHanko runs its own); call it from a job or a sync view."""
    reader = _check_pdf(pdf)
    _check_field(reader, field_name)
    with _signer(signer) as hanko_signer:
        return _sign_with(
            pdf,
            hanko_signer,
            field_name=field_name,
            reason=reason,
            location=location,
            stamp_lines=stamp_lines,
            page=page,
            box=box,
            tsa_url=tsa_url,
            tsa_timeout=tsa_timeout,
            signing_time=signing_time or clock.now(),
        )


#: The codes of `pdf_signable_check`: what is wrong with the file itself (not with a key or the
#: time-stamping authority).
FILE_PROBLEMS = frozenset({"not_pdf", "damaged_pdf", "encrypted_pdf", "unsignable_pdf"})


def pdf_signable_check(*, pdf: bytes, field_names: tuple[str, ...] = ()) -> None:
    """Raise ValidationFailed unless `pdf` can be signed: it is a PDF (`not_pdf`), it can be
    read (`damaged_pdf`), it is not encrypted (`encrypted_pdf`), none of `field_names` is
    signed already (`field_taken`), and a signature can really be added (`unsignable_pdf`:
    no page, a broken page tree or object, a certification that forbids changes, …).

    The last check signs the file once with a throwaway key (kept in memory for the process,
    never written, its signature thrown away): whatever would make the real signature fail
    because of the file fails here, before the file is accepted. It does not reach a key store
    or a time-stamping authority."""
    reader = _check_pdf(pdf)
    for name in field_names:
        _check_field(reader, name)
    try:
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception as exc:  # noqa: BLE001 - any broken page tree is "unsignable"
        logger.info("PDF page tree unreadable: %s", exc)
        pages = 0
    if pages < 1:
        raise _fail(_("The PDF has no page that a signature could be placed on."), "unsignable_pdf")
    try:
        _sign_with(
            pdf,
            _throwaway_signer(),
            field_name=_dry_run_field(reader),
            reason="",
            location="",
            stamp_lines=["-"],
            page=-1,
            box=DEFAULT_BOX,
            tsa_url=None,
            tsa_timeout=0,
            signing_time=clock.now(),
        )
    except ValidationFailed as exc:
        logger.info("PDF cannot be signed (%s): %s", exc.code, exc.__cause__)
        raise _fail(
            _("The PDF cannot be signed: its structure is damaged or it forbids any change."),
            "unsignable_pdf",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - whatever pyHanko trips on is "unsignable"
        logger.info("PDF cannot be signed: %s", exc)
        raise _fail(
            _("The PDF cannot be signed: its structure is damaged or it forbids any change."),
            "unsignable_pdf",
        ) from exc


def _dry_run_field(reader: Any) -> str:
    from pyhanko.sign import fields

    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    name, n = "MotcuaCheck", 1
    while name in taken:
        n += 1
        name = f"MotcuaCheck{n}"
    return name


@functools.lru_cache(maxsize=1)
def _throwaway_signer() -> Any:
    """A signer with a fresh self-signed key, made once per process, for pdf_signable_check."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "motcua signability check")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return _signer_from_keys(key, cert, [])


def _check_field(reader: Any, field_name: str) -> None:
    from pyhanko.sign import fields

    if not field_name or len(field_name) > MAX_FIELD_NAME or "." in field_name:
        raise _fail(f"Invalid signature field name {field_name!r}", "field_name")
    for name, _value, _ref in fields.enumerate_sig_fields(reader, filled_status=True):
        if name == field_name:
            raise _fail(
                _("The signature field “%(name)s” is already signed.") % {"name": field_name},
                "field_taken",
            )


def _sign_with(
    pdf: bytes,
    hanko_signer: Any,
    *,
    field_name: str,
    reason: str,
    location: str,
    stamp_lines: list[str],
    page: int,
    box: tuple[int, int, int, int],
    tsa_url: str | None,
    tsa_timeout: float,
    signing_time: dt.datetime,
) -> bytes:
    import aiohttp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    stamp_style = _stamp_style(stamp_lines)
    field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)

    async def sign() -> Any:
        async with AsyncExitStack() as stack:
            timestamper = None
            if tsa_url:
                # One HTTP session per signature (pyHanko asks the TSA twice: a dummy token to
                # size the signature, then the real one), with a TLS context built once per
                # process: pyHanko's default session loads the CA bundle for every request.
                session = await stack.enter_async_context(
                    aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context()))
                )
                timestamper = HTTPTimeStamper(tsa_url, timeout=tsa_timeout, session=session)
            pdf_signer = _signer_at(signing_time)(
                meta,
                signer=hanko_signer,
                timestamper=timestamper,
                stamp_style=stamp_style,
                new_field_spec=field_spec,
            )
            writer = IncrementalPdfFileWriter(BytesIO(pdf))
            return await pdf_signer.async_sign_pdf(writer, output=BytesIO())

    try:
        out = run_coroutine(sign())
    except Exception as exc:
        tsa_error = _caused_by(exc, TimestampRequestError)
        if tsa_error is not None:
            refused = "refused" in str(tsa_error) or "nonce" in str(tsa_error)
            logger.warning("Time-stamping authority %s: %s", tsa_url, tsa_error)
            raise _fail(
                _("The time-stamping authority refused the request.")
                if refused
                else _(
                    "The time-stamping authority %(url)s cannot be reached or did not answer "
                    "properly."
                )
                % {"url": tsa_url},
                "tsa_refused" if refused else "tsa_unreachable",
            ) from exc
        if isinstance(exc, SigningError | PdfError | ValueError | KeyError | IndexError):
            logger.warning("Signing failed: %s", exc, exc_info=True)
            raise _fail(_("The document could not be signed."), "signing_failed") from exc
        raise
    return bytes(out.getvalue())


def _signer_at(signing_time: dt.datetime) -> Any:
    """pyHanko's PdfSigner stating `signing_time` as the signer's time (pyHanko reads the
    machine's clock; the service's clock is `core.clock`, which tests and the demo set)."""
    from pyhanko.sign import signers

    class ClockedPdfSigner(signers.PdfSigner):
        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(
                pdf_out, existing_fields_only=existing_fields_only
            )
            session.system_time = signing_time
            return session

    return ClockedPdfSigner
