"""Rate limits: counters of tries shared by every web process, one fixed window per key.

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

Where the counters live depends on the default cache, which every web process of an
installation must share (MOTCUA_CACHE_URL, docs/adr/0016-shared-cache-and-rate-limits.md,
docs/adr/0043-tracking-worklist-and-lean-workers.md):

- Redis: one round trip per try, a MULTI of `SET key 0 EX window NX` and `INCR key`: atomic,
  so the key always has its expiry (the window's) and no expiry can fall between the two.
  A release is one `DECR` (a key gone meanwhile, left at -1, is deleted).
- Memcached, LocMemCache: `cache.add` (start the window) then `cache.incr`, both atomic.
- Any other backend (FileBasedCache: its `incr` is get-then-set and resets the expiry to the
  default timeout; its `set` lists the whole directory to cull): a table of counters in one
  file of fixed size beside the cache's files (or in the temporary directory), mapped in
  memory by every process; a key's bucket of slots is changed under an `fcntl` record lock on
  its bytes and a thread lock (`_CounterTable`): shared by the processes and threads of one
  machine, no file created per key, and tries on other buckets never wait.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import struct
import tempfile
import threading
import time
from collections.abc import Iterator

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

_REDIS_OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)

#: Backends whose `add` and `incr` are atomic and whose `incr` keeps the key's expiry.
ATOMIC_BACKENDS: tuple[type[BaseCache], ...] = (RedisCache, BaseMemcachedCache, LocMemCache)


def hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one try under `key`. True when it is beyond `limit` tries in the window: the
    caller refuses it (it stays counted, which changes nothing while the window lasts)."""
    if limit < 0 or window_seconds < 1:
        raise ValueError("limit must be >= 0 and window_seconds >= 1")
    backend = _backend()
    if isinstance(backend, DummyCache):  # a cache that keeps nothing: nothing is limited
        return False
    with _outage(backend) as fallback:
        if fallback is None:
            return _increment(backend, key, window_seconds) > limit
    return _increment(_fallback(), key, window_seconds) > limit


def attempts(*, key: str) -> int:
    """The tries counted under `key` in its current window (0 when none)."""
    backend = _backend()
    if isinstance(backend, DummyCache):
        return 0
    with _outage(backend) as fallback:
        if fallback is None:
            return _read(backend, key)
    return _read(_fallback(), key)


def _read(backend: BaseCache, key: str) -> int:
    if isinstance(backend, ATOMIC_BACKENDS):
        value = backend.get(key)
        return value if isinstance(value, int) and value > 0 else 0
    return _files(backend).read(key, time.time())


def release(*, key: str) -> None:
    """Take back one try counted by `hit` (it turned out not to count). Nothing when the key
    has expired meanwhile."""
    backend = _backend()
    if isinstance(backend, DummyCache):
        return
    with _outage(backend) as fallback:
        if fallback is None:
            _release(backend, key)
            return
    _release(_fallback(), key)


def _release(backend: BaseCache, key: str) -> None:
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        client = backend._cache.get_client(name, write=True)  # type: ignore[attr-defined]
        if client.decr(name) < 0:  # gone meanwhile: DECR made it -1, with no expiry
            client.delete(name)
        return
    if isinstance(backend, ATOMIC_BACKENDS):
        try:
            left = backend.decr(key)
        except ValueError:  # expired meanwhile: nothing to take back
            return
        if left < 0:
            backend.delete(key)
        return
    _files(backend).release(key, time.time())


def reset(*, key: str) -> None:
    """Forget every try counted under `key`."""
    backend = _backend()
    _fallback().delete(key)  # counted there during an outage of Redis
    if isinstance(backend, (*ATOMIC_BACKENDS, DummyCache)):
        backend.delete(key)  # a tolerant Redis cache: nothing when it is down
    else:
        _files(backend).forget(key)


def _backend() -> BaseCache:
    return caches[DEFAULT_CACHE_ALIAS]


# --- Redis out of reach (docs/adr/0045) ------------------------------------------------------

#: The counters of this process while the shared Redis cannot be reached: limits still apply,
#: each process counting on its own (at worst the limit times the number of web processes,
#: for the length of the outage only).
_FALLBACK = LocMemCache("motcua-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _fallback() -> BaseCache:
    return _FALLBACK


@contextlib.contextmanager
def _outage(backend: BaseCache) -> Iterator[BaseCache | None]:
    """Yields None to count on `backend`; the fallback when `backend` is a Redis cache that
    is known to be down. A connection error or timeout inside the block is recorded on the
    backend (`note_outage`, config/caches.TolerantRedisCache) and swallowed: the caller then
    counts on the fallback (the code after the `with`). Any other backend's errors raise."""
    tolerant = isinstance(backend, RedisCache) and hasattr(backend, "note_outage")
    if tolerant and backend.is_down():  # type: ignore[attr-defined]
        yield _FALLBACK
        return
    try:
        yield None
    except _REDIS_OUTAGE as exc:
        if not tolerant:
            raise
        backend.note_outage(exc)  # type: ignore[attr-defined]


def _increment(backend: BaseCache, key: str, window_seconds: int) -> int:
    if isinstance(backend, RedisCache):
        name = backend.make_and_validate_key(key)
        client = backend._cache.get_client(name, write=True)  # type: ignore[attr-defined]
        with client.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=window_seconds, nx=True)
            pipe.incr(name)
            _created, count = pipe.execute()
        return int(count)
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
    return _files(backend).increment(key, window_seconds, time.time())


