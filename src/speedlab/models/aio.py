"""The asyncio model: N worker tasks on one asyncio loop, one aiohttp session.

The async family (:mod:`speedlab.models._async_family`) does the work; this module lends it
asyncio's primitives (:class:`AsyncioLoop`) and an aiohttp transport whose connector allows
``concurrency`` connections. ``Compute`` effects run inline: the loop, and every other unit,
waits while one computes (the lecture's frozen spinner).

``run()`` starts a fresh loop with ``asyncio.run``; from code already inside a loop, use
``await arun(...)``.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import aio
    >>> aio.run(SleepJob(count=3, seconds=0.01), concurrency=3).workers
    ('task-0', 'task-1', 'task-2')
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from speedlab._constants import DEFAULT_ASYNC_TASKS
from speedlab.jobs.base import Job
from speedlab.models._aiohttp_transport import AiohttpTransport
from speedlab.models._async_family import AsyncRun, LoopTask
from speedlab.models._events import EventHandler
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult
from speedlab.models._stop import StopSignal

__all__ = ["NAME", "AsyncioLoop", "arun", "run"]

NAME = "asyncio"

T = TypeVar("T")


class AsyncioLoop:
    """The running asyncio loop's primitives, in the shape the async family asks for."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """``loop.create_task``."""
        return self._loop.create_task(coro, name=name)

    async def wait_all(self, tasks: Sequence[LoopTask]) -> None:
        """``asyncio.wait`` (which never raises the tasks' errors)."""
        pending = [t for t in tasks if isinstance(t, asyncio.Task)]
        if pending:
            await asyncio.wait(pending)

    def event(self) -> asyncio.Event:
        """A new ``asyncio.Event``."""
        return asyncio.Event()

    def call_threadsafe(self, fn: Callable[[], None]) -> None:
        """``loop.call_soon_threadsafe``; nothing if the loop is already closed."""
        # If the loop closed already, the run is over and there is nothing left to stop.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(fn)

    async def sleep(self, seconds: float) -> None:
        """``asyncio.sleep``."""
        await asyncio.sleep(seconds)

    async def run_in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """``asyncio.to_thread``."""
        return await asyncio.to_thread(fn, *args)


def _new_run(
    job: Job,
    concurrency: int | None,
    on_event: EventHandler | None,
    stop: StopSignal | None,
) -> AsyncRun:
    return AsyncRun(
        NAME,
        job,
        concurrency=concurrency,
        default=DEFAULT_ASYNC_TASKS,
        on_event=on_event,
        stop=stop,
    )


def _loop_error(state: AsyncRun, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's exception handler: memory running out in a callback stops the run."""
    if isinstance(context.get("exception"), MemoryError):
        state.fail(MemoryError("in a callback of the event loop"))
        return
    loop.default_exception_handler(context)


async def _main(state: AsyncRun) -> None:
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(functools.partial(_loop_error, state))
    transport = AiohttpTransport(limit=state.concurrency)
    try:
        await state.main(AsyncioLoop(), transport)
    finally:
        loop.set_exception_handler(previous)


async def arun(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` on the running loop; the async twin of :func:`run`.

    If the task awaiting ``arun`` is cancelled, the workers are cancelled and the session
    closed before the cancellation propagates.
    """
    state = _new_run(job, concurrency, on_event, stop)
    await _main(state)
    return state.outcome()


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` on ``concurrency`` tasks of a new asyncio loop.

    Args:
        job: The job to run.
        concurrency: Worker tasks and connections (default ``DEFAULT_ASYNC_TASKS``, 100).
        on_event: Called (on this thread, inside the loop) with every RunEvent.
        stop: When set, the workers are cancelled: sleeps and requests in flight end at once,
            the session is closed, and the result is ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; the tasks were cancelled and the session closed first.
        RunOutOfMemory: memory ran out; the tasks were cancelled and the session closed first.
        RuntimeError: Called from a running event loop (use ``arun`` there).
    """
    state = _new_run(job, concurrency, on_event, stop)
    out_of_memory = False
    try:
        asyncio.run(_main(state))
    except KeyboardInterrupt as exc:
        raise RunInterrupted(state.recorder.result(interrupted=True)) from exc
    except MemoryError:
        out_of_memory = True  # the loop itself ran out; leave the traceback behind first
    if out_of_memory:
        raise RunOutOfMemory(state.recorder.result(interrupted=True), "this process")
    return state.outcome()
