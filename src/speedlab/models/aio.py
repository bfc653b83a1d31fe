"""The asyncio model: N worker tasks on one asyncio loop, one aiohttp session.

The async family (:mod:`speedlab.models._async_family`) does the work; this module lends it
asyncio's primitives (:class:`AsyncioLoop`) and an aiohttp transport whose connector allows
one connection per task, up to 100 (:func:`connections_for`): by default 200 tasks share 100
connections, so a freed connection never waits for a search to want it. ``Compute`` effects
run inline: the loop, and every other unit,
waits while one computes (the lecture's frozen spinner).

``run()`` starts a fresh loop with ``asyncio.Runner``, asyncio's own or, with
``loop="uvloop"``, uvloop's (libuv underneath; ``pip install 'speedlab[uvloop]'``, not on
Windows). uvloop is imported only then, and given to the runner as its loop factory rather
than installed as a global policy, so nothing else in the process changes loop. From code
already inside a loop, use ``await arun(...)``: it runs on that loop, whichever it is.

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

from speedlab._constants import ASYNCIO_MAX_CONNECTIONS, DEFAULT_ASYNCIO_TASKS
from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models._aiohttp_transport import AiohttpTransport
from speedlab.models._async_family import AsyncRun, LoopTask
from speedlab.models._events import EventHandler
from speedlab.models._registry import DEFAULT_LOOP, MODELS
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult
from speedlab.models._stop import StopSignal

__all__ = [
    "LOOPS",
    "NAME",
    "UVLOOP_MISSING",
    "AsyncioLoop",
    "arun",
    "connections_for",
    "loop_factory",
    "run",
]

NAME = "asyncio"

#: The event loops ``run`` takes, asyncio's own first (the registry's list, kept in one place).
LOOPS: tuple[str, ...] = MODELS[NAME].loops

#: What ``run(..., loop="uvloop")`` says when uvloop is not installed.
UVLOOP_MISSING = "the uvloop loop needs uvloop: pip install 'speedlab[uvloop]'"

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


def loop_factory(loop: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """Return what makes the event loop called ``loop`` (None: asyncio's default).

    uvloop is imported here, when asked for, and never by ``import speedlab``.

    Args:
        loop: One of ``LOOPS``.

    Returns:
        ``uvloop.new_event_loop`` for ``"uvloop"``; None for ``"asyncio"``.

    Raises:
        UsageError: ``loop`` is not one of ``LOOPS``, or uvloop is not installed.
    """
    MODELS[NAME].check_loop(loop)
    if loop == DEFAULT_LOOP:
        return None
    try:
        import uvloop
    except ImportError:
        raise UsageError(UVLOOP_MISSING) from None
    return uvloop.new_event_loop


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
        default=DEFAULT_ASYNCIO_TASKS,
        on_event=on_event,
        stop=stop,
    )


def _loop_error(state: AsyncRun, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's exception handler: memory running out, or an interrupt, in a callback.

    Either stops the run. asyncio's loop re-raises a ``KeyboardInterrupt`` (Ctrl-C, or SIGTERM
    as :class:`~speedlab._exceptions.Terminated`) that lands in a callback; uvloop catches one
    that lands in a protocol's callback (aiohttp's ``data_received``) and reports it here as a
    transport's fatal error, so here it becomes the run's interruption, without a traceback.
    """
    error = context.get("exception")
    if isinstance(error, MemoryError):
        state.fail(MemoryError("in a callback of the event loop"))
        return
    if isinstance(error, KeyboardInterrupt):
        state.fail(error)
        return
    loop.default_exception_handler(context)


def connections_for(concurrency: int) -> int:
    """The connections ``concurrency`` searches share: one each, up to ``ASYNCIO_MAX_CONNECTIONS``.

    Above that, searches wait for a connection in aiohttp's pool, ready to send the moment one
    is free, while the search that freed it parses its page and saves it.

    >>> connections_for(8), connections_for(200)
    (8, 100)
    """
    return min(concurrency, ASYNCIO_MAX_CONNECTIONS)


async def _main(state: AsyncRun) -> None:
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(functools.partial(_loop_error, state))
    transport = AiohttpTransport(limit=connections_for(state.concurrency))
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
    loop: str = DEFAULT_LOOP,
) -> RunResult:
    """Run the units of ``job`` on ``concurrency`` tasks of a new event loop.

    Args:
        job: The job to run.
        concurrency: Searches at once, one task each (default ``DEFAULT_ASYNCIO_TASKS``, 200),
            over at most ``connections_for(concurrency)`` connections.
        on_event: Called (on this thread, inside the loop) with every RunEvent.
        stop: When set, the workers are cancelled: sleeps and requests in flight end at once,
            the session is closed, and the result is ``interrupted``.
        loop: ``"asyncio"`` (asyncio's own loop) or ``"uvloop"`` (needs uvloop installed).

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not a positive integer; ``loop`` is unknown, or uvloop
            is not installed.
        RunInterrupted: Ctrl-C; the tasks were cancelled and the session closed first.
        RunOutOfMemory: memory ran out; the tasks were cancelled and the session closed first.
        RuntimeError: Called from a running event loop (use ``arun`` there).
    """
    factory = loop_factory(loop)  # before anything starts: a missing uvloop leaves no trace
    state = _new_run(job, concurrency, on_event, stop)
    out_of_memory = False
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(_main(state))
    except KeyboardInterrupt as exc:
        raise RunInterrupted(state.recorder.result(interrupted=True)) from exc
    except MemoryError:
        out_of_memory = True  # the loop itself ran out; leave the traceback behind first
    if out_of_memory:
        raise RunOutOfMemory(state.recorder.result(interrupted=True), "this process")
    return state.outcome()
