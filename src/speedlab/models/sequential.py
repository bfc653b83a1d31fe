"""The sequential model: one unit after another on the caller's thread, as the lecture does.

It is the baseline every other model is measured against: one ``requests`` session, blocking
waits, no concurrency at all. Its total time is the sum of every unit's time.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import sequential
    >>> sequential.run(SleepJob(count=2, seconds=0)).workers
    ('main',)
"""

from __future__ import annotations

import threading

from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models._drivers import SyncEffects, drive_sync
from speedlab.models._events import EventHandler
from speedlab.models._executor_family import new_shared_state
from speedlab.models._recorder import Recorder, check_concurrency
from speedlab.models._requests_transport import RequestsTransport
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult
from speedlab.models._sharing import LocalMemory
from speedlab.models._stop import StopSignal
from speedlab.models._unit import UnitRun

__all__ = ["NAME", "run"]

NAME = "sequential"


def run(
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run every unit of ``job``, one at a time, on this thread.

    Args:
        job: The job to run.
        concurrency: Must be None or 1: this model never runs two units at once.
        on_event: Called (on this thread) with every RunEvent.
        stop: When set (from another thread), the current unit ends at its next effect
            (sleeps end at once, a request in flight is broken off) and no further unit
            starts; the result is ``interrupted``.

    Returns:
        The run's RunResult.

    Raises:
        UsageError: ``concurrency`` is not 1.
        RunInterrupted: Ctrl-C (a KeyboardInterrupt); it carries the partial result.
        RunOutOfMemory: memory ran out; it carries the partial result.
    """
    if check_concurrency(NAME, concurrency, 1) != 1:
        raise UsageError(
            f"the sequential model runs one unit at a time; concurrency must be 1, "
            f"not {concurrency}"
        )
    halt = stop if stop is not None else threading.Event()
    recorder = Recorder(NAME, job, 1, on_event)
    shared = new_shared_state(job, LocalMemory()) if recorder.keys else None
    unsubscribe = None
    out_of_memory = False
    try:
        with RequestsTransport() as transport:
            if stop is not None:
                unsubscribe = stop.subscribe(transport.abort)
            effects = SyncEffects(
                send=transport.send,
                sleep=lambda seconds: not halt.wait(seconds),
                halted=halt.is_set,
            )
            recorder.begin()
            for key in recorder.keys:
                if halt.is_set():
                    break
                unit = UnitRun(
                    job, key, shared, worker="main", clock=recorder.clock, t0=recorder.t0
                )
                drive_sync(unit, effects, emit=recorder.emit, finish=recorder.finish)
    except KeyboardInterrupt as exc:
        raise RunInterrupted(recorder.result(interrupted=True)) from exc
    except MemoryError:
        # Only note it: the traceback's frames (and what they hold) go with the except block.
        out_of_memory = True
    finally:
        if unsubscribe is not None:
            unsubscribe()
    if out_of_memory:
        raise RunOutOfMemory(recorder.result(interrupted=True), "this process")
    return recorder.result(interrupted=halt.is_set())
