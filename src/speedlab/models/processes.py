"""The processes model: a pool of worker processes, each with its own interpreter and session.

Processes sidestep the GIL (each has its own), at the price of start-up time, memory and
pickling: the job goes to each worker once (through the pool's initializer, which is also the
only way to hand ``multiprocessing`` locks and shared memory to a pool worker: they can only
be inherited when the process is created), and every unit's key and record cross a pipe.

* Units are submitted one at a time (never in batches, so a slow unit holds up nothing else),
  at most two per worker ahead, so that stopping has little to cancel.
* Workers send their events through a pipe; a thread of the parent forwards them to the
  caller's thread, which alone calls ``on_event``. A unit's events are written synchronously
  before its task returns, so they arrive in order and before the parent moves on.
* Workers ignore SIGINT: Ctrl-C reaches the whole process group, but only the parent decides.
  It sets a shared stop ``Event`` (sleeping units wake and end), cancels what has not started,
  and joins the workers; a second Ctrl-C terminates them.
* The start method is ``multiprocessing``'s default (``fork`` on Linux), the one the job's
  ``new_shared_state("process")`` objects are made for.

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
import multiprocessing.util
import os
import queue
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from speedlab._constants import DEFAULT_PROCESS_WORKERS, STOP_POLL_INTERVAL
from speedlab.jobs.base import Job
from speedlab.models._driver import UnitRun, drive_sync
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models._requests_http import RequestsTransport
from speedlab.models.events import EventHandler, RunEvent, UnitFinished
from speedlab.models.result import RunInterrupted, RunResult, UnitRecord

__all__ = ["NAME", "run"]

NAME = "processes"

# How long the parent waits, after terminating workers, for its event thread to drain.
_FORWARDER_GRACE = 2.0


# ----------------------------------------------------------------------------- worker side


@dataclass
class _Worker:
    """What one worker process keeps between units (set up once, by the initializer)."""

    job: Job
    shared: object
    writer: multiprocessing.connection.Connection
    write_lock: multiprocessing.synchronize.Lock
    stop: multiprocessing.synchronize.Event
    t0: float
    transport: RequestsTransport
    label: str

    def send(self, event: RunEvent) -> None:
        with self.write_lock:
            self.writer.send(event)


_worker: _Worker | None = None


def _init_worker(
    job: Job,
    shared: object,
    writer: multiprocessing.connection.Connection,
    write_lock: multiprocessing.synchronize.Lock,
    stop: multiprocessing.synchronize.Event,
    t0: float,
) -> None:
    """Pool initializer: keep the job and the shared state, open this process's session."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    transport = RequestsTransport()
    # multiprocessing children skip atexit; Finalize runs when the worker exits normally.
    multiprocessing.util.Finalize(transport, transport.close, exitpriority=10)
    _worker = _Worker(job, shared, writer, write_lock, stop, t0, transport, f"pid {os.getpid()}")


def _run_unit(key: str) -> bool:
    """Run one unit in this worker; return False if the run was stopped before it began."""
    w = _worker
    assert w is not None, "the pool initializer did not run"
    if w.stop.is_set():
        return False

    def finish(record: UnitRecord) -> None:
        w.send(UnitFinished(record))

    unit = UnitRun(w.job, key, w.shared, worker=w.label, clock=time.monotonic, t0=w.t0)
    drive_sync(
        unit,
        send=w.transport.send,
        wait=lambda seconds: not w.stop.wait(seconds),
        halted=w.stop.is_set,
        emit=w.send,
        finish=finish,
    )
    return True


# ----------------------------------------------------------------------------- parent side


def _forward(
    reader: multiprocessing.connection.Connection,
    inbox: queue.Queue[RunEvent | Future[bool]],
    done: threading.Event,
) -> None:
    """Move worker events from the pipe to the caller's queue until ``done`` and drained."""
    while True:
        try:
            if reader.poll(STOP_POLL_INTERVAL):
                inbox.put(reader.recv())
            elif done.is_set():
                return
        except (EOFError, OSError):  # the pipe broke (workers were terminated)
            return


