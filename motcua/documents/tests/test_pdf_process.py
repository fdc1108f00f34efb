"""Web workers render PDFs in a child process (ADR 0049): the same bytes as in-process, no
WeasyPrint in the worker, a dead or idle child replaced, a render error reported."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from motcua.documents import pdf_engine, pdf_process

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import json, os, sys
import django
django.setup()
from motcua.documents.data import FormKind
from motcua.documents.rendering import render_form
from motcua.documents.tests import conftest as samples
from motcua.documents import pdf_process
pdf = render_form(kind=FormKind.RECEIPT, data=samples.receipt())
print(json.dumps({"weasyprint": "weasyprint" in sys.modules, "child": pdf_process.child_pid(),
                  "size": len(pdf), "head": pdf[:5].decode()}))
sys.stdout.flush()
open(os.environ["PDF_OUT"], "wb").write(pdf)
"""


def test_a_web_worker_renders_in_a_child_the_same_bytes_without_weasyprint(tmp_path):
    from motcua.documents.data import FormKind
    from motcua.documents.rendering import render_form_html
    from motcua.documents.tests import conftest as samples

    out = tmp_path / "receipt.pdf"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MOTCUA_PDF_RENDERER": "child",
        "PDF_OUT": str(out),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=180, check=True,
    )  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["weasyprint"] is False  # the worker never imported it
    assert seen["child"] is not None and seen["head"] == "%PDF-"
    inline = pdf_engine.html_to_pdf(render_form_html(kind=FormKind.RECEIPT, data=samples.receipt()))
    assert out.read_bytes() == inline


@pytest.fixture
def child(monkeypatch):
    monkeypatch.setenv(pdf_process.MODE_ENV, "child")
    yield
    pid = pdf_process.child_pid()
    if pid is not None:
        os.kill(pid, signal.SIGKILL)


def test_only_the_web_asks_for_a_child(monkeypatch):
    monkeypatch.delenv(pdf_process.MODE_ENV, raising=False)
    assert not pdf_process.wanted()
    monkeypatch.setenv(pdf_process.MODE_ENV, "child")
    assert pdf_process.wanted()


def test_config_wsgi_asks_for_a_child():
    assert (
        'os.environ.setdefault("MOTCUA_PDF_RENDERER", "child")'
        in (ROOT / "config" / "wsgi.py").read_text()
    )


def test_a_dead_child_is_replaced_and_an_error_reported(child):
    html = "<p>xin chào</p>"
    first = pdf_process.render(html)
    pid = pdf_process.child_pid()
    with pytest.raises(pdf_process.RenderFailed, match="example.com"):
        pdf_process.render('<img src="http://example.com/x.png">')
    assert pdf_process.child_pid() == pid  # a bad document does not end the child
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert pdf_process.render(html) == first
    assert pdf_process.child_pid() not in (None, pid)


def test_an_idle_child_ends(child, monkeypatch):
    monkeypatch.setattr(pdf_process, "IDLE_SECONDS", 0.5)
    pdf_process._child._end(pdf_process._child.process) if pdf_process._child.process else None
    pdf_process.render("<p>a</p>")
    process = pdf_process._child.process
    assert process is not None
    process.wait(timeout=30)  # ended by itself
    assert pdf_process.child_pid() is None
    assert pdf_process.render("<p>b</p>").startswith(b"%PDF-")  # and a new one starts
