"""A real clamd for the scanner tests: a tiny local signature database (no freshclam, no
network), a unix socket and a TCP port, started once per session in about a second."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from motcua.integrations.tests.samples import signature_database

STREAM_MAX_BYTES = 1024 * 1024  # clamd's StreamMaxLength in the fixture ("1M")


def _require(what: str, reason: str) -> None:
    """As in the root conftest: skip locally, fail under CI (CI=true or MOTCUA_REQUIRE_BROWSER)."""
    if os.environ.get("CI") == "true" or os.environ.get("MOTCUA_REQUIRE_BROWSER"):
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Clamd:
    socket_path: str
    host: str
    port: int
    stream_max_bytes: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pong(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(path)
            s.sendall(b"zPING\0")
            return s.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd() -> Iterator[Clamd]:
    binary = shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(p, os.X_OK)), None
    )
    if binary is None:
        _require("clamd", "clamd not installed (apt-get install clamav clamav-daemon)")
    assert binary is not None
    directory = Path(tempfile.mkdtemp(prefix="motcua-clamd-"))  # short: unix socket paths ≤ 107
    for name, content in signature_database().items():
        (directory / name).write_text(content)
    sock = str(directory / "clamd.sock")
    port = _free_port()
    conf = directory / "clamd.conf"
    conf.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                "TCPAddr 127.0.0.1",
                f"TCPSocket {port}",
                f"DatabaseDirectory {directory}",
                f"TemporaryDirectory {directory}",
                f"LogFile {directory / 'clamd.log'}",
                f"StreamMaxLength {STREAM_MAX_BYTES // (1024 * 1024)}M",
                "SelfCheck 3600",
                "",
            ]
        )
    )
    output = (directory / "clamd.out").open("wb")
    proc = subprocess.Popen(
        [binary, "--config-file", str(conf)], stdout=output, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while not _pong(sock):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (directory / "clamd.out").read_text(errors="replace")[-2000:]
                pytest.fail(f"clamd did not start (exit {proc.poll()}):\n{log}")
            time.sleep(0.05)
        yield Clamd(
            socket_path=sock, host="127.0.0.1", port=port, stream_max_bytes=STREAM_MAX_BYTES
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        output.close()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def clamd_unix(clamd: Clamd, settings: Any) -> Clamd:
    """Settings pointing the scanner at the test clamd's unix socket."""
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = clamd.socket_path
    settings.MOTCUA_CLAMD_TIMEOUT = 10.0
    settings.MOTCUA_CLAMD_STREAM_MAX_BYTES = clamd.stream_max_bytes
    return clamd


@pytest.fixture
def clamd_tcp(clamd: Clamd, settings: Any) -> Clamd:
    """Settings pointing the scanner at the test clamd over TCP."""
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    settings.MOTCUA_CLAMD_SOCKET = ""
    settings.MOTCUA_CLAMD_HOST = clamd.host
    settings.MOTCUA_CLAMD_PORT = clamd.port
    settings.MOTCUA_CLAMD_TIMEOUT = 10.0
    settings.MOTCUA_CLAMD_STREAM_MAX_BYTES = clamd.stream_max_bytes
    return clamd
