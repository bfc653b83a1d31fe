"""The handmade model: N worker tasks on :mod:`speedlab.loop`, the hand-made event loop.

The lecture's runner, grown into a microkernel with its own sockets, TLS and HTTP/1.1 client,
runs the same jobs as asyncio through the same async family
(:mod:`speedlab.models._async_family`): this module only lends it the loop's primitives
(:class:`LoopAdapter`) and :class:`~speedlab.loop.HandmadeTransport`.

- ``Compute`` runs inline: the loop, and every other unit, waits (as under asyncio).
- ``Call`` runs on :class:`~speedlab.loop.WorkerThreads`, joined when the run ends; a quick
  one (a result file's save) runs on the loop while such calls stay quick, as under asyncio.
- ``Await`` runs the user's coroutine on this loop, so only a *portable* coroutine works: one
  that awaits other coroutines, ``asyncio.sleep(0)`` or ``speedlab.loop``'s own awaitables.
  A coroutine that needs asyncio's loop (``asyncio.sleep(1)``, aiohttp) cannot run on another
  kernel; its unit fails with a :class:`~speedlab.LoopError` that says so.
- A stop request reaches the kernel from the caller's thread through its doorbell
  (``Kernel.call_threadsafe``), without polling; Ctrl-C cancels every task, closes the
  connections, joins the threads and raises ``RunInterrupted`` with the partial result.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import handmade
    >>> handmade.run(SleepJob(count=3, seconds=0.01), concurrency=3).workers
    ('task-0', 'task-1', 'task-2')
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from speedlab._constants import DEFAULT_ASYNC_TASKS
from speedlab._exceptions import LoopError
from speedlab.jobs.base import Job
from speedlab.jobs.effects import Await, CallResult
from speedlab.loop import Event, HandmadeTransport, Kernel, Task, WorkerThreads, sleep, spawn_nowait
from speedlab.models._async_family import AsyncRun, LoopTask
from speedlab.models._events import EventHandler
from speedlab.models._result import RunInterrupted, RunResult
from speedlab.models._stop import StopSignal

__all__ = ["NAME", "LoopAdapter", "await_portable", "run"]

NAME = "handmade"

T = TypeVar("T")

# What asyncio raises when a coroutine asks for its loop outside one (asyncio.sleep(1), ...).
_NO_ASYNCIO_LOOP = "no running event loop"


class _TaskHandle:
    """A loop task as the async family sees it: ``cancel()`` is synchronous there."""

    __slots__ = ("task",)

    def __init__(self, task: Task[None]) -> None:
        self.task = task

    def cancel(self) -> bool:
        return self.task.cancel_nowait()


class _EventHandle:
    """A loop ``Event`` whose ``set()`` is synchronous, as the async family calls it."""

    __slots__ = ("event",)

    def __init__(self) -> None:
        self.event = Event()

    def set(self) -> None:
        self.event.set_nowait()

    def wait(self) -> Awaitable[None]:
        return self.event.wait()


class LoopAdapter:
    """The running kernel's primitives, in the shape the async family asks for.

    Args:
        kernel: The kernel that runs the async family's main task (for the doorbell).
        threads: Where ``run_in_thread`` calls go.
    """

    def __init__(self, kernel: Kernel, threads: WorkerThreads) -> None:
        self._kernel = kernel
        self._threads = threads

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> _TaskHandle:
        """``spawn_nowait``: the task starts at the kernel's next turn."""
        return _TaskHandle(spawn_nowait(coro, name=name))

    async def wait_all(self, tasks: Sequence[LoopTask]) -> None:
        """Wait until every task has ended; their errors are the family's to report."""
        for handle in tasks:
            if isinstance(handle, _TaskHandle):
                await handle.task.wait_done()
                handle.task.exception()  # seen: the kernel must not log it as unjoined

    def event(self) -> _EventHandle:
        """A new loop ``Event`` with a synchronous ``set``."""
        return _EventHandle()

    def call_threadsafe(self, fn: Callable[[], None]) -> None:
        """``Kernel.call_threadsafe``: ring the doorbell; nothing if the kernel is closed."""
        # A closed kernel means the run is over: there is nothing left to stop.
        with contextlib.suppress(LoopError):
            self._kernel.call_threadsafe(fn)

    def sleep(self, seconds: float) -> Awaitable[None]:
        """The loop's ``sleep``."""
        return sleep(seconds)

    def run_in_thread(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        """One of the run's reused worker threads."""
        return self._threads.run(fn, *args)


async def await_portable(effect: Await) -> CallResult:
    """Await the effect's coroutine on this loop; one that needs asyncio's loop is refused.

    Returns:
        The coroutine's value, or its error: a ``LoopError`` naming the reason when the
        coroutine asked for asyncio's loop (or yielded one of its futures to this kernel).
    """
    reply = await effect.arun()
    error = reply.error
    if (isinstance(error, RuntimeError) and str(error) == _NO_ASYNCIO_LOOP) or (
        isinstance(error, LoopError) and "not a request this kernel understands" in str(error)
    ):
        name = getattr(effect.fn, "__qualname__", repr(effect.fn))
        refusal = LoopError(
            f"{name} needs asyncio's event loop, and the handmade model runs only portable "
            "coroutines (awaiting other coroutines, asyncio.sleep(0) or speedlab.loop's "
            f"awaitables); run it under asyncio ({type(error).__name__}: {error})"
        )
        return CallResult(None, refusal)
    return reply


async def _main(state: AsyncRun, kernel: Kernel, threads: WorkerThreads) -> None:
    transport = HandmadeTransport(pool_size=state.concurrency)
    await state.main(LoopAdapter(kernel, threads), transport, awaits=await_portable)


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` on ``concurrency`` tasks of a new :class:`~speedlab.loop.Kernel`.

    Args:
        job: The job to run.
        concurrency: Worker tasks, and idle connections kept per server (default
            ``DEFAULT_ASYNC_TASKS``, 100).
        on_event: Called (on this thread, inside the loop) with every RunEvent.
        stop: When set (from any thread), the workers are cancelled: sleeps and requests in
            flight end at once, the connections are closed, and the result is ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; the tasks were cancelled, the connections closed and the
            worker threads joined first.
        LoopError: Called from inside a running ``speedlab.loop`` kernel.
    """
    state = AsyncRun(
        NAME,
        job,
        concurrency=concurrency,
        default=DEFAULT_ASYNC_TASKS,
        on_event=on_event,
        stop=stop,
    )
    try:
        with Kernel() as kernel, WorkerThreads() as threads:
            kernel.run(_main, state, kernel, threads)
    except KeyboardInterrupt as exc:
        raise RunInterrupted(state.recorder.result(interrupted=True)) from exc
    return state.outcome()
