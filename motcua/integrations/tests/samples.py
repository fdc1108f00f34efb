"""Test files for the malware scanner. The EICAR test string is assembled at run time so that
no file in the repository contains it in one piece (antivirus on developer machines would
otherwise flag the checkout)."""

from __future__ import annotations

import hashlib

from motcua.core.pdf_stub import pdf_page

_EICAR_PARTS = (r"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!$H+H*")
EICAR = "".join(_EICAR_PARTS).encode("ascii")
EICAR_NAME = "Eicar-Test-Signature"

# A harmless marker with its own signature in the test database: a second, non-EICAR threat.
TEST_PATTERN = b"MOTCUA-" + b"HARMLESS-SCANNER-TEST-PATTERN-7f3a"
TEST_PATTERN_NAME = "Motcua-Test-Pattern"


def pdf(body: bytes = b"BT /F1 12 Tf 72 720 Td (To khai) Tj ET") -> bytes:
    """A small, valid one-page PDF whose content stream is `body`."""
    return pdf_page(body)


def signature_database() -> dict[str, str]:
    """A tiny local ClamAV database: file name → content. `.hdb` matches the EICAR file by
    MD5 and size; `.ndb` matches the EICAR string and the test pattern anywhere in a file
    (e.g. inside a PDF)."""
    return {
        "motcua-test.hdb": f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{EICAR_NAME}\n",
        "motcua-test.ndb": (
            f"{EICAR_NAME}:0:*:{EICAR.hex()}\n{TEST_PATTERN_NAME}:0:*:{TEST_PATTERN.hex()}\n"
        ),
    }
