"""How often a per-process cache of reference data (published procedure versions, the working
calendar) asks the database whether it is still fresh.

Reference data changes rarely (a holiday decision, a new procedure version) and is read on
every intake. Each cache checks freshness with one small query; with
`MOTCUA_REFERENCE_RECHECK_SECONDS` > 0 it skips that query for that many seconds after a
check. A change made in the same process clears the cache at once; one made in another
process is seen within the interval (ADR 0014). 0 checks on every read (the test settings)."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable

from django.conf import settings


class Recheck:
    """Remembers when each key was last checked against the database."""

    def __init__(self) -> None:
        self._checked: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def fresh(self, key: Hashable) -> bool:
        """True when `key` was checked less than the interval ago (no need to ask again)."""
        interval = float(getattr(settings, "MOTCUA_REFERENCE_RECHECK_SECONDS", 0))
        if interval <= 0:
            return False
        at = self._checked.get(key)
        return at is not None and time.monotonic() - at < interval

    def checked(self, key: Hashable) -> None:
        with self._lock:
            if len(self._checked) > 4096:
                self._checked.clear()
            self._checked[key] = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._checked.clear()
