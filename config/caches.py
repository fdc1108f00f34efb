"""The shared cache, from one URL (MOTCUA_CACHE_URL; docs/adr/0016-shared-cache-and-rate-limits.md).

The cache holds the rate-limit counters (sign-in, public tracking, PIN unlock), so every web
process of an installation must use the same one:

- ``redis://host:port/db`` (or ``rediss://``, ``unix:///run/redis.sock?db=1``): Django's
  RedisCache, shared by every machine.
- ``file:///absolute/path``: FileBasedCache in that directory, shared by the processes of one
  machine (the embedded ``make run`` default, ``var/cache``; no daemon needed).
  ``?max_entries=N`` changes how many entries it keeps before culling (default 10000).
- empty: LocMemCache, private to each process (the tests; never production).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

REDIS = "django.core.cache.backends.redis.RedisCache"
FILE = "django.core.cache.backends.filebased.FileBasedCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

#: FileBasedCache culls a random third of its files when it holds this many (Django's default,
#: 300, is reached by one busy hour of distinct client addresses; culling forgets counters).
FILE_MAX_ENTRIES = 10_000
#: Seconds to connect to Redis and for each command: a hung server must not hang the workers.
REDIS_TIMEOUT = 2.0


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
