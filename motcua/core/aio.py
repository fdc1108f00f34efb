"""Run a coroutine from synchronous code (pyHanko's signing and timestamp clients are async)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any


def run_coroutine(coro: Any) -> Any:
    """Run a coroutine to completion from synchronous code, also when the calling thread
    already runs an event loop (e.g. inside Playwright's sync API or an async server):
    then it runs on a short-lived worker thread with its own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
