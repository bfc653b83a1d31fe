"""The processes model: a pool of worker processes, each with its own interpreter and session.

Processes sidestep the GIL (each has its own), at the price of start-up time, memory and
pickling: the run's plan (job, shared state, stop flag, event pipe) goes to each worker once,
through the pool's initializer, which is also the only way to hand ``multiprocessing`` locks
and shared memory to a pool worker: they can only be inherited when the process is created.
After that, every unit's key and record cross a pipe. ``Compute`` effects run in the worker,
so CPU-bound units use every core.

* Workers post their events through one pipe; a thread of the parent blocks on it and moves
  them to the run's queue (it ends when the last copy of the pipe's write end is closed).
* Workers ignore SIGINT and SIGTERM: Ctrl-C reaches the whole process group, and a service
  manager may signal it too, but only the parent decides. It sets the shared stop ``Event``:
  sleeping units wake and end, and in each worker a watcher thread wakes on it and breaks the
  requests in flight (a worker blocked on a dripping server ends at once). Units not yet
  started end without running, and the parent joins the workers; a second Ctrl-C kills them.
* Workers die with their parent, even when it is killed with SIGKILL and cannot clean up: on
  Linux each worker asks the kernel for SIGKILL when its parent dies (``prctl`` with
  ``PR_SET_PDEATHSIG``), then checks that the parent did not die before it asked. Elsewhere
  (macOS, Windows) there is no such request; an orphaned worker ends when it next reads from
  the pool's pipes (after its current unit).
* The start method is ``multiprocessing``'s default (``fork`` on Linux).

Times are measured in each worker with ``time.monotonic`` against the parent's start time:
the monotonic clock is system-wide on Linux, macOS and Windows, so they line up.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import processes
    >>> processes.run(SleepJob(count=2, seconds=0), concurrency=2).done
    2
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import multiprocessing.synchronize
import multiprocessing.util
import os
import signal
import sys
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
from speedlab.models._worker import (
    StopFlag,
    SyncTransport,
    WorkerPlan,
    abort_contexts,
    install_plan,
    pid_label,
)

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


# prctl(2) option: the signal this process gets when its parent dies (<linux/prctl.h>).
_PR_SET_PDEATHSIG = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def die_with_parent(parent: int) -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; exit now if it already has.

    The request covers the parent's death from then on, so the parent is checked once more
    right after it (it may have died between our start and the request): a forked worker
    whose parent died has been adopted by another process, and the parent's pid is gone.

    Args:
        parent: The pid of the process that made the pool.

    Returns:
        True if the kernel took the request (Linux), False elsewhere.
    """
    asked = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            asked = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            asked = False
    if os.getppid() != parent and not _alive(parent):
        os._exit(1)
    return asked


def _watch_stop(plan: WorkerPlan) -> None:
    """In a worker: when the run's stop flag is set, break this process's requests in flight."""
    plan.stop.wait()
    abort_contexts(plan.run_id)


# How long a worker's exit waits for its stop watcher. The parent sets the stop flag before
# it shuts the pool down, so the watcher has ended already; the bound only keeps a worker
# from hanging at exit if that ever failed (the thread is a daemon and dies with it then).
_WATCHER_JOIN_TIMEOUT = 5.0


def _stop_watching(watcher: threading.Thread) -> None:
    watcher.join(_WATCHER_JOIN_TIMEOUT)


def _init_worker(plan: WorkerPlan, parent: int) -> None:
    """Pool initializer: die with the parent, leave signals to it, watch the stop flag."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(parent)
    install_plan(plan)
    watcher = threading.Thread(
        target=_watch_stop, args=(plan,), name="speedlab-stop-watcher", daemon=True
    )
    watcher.start()
    # Before the transports close (priority 10): the watcher may still be aborting them.
    multiprocessing.util.Finalize(None, _stop_watching, args=(watcher,), exitpriority=20)


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
    worker_kind = "a worker process"
    # CPython 3.11's pool sets an error on every future it still lists when a worker dies,
    # cancelled or not, and a cancelled one raises InvalidStateError in its manager thread.
    # Unstarted units see the stop flag and end at once anyway.
    cancel_queued = False

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
            initargs=(plan, os.getpid()),
        )
        return executor, plan.run_id

    def abort(self, plan: WorkerPlan) -> None:
        """Requests in flight run in the workers: each one's watcher breaks them on the flag."""
        del plan

    def terminate(self, executor: Executor) -> None:
        """Kill the worker processes (a second Ctrl-C); they ignore SIGTERM, so SIGKILL."""
        if isinstance(executor, ProcessPoolExecutor):
            _forget_cancelled(executor)
            for process in worker_processes(executor):
                process.kill()

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
        RunInterrupted: Ctrl-C; the workers were stopped (or, on a second Ctrl-C, killed)
            and joined first.
        RunOutOfMemory: memory ran out here or in a worker; the workers were stopped and
            joined first.
    """
    return ProcessesModel().run(job, concurrency=concurrency, on_event=on_event, stop=stop)
