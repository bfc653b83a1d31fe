"""The processes model: a pool of worker processes, each with its own interpreter and session.

Processes sidestep the GIL (each has its own), at the price of start-up time, memory and
pickling: the run's plan (job, shared state, stop flag, event pipe) goes to each worker once,
through the pool's initializer, which is also the only way to hand ``multiprocessing`` locks
and shared memory to a pool worker: they can only be inherited when the process is created.
After that, every unit's key and record cross a pipe. ``Compute`` effects run in the worker,
so CPU-bound units use every core.

* Workers post their events through one pipe; a thread of the parent blocks on it and moves
  them to the run's queue (it ends when the last copy of the pipe's write end is closed).
* Workers ignore SIGINT: Ctrl-C reaches the whole process group, but only the parent decides.
  It sets the shared stop ``Event`` (sleeping units wake and end), cancels what has not
  started, and joins the workers; a second Ctrl-C terminates them.
* The start method is ``multiprocessing``'s default (``fork`` on Linux).

Times are measured in each worker with ``time.monotonic`` against the parent's start time:
the monotonic clock is system-wide on Linux, macOS and Windows, so they line up.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import processes
    >>> processes.run(SleepJob(count=2, seconds=0), concurrency=2).done
    2
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.synchronize
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from speedlab._constants import DEFAULT_PROCESS_WORKERS
from speedlab.jobs.base import Job, SharedMemory
from speedlab.models._events import EventHandler, RunEvent
from speedlab.models._executor_family import ExecutorModel
from speedlab.models._requests_transport import RequestsTransport
from speedlab.models._result import RunResult
from speedlab.models._sharing import ProcessMemory
from speedlab.models._stop import StopSignal
from speedlab.models._worker import StopFlag, SyncTransport, WorkerPlan, install_plan, pid_label

__all__ = ["NAME", "ProcessesModel", "run", "worker_processes"]

NAME = "processes"


class _PipeSink:
    """The workers' end of the event pipe: one ``send`` at a time, across processes."""

    def __init__(
        self,
        writer: multiprocessing.connection.Connection,
        lock: multiprocessing.synchronize.Lock,
    ) -> None:
        self.writer = writer
        self.lock = lock

    def __call__(self, event: RunEvent) -> None:
        with self.lock:
            self.writer.send(event)


def _forward(
    reader: multiprocessing.connection.Connection, deliver: Callable[[object], None]
) -> None:
    """Move worker events from the pipe to the run's queue until every writer is closed."""
    while True:
        try:
            event = reader.recv()
        except (EOFError, OSError):
            return
        deliver(event)


def _init_worker(plan: WorkerPlan) -> None:
    """Pool initializer: ignore Ctrl-C (the parent decides), then install the run's plan."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install_plan(plan)


def worker_processes(executor: ProcessPoolExecutor) -> list[Any]:
    """Return the pool's live worker processes.

    ``ProcessPoolExecutor`` offers no public way to reach its processes, so this reads its
    private ``_processes`` mapping; a test fails loudly if a Python release renames it.
    """
    return list((getattr(executor, "_processes", None) or {}).values())


def _forget_cancelled(executor: ProcessPoolExecutor) -> None:
    """Drop cancelled units from the pool's pending items before its workers are killed.

    CPython 3.11's pool marks every pending item broken when a worker dies, and setting an
    exception on a cancelled future raises ``InvalidStateError`` in its manager thread, which
    then dies without joining the pool (fixed in 3.12). The pending items are the private
    ``_pending_work_items``; the hooks test fails loudly if it is renamed.
    """
    pending = getattr(executor, "_pending_work_items", None)
    if isinstance(pending, dict):
        for work_id, item in list(pending.items()):
            if item.future.cancelled():
                pending.pop(work_id, None)


class ProcessesModel(ExecutorModel):
    """Worker processes over a ``ProcessPoolExecutor``; one instance per run."""

    name = NAME
    default_concurrency = DEFAULT_PROCESS_WORKERS

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context()
        self._pipe: tuple[multiprocessing.connection.Connection, ...] = ()
        self._forwarder: threading.Thread | None = None

    def memory(self) -> SharedMemory:
        """Shared memory and locks of the pool's multiprocessing context."""
        return ProcessMemory(self._ctx)

    def stop_flag(self) -> StopFlag:
        """A ``multiprocessing.Event``: workers in other processes wait on it."""
        return self._ctx.Event()

    def transport(self) -> Callable[[], SyncTransport]:
        """One ``requests`` session per worker process."""
        return RequestsTransport

    def label(self) -> Callable[[], str]:
        """``pid N``."""
        return pid_label

    def open_events(self, deliver: Callable[[object], None]) -> Callable[[RunEvent], None]:
        """A pipe from the workers, and a thread that forwards what comes out of it."""
        reader, writer = self._ctx.Pipe(duplex=False)
        self._pipe = (reader, writer)
        self._forwarder = threading.Thread(
            target=_forward, args=(reader, deliver), name="speedlab-process-events", daemon=True
        )
        self._forwarder.start()
        return _PipeSink(writer, self._ctx.Lock())

    def close_events(self) -> None:
        """Close our write end; the forwarder sees the end of the pipe and is joined."""
        if not self._pipe:
            return
        reader, writer = self._pipe
        writer.close()
        if self._forwarder is not None:
            self._forwarder.join()
        reader.close()

    def start(self, plan: WorkerPlan, workers: int) -> tuple[Executor, str]:
        """A process pool whose workers install the plan when they start."""
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._ctx,
            initializer=_init_worker,
            initargs=(plan,),
        )
        return executor, plan.run_id

    def abort(self, plan: WorkerPlan) -> None:
        """Requests in flight run in the workers; the stop flag ends them at their next step."""
        del plan

    def terminate(self, executor: Executor) -> None:
        """Kill the worker processes (a second Ctrl-C)."""
        if isinstance(executor, ProcessPoolExecutor):
            _forget_cancelled(executor)
            for process in worker_processes(executor):
                process.terminate()

    def finish(self, plan: WorkerPlan) -> None:
        """Nothing of the run stays in this process: the workers closed their own sessions."""
        del plan


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` in a pool of ``concurrency`` worker processes.

    Args:
        job: The job to run; it must be picklable.
        concurrency: Worker processes (default ``DEFAULT_PROCESS_WORKERS``: 2 per core, at
            most 8; never more than there are units).
        on_event: Called on this thread with every RunEvent.
        stop: When set, sleeping units wake and end, units not yet taken are cancelled, every
            worker is joined, and the result is ``interrupted``.

    Returns:
        The run's RunResult; ``cpu_seconds`` includes the workers' CPU time.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; the workers were stopped (or, on a second Ctrl-C, terminated)
            and joined first.
    """
    return ProcessesModel().run(job, concurrency=concurrency, on_event=on_event, stop=stop)
