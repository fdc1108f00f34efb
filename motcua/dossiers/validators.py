"""Checks of applicant data and uploaded files. Messages are user-facing (translatable).

The checks of identifiers (ID number, tax code, phone) live in motcua.core.identifiers, shared
with accounts; they are re-exported here for the dossier services."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from motcua.core.identifiers import id_number_problem as id_number_problem
from motcua.core.identifiers import phone_problem as phone_problem
from motcua.core.identifiers import tax_code_problem as tax_code_problem

ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def sniff_content_type(head: bytes) -> str | None:
    """The file's real type from its first bytes (never from its name), or None."""
    for content_type, signatures in ALLOWED_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


MAX_NAME_CHARS = 120
_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_SAME_TYPE = {".pdf": {"pdf"}, ".jpg": {"jpg", "jpeg"}, ".png": {"png"}}
_NAME_DROP = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")


#: Names Windows gives to devices, whatever the extension ("CON.pdf", "com1.tar.pdf"; the
#: superscript digits count too): a file saved under one cannot be opened there.
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{digit}" for port in ("COM", "LPT") for digit in "0123456789¹²³"]
)


def sanitize_filename(name: str, content_type: str | None = None) -> str:
    """A file name safe to store and show: no directories (the part after the last / or \\),
    no control, format (bidirectional overrides such as U+202E, zero-width characters) or
    reserved characters, NFC (Vietnamese letters kept), spaces collapsed, at most 120
    characters with the extension kept, never empty nor starting with a dot, never a Windows
    device name (prefixed with “_”). When the real type is known, the extension says it (a PDF
    is never stored as “.exe”)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _NAME_DROP.sub("", base)
    base = " ".join(base.split()).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext.lower()
    wanted = _EXTENSIONS.get(content_type or "")
    if wanted is not None and ext not in _SAME_TYPE[wanted]:
        stem, ext = base, wanted[1:]  # keep the whole name, say the real type
    stem = stem.strip(" .") or "tep"
    if stem.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{ext}" if ext else ""
    return stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix


#: Bytes of a sanitised name kept in the stored file's name: with the 17 of the checksum
#: prefix and the 8 storage may add against a clash, well under the 255 bytes a file name may
#: take on ext4, XFS or S3 keys' segments (60 emoji are 240 bytes: they used to fail).
STORED_NAME_BYTES = 160


def stored_name(sha256: str, name: str) -> str:
    """The file's name in storage: the checksum's first 16 digits and the end of the (already
    sanitised) name, cut on a character boundary to at most STORED_NAME_BYTES bytes in UTF-8,
    so the extension stays."""
    tail = name[-80:]
    while len(tail.encode("utf-8")) > STORED_NAME_BYTES:
        tail = tail[1:]
    return f"{sha256[:16]}-{tail.lstrip(' .') or 'tep'}"


def scan_problem(name: str, content: bytes) -> str | None:
    """The malware scan (integrations.scanning): a message when the file must be refused
    because it is infected or could not be checked now (fail closed), else None."""
    from motcua.integrations.scanning import ScannerUnavailable, scan_upload

    try:
        threat = scan_upload(content, name=name)
    except ScannerUnavailable:
        return _(
            "The file “%(name)s” cannot be checked for viruses right now. Try again later."
        ) % {"name": name}
    if threat:
        return _("The file “%(name)s” contains malicious code and was refused.") % {"name": name}
    return None


def upload_problem(name: str, content: bytes) -> str | None:
    """Why an uploaded file is refused, or None: empty, over 10 MB, not really a PDF, JPEG or
    PNG (by its first bytes, never its name), infected or not scannable now. Every upload
    (desk, online, supplements, results) passes here."""
    if not content:
        return _("The file “%(name)s” is empty.") % {"name": name}
    if len(content) > MAX_UPLOAD_BYTES:
        return _("The file “%(name)s” is larger than 10 MB.") % {"name": name}
    if sniff_content_type(content[:16]) is None:
        return _("The file “%(name)s” is not a PDF, JPEG or PNG file.") % {"name": name}
    return scan_problem(name, content)
