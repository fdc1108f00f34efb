"""Rate limits: counters of tries in the shared cache, one fixed window per key.

    if ratelimit.hit(key=f"rl:track:{address}", limit=20, window_seconds=600):
        ...refuse (429)...

`hit` counts the try first and then compares, so concurrent tries each get their own count
and no more than `limit` are let through in a window, whatever the number of processes. The
window starts at the first try counted under the key and is not extended by later ones; when
it ends the key expires and counting starts again.

When only failures should count (sign-in, wrong PINs for one dossier code), the caller counts
the try with `hit` before checking it and then `reset`s the key (a success forgets earlier
failures) or `release`s the try (a success does not count, earlier failures stay). Checking
first and counting after the failure would let every try running at the same time through.

The counters live in the default cache, which every web process of an installation must share
(MOTCUA_CACHE_URL, docs/adr/0016-shared-cache-and-rate-limits.md):

- Redis, Memcached, LocMemCache: `cache.add` (start the window) then `cache.incr`, both atomic.
  Django's Redis `incr` is EXISTS then INCR; if the key expires between the two, INCR creates
  it without an expiry, so the first count of a window always sets the expiry again.
- Any other backend (FileBasedCache: its `incr` is get-then-set and resets the expiry to the
  default timeout): the counter is stored as (count, end of window) and read, changed and
  written under an exclusive lock file next to the cache's files (FileBasedCache) or in the
  temporary directory: shared by the processes of one machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache

#: Backends whose `add` and `incr` are atomic and whose `incr` keeps the key's expiry.
ATOMIC_BACKENDS: tuple[type[BaseCache], ...] = (RedisCache, BaseMemcachedCache, LocMemCache)
LOCK_FILE = "motcua-ratelimit.lock"


def hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one try under `key`. True when it is beyond `limit` tries in the window: the
    caller refuses it (it stays counted, which changes nothing while the window lasts)."""
    if limit < 0 or window_seconds < 1:
        raise ValueError("limit must be >= 0 and window_seconds >= 1")
    return _increment(_backend(), key, window_seconds) > limit


def attempts(*, key: str) -> int:
    """The tries counted under `key` in its current window (0 when none)."""
    backend = _backend()
    return _count(backend.get(key), time.time())


def release(*, key: str) -> None:
    """Take back one try counted by `hit` (it turned out not to count). Nothing when the key
    has expired meanwhile."""
    backend = _backend()
    if isinstance(backend, ATOMIC_BACKENDS):
        try:
            left = backend.decr(key)
        except ValueError:  # expired meanwhile: nothing to take back
            return
        if left < 0:  # Redis: expired between EXISTS and DECR, leaving -1 with no expiry
            backend.delete(key)
        return
    with _locked(backend):
        now = time.time()
        value = backend.get(key)
        count, end = _count(value, now), _end(value)
        if count > 0 and end > now:
            backend.set(key, (count - 1, end), timeout=_seconds_left(end, now))


def reset(*, key: str) -> None:
    """Forget every try counted under `key`."""
    _backend().delete(key)


def _backend() -> BaseCache:
    return caches[DEFAULT_CACHE_ALIAS]


def _increment(backend: BaseCache, key: str, window_seconds: int) -> int:
    if isinstance(backend, ATOMIC_BACKENDS):
        for _attempt in range(3):
            backend.add(key, 0, timeout=window_seconds)
            try:
                count = int(backend.incr(key))
            except ValueError:  # expired between add and incr: start the window again
                continue
            if count == 1:  # the window's first try: make sure the key expires
                backend.touch(key, timeout=window_seconds)
            return count
        return 1  # a cache that keeps nothing (DummyCache): nothing is ever limited
    with _locked(backend):
        now = time.time()
        value = backend.get(key)
        count, end = _count(value, now), _end(value)
        if count == 0 or end <= now:
            count, end = 0, now + window_seconds
        count += 1
        backend.set(key, (count, end), timeout=_seconds_left(end, now))
        return count


def _count(value: Any, now: float) -> int:
    """The count stored in a cache value: an int (atomic backends) or (count, end)."""
    if isinstance(value, tuple) and len(value) == 2:
        count, end = value
        return int(count) if float(end) > now else 0
    if isinstance(value, int):
        return value
    return 0


def _end(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2:
        return float(value[1])
    return 0.0


def _seconds_left(end: float, now: float) -> int:
    return max(1, math.ceil(end - now))


@contextlib.contextmanager
def _locked(backend: BaseCache) -> Iterator[None]:
    """An exclusive lock shared by every process (and thread) of this machine using the
    backend: flock on a file in the FileBasedCache's directory (which it does not count as an
    entry: its files end in .djcache), else in the temporary directory."""
    directory = getattr(backend, "_dir", None) or os.path.join(
        tempfile.gettempdir(), f"motcua-ratelimit-{os.getuid()}"
    )
    os.makedirs(directory, mode=0o700, exist_ok=True)
    fd = os.open(os.path.join(directory, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
