"""A web worker does not import what only some pages or background jobs need (ADR 0043):
importing the WSGI application and the URL configuration leaves WeasyPrint (PDF rendering),
pyHanko (signing and verifying), openpyxl (Excel imports and exports) and the barcode
libraries out, so a worker stays small until it really renders, signs or exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["weasyprint", "pyhanko", "openpyxl", "segno", "barcode", "PIL", "fontTools"]

SCRIPT = f"""
import json, sys
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns  # the URL conf and every view module it names
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""


def test_the_wsgi_application_and_urls_import_no_heavy_library() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_check_would_see_a_heavy_import() -> None:
    """The same script notices a heavy library once something imports it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    script = SCRIPT.replace("import config.wsgi", "import config.wsgi, openpyxl")
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    assert "openpyxl" in json.loads(out.stdout.strip().splitlines()[-1])
