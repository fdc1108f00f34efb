"""The shared cache, from one URL (MOTCUA_CACHE_URL; docs/adr/0016-shared-cache-and-rate-limits.md).

The cache holds the rate-limit counters (sign-in, public tracking, PIN unlock), so every web
process of an installation must use the same one:

- ``redis://host:port/db`` (or ``rediss://``, ``unix:///run/redis.sock?db=1``):
  `TolerantRedisCache`, Django's RedisCache shared by every machine, which outlives an outage
  of Redis (docs/adr/0045): an operation that cannot reach it is a miss or does nothing.
- ``file:///absolute/path``: FileBasedCache in that directory, shared by the processes of one
  machine (the embedded ``make run`` default, ``var/cache``; no daemon needed).
  ``?max_entries=N`` changes how many entries it keeps before culling (default 10000).
- empty: LocMemCache, private to each process (the tests; never production).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("motcua.cache")

#: What a Redis that is down, restarting or hung raises (BusyLoadingError is a ConnectionError).
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)

PLAIN_REDIS = "django.core.cache.backends.redis.RedisCache"
REDIS = "config.caches.TolerantRedisCache"
FILE = "django.core.cache.backends.filebased.FileBasedCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

#: FileBasedCache culls a random third of its files when it holds this many (Django's default,
#: 300, is reached by one busy hour of distinct client addresses; culling forgets counters).
FILE_MAX_ENTRIES = 10_000
#: Seconds to connect to Redis and for each command: a hung server must not hang the workers.
REDIS_TIMEOUT = 2.0


class TolerantRedisCache(RedisCache):
    """Django's RedisCache that keeps the site up while Redis is unreachable (docs/adr/0045).

    An operation failing with a connection error or a timeout is a miss (`get` returns the
    default, `add`, `delete` and `touch` False, `incr` raises ValueError as for a missing key)
    or does nothing (`set`, `clear`), and logs a warning once per OUTAGE_SECONDS. For
    OUTAGE_SECONDS after a failure the process does not try Redis at all (a hung server would
    otherwise cost every operation its 2 s timeout); then the next operation tries again.

    A `set` or `delete` lost to an outage is done again once Redis answers (the last one per
    key, at most LOST_WRITES_KEPT keys): a write that says "this changed" (the catalog's new
    generation, catalog/cache.py) must not be lost, or other processes would keep serving
    what they computed before it.

    `is_down()` and `note_outage(exc)` let code that talks to the client directly (the rate
    limiter's counters) follow the same rule."""

    #: Seconds during which a failed Redis is not tried again (and the warning not repeated).
    OUTAGE_SECONDS = 5.0
    #: Keys whose lost write is remembered to be done again.
    LOST_WRITES_KEPT = 1000

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0
        self._outage_lock = threading.Lock()
        self._lost: dict[Any, tuple[Any, ...]] = {}

    def is_down(self) -> bool:
        """True while a recent failure keeps the process from trying Redis."""
        return time.monotonic() < self._down_until

    def note_outage(self, exc: BaseException) -> None:
        """Redis could not be reached: stop trying for OUTAGE_SECONDS; warn once for them."""
        with self._outage_lock:
            warn = not self.is_down()
            self._down_until = time.monotonic() + self.OUTAGE_SECONDS
        if warn:
            logger.warning(
                "cache: Redis unreachable (%s: %s); serving without it for %.0f s",
                type(exc).__name__,
                exc,
                self.OUTAGE_SECONDS,
            )

    def _tolerant(self, default: Any, call: Any, *args: Any, **kwargs: Any) -> Any:
        if self.is_down():
            return default
        try:
            if self._lost:
                self._redo_lost_writes()
            return call(*args, **kwargs)
        except OUTAGE_ERRORS as exc:
            self.note_outage(exc)
            return default

    def _lose(self, key: Any, version: Any, write: tuple[Any, ...]) -> None:
        """Remember a write that did not reach Redis (the last one per key)."""
        name = (key, version)
        self._lost.pop(name, None)
        if len(self._lost) < self.LOST_WRITES_KEPT:
            self._lost[name] = write

    def _redo_lost_writes(self) -> None:
        """Do again the writes lost to an outage, oldest first; one failing stops (it stays)."""
        for (key, version), write in list(self._lost.items()):
            if write[0] == "set":
                super().set(key, write[1], write[2], version)
            else:
                super().delete(key, version)
            self._lost.pop((key, version), None)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._tolerant(False, super().add, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._tolerant(default, super().get, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        lost = object()
        if self._tolerant(lost, super().set, key, value, timeout, version) is lost:
            self._lose(key, version, ("set", value, timeout))
        else:
            self._lost.pop((key, version), None)  # a newer value is there: not the lost one

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._tolerant(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        lost = object()
        deleted = self._tolerant(lost, super().delete, key, version)
        if deleted is lost:
            self._lose(key, version, ("delete",))
            return False
        self._lost.pop((key, version), None)
        return deleted

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._tolerant({}, super().get_many, keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._tolerant(False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        missing = object()
        value = self._tolerant(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return value

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._tolerant(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._tolerant(None, super().delete_many, keys, version)

    def clear(self) -> None:
        self._tolerant(None, super().clear)


def cache_from_url(url: str) -> dict[str, Any]:
    """The ``CACHES["default"]`` entry described by ``url`` (see the module's docstring).
    Raises ImproperlyConfigured for anything else, naming the setting but not the URL (a
    Redis URL may carry a password)."""
    url = url.strip()
    if not url:
        return {"BACKEND": LOCMEM}
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        if parts.scheme != "unix" and not parts.hostname:
            raise ImproperlyConfigured("MOTCUA_CACHE_URL: a redis:// URL needs a host.")
        return {
            "BACKEND": REDIS,
            "LOCATION": url,
            # Query parameters of the URL (socket_timeout=…) override these (redis-py).
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            raise ImproperlyConfigured(
                "MOTCUA_CACHE_URL: a file cache needs an absolute path, file:///var/lib/motcua/cache."
            )
        query = parse_qs(parts.query)
        unknown = set(query) - {"max_entries"}
        if unknown:
            raise ImproperlyConfigured(
                f"MOTCUA_CACHE_URL: unknown file cache option(s) {', '.join(sorted(unknown))}."
            )
        try:
            max_entries = int(query.get("max_entries", [FILE_MAX_ENTRIES])[-1])
        except ValueError:
            raise ImproperlyConfigured("MOTCUA_CACHE_URL: max_entries must be a number.") from None
        if max_entries < 1:
            raise ImproperlyConfigured("MOTCUA_CACHE_URL: max_entries must be at least 1.")
        return {"BACKEND": FILE, "LOCATION": path, "OPTIONS": {"MAX_ENTRIES": max_entries}}
    raise ImproperlyConfigured(
        f"MOTCUA_CACHE_URL: unsupported scheme {parts.scheme or '(none)'!r}; use redis://, "
        "rediss://, unix://, file:/// or leave it empty."
    )
