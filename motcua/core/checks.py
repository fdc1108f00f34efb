"""System checks of the core app (registered in apps.CoreConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

#: Cache backends whose data lives in one process (config/caches.py).
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


@register(Tags.caches)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production the default cache must be shared by the web processes: it holds the
    rate-limit counters (core/ratelimit.py, docs/adr/0016)."""
    if getattr(settings, "MOTCUA_ENVIRONMENT", "") != "production":
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is private to each process: "
            "each web process counts sign-in failures and public lookups on its own, so every "
            "rate limit allows its tries once per process.",
            hint="Set MOTCUA_CACHE_URL to a Redis server (redis://host:6379/1), shared by all "
            "web processes (docs/adr/0016-shared-cache-and-rate-limits.md).",
            id="core.W001",
        )
    ]
