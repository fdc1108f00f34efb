"""Run every benchmark: `make bench`. Prints figures and ratios measured side by side.

`calendar_deadlines` runs in this process. The PostgreSQL benchmarks (`dossier_intake`,
`worklist`, `public`: the last starts gunicorn as `make run` does) run each in a process of
its own, on a database of its own on the server of DATABASE_URL (never the database
DATABASE_URL names); they are skipped, with a message, when DATABASE_URL is not PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from bench import calendar_deadlines  # noqa: E402
from bench.dossier_intake import is_postgres, skip_message  # noqa: E402

POSTGRES_BENCHMARKS = [
    ("dossier intake", "dossier_intake.py"),
    ("worklist", "worklist.py"),
    ("public pages", "public.py"),
]


DOCUMENT_BENCHMARKS = [
    ("receipts rendered", "bench.documents_render"),
    ("signatures", "bench.documents_sign"),
]


def main() -> int:
    calendar_deadlines.run()
    failed = 0
    for name, module in DOCUMENT_BENCHMARKS:
        print(f"\n== {name}", flush=True)
        done = subprocess.run([sys.executable, "-m", module], check=False, cwd=HERE.parent)
        failed += done.returncode != 0
    for name, script in POSTGRES_BENCHMARKS:
        print(flush=True)
        if not is_postgres():
            print(skip_message(name))
            continue
        done = subprocess.run([sys.executable, str(HERE / script)], check=False)
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
