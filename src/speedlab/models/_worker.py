"""The worker side of the executor family: what runs inside a thread, a process or a dask worker.

A run sends its :class:`WorkerPlan` to every worker once (a pool initializer installs it), or
with every task where the executor has no initializer (dask). A task is then just
``execute_unit(handle, key)``: it finds the plan's :class:`WorkerContext` for this thread,
creating it on first use, and drives the unit with the synchronous driver. The record comes
back as the task's result; the unit's start and waits go through the plan's event sink.

A context owns one transport (a ``requests`` session is not thread-safe, so there is one per
worker thread), opened on the first request: a CPU-bound job never opens one.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from speedlab.jobs.base import Job
from speedlab.jobs.effects import HttpRequest, HttpResponse, TransportError
from speedlab.models._drivers import SyncEffects, drive_sync
from speedlab.models._events import RunEvent
from speedlab.models._result import UnitRecord
from speedlab.models._unit import UnitRun

__all__ = [
    "StopFlag",
    "SyncTransport",
    "WorkerContext",
    "WorkerPlan",
    "close_contexts",
    "execute_unit",
    "install_plan",
    "pid_label",
    "thread_label",
]


class StopFlag(Protocol):
    """A stop flag workers can wait on: ``threading.Event`` or ``multiprocessing.Event``."""

    def is_set(self) -> bool:
        """True once the run was asked to stop."""
        ...

    def set(self) -> None:
        """Ask the run to stop."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until set or ``timeout``; True if set."""
        ...


class SyncTransport(Protocol):
    """A blocking HTTP transport: ``send`` a request, ``close`` when the worker is done."""

    def send(self, request: HttpRequest) -> HttpResponse | TransportError:
        """Perform ``request``."""
        ...

    def abort(self) -> None:
        """Break the request in flight, from another thread (a stop request)."""
        ...

    def close(self) -> None:
        """Release the connections."""
        ...


def thread_label() -> str:
    """Name the current pool thread ``thread-N`` (from ``speedlab-thread_N``)."""
    name = threading.current_thread().name
    return f"thread-{name.rsplit('_', 1)[-1]}"


def pid_label() -> str:
    """Name the current worker process ``pid N``."""
    return f"pid {os.getpid()}"


@dataclass(frozen=True)
class WorkerPlan:
    """What every worker of one run needs; picklable when the workers are processes.

    Attributes:
        run_id: Tells this run's contexts from another run's in a long-lived worker.
        job: The job.
        shared: The run's shared state (made with the model's ``SharedMemory``).
        t0: The run's start on ``clock``.
        clock: The clock every worker measures with (system-wide for processes).
        stop: Set when the run must stop; sleeping units wait on it.
        sink: Where workers post ``UnitStarted``/``UnitWaiting`` (None: nowhere).
        transport: Makes one worker's transport.
        label: Names the current worker ("thread-3", "pid 1234").
        keep_transport: Keep connections open between units (False: close after each).
    """

    run_id: str
    job: Job
    shared: object
    t0: float
    clock: Callable[[], float]
    stop: StopFlag
    sink: Callable[[RunEvent], None] | None
    transport: Callable[[], SyncTransport]
    label: Callable[[], str]
    keep_transport: bool = True


class WorkerContext:
    """One worker's state for one run: its label, its transport, its effect primitives."""

    def __init__(self, plan: WorkerPlan) -> None:
        self.plan = plan
        self.label = plan.label()
        self._transport: SyncTransport | None = None
        self._lock = threading.Lock()  # open/abort/close may race with a stop request
        stop = plan.stop
        self.effects = SyncEffects(send=self._send, sleep=self._sleep, halted=stop.is_set)

    def _send(self, request: HttpRequest) -> HttpResponse | TransportError:
        transport = self._transport
        if transport is None:
            with self._lock:
                transport = self._transport = self.plan.transport()
        return transport.send(request)

    def _sleep(self, seconds: float) -> bool:
        return not self.plan.stop.wait(seconds)

    def emit(self, event: RunEvent) -> None:
        """Post ``event`` to the run's sink, if any; a broken sink must not fail the unit."""
        sink = self.plan.sink
        if sink is not None:
            with contextlib.suppress(OSError, EOFError, ValueError):
                sink(event)

    def abort(self) -> None:
        """Break this worker's request in flight (called from another thread on a stop)."""
        with self._lock:
            transport = self._transport
        if transport is not None:
            transport.abort()

    def close_transport(self) -> None:
        """Close the transport, if one was opened (idempotent)."""
        with self._lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()


# Contexts of the runs of this process, by run id and thread, so that a task finds its own
# and the parent can abort or close those of threads it does not run on.
_contexts: dict[str, dict[int, WorkerContext]] = {}
_contexts_lock = threading.Lock()


def install_plan(plan: WorkerPlan) -> WorkerContext:
    """Make this thread's context for ``plan`` (a pool initializer, or the first task)."""
    context = WorkerContext(plan)
    with _contexts_lock:
        _contexts.setdefault(plan.run_id, {})[threading.get_ident()] = context
    if multiprocessing.parent_process() is not None:
        # A worker process skips atexit; Finalize runs when it exits normally.
        multiprocessing.util.Finalize(context, context.close_transport, exitpriority=10)
    return context


def _context(handle: str | WorkerPlan) -> WorkerContext:
    run_id = handle if isinstance(handle, str) else handle.run_id
    with _contexts_lock:
        context = _contexts.get(run_id, {}).get(threading.get_ident())
    if context is not None:
        return context
    if isinstance(handle, str):
        raise RuntimeError(f"no plan was installed in this worker for run {run_id}")
    return install_plan(handle)


def execute_unit(handle: str | WorkerPlan, key: str) -> UnitRecord | None:
    """Run one unit in this worker; return its record, or None if the run stopped first.

    Args:
        handle: The run's id (its plan was installed by the pool's initializer) or the plan.
        key: The unit's key.
    """
    context = _context(handle)
    plan = context.plan
    if plan.stop.is_set():
        return None
    run = UnitRun(plan.job, key, plan.shared, worker=context.label, clock=plan.clock, t0=plan.t0)
    records: list[UnitRecord] = []
    try:
        drive_sync(run, context.effects, emit=context.emit, finish=records.append)
    finally:
        if not plan.keep_transport:
            context.close_transport()
    return records[0]


def abort_contexts(run_id: str) -> None:
    """Break the requests in flight of every context of ``run_id`` in this process."""
    with _contexts_lock:
        contexts = list(_contexts.get(run_id, {}).values())
    for context in contexts:
        context.abort()


def close_contexts(run_id: str) -> None:
    """Forget the contexts of ``run_id`` in this process and close their transports."""
    with _contexts_lock:
        contexts = list(_contexts.pop(run_id, {}).values())
    for context in contexts:
        context.close_transport()
