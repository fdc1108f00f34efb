"""PAdES signatures per second: PKCS#12 B-B, B-T with a local TSA, and verification.

Run: `.venv/bin/python bench/documents_sign.py` (or `from bench import documents_sign;
documents_sign.run()` after django.setup(), as bench/run.py does for the others).

The ceiling is the raw RSA-2048 PKCS#1 v1.5 signature rate of `cryptography` with the same
key, measured in the same run: a PDF signature costs one such operation for the dry-run size
estimate and one for the signature itself, plus PDF parsing, the stamp's font subset, the CMS
structure, and (B-T) one HTTP round trip to the TSA on 127.0.0.1. One process, sequential calls
(a signing job runs one signature at a time); no target in DESIGN.md §5."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

N_SIGN = 60
N_TSA = 40
N_VERIFY = 30
N_RAW = 500


def run() -> dict[str, float]:
    import django

    django.setup()
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

    from motcua.documents.signing import sign_pdf
    from motcua.documents.tests.test_signing import make_throwaway_pki, sign_seal, tiny_pdf
    from motcua.documents.tests.tsa_server import tsa_server_run
    from motcua.documents.verification import verify_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pki = make_throwaway_pki(Path(tmp))
        pdf = tiny_pdf(pages=3)
        lines = ["Ký bởi: Nguyễn Văn An", "Cơ quan: Sở Công Thương", "Thời gian: 09:30 15/04/2026"]

        def sign(tsa_url: str | None = None) -> bytes:
            return sign_pdf(
                pdf=pdf,
                signer=pki.leader_signer,
                field_name="LanhDao",
                reason="Phê duyệt",
                location="Điện Biên",
                stamp_lines=lines,
                tsa_url=tsa_url,
            )

        data = b"x" * 32
        t0 = time.perf_counter()
        for _ in range(N_RAW):
            pki.leader.key.sign(data, PKCS1v15(), hashes.SHA256())
        raw_rate = N_RAW / (time.perf_counter() - t0)

        sign()  # warm up: imports, the font cut, the key cache
        t0 = time.perf_counter()
        for _ in range(N_SIGN):
            signed = sign()
        bb_rate = N_SIGN / (time.perf_counter() - t0)

        with tsa_server_run(tsa=pki.tsa, ca_cert=pki.root.cert) as tsa:
            sign(tsa.url)
            t0 = time.perf_counter()
            for _ in range(N_TSA):
                sign(tsa.url)
            bt_rate = N_TSA / (time.perf_counter() - t0)

        sealed = sign_seal(pki, signed)
        roots = [pki.root_pem]
        assert verify_pdf(pdf=sealed, trust_roots=roots).valid
        t0 = time.perf_counter()
        for _ in range(N_VERIFY):
            verify_pdf(pdf=sealed, trust_roots=roots)
        verify_rate = N_VERIFY / (time.perf_counter() - t0)

    print("== PAdES signing (pyHanko, RSA-2048, 3-page PDF, visible Vietnamese stamp)")
    print(f"raw RSA-2048 sign (cryptography)   {raw_rate:>9,.0f} /s   (ceiling)")
    print(
        f"sign_pdf PKCS#12, PAdES B-B        {bb_rate:>9,.1f} /s   ({1000 / bb_rate:.0f} ms each)"
    )
    print(
        f"sign_pdf + local TSA, PAdES B-T    {bt_rate:>9,.1f} /s   ({1000 / bt_rate:.0f} ms each)"
    )
    print(
        f"verify_pdf, leader + seal          {verify_rate:>9,.1f} /s   ({1000 / verify_rate:.0f} ms each)"
    )
    print(f"ratio B-B / raw RSA: {bb_rate / raw_rate:.3f}")
    return {"bb_per_s": bb_rate, "bt_per_s": bt_rate, "verify_per_s": verify_rate}


if __name__ == "__main__":
    run()