class _Dispatcher:
    """The parent's side of one run: submits units, matches results and events, stops."""

    def __init__(
        self,
        job: Job,
        recorder: Recorder,
        workers: int,
        stop: threading.Event | None,
    ) -> None:
        ctx = multiprocessing.get_context()
        self.recorder = recorder
        self.stop = stop
        self.halt = ctx.Event()
        self.inbox: queue.Queue[RunEvent | Future[bool]] = queue.Queue()
        self.reader, writer = ctx.Pipe(duplex=False)
        self._writer = writer
        self.keys = iter(recorder.keys)
        self.window = 2 * workers
        self.outstanding: dict[Future[bool], str] = {}
        self.awaiting: set[str] = set()  # ran, but their UnitFinished has not arrived yet
        self.broken: str | None = None
        self.stopped = False
        self.executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(
                job,
                job.new_shared_state("process"),
                writer,
                ctx.Lock(),
                self.halt,
                recorder.t0,
            ),
        )
        self.forwarder_done = threading.Event()
        self.forwarder = threading.Thread(
            target=_forward,
            args=(self.reader, self.inbox, self.forwarder_done),
            name="speedlab-process-events",
            daemon=True,
        )

    def submit_more(self) -> None:
        if self.stop is not None and self.stop.is_set():
            self.request_stop()
        while not self.halt.is_set() and len(self.outstanding) < self.window:
            key = next(self.keys, None)
            if key is None:
                return
            if self.broken is None:
                try:
                    future = self.executor.submit(_run_unit, key)
                except BrokenProcessPool as exc:
                    self.broken = f"the process pool broke: {exc}"
                else:
                    self.outstanding[future] = key
                    future.add_done_callback(self.inbox.put)
                    continue
            self.recorder.finish(_failed(key, self.broken))

    def pump(self, *, notify: bool) -> None:
        """Handle messages until every submitted unit is accounted for."""
        while self.outstanding or self.awaiting:
            try:
                message = self.inbox.get(timeout=STOP_POLL_INTERVAL)
            except queue.Empty:
                message = None
            if self.stop is not None and self.stop.is_set():
                self.request_stop()
            if isinstance(message, Future):
                self._settle(message)
                self.submit_more()
            elif message is not None:
                if isinstance(message, UnitFinished):
                    self.awaiting.discard(message.record.key)
                self.recorder.emit(message, notify=notify)

    def _settle(self, future: Future[bool]) -> None:
        key = self.outstanding.pop(future)
        if future.cancelled():
            return
        error = future.exception()
        if error is not None:
            if isinstance(error, BrokenProcessPool):
                self.broken = f"a worker process died: {error}"
            self.recorder.finish(
                _failed(key, f"the worker failed: {type(error).__name__}: {error}")
            )
        elif future.result() and not self.recorder.has(key):
            self.awaiting.add(key)

    def request_stop(self) -> None:
        self.stopped = True
        self.halt.set()
        for future in list(self.outstanding):
            future.cancel()  # only the ones no worker has taken yet

    def terminate(self) -> None:
        """Kill the workers (a second Ctrl-C): units in flight are lost, not half-saved."""
        processes: dict[int, Any] = dict(getattr(self.executor, "_processes", None) or {})
        for process in processes.values():
            process.terminate()
        self.awaiting.clear()

    def close(self) -> None:
        """Join the workers, then the event thread; close the pipe."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.forwarder_done.set()
        if self.forwarder.ident is not None:
            self.forwarder.join(_FORWARDER_GRACE)
        while True:  # events the forwarder moved after the last pump
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(message, UnitFinished):
                self.recorder.emit(message, notify=False)
        self.reader.close()
        self._writer.close()


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
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
    n = check_concurrency(NAME, concurrency, DEFAULT_PROCESS_WORKERS)
    recorder = Recorder(NAME, job, n, on_event, clock=time.monotonic)
    recorder.begin()
    if not recorder.keys:
        return recorder.result()
    pool = _Dispatcher(job, recorder, min(n, len(recorder.keys)), stop)
    error: BaseException | None = None
    try:
        pool.submit_more()
        pool.forwarder.start()
        pool.pump(notify=True)
    except BaseException as exc:
        error = exc
        pool.request_stop()
        notify = isinstance(exc, KeyboardInterrupt)
        while True:  # let the stopping workers report, unless a second Ctrl-C says no
            try:
                pool.pump(notify=notify)
                break
            except KeyboardInterrupt:
                pool.terminate()
                break
            except Exception:  # the handler failed: keep the records, stop calling it
                notify = False
    finally:
        _close_despite_ctrl_c(pool)
    result = recorder.result(interrupted=pool.stopped)
    if isinstance(error, KeyboardInterrupt):
        raise RunInterrupted(result) from error
    if error is not None:
        raise error
    return result


def _close_despite_ctrl_c(pool: _Dispatcher) -> None:
    # Joining the workers must finish even when Ctrl-C is pressed again (and again) meanwhile:
    # each extra Ctrl-C only makes the stop harsher (terminate), never leaves workers behind.
    while True:
        try:
            pool.close()
            return
        except KeyboardInterrupt:
            pool.request_stop()
            pool.terminate()


def _failed(key: str, reason: str) -> UnitRecord:
    return UnitRecord(key=key, status="failed", detail=reason)
