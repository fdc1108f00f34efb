"""Signing and verifying also work when the calling thread runs an event loop (Playwright's
sync API in tests, an async server in production)."""

import asyncio
import concurrent.futures

from motcua.core.aio import run_coroutine


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def _in_fresh_thread_with_a_loop(coro_factory):
    """Run `coro_factory()` as the running loop of a new thread (independent of whatever loop
    the test process has)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coro_factory())).result()


def test_run_coroutine_without_a_loop():
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(run_coroutine, _answer()).result() == 42


def test_run_coroutine_inside_a_running_loop():
    async def outer() -> int:
        return run_coroutine(_answer())

    assert _in_fresh_thread_with_a_loop(outer) == 42


def test_verify_inside_a_running_loop():
    from motcua.documents.verification import verify_pdf

    async def outer():
        return verify_pdf(pdf=b"not a pdf", trust_roots=[])

    assert _in_fresh_thread_with_a_loop(outer).valid is False