# --- the counter table (FileBasedCache, or any backend without atomic counters) ------------

#: Slots of the shared counter table: each holds a key's digest, its count and the end of its
#: window; a key lives in one bucket of BUCKET_SLOTS slots chosen by its digest.
TABLE_SLOTS = 1 << 16
BUCKET_SLOTS = 8
_SLOT = struct.Struct("<16sqd")  # SHA-256 of the key (first 16 bytes), count, window end
_BUCKET_BYTES = _SLOT.size * BUCKET_SLOTS
_STRIPES = 64
_tables: dict[str, _CounterTable] = {}
_tables_lock = threading.Lock()


def _files(backend: BaseCache) -> _CounterTable:
    directory = getattr(backend, "_dir", None) or os.path.join(
        tempfile.gettempdir(), f"motcua-ratelimit-{os.getuid()}"
    )
    table = _tables.get(directory)
    if table is None:
        with _tables_lock:
            table = _tables.get(directory)
            if table is None:
                table = _tables[directory] = _CounterTable(directory)
    return table


class _CounterTable:
    """One file of fixed size (TABLE_SLOTS × 32 bytes, `ratelimit.table` beside the cache's
    files), mapped in memory by every process. A key's bucket is changed under an exclusive
    `fcntl` record lock on the bucket's bytes (between processes) and a lock of its stripe
    (between the threads of a process): two syscalls per try, no file created per key, and
    tries on keys of other buckets never wait. A slot whose window ended is free; when every
    slot of a bucket holds a live key, the one whose window ends first is given up (like the
    file cache's culling, ADR 0016: an attacker would need thousands of live keys falling in
    one bucket of 8)."""

    def __init__(self, directory: str) -> None:
        import mmap

        os.makedirs(directory, mode=0o700, exist_ok=True)
        path = os.path.join(directory, "ratelimit.table")
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        size = TABLE_SLOTS * _SLOT.size
        if os.fstat(self.fd).st_size < size:
            os.ftruncate(self.fd, size)  # zeros: every slot free; a no-op race between processes
        self.map = mmap.mmap(self.fd, size)
        self.stripes = [threading.Lock() for _ in range(_STRIPES)]

    @contextlib.contextmanager
    def _bucket(self, digest: bytes) -> Iterator[int]:
        bucket = int.from_bytes(digest[:4], "little") % (TABLE_SLOTS // BUCKET_SLOTS)
        offset = bucket * _BUCKET_BYTES
        with self.stripes[bucket % _STRIPES]:
            fcntl.lockf(self.fd, fcntl.LOCK_EX, _BUCKET_BYTES, offset)
            try:
                yield offset
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN, _BUCKET_BYTES, offset)

    def _find(self, offset: int, digest: bytes, now: float) -> tuple[int | None, int, float]:
        """(position of the key's live slot or None, its count, its end)."""
        for i in range(BUCKET_SLOTS):
            at = offset + i * _SLOT.size
            slot_digest, count, end = _SLOT.unpack_from(self.map, at)
            if slot_digest == digest:
                if end > now and count > 0:
                    return at, count, end
                return at, 0, 0.0
        return None, 0, 0.0

    def increment(self, key: str, window_seconds: int, now: float) -> int:
        digest = _digest(key)
        with self._bucket(digest) as offset:
            at, count, end = self._find(offset, digest, now)
            if at is None:
                at = self._free_slot(offset, now)
            if count <= 0:
                count, end = 0, now + window_seconds
            count += 1
            _SLOT.pack_into(self.map, at, digest, count, end)
            return count

    def _free_slot(self, offset: int, now: float) -> int:
        oldest, oldest_end = offset, float("inf")
        for i in range(BUCKET_SLOTS):
            at = offset + i * _SLOT.size
            _digest_, count, end = _SLOT.unpack_from(self.map, at)
            if count <= 0 or end <= now:
                return at
            if end < oldest_end:
                oldest, oldest_end = at, end
        return oldest

    def release(self, key: str, now: float) -> None:
        digest = _digest(key)
        with self._bucket(digest) as offset:
            at, count, end = self._find(offset, digest, now)
            if at is not None and count > 0:
                _SLOT.pack_into(self.map, at, digest, count - 1, end)

    def read(self, key: str, now: float) -> int:
        digest = _digest(key)
        with self._bucket(digest) as offset:
            return self._find(offset, digest, now)[1]

    def forget(self, key: str) -> None:
        digest = _digest(key)
        with self._bucket(digest) as offset:
            at, _count, _end = self._find(offset, digest, 0.0)
            if at is not None:
                _SLOT.pack_into(self.map, at, b"\0" * 16, 0, 0.0)

    def sweep(self, now: float) -> int:
        """How many slots hold an ended window (they are free already; nothing to remove)."""
        ended = 0
        for at in range(0, TABLE_SLOTS * _SLOT.size, _SLOT.size):
            digest, count, end = _SLOT.unpack_from(self.map, at)
            if digest != b"\0" * 16 and end <= now:
                ended += 1
        return ended


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()[:16]


def counters_sweep() -> int:
    """How many counters of the file cache's table hold an ended window (their slots are free
    for new keys; 0 for the other backends)."""
    backend = _backend()
    if isinstance(backend, (*ATOMIC_BACKENDS, DummyCache)):
        return 0
    return _files(backend).sweep(time.time())


__all__ = ["attempts", "counters_sweep", "hit", "release", "reset"]
