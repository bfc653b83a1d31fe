"""The threads model: a pool of worker threads, each with its own ``requests`` session.

The GIL is released while a thread waits on a socket or sleeps, so I/O-bound units overlap;
CPU-bound ones (``Compute``) do not: one thread computes at a time. Each worker thread owns one
``requests.Session`` (sessions are not thread-safe) and sleeps by waiting on the run's stop
``Event``, so a stop request or Ctrl-C ends every sleep at once; requests in flight are broken
off. Workers post their events to the run's queue, which the caller's thread drains, so
handlers (a progress bar) need no lock.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import threads
    >>> len(threads.run(SleepJob(count=4, seconds=0.05), concurrency=4).records)
    4
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from speedlab._constants import DEFAULT_THREAD_WORKERS
from speedlab.jobs.base import Job, SharedMemory
from speedlab.models._events import EventHandler, RunEvent
from speedlab.models._executor_family import ExecutorModel
from speedlab.models._requests_transport import RequestsTransport
from speedlab.models._result import RunResult
from speedlab.models._sharing import LocalMemory
from speedlab.models._stop import StopSignal
from speedlab.models._worker import StopFlag, SyncTransport, WorkerPlan, install_plan, thread_label

__all__ = ["NAME", "ThreadsModel", "run"]

NAME = "threads"


class ThreadsModel(ExecutorModel):
    """Worker threads of this process, over a ``ThreadPoolExecutor``."""

    name = NAME
    default_concurrency = DEFAULT_THREAD_WORKERS
    worker_kind = "a worker thread"

    def memory(self) -> SharedMemory:
        """Threads share this process's memory: a ``threading.Lock`` and a list."""
        return LocalMemory()

    def stop_flag(self) -> StopFlag:
        """A ``threading.Event``."""
        return threading.Event()

    def transport(self) -> Callable[[], SyncTransport]:
        """One ``requests`` session per worker thread."""
        return RequestsTransport

    def label(self) -> Callable[[], str]:
        """``thread-N``."""
        return thread_label

    def open_events(self, deliver: Callable[[object], None]) -> Callable[[RunEvent], None]:
        """Same process: workers post straight into the run's queue."""
        return deliver

    def start(self, plan: WorkerPlan, workers: int) -> tuple[Executor, str]:
        """A thread pool whose threads install the plan when they start."""
        executor = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="speedlab-thread",
            initializer=install_plan,
            initargs=(plan,),
        )
        return executor, plan.run_id


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run the units of ``job`` on ``concurrency`` worker threads.

    Args:
        job: The job to run.
        concurrency: Worker threads (default ``DEFAULT_THREAD_WORKERS``, 16).
        on_event: Called on this thread with every RunEvent.
        stop: When set, sleeping units wake and end, requests in flight are broken off, no
            unit starts, every thread is joined, and the result is ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; every thread was stopped and joined first.
        RunOutOfMemory: memory ran out; every thread was stopped and joined first.
    """
    return ThreadsModel().run(job, concurrency=concurrency, on_event=on_event, stop=stop)
