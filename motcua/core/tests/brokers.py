"""Test helpers: point the Celery app at a Redis broker (a db of its own, 9 by default:
MOTCUA_TEST_BROKER_URL) or at a closed port, and read what was published there."""

from __future__ import annotations

import base64
import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

BROKER_URL = os.environ.get("MOTCUA_TEST_BROKER_URL", "redis://127.0.0.1:6379/9")
#: Nothing listens there: connecting is refused at once.
CLOSED_BROKER_URL = "redis://127.0.0.1:1/0"


def redis_client() -> Any:
    """A client of the test broker's db; skips (fails under CI) when there is no Redis."""
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        from conftest import _require

        _require("Redis", f"no Redis at {BROKER_URL} ({exc}); set MOTCUA_TEST_BROKER_URL")
    return client


def broker_keys_clear(client: Any) -> None:
    """Delete the keys of the test broker's db one by one (never FLUSHALL: a shared server)."""
    names = list(client.scan_iter("*"))
    if names:
        client.delete(*names)


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[Any]:
    """Jobs go to the broker at `url` (not eager) inside the block; the app's connection
    pools are dropped before and after, so each side uses its own broker."""
    from celery import current_app

    from motcua.core import jobs

    conf = current_app.conf
    saved = (conf.broker_url, conf.task_always_eager)

    def _reset() -> None:
        current_app._pool = None
        current_app.amqp._producer_pool = None
        jobs._broker_down_until = 0.0

    _reset()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield current_app
    finally:
        _reset()
        conf.broker_url, conf.task_always_eager = saved


def queued(client: Any, queue: str) -> list[dict[str, Any]]:
    """The messages waiting in `queue` (kombu's Redis transport: a list of JSON envelopes),
    oldest first, as {"id", "task", "kwargs"}."""
    found = []
    for raw in reversed(client.lrange(queue, 0, -1)):
        envelope = json.loads(raw)
        headers = envelope["headers"]
        body = json.loads(base64.b64decode(envelope["body"]))
        found.append({"id": headers["id"], "task": headers["task"], "kwargs": body[1]})
    return found
