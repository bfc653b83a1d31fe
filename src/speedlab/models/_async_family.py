"""The async family: asyncio and the hand-made loop, over one implementation given a loop.

One thread, one event loop, a fixed pool of worker tasks pulling keys from one shared
iterator (not a task per unit, so 10,000 units cost no more memory than their records). While
one unit awaits a response or a sleep, the loop runs the others. The loop itself comes in as an
:class:`AsyncLoop` (a handful of primitives: spawn, wait, an event, a thread-safe call, sleep,
run in a thread) and the transport as an :class:`AsyncTransport`; nothing here imports
asyncio, so :mod:`speedlab.loop` runs the same code.

``Call`` effects go to a worker thread, but a quick one (a result file's save) runs on the
loop, where it costs less than the hop, for as long as such calls stay quick (:class:`QuickCalls`).

A stop request (a :class:`~speedlab.models._stop.StopSignal`) sets a loop event from the
caller's thread through ``call_threadsafe``; a watcher task wakes on it and cancels the
workers, so each unit is closed at the effect it was awaiting (its own code between two
effects always completes). No polling.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Protocol, TypeVar

from speedlab._constants import QUICK_CALL_LIMIT
from speedlab.jobs.base import Job
from speedlab.jobs.effects import (
    Await,
    Call,
    CallResult,
    Compute,
    HttpRequest,
    HttpResponse,
    TransportError,
)
from speedlab.models._drivers import AsyncEffects, await_on_loop, drive_async
from speedlab.models._events import EventHandler, RunEvent
from speedlab.models._executor_family import new_shared_state
from speedlab.models._held_signals import call_with_signals_held
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult
from speedlab.models._sharing import LocalMemory
from speedlab.models._stop import StopSignal
from speedlab.models._unit import UnitRun

__all__ = [
    "AsyncLoop",
    "AsyncRun",
    "AsyncTransport",
    "LoopEvent",
    "LoopTask",
    "QuickCalls",
    "compute_inline",
]

T = TypeVar("T")


class LoopTask(Protocol):
    """A task of the loop that can be cancelled."""

    def cancel(self) -> Any:
        """Ask the task to stop at its next await."""
        ...


class LoopEvent(Protocol):
    """An event of the loop."""

    def set(self) -> None:
        """Wake every waiter (from the loop's thread)."""
        ...

    def wait(self) -> Awaitable[Any]:
        """Wait until set."""
        ...


class AsyncLoop(Protocol):
    """The primitives of an event loop that the async family needs."""

    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> LoopTask:
        """Start ``coro`` as a task."""
        ...

    def wait_all(self, tasks: Sequence[LoopTask]) -> Awaitable[None]:
        """Wait until every task has ended; never raise their errors."""
        ...

    def event(self) -> LoopEvent:
        """Return a new event."""
        ...

    def call_threadsafe(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the loop's thread soon; callable from any thread."""
        ...

    def sleep(self, seconds: float) -> Awaitable[Any]:
        """Sleep without blocking the loop."""
        ...

    def run_in_thread(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        """Run a blocking ``fn(*args)`` in a worker thread and await its result."""
        ...


class AsyncTransport(Protocol):
    """An HTTP transport of the loop; ``aclose`` when the run ends."""

    def send(self, request: HttpRequest) -> Awaitable[HttpResponse | TransportError]:
        """Perform ``request``."""
        ...

    def aclose(self) -> Awaitable[None]:
        """Close the connections."""
        ...


class QuickCalls:
    """Where a run's quick ``Call`` s go: on the loop, until one of them was not quick.

    A thread hop costs more CPU than a small file write (see ``Call``), so quick calls run
    right on the loop; each is timed, and once one has kept the loop longer than ``limit``
    (a slow or busy disk) every later call of the run goes to a worker thread instead.
    Ctrl-C and SIGTERM wait until a call on the loop has returned (:mod:`._held_signals`), as
    they would in a worker thread: a save is never cut half-way.

    Args:
        limit: The longest a quick call may take and still keep the next ones on the loop
            (None: ``QUICK_CALL_LIMIT``).
        clock: A monotonic clock.
    """

    def __init__(
        self, limit: float | None = None, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.limit = QUICK_CALL_LIMIT if limit is None else limit
        self.inline = True
        self._clock = clock

    def run(self, effect: Call) -> CallResult:
        """Run ``effect`` here; stop running calls inline if it took longer than ``limit``."""
        start = self._clock()
        try:
            return call_with_signals_held(effect.run)
        finally:
            if self._clock() - start > self.limit:
                self.inline = False


async def compute_inline(effect: Compute) -> CallResult:
    """Run CPU-bound work right on the loop: every other task waits until it is done."""
    return effect.run()


class AsyncRun:
    """One run of a job on an event loop: its recorder, its worker tasks, why it stopped.

    Args:
        model: The model's name.
        job: The job.
        concurrency: Worker tasks (None: ``default``).
        default: The model's default concurrency.
        on_event: The caller's event handler (called on the loop's thread).
        stop: The caller's stop request, if any.
    """

    def __init__(
        self,
        model: str,
        job: Job,
        *,
        concurrency: int | None,
        default: int,
        on_event: EventHandler | None,
        stop: StopSignal | None,
    ) -> None:
        self.model = model
        self.job = job
        self.concurrency = check_concurrency(model, concurrency, default)
        self._on_event = on_event
        self.stop = stop
        self.recorder = Recorder(model, job, self.concurrency, self._notify)
        self.stopped = False  # a stop request or an error ended the run early
        self._cancelling = False  # our own cancellations are under way: let them through
        self.error: BaseException | None = None
        self._stop_now: Callable[[], None] = lambda: None
        self.shared = new_shared_state(job, LocalMemory()) if self.recorder.keys else None

    def fail(self, error: BaseException) -> None:
        """Stop the run because of ``error`` raised outside any unit (in a loop callback).

        Memory that runs out inside the HTTP library's protocol callbacks never reaches a
        unit: the loop only logs it. The model's loop hands it here instead, and the run
        stops as if a unit had raised it. Call on the loop's thread.
        """
        if self.error is None:
            self.error = error.with_traceback(None)
        self._stop_now()

    def _notify(self, event: RunEvent) -> None:
        # Called inside worker tasks: an error of the handler (even a KeyboardInterrupt it
        # raises) must not tear down one task and leave the others running: it stops the run.
        # After a Ctrl-C (or SIGTERM) the handler still hears how the units ended, as under
        # the other models; after any other error it is not called again.
        error = self.error
        if self._on_event is None or (
            error is not None and not isinstance(error, KeyboardInterrupt)
        ):
            return
        try:
            self._on_event(event)
        except BaseException as exc:
            self.error = exc
            self._stop_now()

    async def main(
        self,
        loop: AsyncLoop,
        transport: AsyncTransport,
        *,
        compute: Callable[[Compute], Awaitable[CallResult]] = compute_inline,
        awaits: Callable[[Await], Awaitable[CallResult]] = await_on_loop,
    ) -> None:
        """Run every unit, then close everything; on cancellation, close and re-raise.

        Args:
            loop: The running loop's primitives.
            transport: The run's transport (closed here, whatever happens).
            compute: How ``Compute`` effects run (default: inline, on the loop).
            awaits: How ``Await`` effects run (default: awaited on the loop).
        """
        recorder = self.recorder
        keys = iter(recorder.keys)
        stopped = loop.event()
        workers: list[LoopTask] = []

        quick = QuickCalls()

        async def call(effect: Call) -> CallResult:
            if effect.quick and quick.inline:
                return quick.run(effect)
            # In a worker thread: the loop serves other units while the call blocks.
            return await loop.run_in_thread(effect.run)

        effects = AsyncEffects(
            send=transport.send, sleep=loop.sleep, call=call, compute=compute, awaits=awaits
        )

        def cancel_workers() -> None:
            self._cancelling = True
            for task in workers:
                task.cancel()

        self._stop_now = stopped.set

        async def work(label: str) -> None:
            try:
                for key in keys:
                    if self._cancelling:
                        return
                    unit = UnitRun(
                        self.job,
                        key,
                        self.shared,
                        worker=label,
                        clock=recorder.clock,
                        t0=recorder.t0,
                    )
                    await drive_async(unit, effects, emit=recorder.emit, finish=recorder.finish)
            except BaseException as exc:
                if self._cancelling:
                    raise  # our own cancellation: let the task end cancelled
                if self.error is None:
                    # A bug of ours, or memory ran out: stop the run and report it. The
                    # traceback goes: its frames would keep alive what filled the memory.
                    self.error = exc.with_traceback(None) if isinstance(exc, MemoryError) else exc
                stopped.set()

        async def watch() -> None:
            await stopped.wait()
            self.stopped = True
            cancel_workers()

        unsubscribe = None
        if self.stop is not None:
            unsubscribe = self.stop.subscribe(lambda: loop.call_threadsafe(stopped.set))
        try:
            recorder.begin()
            count = min(self.concurrency, len(recorder.keys))
            if self.stop is not None and self.stop.is_set():
                self.stopped, count = True, 0  # stopped before it began: start nothing
            workers.extend(
                loop.spawn(work(f"task-{i}"), f"speedlab-task-{i}") for i in range(count)
            )
            watcher = loop.spawn(watch(), "speedlab-stop-watcher")
            try:
                await loop.wait_all(workers)
            finally:
                cancel_workers()  # a no-op for the workers that ended on their own
                watcher.cancel()
                await loop.wait_all([*workers, watcher])
        finally:
            if unsubscribe is not None:
                unsubscribe()
            await transport.aclose()

    def outcome(self) -> RunResult:
        """Build the result; raise what stopped the run, if anything did."""
        result = self.recorder.result(interrupted=self.stopped)
        if isinstance(self.error, KeyboardInterrupt):
            raise RunInterrupted(result) from self.error
        if isinstance(self.error, MemoryError):
            raise RunOutOfMemory(result, "this process")
        if self.error is not None:
            raise self.error
        return result
