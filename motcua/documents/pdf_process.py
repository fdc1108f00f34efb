"""PDF rendering in a child process, for web workers (ADR 0049).

WeasyPrint with the fonts it has loaded adds 30–90 MB to a process, and a Python process
does not give that back: a web worker that rendered one control sheet stayed ~80 MB larger
for its whole life (bench/public.py: 195–212 MB after desk work, target < 200 MB). A web
worker therefore hands the HTML to a child process of its own, started at its first PDF and
ending by itself after `IDLE_SECONDS` without work (or when the worker ends: it then reads
the end of its input), so the memory is the child's, and is returned when it ends.

* Who renders where: `wanted()` is true when MOTCUA_PDF_RENDERER is "child" — config/wsgi.py
  sets it for the processes that serve the web (gunicorn, runserver) — and false for "inline"
  or unset: background jobs, commands and tests render in their own process, as before.
* The child runs `python -m motcua.documents.pdf_process`: it imports `pdf_engine` (WeasyPrint,
  the bundled fonts, the fetcher that refuses anything else) and no Django, and renders with
  the same function as the inline path: same HTML → same bytes either way.
* Protocol on its standard input and output: a request is the HTML's length (4 bytes, big
  endian) and the HTML in UTF-8; an answer is a status byte (0 PDF, 1 error text) and the
  length and bytes of the PDF or of the error. One request at a time per child (a lock; the
  renders were GIL-bound in the worker anyway). A child that died (idle exit, crash, killed)
  is replaced and the request sent again once; a render error is raised in the worker as a
  RuntimeError with the child's message.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

#: "child": render in a child process (set by config/wsgi.py); "inline" or unset: in-process.
MODE_ENV = "MOTCUA_PDF_RENDERER"
#: Seconds without a render after which the child ends (its memory is then returned).
IDLE_SECONDS = float(os.environ.get("MOTCUA_PDF_CHILD_IDLE_SECONDS", "300"))
#: Seconds a render may take before the worker gives up on the child (and ends it).
RENDER_TIMEOUT = 120.0
_HEADER = struct.Struct(">I")
_ANSWER = struct.Struct(">BI")
_ROOT = Path(__file__).resolve().parents[2]


def wanted() -> bool:
    """Whether this process renders its PDFs in a child process."""
    return os.environ.get(MODE_ENV, "") == "child"


class RenderFailed(RuntimeError):
    """The child could not render the document (its message says why)."""


class _Child:
    """The worker's child process (started on demand, replaced when it is gone)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.pid_owner = 0

    def _alive(self) -> subprocess.Popen[bytes] | None:
        process = self.process
        if process is None or process.poll() is not None or self.pid_owner != os.getpid():
            return None  # none, ended, or inherited through a fork (not ours to talk to)
        return process

    def _start(self) -> subprocess.Popen[bytes]:
        path = os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        env.pop(MODE_ENV, None)
        self.process = subprocess.Popen(  # noqa: S603 — our own module, no input in the command
            [sys.executable, "-m", "motcua.documents.pdf_process", str(IDLE_SECONDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=_ROOT,
            close_fds=True,
        )
        self.pid_owner = os.getpid()
        return self.process

    def render(self, html: str) -> bytes:
        data = html.encode("utf-8")
        with self.lock:
            for attempt in (1, 2):
                process = self._alive() or self._start()
                try:
                    return _ask(process, data)
                except RenderFailed:
                    raise  # the document's fault: the child is fine
                except (BrokenPipeError, ConnectionError, EOFError):
                    # It ended between two renders (idle) or crashed: a new one, once.
                    self._end(process)
                    if attempt == 2:
                        raise
                except BaseException:
                    self._end(process)  # a timeout or an interruption: its state is unknown
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if self.process is process:
            self.process = None


def _ask(process: subprocess.Popen[bytes], data: bytes) -> bytes:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(_HEADER.pack(len(data)) + data)
    process.stdin.flush()
    status, size = _ANSWER.unpack(_read(process.stdout, _ANSWER.size, RENDER_TIMEOUT))
    body = _read(process.stdout, size, RENDER_TIMEOUT)
    if status != 0:
        raise RenderFailed(body.decode("utf-8", "replace"))
    return body


def _read(stream: IO[bytes], n: int, timeout: float | None) -> bytes:
    """Exactly `n` bytes from the pipe (EOFError when it ends first, TimeoutError when
    nothing comes for `timeout` seconds)."""
    fd = stream.fileno()
    chunks: list[bytes] = []
    left = n
    while left:
        if timeout is not None:
            ready, _w, _x = select.select([fd], [], [], timeout)
            if not ready:
                raise TimeoutError("the PDF renderer did not answer")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the PDF renderer ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


_child = _Child()


def render(html: str) -> bytes:
    """`html` as a PDF, rendered by this process's child (`pdf_engine.html_to_pdf`)."""
    return _child.render(html)


def child_pid() -> int | None:
    """The running child's process id (None when there is none), for tests and benchmarks."""
    process = _child._alive()
    return process.pid if process is not None else None


def main(argv: list[str]) -> int:
    """The child: answer requests on standard input until it ends or stays idle too long."""
    from motcua.documents.pdf_engine import html_to_pdf

    idle = float(argv[0]) if argv else IDLE_SECONDS
    stdin = sys.stdin.buffer
    # The answers go to a copy of the output; anything else printing to standard output
    # (a library's stray message) goes to the error output instead of into the protocol.
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    while True:
        ready, _w, _x = select.select([stdin.fileno()], [], [], idle)
        if not ready:
            return 0  # idle: end, and give the memory back
        try:
            (size,) = _HEADER.unpack(_read(stdin, _HEADER.size, None))
            html = _read(stdin, size, None).decode("utf-8")
        except EOFError:
            return 0  # the worker ended or closed the pipe
        answer: Any
        try:
            answer, status = html_to_pdf(html), 0
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 — reported to the worker, which raises it
            # (WeasyPrint's refused fetch is a BaseException, not an Exception)
            answer, status = f"{type(exc).__name__}: {exc}".encode(), 1
        stdout.write(_ANSWER.pack(status, len(answer)) + answer)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
