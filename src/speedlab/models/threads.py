"""The threads model: N worker threads pull units from one shared list, each with its own session.

The GIL is released while a thread waits on a socket or sleeps, so I/O-bound units overlap;
CPU-bound ones do not. Each worker thread owns one ``requests.Session`` (sessions are not
thread-safe) and sleeps by waiting on the run's stop ``Event``, so a stop request or Ctrl-C
ends every sleep at once. Workers never call ``on_event`` themselves: they post events to a
queue that the caller's thread drains, so handlers (a progress bar) need no lock.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import threads
    >>> len(threads.run(SleepJob(count=4, seconds=0.05), concurrency=4).records)
    4
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from speedlab._constants import DEFAULT_THREAD_WORKERS, STOP_POLL_INTERVAL
from speedlab.jobs.base import Job
from speedlab.models._driver import UnitRun, drive_sync
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models._requests_http import RequestsTransport
from speedlab.models.events import EventHandler, RunEvent, UnitFinished
from speedlab.models.result import RunInterrupted, RunResult, UnitRecord

__all__ = ["NAME", "run"]

NAME = "threads"


@dataclass(frozen=True)
class _Exited:
    """A worker thread is about to end; ``error`` is set if it died of a bug."""

    worker: str
    error: BaseException | None = None


class _Keys:
    """The shared list of units still to start, handed out under a lock until a stop."""

    def __init__(
        self, keys: Iterator[str], halt: threading.Event, stop: threading.Event | None
    ) -> None:
        self._keys = keys
        self._halt = halt
        self._stop = stop
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            if self._stop is not None and self._stop.is_set():
                self._halt.set()  # the control loop would notice too, a little later
            if self._halt.is_set():
                return None
            return next(self._keys, None)


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run the units of ``job`` on ``concurrency`` worker threads.

    Args:
        job: The job to run.
        concurrency: Worker threads (default ``DEFAULT_THREAD_WORKERS``, 16).
        on_event: Called on this thread with every RunEvent.
        stop: When set, sleeping units wake and end, running ones end at their next effect
            (a request in flight finishes first, within its timeout), no unit starts, every
            thread is joined, and the result is ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
        RunInterrupted: Ctrl-C; every thread was stopped and joined first.
    """
    n = check_concurrency(NAME, concurrency, DEFAULT_THREAD_WORKERS)
    recorder = Recorder(NAME, job, n, on_event)
    shared = job.new_shared_state("local")
    halt = threading.Event()
    inbox: queue.Queue[RunEvent | _Exited] = queue.Queue()
    keys = _Keys(iter(recorder.keys), halt, stop)

    def finish(record: UnitRecord) -> None:
        inbox.put(UnitFinished(record))

    def wait(seconds: float) -> bool:
        return not halt.wait(seconds)

    def work(label: str) -> None:
        error: BaseException | None = None
        try:
            with RequestsTransport() as transport:
                while (key := keys.take()) is not None:
                    unit = UnitRun(
                        job, key, shared, worker=label, clock=recorder.clock, t0=recorder.t0
                    )
                    drive_sync(
                        unit,
                        send=transport.send,
                        wait=wait,
                        halted=halt.is_set,
                        emit=inbox.put,
                        finish=finish,
                    )
        except BaseException as exc:  # a bug of ours: report it to the caller, never lose it
            error = exc
        finally:
            inbox.put(_Exited(label, error))

    recorder.begin()
    workers = [
        threading.Thread(
            target=work, args=(f"thread-{i}",), name=f"speedlab-thread-{i}", daemon=True
        )
        for i in range(min(n, len(recorder.keys)))
    ]
    alive = len(workers)
    crash: BaseException | None = None
    try:
        for thread in workers:
            thread.start()
        while alive:
            try:
                message = inbox.get(timeout=STOP_POLL_INTERVAL)
            except queue.Empty:
                message = None
            if stop is not None and stop.is_set():
                halt.set()
            if isinstance(message, _Exited):
                alive -= 1
                if message.error is not None and crash is None:
                    crash = message.error
                    halt.set()
            elif message is not None:
                recorder.emit(message)
    except BaseException as exc:
        halt.set()
        _wait_for_workers(inbox, recorder, workers, notify=isinstance(exc, KeyboardInterrupt))
        if isinstance(exc, KeyboardInterrupt):
            raise RunInterrupted(recorder.result(interrupted=True)) from exc
        raise
    finally:
        for thread in workers:
            if thread.ident is not None:
                thread.join()
    if crash is not None:
        raise crash
    return recorder.result(interrupted=halt.is_set())


def _wait_for_workers(
    inbox: queue.Queue[RunEvent | _Exited],
    recorder: Recorder,
    workers: list[threading.Thread],
    *,
    notify: bool,
) -> None:
    """Collect what the stopping workers still report, until every started one has exited.

    A thread cannot be killed; one with a request in flight ends within that request's
    timeout. A second Ctrl-C does not abandon them (their files could be half-written).
    """
    while True:
        try:
            try:
                message = inbox.get(timeout=STOP_POLL_INTERVAL)
            except queue.Empty:
                if any(t.is_alive() for t in workers):
                    continue
                if inbox.empty():
                    return
                continue
            if not isinstance(message, _Exited):
                try:
                    recorder.emit(message, notify=notify)
                except Exception:
                    notify = False  # the handler is broken: keep the records, stop calling it
        except KeyboardInterrupt:
            continue
