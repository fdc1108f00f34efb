"""The one source of "now" for services, so the demo loader and tests can run services at a
chosen instant (`with clock.at(t): ...`). Always timezone-aware (UTC)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_override: ContextVar[dt.datetime | None] = ContextVar("motcua_clock", default=None)


def now() -> dt.datetime:
    value = _override.get()
    return value if value is not None else timezone.now()


@contextlib.contextmanager
def at(instant: dt.datetime) -> Iterator[None]:
    """Run the block as if it were `instant` (aware)."""
    if timezone.is_naive(instant):
        raise ValueError("clock.at needs an aware datetime")
    token = _override.set(instant)
    try:
        yield
    finally:
        _override.reset(token)
