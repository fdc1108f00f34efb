"""A local RFC 3161 time-stamping authority over HTTP, for tests and the signing benchmark.

It answers POSTed `application/timestamp-query` bodies with pyHanko's `DummyTimeStamper`
signing under a TSA certificate from a throwaway CA, on 127.0.0.1 only, in a thread.

    with tsa_server_run(tsa=issued_tsa, ca_cert=root.cert) as tsa:
        sign_pdf(..., tsa_url=tsa.url)
        tsa.issued  # the genTime of every token handed out
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import cms, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from motcua.documents.pki import Issued

MAX_REQUEST = 64 * 1024


@dataclass
class TsaServer:
    url: str
    issued: list[dt.datetime] = field(default_factory=list)
    requests: int = 0


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _KeptKeyTimeStamper(DummyTimeStamper):
    """DummyTimeStamper parses its private key for every token (~70 ms for RSA-2048), which
    would make this TSA, not the signing under test, the cost measured. Same token, kept key."""

    def __init__(self, *, pyca_key: rsa.RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pyca_key = pyca_key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, when: dt.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(when)})),
                simple_cms_attribute(
                    "signing_certificate", general.as_signing_certificate(self.tsa_cert)
                ),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._pyca_key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs


@contextmanager
def tsa_server_run(*, tsa: Issued, ca_cert: x509.Certificate) -> Iterator[TsaServer]:
    """Serve a TSA on an ephemeral port of 127.0.0.1 until the block ends."""
    tsa_cert = _asn1_cert(tsa.cert)
    tsa_key = keys.PrivateKeyInfo.load(
        tsa.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    stamper = _KeptKeyTimeStamper(
        pyca_key=tsa.key,
        tsa_cert=tsa_cert,
        tsa_key=tsa_key,
        certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(ca_cert)]),
    )
    lock = threading.Lock()
    state = TsaServer(url="")

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms ACK stalls

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_REQUEST:
                self.send_error(400, "bad length")
                return
            body = self.rfile.read(length)
            try:
                req = tsp.TimeStampReq.load(body)
                with lock:
                    resp = stamper.request_tsa_response(req)
                    state.requests += 1
                token = resp["time_stamp_token"]["content"]["encap_content_info"]["content"]
                state.issued.append(token.parsed["gen_time"].native)
                data = resp.dump()
            except Exception as exc:  # noqa: BLE001 - any bad request is a 400 here
                self.send_error(400, f"bad request: {exc}")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, name="test-tsa", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
