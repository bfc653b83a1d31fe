"""The asyncio model: the lecture's supervisor, with the spinner as a task, and its fix.

The lecture's program: the spinner is a task, the slow function another; the supervisor awaits
the slow one and cancels the spinner. With ``await asyncio.sleep`` as the slow function the
spinner turns happily, because the sleeping coroutine gives the loop back. With ``is_prime``
the coroutine never awaits: the loop runs nothing else until it returns, so the spinner draws
its first frame and freezes (the answer to the lecture's closing question).

The fix (``fixed=True``) keeps the loop free: blocking work goes to a thread
(``asyncio.to_thread``), CPU-bound work to a process pool (``run_in_executor``), since a thread
would still hold the GIL most of the time. Both can be stopped at once: the blocking sleep waits
on an ``Event`` that cancellation sets (a thread cannot be interrupted from outside), and the
pool's worker is killed (see :func:`._children.kill_pool`).

    >>> from speedlab.spinner._frames import Spinner
    >>> run_asyncio(Work.sleep(0.5), spinner=Spinner())[0]
    1337
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from speedlab.lesson import is_prime
from speedlab.spinner._children import context, kill_pool, prepare_child
from speedlab.spinner._frames import Clock, Spinner, spin_async
from speedlab.spinner._work import LECTURE_RESULT, Work

__all__ = ["run_asyncio"]


def _wait_or_wake(seconds: float, wake: threading.Event) -> int:
    """``time.sleep(seconds)``, but one that cancellation can cut short through ``wake``."""
    wake.wait(seconds)
    return LECTURE_RESULT


async def _sleep_in_thread(seconds: float) -> int:
    wake = threading.Event()
    try:
        return await asyncio.to_thread(_wait_or_wake, seconds, wake)
    finally:
        wake.set()  # cancelled: the thread ends now, so asyncio.run's executor shutdown is quick


async def _prime_in_pool(number: int) -> bool:
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=context(),
        initializer=prepare_child,
        initargs=(os.getpid(),),
    )
    try:
        result = await asyncio.get_running_loop().run_in_executor(pool, is_prime, number)
    except BaseException:  # cancelled or interrupted: do not wait for the computation
        kill_pool(pool)
        raise
    pool.shutdown(wait=True)  # the worker is idle: it exits within milliseconds
    return result


async def _slow(work: Work, fixed: bool) -> int:
    """The slow function, the way the (fixed) asyncio program would write it."""
    if work.kind == "sleep":
        if fixed:
            return await _sleep_in_thread(work.seconds)
        await asyncio.sleep(work.seconds)
        return LECTURE_RESULT
    if fixed:
        return await _prime_in_pool(work.number)
    return is_prime(work.number)  # inline: nothing else runs on the loop until it returns


async def _timed(work: Work, fixed: bool, clock: Clock) -> tuple[int, float, float]:
    started = clock()
    result = await _slow(work, fixed)
    return result, started, clock()


async def _supervise(
    work: Work, fixed: bool, spinner: Spinner, clock: Clock
) -> tuple[int, float, float]:
    """The lecture's supervisor: both as tasks, await the work, cancel the spinner."""
    spinning = asyncio.create_task(spin_async(spinner), name="spinner")
    working = asyncio.create_task(_timed(work, fixed, clock), name="work")
    try:
        return await working
    finally:
        spinning.cancel()
        await asyncio.wait({spinning})  # when this returns the line is cleared
        if working.done() and not working.cancelled():
            working.exception()  # interrupted inside the work: mark the error as seen


def run_asyncio(
    work: Work, *, spinner: Spinner, fixed: bool = False, clock: Clock = time.monotonic
) -> tuple[int, float, float]:
    """Run ``work`` under ``asyncio.run`` with ``spinner`` as a task beside it.

    Args:
        work: The slow function.
        spinner: Draws the frames; it is closed (its line cleared) on every path.
        fixed: Run the work off the loop (``to_thread`` or a process pool).
        clock: Time source of the work's start and end.

    Returns:
        The work's result, and when it started and ended by ``clock``.
    """
    try:
        return asyncio.run(_supervise(work, fixed, spinner, clock))
    finally:
        spinner.close()  # if the loop never ran the spinner's task, nothing else clears it
