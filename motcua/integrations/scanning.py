"""Malware scan of uploads: a small client of the ClamAV daemon (clamd), chosen by a setting.

MOTCUA_MALWARE_SCANNER = "none" (the embedded demo: nothing is scanned) or "clamd" (production
MUST set it; docs/adr/0013-malware-scanning.md). clamd is reached on MOTCUA_CLAMD_SOCKET (a unix
socket) or, when that is empty, on MOTCUA_CLAMD_HOST:MOTCUA_CLAMD_PORT (TCP).

The protocol (clamd(8), "INSTREAM"): send `zINSTREAM\\0`, then the file in chunks, each a
4-byte big-endian length and the bytes, then a zero-length chunk; clamd answers one
NUL-terminated line: `stream: OK`, `stream: <threat> FOUND` or `<reason> ERROR`. `zPING\\0` is
answered `PONG`. About a hundred lines of socket code, so no package is needed (ADR 0013).

Fail closed: a scanner that is configured but cannot be reached, times out or answers anything
else raises ScannerUnavailable, and the caller refuses the upload. A file larger than clamd
accepts (MOTCUA_CLAMD_STREAM_MAX_BYTES, which must not exceed clamd's StreamMaxLength) raises
ScanLimitExceeded, a ScannerUnavailable: it cannot be scanned, so it is refused too."""

from __future__ import annotations

import hashlib
import logging
import select
import socket
import struct

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096  # a longer reply is garbage, not a clamd answer


class ScannerUnavailable(Exception):
    """A scanner is configured but could not scan the file (down, timed out, answered garbage,
    or the file is over its limit). Callers refuse the upload."""


class ScanLimitExceeded(ScannerUnavailable):
    """The file is larger than the scanner accepts (MOTCUA_CLAMD_STREAM_MAX_BYTES or clamd's
    StreamMaxLength), so it cannot be scanned."""


def _scanner() -> str:
    return str(getattr(settings, "MOTCUA_MALWARE_SCANNER", "none"))


def _address() -> str:
    path = getattr(settings, "MOTCUA_CLAMD_SOCKET", "")
    if path:
        return str(path)
    return f"{settings.MOTCUA_CLAMD_HOST}:{settings.MOTCUA_CLAMD_PORT}"


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "MOTCUA_CLAMD_TIMEOUT", 30.0))
    path = getattr(settings, "MOTCUA_CLAMD_SOCKET", "")
    try:
        if path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(str(path))
            except BaseException:
                sock.close()
                raise
            return sock
        host, port = settings.MOTCUA_CLAMD_HOST, int(settings.MOTCUA_CLAMD_PORT)
        return socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:  # refused, no such socket, timeout (socket.timeout is an OSError)
        raise ScannerUnavailable(f"clamd at {_address()} cannot be reached: {exc}") from exc


def _read_reply(sock: socket.socket) -> str:
    """One NUL-terminated reply, however the bytes arrive; EOF also ends it."""
    buf = b""
    while b"\0" not in buf:
        try:
            part = sock.recv(1024)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {_address()} did not answer: {exc}") from exc
        if not part:
            break
        buf += part
        if len(buf) > MAX_REPLY_BYTES:
            raise ScannerUnavailable(f"clamd at {_address()} sent an overlong reply")
    reply = buf.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if not reply:
        raise ScannerUnavailable(f"clamd at {_address()} closed the connection without a reply")
    return reply


def _instream(data: bytes) -> str:
    with _connect() as sock:
        send_error: OSError | None = None
        answered = select.poll()  # poll, not select: no FD_SETSIZE limit in busy workers
        answered.register(sock, select.POLLIN)
        try:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK_BYTES):
                if answered.poll(0):
                    break  # clamd answers early only to end the stream (size limit): read it
                chunk = data[start : start + CHUNK_BYTES]
                sock.sendall(struct.pack("!I", len(chunk)) + chunk)
            else:
                sock.sendall(struct.pack("!I", 0))
        except OSError as exc:
            # clamd closes the stream when the size limit is exceeded: its reply says why.
            send_error = exc
        try:
            return _read_reply(sock)
        except ScannerUnavailable:
            if send_error is not None:
                raise ScannerUnavailable(
                    f"clamd at {_address()} broke off the stream: {send_error}"
                ) from send_error
            raise


def _parse(reply: str) -> str | None:
    if reply == "stream: OK":
        return None
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        threat = reply[len("stream: ") : -len(" FOUND")].strip()
        if threat:
            return threat
    if reply.endswith("ERROR"):
        if "size limit exceeded" in reply:
            raise ScanLimitExceeded(f"clamd at {_address()}: {reply}")
        raise ScannerUnavailable(f"clamd at {_address()} could not scan: {reply}")
    raise ScannerUnavailable(f"clamd at {_address()} answered {reply[:200]!r}")


def scan_upload(data: bytes, *, name: str) -> str | None:
    """The threat's name when `data` is infected (as clamd reports it, e.g.
    "Eicar-Test-Signature"; signatures from an unofficial database end in ".UNOFFICIAL"), None
    when it is clean or MOTCUA_MALWARE_SCANNER is "none". Raises ScannerUnavailable (or its
    subclass ScanLimitExceeded) when the file could not be scanned: refuse the upload."""
    scanner = _scanner()
    if scanner == "none":
        return None
    if scanner != "clamd":
        raise ScannerUnavailable(f"unknown MOTCUA_MALWARE_SCANNER {scanner!r} (none | clamd)")
    limit = int(getattr(settings, "MOTCUA_CLAMD_STREAM_MAX_BYTES", 25 * 1024 * 1024))
    if len(data) > limit:
        raise ScanLimitExceeded(f"{len(data)} bytes is over the scan limit of {limit} bytes")
    try:
        threat = _parse(_instream(data))
    except ScannerUnavailable as exc:
        logger.error("malware scan of upload %r (%d bytes) failed: %s", name, len(data), exc)
        raise
    if threat:
        logger.warning(
            "malware %s in upload %r (%d bytes, sha256 %s)",
            threat,
            name,
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
    return threat


def scanner_ping() -> bool:
    """True when clamd answers PING with PONG (health checks). False when it does not, and
    when no scanner is configured ("none"): then nothing would scan an upload."""
    if _scanner() != "clamd":
        return False
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except (ScannerUnavailable, OSError) as exc:
        logger.warning("clamd ping failed: %s", exc)
        return False
