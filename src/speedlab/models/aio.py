"""The asyncio model: N worker tasks on one event loop pull units from one shared list.

One thread, one ``aiohttp.ClientSession`` (its connector allows ``concurrency`` connections),
and ``asyncio.sleep`` for waits: while one unit waits for a response or sleeps, the loop runs
the others. There is a fixed pool of worker tasks, not a task per unit, so 10,000 units cost
no more memory than their records. A stop request or Ctrl-C cancels the workers; each unit is
closed at the effect it was awaiting (its own code between two effects always completes).

``run()`` starts a fresh loop with ``asyncio.run``; from code already inside a loop, use
``await arun(...)``.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import aio
    >>> aio.run(SleepJob(count=3, seconds=0.01), concurrency=3).workers
    ('task-0', 'task-1', 'task-2')
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

from speedlab._constants import DEFAULT_ASYNC_TASKS, STOP_POLL_INTERVAL
from speedlab.jobs.base import Job
from speedlab.models._aiohttp_http import AiohttpTransport
from speedlab.models._driver import UnitRun, drive_async
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models.events import EventHandler, RunEvent
from speedlab.models.result import RunInterrupted, RunResult

__all__ = ["NAME", "arun", "run"]

NAME = "asyncio"


class _Run:
    """One run on the loop: its recorder, its worker tasks, and why it stopped."""

    def __init__(
        self,
        job: Job,
        concurrency: int | None,
        on_event: EventHandler | None,
        stop: threading.Event | None,
    ) -> None:
        self.job = job
        self.concurrency = check_concurrency(NAME, concurrency, DEFAULT_ASYNC_TASKS)
        self._on_event = on_event
        self.stop = stop
        self.recorder = Recorder(NAME, job, self.concurrency, self._notify)
        self.stopped = False
        self.error: BaseException | None = None
        self.workers: list[asyncio.Task[None]] = []

    def _notify(self, event: RunEvent) -> None:
        # Called inside worker tasks: an error (even Ctrl-C simulated by a handler) must not
        # tear one task down and leave the others running, so it stops the whole run.
        if self._on_event is None or self.error is not None:
            return
        try:
            self._on_event(event)
        except BaseException as exc:
            self.error = exc
            self._cancel_workers()

    def _cancel_workers(self) -> None:
        self.stopped = True
        for task in self.workers:
            task.cancel()

    async def _watch_stop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(STOP_POLL_INTERVAL)
        self._cancel_workers()

    async def main(self) -> None:
        """Run every unit, then close everything; on cancellation, close and re-raise."""
        recorder = self.recorder
        shared = self.job.new_shared_state("local")
        keys: Iterator[str] = iter(recorder.keys)

        async with AiohttpTransport(limit=self.concurrency) as transport:

            async def work(label: str) -> None:
                for key in keys:
                    if self.stopped or (self.stop is not None and self.stop.is_set()):
                        self.stopped = True
                        return
                    unit = UnitRun(
                        self.job, key, shared, worker=label, clock=recorder.clock, t0=recorder.t0
                    )
                    await drive_async(
                        unit, send=transport.send, emit=recorder.emit, finish=recorder.finish
                    )

            recorder.begin()
            count = min(self.concurrency, len(recorder.keys))
            self.workers = [asyncio.create_task(work(f"task-{i}")) for i in range(count)]
            watcher = (
                None if self.stop is None else asyncio.create_task(self._watch_stop(self.stop))
            )
            try:
                if self.workers:
                    await asyncio.wait(self.workers)
            finally:
                self._cancel_workers_quietly(watcher)
                await asyncio.gather(*self.workers, return_exceptions=True)
                if watcher is not None:
                    await asyncio.gather(watcher, return_exceptions=True)
            for task in self.workers:
                if not task.cancelled() and task.exception() is not None and self.error is None:
                    self.error = task.exception()

    def _cancel_workers_quietly(self, watcher: asyncio.Task[None] | None) -> None:
        for task in self.workers:
            if not task.done():
                task.cancel()
        if watcher is not None:
            watcher.cancel()

    def outcome(self, *, interrupted: bool = False) -> RunResult:
        """Build the result; raise what stopped the run, if anything did."""
        result = self.recorder.result(interrupted=interrupted or self.stopped)
        if isinstance(self.error, KeyboardInterrupt):
            raise RunInterrupted(result) from self.error
        if self.error is not None:
            raise self.error
        return result


async def arun(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run the units of ``job`` on the running loop; the async twin of :func:`run`.

    If the task awaiting ``arun`` is cancelled, the workers are cancelled and the session
    closed before the cancellation propagates.
    """
    state = _Run(job, concurrency, on_event, stop)
    await state.main()
    return state.outcome()


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
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
        RuntimeError: Called from a running event loop (use ``arun`` there).
    """
    state = _Run(job, concurrency, on_event, stop)
    try:
        asyncio.run(state.main())
    except KeyboardInterrupt as exc:
        raise RunInterrupted(state.recorder.result(interrupted=True)) from exc
    return state.outcome()
