"""The rate limiter (core/ratelimit.py), the cache URL (config/caches.py) and the check that
production does not count rate limits per process (core/checks.py). ADR 0016."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from config.caches import FILE, FILE_MAX_ENTRIES, LOCMEM, REDIS, REDIS_TIMEOUT, cache_from_url
from motcua.core import ratelimit
from motcua.core.checks import check_shared_cache

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _use(settings: Any, entry: dict[str, Any]) -> Any:
    """Point the default cache at `entry` (the settings fixture resets the cache handlers)."""
    settings.CACHES = {"default": entry}
    backend = caches["default"]
    backend.clear()
    return backend


@pytest.fixture
def locmem(settings: Any) -> Any:
    return _use(settings, {"BACKEND": LOCMEM, "LOCATION": f"ratelimit-{uuid.uuid4().hex}"})


@pytest.fixture
def filecache(settings: Any, tmp_path: Path) -> Any:
    return _use(settings, cache_from_url((tmp_path / "cache").as_uri()))


@pytest.fixture
def rediscache(settings: Any) -> Any:
    """Django's RedisCache on a Redis server (db 15 by default), under a key prefix of its own
    (the server may be shared: only this test's keys are removed). Without a server the test
    skips locally and fails under CI (the root conftest's `_require`)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        from conftest import _require

        _require("Redis", f"no Redis at {REDIS_URL} ({exc}); set MOTCUA_TEST_REDIS_URL")
    prefix = f"motcua-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**cache_from_url(REDIS_URL), "KEY_PREFIX": prefix}}
    yield caches["default"]
    for name in client.scan_iter(f"{prefix}:*"):
        client.delete(name)
    client.close()


@pytest.fixture(params=["locmem", "filecache", "rediscache"])
def backend(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


# --- the limiter, on every backend ---------------------------------------------------------


def test_the_limit_is_reached_exactly_at_n(backend: Any) -> None:
    results = [ratelimit.hit(key="k", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert ratelimit.attempts(key="k") == 5


def test_a_limit_of_zero_refuses_at_once(backend: Any) -> None:
    assert ratelimit.hit(key="k", limit=0, window_seconds=60)


def test_keys_are_counted_separately(backend: Any) -> None:
    for _ in range(2):
        ratelimit.hit(key="a", limit=2, window_seconds=60)
    assert ratelimit.hit(key="a", limit=2, window_seconds=60)
    assert not ratelimit.hit(key="b", limit=2, window_seconds=60)
    assert (
        ratelimit.attempts(key="a"),
        ratelimit.attempts(key="b"),
        ratelimit.attempts(key="c"),
    ) == (
        3,
        1,
        0,
    )


def test_reset_forgets_and_release_takes_one_back(backend: Any) -> None:
    for _ in range(3):
        ratelimit.hit(key="k", limit=3, window_seconds=60)
    ratelimit.release(key="k")
    assert ratelimit.attempts(key="k") == 2
    assert not ratelimit.hit(key="k", limit=3, window_seconds=60)
    assert ratelimit.hit(key="k", limit=3, window_seconds=60)
    ratelimit.reset(key="k")
    assert ratelimit.attempts(key="k") == 0
    assert not ratelimit.hit(key="k", limit=3, window_seconds=60)
    ratelimit.release(key="never-counted")
    assert ratelimit.attempts(key="never-counted") == 0


def test_bad_arguments_are_refused(locmem: Any) -> None:
    with pytest.raises(ValueError):
        ratelimit.hit(key="k", limit=-1, window_seconds=60)
    with pytest.raises(ValueError):
        ratelimit.hit(key="k", limit=1, window_seconds=0)


# --- the window: fixed from the first try, then the key expires -------------------------------


@pytest.mark.parametrize("which", ["locmem", "filecache"])
def test_the_window_is_fixed_from_the_first_try(request: pytest.FixtureRequest, which: str) -> None:
    request.getfixturevalue(which)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert not ratelimit.hit(key="k", limit=2, window_seconds=600)
        clock.shift(300)
        assert not ratelimit.hit(key="k", limit=2, window_seconds=600)
        clock.shift(200)
        assert ratelimit.hit(key="k", limit=2, window_seconds=600)  # refused tries…
        clock.shift(99)
        assert ratelimit.hit(key="k", limit=2, window_seconds=600)  # …do not extend it
        clock.shift(2)  # 601 s after the first try
        assert ratelimit.attempts(key="k") == 0
        assert not ratelimit.hit(key="k", limit=2, window_seconds=600)
        assert ratelimit.attempts(key="k") == 1


def test_the_file_cache_keeps_the_window_past_its_default_timeout(filecache: Any) -> None:
    """FileBasedCache.incr would store the count again with the default timeout (300 s),
    ending a 24-hour window after five minutes; the limiter keeps the window's own end."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(3):
            ratelimit.hit(key="k", limit=3, window_seconds=24 * 3600)
        clock.shift(23 * 3600)
        assert ratelimit.hit(key="k", limit=3, window_seconds=24 * 3600)
        clock.shift(3601)
        assert not ratelimit.hit(key="k", limit=3, window_seconds=24 * 3600)


def test_redis_keys_always_expire(rediscache: Any) -> None:
    """The window's key is created with its expiry and counted in one MULTI (SET NX EX, INCR),
    so no expiry can fall between the two and leave a key that never expires."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    ratelimit.hit(key="k", limit=5, window_seconds=600)
    name = rediscache.make_and_validate_key("k")
    assert 590 <= client.ttl(name) <= 600
    ratelimit.hit(key="k", limit=5, window_seconds=600)
    assert client.get(name) == b"2"
    assert 590 <= client.ttl(name) <= 600  # later tries do not extend the window
    # A key gone before a release (DECR would leave -1 with no expiry) is dropped instead.
    client.delete(name)
    ratelimit.release(key="k")
    assert client.exists(name) == 0
    client.close()


def test_the_file_counters_of_ended_windows_are_free_again(filecache: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        ratelimit.hit(key="short", limit=3, window_seconds=60)
        ratelimit.hit(key="long", limit=3, window_seconds=3600)
        assert ratelimit.counters_sweep() == 0
        clock.shift(61)
        assert ratelimit.counters_sweep() == 1  # "short" only
        assert ratelimit.attempts(key="short") == 0
        assert ratelimit.attempts(key="long") == 1
        assert not ratelimit.hit(key="short", limit=1, window_seconds=60)  # a new window
        assert ratelimit.attempts(key="short") == 1


def test_a_cache_that_keeps_nothing_limits_nothing(settings: Any) -> None:
    _use(settings, {"BACKEND": "django.core.cache.backends.dummy.DummyCache"})
    assert not any(ratelimit.hit(key="k", limit=1, window_seconds=60) for _ in range(5))
    ratelimit.release(key="k")
    assert ratelimit.attempts(key="k") == 0


# --- concurrency: counted once, whoever counts ---------------------------------------------


def test_threads_hitting_at_once_get_exactly_the_limit(backend: Any) -> None:
    barrier = threading.Barrier(8)
    allowed: list[bool] = []

    def worker() -> None:
        barrier.wait()
        for _ in range(10):
            allowed.append(not ratelimit.hit(key="k", limit=25, window_seconds=60))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 25
    assert ratelimit.attempts(key="k") == 80


CHILD = textwrap.dedent(
    """
    import sys
    from django.conf import settings
    settings.configure(CACHES={"default": {"BACKEND": %(backend)r, "LOCATION": sys.argv[1]}})
    from motcua.core import ratelimit
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    allowed = sum(
        not ratelimit.hit(key="shared", limit=int(sys.argv[2]), window_seconds=600)
        for _ in range(int(sys.argv[3]))
    )
    print(allowed, flush=True)
    """
)


def test_two_processes_share_the_counters_of_a_file_cache(tmp_path: Path) -> None:
    location = str(tmp_path / "cache")
    script = CHILD % {"backend": FILE}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, location, "150", "120"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=60)[0] for child in children]
    assert all(child.returncode == 0 for child in children), outputs
    # 240 tries against a limit of 150: exactly 150 let through, every try counted once.
    assert sum(int(out) for out in outputs) == 150
    settings_entry = {"BACKEND": FILE, "LOCATION": location}
    from django.test import override_settings

    with override_settings(CACHES={"default": settings_entry}):
        assert ratelimit.attempts(key="shared") == 240


# --- MOTCUA_CACHE_URL ------------------------------------------------------------------------


def test_cache_url_empty_is_per_process() -> None:
    assert cache_from_url("") == {"BACKEND": LOCMEM}
    assert cache_from_url("  ") == {"BACKEND": LOCMEM}


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/1",
        "rediss://:secret@cache.example.vn:6380/2",
        "unix:///run/redis/redis.sock?db=1",
    ],
)
def test_cache_url_redis(url: str) -> None:
    assert cache_from_url(url) == {
        "BACKEND": REDIS,
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }


def test_cache_url_file() -> None:
    assert cache_from_url("file:///var/lib/motcua/cache") == {
        "BACKEND": FILE,
        "LOCATION": "/var/lib/motcua/cache",
        "OPTIONS": {"MAX_ENTRIES": FILE_MAX_ENTRIES},
    }
    assert cache_from_url("file://localhost/srv/my%20cache?max_entries=50") == {
        "BACKEND": FILE,
        "LOCATION": "/srv/my cache",
        "OPTIONS": {"MAX_ENTRIES": 50},
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("memcached://127.0.0.1:11211", "unsupported scheme 'memcached'"),
        ("127.0.0.1:6379", "unsupported scheme"),
        ("redis:///1", "needs a host"),
        ("file://var/cache", "absolute path"),
        ("file:relative/dir", "absolute path"),
        ("file:///var/cache?max_entries=lots", "max_entries must be a number"),
        ("file:///var/cache?max_entries=0", "at least 1"),
        ("file:///var/cache?timeout=5", "unknown file cache option(s) timeout"),
    ],
)
def test_cache_url_mistakes_are_refused(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        cache_from_url(url)


def test_a_refused_url_is_not_repeated_in_the_message() -> None:
    with pytest.raises(ImproperlyConfigured) as exc:
        cache_from_url("memcached://user:hunter2@127.0.0.1")
    assert "hunter2" not in str(exc.value)


def test_the_settings_modules_choose_their_caches(tmp_path: Path) -> None:
    """Each settings module in a fresh interpreter, with and without MOTCUA_CACHE_URL."""

    def caches_of(module: str, **extra: str) -> list[str]:
        env = {k: v for k, v in os.environ.items() if k != "MOTCUA_CACHE_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE=module,
            DJANGO_SECRET_KEY="a-test-key-that-is-long-enough-" + "x" * 30,
            MOTCUA_VAR_DIR=str(tmp_path / "var"),
            **extra,
        )
        code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION', ''))"
        return subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    assert caches_of("config.settings.test") == [LOCMEM]
    assert caches_of("config.settings.test", MOTCUA_CACHE_URL="redis://x:1/1") == [LOCMEM]
    assert caches_of("config.settings.local") == [FILE, str(tmp_path / "var" / "cache")]
    assert caches_of("config.settings.local", MOTCUA_CACHE_URL="") == [LOCMEM]
    assert caches_of("config.settings.production") == [REDIS, "redis://127.0.0.1:6379/1"]
    assert caches_of("config.settings.production", MOTCUA_CACHE_URL="file:///srv/c") == [
        FILE,
        "/srv/c",
    ]


# --- the system check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "backend_path", "warned"),
    [
        ("production", LOCMEM, True),
        ("production", "django.core.cache.backends.dummy.DummyCache", True),
        ("production", REDIS, False),
        ("production", FILE, False),
        ("local", LOCMEM, False),
        ("test", LOCMEM, False),
    ],
)
def test_production_is_warned_of_a_per_process_cache(
    settings: Any, environment: str, backend_path: str, warned: bool
) -> None:
    settings.MOTCUA_ENVIRONMENT = environment
    settings.CACHES = {"default": {"BACKEND": backend_path, "LOCATION": "/tmp/unused"}}
    messages = check_shared_cache()
    assert [m.id for m in messages] == (["core.W001"] if warned else [])
