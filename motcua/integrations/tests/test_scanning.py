"""The clamd client: against a real clamd with a local signature database (EICAR, a test
pattern), and against a scripted fake daemon for timeouts, partial reads and garbage."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.integrations import scanning
from motcua.integrations.scanning import (
    ScanLimitExceeded,
    ScannerUnavailable,
    scan_upload,
    scanner_ping,
)
from motcua.integrations.tests.samples import (
    EICAR,
    EICAR_NAME,
    TEST_PATTERN,
    TEST_PATTERN_NAME,
    pdf,
)


def _is(threat: str | None, name: str) -> bool:
    # Signatures from a database that is not ClamAV's signed one are reported as "<name>.UNOFFICIAL".
    return threat in (name, f"{name}.UNOFFICIAL")


# --- a real clamd, unix socket and TCP ------------------------------------------------------


@pytest.fixture(params=["unix", "tcp"])
def daemon(request: Any) -> Any:
    return request.getfixturevalue(f"clamd_{request.param}")


def test_eicar_file_is_found(daemon: Any) -> None:
    assert _is(scan_upload(EICAR, name="eicar.com"), EICAR_NAME)


def test_eicar_inside_a_pdf_is_found(daemon: Any) -> None:
    assert _is(scan_upload(pdf(b"% " + EICAR), name="to-khai.pdf"), EICAR_NAME)


def test_custom_pattern_is_reported_by_its_own_name(daemon: Any) -> None:
    threat = scan_upload(pdf(TEST_PATTERN), name="x.pdf")
    assert _is(threat, TEST_PATTERN_NAME)


def test_clean_pdf_is_clean(daemon: Any) -> None:
    assert scan_upload(pdf(), name="to-khai.pdf") is None


def test_clean_file_of_many_chunks_is_clean(daemon: Any) -> None:
    data = pdf(b"0123456789abcdef" * 40_000)  # 640 KB: ten chunks, under the 1 MB limit
    assert scan_upload(data, name="big.pdf") is None


def test_eicar_in_the_last_chunk_is_found(daemon: Any) -> None:
    data = pdf(b"x" * (3 * scanning.CHUNK_BYTES) + EICAR)
    assert _is(scan_upload(data, name="late.pdf"), EICAR_NAME)


def test_ping(daemon: Any) -> None:
    assert scanner_ping() is True


def test_over_clamds_stream_limit_is_refused_by_clamd(daemon: Any, settings: Any) -> None:
    """Our limit set higher than clamd's StreamMaxLength: clamd ends the stream with
    "INSTREAM size limit exceeded. ERROR" and the client says so."""
    settings.MOTCUA_CLAMD_STREAM_MAX_BYTES = 8 * daemon.stream_max_bytes
    data = pdf(b"y" * (2 * daemon.stream_max_bytes))
    with pytest.raises(ScanLimitExceeded, match="size limit exceeded"):
        scan_upload(data, name="huge.pdf")
    # The daemon is fine afterwards.
    assert scan_upload(pdf(), name="small.pdf") is None


def test_over_our_limit_is_refused_without_sending(
    daemon: Any, settings: Any, monkeypatch: Any
) -> None:
    def no_connect() -> None:
        raise AssertionError("a file over the limit must not be sent")

    monkeypatch.setattr(scanning, "_connect", no_connect)
    settings.MOTCUA_CLAMD_STREAM_MAX_BYTES = 1000
    with pytest.raises(ScanLimitExceeded, match="over the scan limit"):
        scan_upload(b"%PDF-" + b"z" * 1000, name="big.pdf")


def test_scan_limit_exceeded_is_a_scanner_unavailable() -> None:
    """Callers that refuse on ScannerUnavailable refuse files over the limit too."""
    assert issubclass(ScanLimitExceeded, ScannerUnavailable)


def test_default_limit_covers_the_largest_upload() -> None:
    from django.conf import settings as django_settings

    # 10 MB uploads are accepted by the dossier checks; they must fit into one scan.
    assert django_settings.MOTCUA_CLAMD_STREAM_MAX_BYTES >= 10 * 1024 * 1024


# --- daemon down, misconfigured, none ---------------------------------------------------------


def test_daemon_down_unix(settings: Any, tmp_path: Path) -> None:
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = str(tmp_path / "no-such.sock")
    with pytest.raises(ScannerUnavailable, match="cannot be reached"):
        scan_upload(pdf(), name="a.pdf")
    assert scanner_ping() is False


def test_daemon_down_tcp(settings: Any) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = ""
    settings.MOTCUA_CLAMD_HOST = "127.0.0.1"
    settings.MOTCUA_CLAMD_PORT = port
    with pytest.raises(ScannerUnavailable, match="cannot be reached"):
        scan_upload(pdf(), name="a.pdf")
    assert scanner_ping() is False


def test_none_scans_nothing_and_connects_nowhere(settings: Any, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("scanner 'none' must not open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    settings.MOTCUA_MALWARE_SCANNER = "none"
    settings.MOTCUA_CLAMD_SOCKET = "/nonexistent/clamd.sock"
    assert scan_upload(EICAR, name="eicar.com") is None
    assert scanner_ping() is False


def test_unknown_scanner_fails_closed(settings: Any) -> None:
    settings.MOTCUA_MALWARE_SCANNER = "clamav"  # a typo must not switch scanning off
    with pytest.raises(ScannerUnavailable, match="unknown MOTCUA_MALWARE_SCANNER"):
        scan_upload(pdf(), name="a.pdf")


def test_demo_default_is_none_and_production_default_is_clamd() -> None:
    settings_dir = Path(__file__).resolve().parents[3] / "config" / "settings"
    base = (settings_dir / "base.py").read_text()
    production = (settings_dir / "production.py").read_text()
    assert 'MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "none")' in base
    assert 'MOTCUA_MALWARE_SCANNER = env.str("MOTCUA_MALWARE_SCANNER", "clamd")' in production


# --- a scripted fake daemon: partial reads, timeouts, garbage --------------------------------


Script = Callable[[socket.socket], None]


@pytest.fixture
def fake_clamd(settings: Any, tmp_path: Path) -> Iterator[Callable[[Script], list[bytes]]]:
    """`fake(script)` serves one connection on a unix socket: it reads the command and, for
    INSTREAM, the chunks, then runs `script(conn)`. Returns the list the streamed data is put in."""
    path = str(tmp_path / "fake.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    threads: list[threading.Thread] = []
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = path
    settings.MOTCUA_CLAMD_TIMEOUT = 0.5

    def serve(script: Script, received: list[bytes]) -> None:
        conn, _addr = server.accept()
        with conn:
            conn.settimeout(5)
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            if command == b"zINSTREAM\0":
                data = b""
                while True:
                    header = b""
                    while len(header) < 4:
                        header += conn.recv(4 - len(header))
                    (size,) = struct.unpack("!I", header)
                    if size == 0:
                        break
                    chunk = b""
                    while len(chunk) < size:
                        chunk += conn.recv(size - len(chunk))
                    data += chunk
                received.append(data)
            script(conn)

    def fake(script: Script) -> list[bytes]:
        received: list[bytes] = []
        thread = threading.Thread(target=serve, args=(script, received), daemon=True)
        thread.start()
        threads.append(thread)
        return received

    yield fake
    server.close()
    Path(path).unlink(missing_ok=True)
    for thread in threads:
        thread.join(timeout=5)


def _send(*parts: bytes, pause: float = 0.0) -> Script:
    def script(conn: socket.socket) -> None:
        for part in parts:
            conn.sendall(part)
            time.sleep(pause)

    return script


def test_reply_in_pieces_is_reassembled(fake_clamd: Any) -> None:
    received = fake_clamd(_send(b"stream: Win.Test.", b"Split-1 FO", b"UND\0", pause=0.05))
    data = b"%PDF-" + bytes(range(256)) * 1000  # several chunks
    assert scan_upload(data, name="a.pdf") == "Win.Test.Split-1"
    assert received == [data]  # chunk framing: the daemon got exactly the file


def test_reply_without_nul_ended_by_close(fake_clamd: Any) -> None:
    fake_clamd(_send(b"stream: OK"))
    assert scan_upload(b"%PDF-1", name="a.pdf") is None


def test_no_reply_times_out(fake_clamd: Any) -> None:
    fake_clamd(lambda conn: conn.recv(1))  # says nothing until the client hangs up
    started = time.monotonic()
    with pytest.raises(ScannerUnavailable, match="did not answer"):
        scan_upload(b"%PDF-1", name="a.pdf")
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "reply",
    [b"HELLO\0", b"stream: FOUND\0", b"stream: OKAY\0", b"\0", b"", b"A" * 10_000],
    ids=["garbage", "no-name", "almost-ok", "empty", "closed", "overlong"],
)
def test_garbage_is_unavailable(fake_clamd: Any, reply: bytes) -> None:
    fake_clamd(_send(reply))
    with pytest.raises(ScannerUnavailable) as info:
        scan_upload(b"%PDF-1", name="a.pdf")
    assert not isinstance(info.value, ScanLimitExceeded)


def test_other_clamd_error_is_unavailable(fake_clamd: Any) -> None:
    fake_clamd(_send(b"Can't allocate memory ERROR\0"))
    with pytest.raises(ScannerUnavailable, match="could not scan") as info:
        scan_upload(b"%PDF-1", name="a.pdf")
    assert not isinstance(info.value, ScanLimitExceeded)


def test_ping_wrong_answer_is_false(fake_clamd: Any) -> None:
    fake_clamd(_send(b"PANG\0"))
    assert scanner_ping() is False
