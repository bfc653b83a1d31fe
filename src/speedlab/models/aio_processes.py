"""The asyncio-processes model: asyncio tasks that await a process pool for CPU-bound work.

This is the lecture's fix for the frozen spinner, ``await loop.run_in_executor(pool, is_prime,
n)`` with a ``ProcessPoolExecutor``, as a model. Everything is the asyncio model's (one loop,
worker tasks, aiohttp for requests: :mod:`speedlab.models.aio`) except where ``Compute``
effects run: each goes to a pool of worker processes and is awaited, so the loop stays free
for its other tasks and every core computes.

* ``concurrency`` is both the tasks and the processes (default: one per core): a task awaits
  one ``Compute`` at a time, so more tasks than processes would only queue in the pool.
* Pool workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides),
  and end when the parent ends, even if it was killed.
* The pool is made before the loop starts and joined after it ends, on every path. A normal
  end has nothing left to wait for. After a stop request, Ctrl-C or an error, the tasks were
  cancelled at the ``Compute`` they awaited, so the computations still in the pool are of no
  use and may take seconds more (trial division cannot be interrupted): the pool's processes
  are terminated, then joined. A ``Compute`` is pure CPU work by contract, so nothing is left
  half-written.

    >>> from speedlab.jobs.primes import PrimeJob
    >>> from speedlab.models import aio_processes
    >>> [r.data["prime"] for r in aio_processes.run(PrimeJob((97, 91)), concurrency=2).records]
    [True, False]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.process
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType

from speedlab._constants import DEFAULT_CPU_WORKERS
from speedlab.jobs.base import Job
from speedlab.jobs.effects import CallResult, Compute
from speedlab.models._aiohttp_transport import AiohttpTransport
from speedlab.models._async_family import AsyncRun
from speedlab.models._events import EventHandler
from speedlab.models._result import RunInterrupted, RunResult
from speedlab.models._stop import StopSignal
from speedlab.models.aio import AsyncioLoop
from speedlab.models.processes import worker_processes

__all__ = ["NAME", "ComputePool", "run"]

NAME = "asyncio-processes"


def _init_worker() -> None:
    """Pool initializer: leave Ctrl-C to the parent, and never outlive it.

    A pool worker whose parent was killed (SIGTERM, SIGKILL) would wait forever for its next
    task: its siblings hold the task queue open. A watcher thread waits on the parent's
    sentinel instead, which closes when the parent ends, and ends the worker then.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        watcher = threading.Thread(
            target=_exit_with, args=(parent,), name="speedlab-parent-watch", daemon=True
        )
        watcher.start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns once the parent process has ended
    os._exit(1)


class ComputePool:
    """A pool of worker processes that runs ``Compute`` effects for an event loop.

    A context manager: leaving it joins every worker; leaving it on an exception, or
    ``close(kill=True)``, terminates the workers first.

    Args:
        workers: How many worker processes.
    """

    def __init__(self, workers: int) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(),
            initializer=_init_worker,
        )
        self._closed = False

    async def compute(self, effect: Compute) -> CallResult:
        """Run ``effect`` in a worker process and await its result, leaving the loop free."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, effect.run)

    def close(self, *, kill: bool = False) -> None:
        """Shut the pool down and join its workers (idempotent).

        Args:
            kill: Terminate the workers first, losing what they compute (after a stop).
        """
        if self._closed:
            return
        self._closed = True
        executor = self._executor
        if kill:
            self._terminate()
        # The processes must be terminated while the executor still knows them: its
        # shutdown forgets them. Its manager thread then sees them die and joins them.
        while True:
            try:
                executor.shutdown(wait=True, cancel_futures=True)
                return
            except KeyboardInterrupt:  # Ctrl-C again while joining: harsher, never fewer joins
                self._terminate()

    def _terminate(self) -> None:
        for process in worker_processes(self._executor):
            process.terminate()

    def __enter__(self) -> ComputePool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(kill=exc_type is not None)


async def _main(state: AsyncRun, pool: ComputePool) -> None:
    transport = AiohttpTransport(limit=state.concurrency)
    await state.main(AsyncioLoop(), transport, compute=pool.compute)


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` as asyncio tasks whose ``Compute`` effects run in processes.

    Args:
        job: The job to run; its ``Compute`` functions and arguments must be picklable.
        concurrency: Tasks, and worker processes (default ``DEFAULT_CPU_WORKERS``: one per
            core; never more processes than units).
        on_event: Called (on this thread, inside the loop) with every RunEvent.
        stop: When set, the tasks are cancelled, the pool's workers terminated and joined,
            and the result is ``interrupted``.

    Returns:
        The run's RunResult; ``cpu_seconds`` includes the pool's workers.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; the tasks were cancelled and the workers joined first.
    """
    state = AsyncRun(
        NAME,
        job,
        concurrency=concurrency,
        default=DEFAULT_CPU_WORKERS,
        on_event=on_event,
        stop=stop,
    )
    workers = max(1, min(state.concurrency, len(state.recorder.keys)))
    try:
        with ComputePool(workers) as pool:
            asyncio.run(_main(state, pool))
            pool.close(kill=state.stopped or state.error is not None)
    except KeyboardInterrupt as exc:
        raise RunInterrupted(state.recorder.result(interrupted=True)) from exc
    return state.outcome()
