"""Tiny valid PDF files written by hand: the demo's attachments and the tests' documents.

Not for documents people read (those are rendered by the documents app, with Vietnamese
fonts): a page here has Helvetica and ASCII text only, but it is a real PDF that can be
parsed, stored, scanned and signed."""

from __future__ import annotations

from motcua.core.text import strip_accents


def pdf_page(content: bytes) -> bytes:
    """A one-page A4 PDF whose page content stream is `content` (Helvetica is `/F1`)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_stub(*lines: str) -> bytes:
    """A one-page PDF with `lines` of text, one under the other (Helvetica 12; the accents
    are dropped: the standard font has no Vietnamese letters)."""

    def escaped(line: str) -> str:
        return strip_accents(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({escaped(line)}) Tj 0 -20 Td" for line in lines)
    return pdf_page(f"BT /F1 12 Tf 56 780 Td {text} ET".encode("latin-1", "replace"))
