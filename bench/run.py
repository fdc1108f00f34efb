"""Run every benchmark: `make bench`. Prints figures and ratios measured side by side."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from bench import calendar_deadlines  # noqa: E402

if __name__ == "__main__":
    calendar_deadlines.run()
