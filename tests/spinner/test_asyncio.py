"""The asyncio model: the lecture's supervisor, inline and fixed; cancellation stops at once."""

from __future__ import annotations

import asyncio
import io
import os
import time

import psutil
import pytest

from speedlab.spinner import LECTURE_RESULT, Spinner, Work, run_asyncio
from speedlab.spinner._asyncio import _prime_in_pool, _sleep_in_thread
from tests.spinner.test_frames import CLEAR

SLOW_PRIME = 999_999_999_999_999_989  # half a minute of trial division: must be stopped


@pytest.mark.parametrize("fixed", [False, True])
@pytest.mark.parametrize(
    ("work", "result"), [(Work.sleep(0.05), LECTURE_RESULT), (Work.prime(97), True)]
)
def test_every_variant_returns_the_result_and_clears_the_line(
    work: Work, result: int, fixed: bool
) -> None:
    out = io.StringIO()
    spinner = Spinner(stream=out, fps=50)
    got, started, ended = run_asyncio(work, spinner=spinner, fixed=fixed)
    assert got == result
    assert started <= ended <= spinner.cleared_at  # type: ignore[operator]
    assert out.getvalue().startswith("\r(⊙﹏⊙) loading...")  # the spinner task ran first
    assert out.getvalue().endswith(CLEAR)


def test_an_error_in_the_work_still_clears_the_line() -> None:
    out = io.StringIO()
    spinner = Spinner(stream=out)
    with pytest.raises(TypeError):
        run_asyncio(Work("prime", number="7"), spinner=spinner)  # type: ignore[arg-type]
    assert spinner.closed
    assert out.getvalue().endswith(CLEAR)


def cancel_after(seconds: float, coro: object) -> float:
    """Run ``coro`` as a task, cancel it after ``seconds``; return how long the cancel took."""

    async def main() -> float:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        await asyncio.sleep(seconds)
        task.cancel()
        cancelled = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - cancelled

    return asyncio.run(main())


@pytest.mark.slow
def test_cancelling_the_pool_kills_its_worker_at_once() -> None:
    seen: list[int] = []
    us = psutil.Process(os.getpid())
    before = set(us.children())  # e.g. multiprocessing's resource tracker, from other tests

    async def watched() -> bool:
        task = asyncio.ensure_future(_prime_in_pool(SLOW_PRIME))
        while not (workers := set(us.children()) - before):
            await asyncio.sleep(0.01)
        seen.extend(worker.pid for worker in workers)
        return await task

    assert cancel_after(0.3, watched()) < 5  # is_prime(SLOW_PRIME) alone would take minutes
    assert seen
    for pid in seen:
        assert not psutil.pid_exists(pid)  # killed and reaped: shutdown joined it


@pytest.mark.slow
def test_cancelling_the_blocking_sleep_wakes_its_thread() -> None:
    assert cancel_after(0.05, _sleep_in_thread(600)) < 5  # asyncio.run joins the thread
