"""System checks of the core app (registered in apps.CoreConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

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


#: Host names that only reach this machine (the rehearsal's ALLOWED_HOSTS).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@register(Tags.security, deploy=False)
def check_rehearsal_loopback_only(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The rehearsal settings (config/settings/rehearsal.py) load demo accounts with a known
    password and serve plain HTTP: they must never answer for a host reachable from elsewhere
    (docs/adr/0048)."""
    if not getattr(settings, "MOTCUA_REHEARSAL", False):
        return []
    public = [host for host in settings.ALLOWED_HOSTS if host.lower() not in LOOPBACK_HOSTS]
    if not public:
        return []
    return [
        Error(
            "The rehearsal settings (config.settings.rehearsal: demo accounts, plain HTTP) are "
            f"used with a host that is not the loopback in ALLOWED_HOSTS: {', '.join(public)}.",
            hint="Use config.settings.production behind TLS for a real installation, or set "
            "DJANGO_ALLOWED_HOSTS to 127.0.0.1,localhost for a rehearsal.",
            id="core.E001",
        )
    ]
