"""Redis (the shared cache) out of reach: pages and the API keep answering, rate limits still
limit, nothing raises (config/caches.TolerantRedisCache, core/ratelimit.py; ADR 0045).

"Down" is a RedisCache pointed at a closed port (connecting is refused at once); "back" is the
test Redis (db 9 by default, MOTCUA_TEST_BROKER_URL's server) under a key prefix of its own."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from django.core.cache import caches

from config.caches import TolerantRedisCache, cache_from_url
from motcua.core import ratelimit
from motcua.core.tests.brokers import BROKER_URL, redis_client
from motcua.dossiers.tests.conftest import at, receive, world  # noqa: F401
from motcua.portal.public_dossiers import LOOKUPS_PER_WINDOW

DOWN_URL = "redis://127.0.0.1:1/1"


@pytest.fixture
def redis_down(settings: Any) -> Any:
    settings.CACHES = {"default": cache_from_url(DOWN_URL)}
    backend = caches["default"]
    assert isinstance(backend, TolerantRedisCache)
    ratelimit._FALLBACK.clear()
    yield backend
    ratelimit._FALLBACK.clear()


def test_every_operation_is_a_miss_or_does_nothing_and_is_logged_once(
    redis_down: Any, caplog: Any
) -> None:
    cache = redis_down
    with caplog.at_level(logging.WARNING, logger="motcua.cache"):
        assert cache.get("k") is None
        assert cache.get("k", "dflt") == "dflt"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_or_set("k", lambda: 5) == 5
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        assert cache.touch("k") is False
        cache.delete_many(["a"])
        cache.clear()
        with pytest.raises(ValueError, match="not found"):
            cache.incr("k")
    assert [r.getMessage()[:24] for r in caplog.records] == ["cache: Redis unreachable"]
    assert cache.is_down()


def test_once_redis_is_back_the_cache_is_used_and_lost_writes_are_done_again(
    settings: Any,
) -> None:
    client = redis_client()
    prefix = f"motcua-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**cache_from_url(BROKER_URL), "KEY_PREFIX": prefix}}
    cache = caches["default"]
    try:
        cache.set("gone", "old")
        cache.set("kept", "old")
        cache.note_outage(ConnectionError("test"))
        # During the outage (not even tried): a new generation, a deletion, another value.
        cache.set("generation", "new")
        cache.delete("gone")
        cache.set("kept", "lost")
        assert cache.get("generation") is None
        assert client.get(f"{prefix}:1:generation") is None
        cache._down_until = 0.0  # Redis answers again
        cache.set("kept", "newest")  # a later write wins over the lost one
        assert (cache.get("generation"), cache.get("gone"), cache.get("kept")) == (
            "new",
            None,
            "newest",
        )
        assert cache._lost == {}
    finally:
        for name in client.scan_iter(f"{prefix}:*"):
            client.delete(name)
        client.close()


def test_rate_limits_still_limit_on_a_per_process_counter(redis_down: Any) -> None:
    results = [ratelimit.hit(key="k", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert ratelimit.attempts(key="k") == 5
    ratelimit.release(key="k")
    assert ratelimit.attempts(key="k") == 4
    ratelimit.reset(key="k")
    assert ratelimit.attempts(key="k") == 0
    assert not ratelimit.hit(key="k", limit=3, window_seconds=60)


def test_a_plain_redis_cache_still_raises(settings: Any) -> None:
    """Only the tolerant backend falls back (a plain RedisCache configured by hand keeps ADR
    0016's rule: an error)."""
    import redis

    settings.CACHES = {
        "default": {
            **cache_from_url(DOWN_URL),
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
        }
    }
    with pytest.raises(redis.exceptions.ConnectionError):
        ratelimit.hit(key="k", limit=3, window_seconds=60)


@pytest.mark.django_db
def test_pages_and_the_api_answer_while_redis_is_down(
    client: Any,
    redis_down: Any,
    world: Any,  # noqa: F811
    receive: Any,  # noqa: F811
) -> None:
    d = receive(at(2026, 3, 2, 9, 0))
    for url in ("/", "/thu-tuc/", "/api/v1/procedures", "/thong-ke/"):
        assert client.get(url).status_code == 200, url
    url = f"/tra-cuu-ho-so/{d.code}/"
    assert client.get(url, {"pin": d.lookup_pin}, REMOTE_ADDR="10.9.0.1").status_code == 200
    # The per-address lookup limit still applies (counted in this process meanwhile).
    answers = [
        client.get(url, {"pin": d.lookup_pin}, REMOTE_ADDR="10.9.0.2").status_code
        for _ in range(LOOKUPS_PER_WINDOW + 2)
    ]
    assert answers == [200] * LOOKUPS_PER_WINDOW + [429, 429]


@pytest.mark.django_db
def test_the_sign_in_throttle_still_applies_while_redis_is_down(
    client: Any, redis_down: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="lanhdao", password="dung-mat-khau-9")

    def token(password: str) -> int:
        return client.post(
            "/api/v1/auth/token",
            {"username": "lanhdao", "password": password},
            content_type="application/json",
            REMOTE_ADDR="10.9.0.3",
        ).status_code

    assert [token("sai") for _ in range(6)] == [403] * 5 + [429]
    assert token("dung-mat-khau-9") == 429
