"""Drive one sans-I/O unit: answer its effects, and turn however it ends into a UnitRecord.

A unit is a generator that yields ``Send``, ``Sleep`` and ``Call`` effects (see
``speedlab.jobs.effects``).
:class:`UnitRun` is the model-independent half of running it: it steps the generator, counts
what it asked for, and makes a record whether the unit returned, crashed or was interrupted.
The two small loops below, :func:`drive_sync` and :func:`drive_async`, are the model-specific
half: they perform each effect with the model's own tools (a requests session and
``time.sleep``-like waits, or aiohttp and ``asyncio.sleep``).

Interruption only ever happens *at an effect*, never inside job code, so a job's own file
writes between two effects always run to the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from speedlab.jobs.base import Job
from speedlab.jobs.effects import (
    Call,
    Effect,
    EffectReply,
    HttpRequest,
    HttpResponse,
    Send,
    Sleep,
    TransportError,
    UnitGenerator,
    UnitOutcome,
)
from speedlab.models.events import RunEvent, UnitStarted, UnitWaiting
from speedlab.models.result import UnitRecord

__all__ = ["INTERRUPTED", "UnitRun", "drive_async", "drive_sync"]

#: The detail of a unit cut short by a stop request or Ctrl-C.
INTERRUPTED = "interrupted before it finished"

SyncSend = Callable[[HttpRequest], HttpResponse | TransportError]
SyncWait = Callable[[float], bool]
AsyncSend = Callable[[HttpRequest], Awaitable[HttpResponse | TransportError]]
Emit = Callable[[RunEvent], None]
Finish = Callable[[UnitRecord], None]


class UnitRun:
    """One unit in progress: its generator, its counters, and in the end its record.

    Args:
        job: The job the unit belongs to.
        key: The unit's key.
        shared: The run's shared state, from ``job.new_shared_state``.
        worker: The label of the worker running it ("thread-3").
        clock: The run's clock (``time.perf_counter`` or ``time.monotonic``).
        t0: The clock's value at the run's start.
    """

    def __init__(
        self,
        job: Job,
        key: str,
        shared: object,
        *,
        worker: str,
        clock: Callable[[], float],
        t0: float,
    ) -> None:
        self.key = key
        self.worker = worker
        self._job = job
        self._shared = shared
        self._clock = clock
        self._t0 = t0
        self._gen: UnitGenerator | None = None
        self._outcome: UnitOutcome | None = None
        self._interrupted = False
        self.start = clock() - t0
        self._end = self.start
        self.requests = 0
        self.waited = 0.0

    @property
    def finished(self) -> bool:
        """True once the unit has an outcome."""
        return self._outcome is not None

    def now(self) -> float:
        """Seconds since the run's start."""
        return self._clock() - self._t0

    def first(self) -> Effect | None:
        """Start the generator; return its first effect, or None if it ended at once."""
        try:
            self._gen = self._job.unit(self.key, self._shared)
        except Exception as exc:
            self._fail(f"the job could not start this unit: {_describe(exc)}")
            return None
        gen = self._gen
        return self._step(lambda: next(gen))

    def answer(self, reply: EffectReply) -> Effect | None:
        """Send ``reply`` to the generator; return its next effect, or None if it ended."""
        gen = self._gen
        assert gen is not None, "answer() before first()"
        return self._step(lambda: gen.send(reply))

    def interrupt(self, reason: str = INTERRUPTED, *, stopped: bool = True) -> None:
        """End the unit now, closing its generator, unless it already ended.

        Args:
            reason: The failure's detail.
            stopped: True when the run was stopped (the record is marked ``interrupted``),
                False when the unit itself misbehaved.
        """
        if self._outcome is not None:
            return
        if self._gen is not None:
            try:
                self._gen.close()
            except Exception as exc:  # a job whose cleanup fails must not hide the stop
                reason = f"{reason} ({_describe(exc)} while closing)"
        self._fail(reason)
        self._interrupted = stopped

    def record(self) -> UnitRecord:
        """Return the unit's record; interrupts it first if it has not ended."""
        if self._outcome is None:
            self.interrupt()
        outcome = self._outcome
        assert outcome is not None
        return UnitRecord(
            key=self.key,
            status=outcome.status,
            detail=outcome.detail,
            start=self.start,
            end=self._end,
            worker=self.worker,
            attempts=outcome.attempts or self.requests,
            retries=outcome.retries,
            requests=self.requests,
            waited=self.waited,
            data=dict(outcome.data),
            interrupted=self._interrupted,
        )

    def _step(self, advance: Callable[[], Any]) -> Effect | None:
        try:
            effect = advance()
        except StopIteration as stop:
            self._end_with(stop.value)
            return None
        except Exception as exc:
            self._fail(f"internal error in the job: {_describe(exc)}")
            return None
        if isinstance(effect, Send):
            self.requests += 1
            return effect
        if isinstance(effect, Sleep):
            self.waited += max(0.0, effect.seconds)
            return effect
        if isinstance(effect, Call):
            return effect
        self.interrupt(
            f"internal error in the job: it yielded {type(effect).__name__}", stopped=False
        )
        return None

    def _end_with(self, value: object) -> None:
        if isinstance(value, UnitOutcome):
            self._outcome = value
            self._end = self.now()
        else:
            self._fail(f"internal error in the job: it returned {type(value).__name__}")

    def _fail(self, reason: str) -> None:
        self._outcome = UnitOutcome(self.key, "failed", reason, attempts=self.requests)
        self._end = self.now()


def drive_sync(
    run: UnitRun,
    *,
    send: SyncSend,
    wait: SyncWait,
    halted: Callable[[], bool],
    emit: Emit,
    finish: Finish,
) -> None:
    """Run ``run`` to its end with blocking tools, then hand its record to ``finish``.

    Args:
        run: The unit, not started yet.
        send: Performs one HTTP request (a requests session).
        wait: Sleeps for some seconds; returns False if a stop request cut the sleep short.
        halted: Tells whether the run was asked to stop (checked before every effect).
        emit: Receives ``UnitStarted`` and ``UnitWaiting`` events.
        finish: Receives the record, exactly once, on every path: if anything (Ctrl-C)
            escapes, the unit is closed and its record handed over before it propagates.
    """
    emit(UnitStarted(run.key, run.worker, run.start))
    try:
        effect = run.first()
        while effect is not None:
            if isinstance(effect, Call):  # a short write of work already done: never cut
                effect = run.answer(effect.run())
                continue
            if halted():
                run.interrupt()
                break
            if isinstance(effect, Send):
                effect = run.answer(send(effect.request))
            else:
                emit(UnitWaiting(run.key, run.worker, effect.seconds, effect.reason, run.now()))
                if not wait(max(0.0, effect.seconds)):
                    run.interrupt()
                    break
                effect = run.answer(None)
    except BaseException:
        run.interrupt()
        finish(run.record())
        raise
    finish(run.record())


async def drive_async(run: UnitRun, *, send: AsyncSend, emit: Emit, finish: Finish) -> None:
    """Run ``run`` to its end on the running asyncio loop, then hand its record to ``finish``.

    Cancellation (a stop request, Ctrl-C) closes the unit at the effect it was waiting on;
    ``finish`` still receives its record before the cancellation propagates.

    Args:
        run: The unit, not started yet.
        send: Performs one HTTP request (an aiohttp session).
        emit: Receives ``UnitStarted`` and ``UnitWaiting`` events.
        finish: Receives the record, exactly once, on every path.
    """
    emit(UnitStarted(run.key, run.worker, run.start))
    try:
        effect = run.first()
        while effect is not None:
            if isinstance(effect, Send):
                effect = run.answer(await send(effect.request))
            elif isinstance(effect, Call):
                # In a worker thread: the loop serves other units while the disk works.
                effect = run.answer(await asyncio.to_thread(effect.run))
            else:
                emit(UnitWaiting(run.key, run.worker, effect.seconds, effect.reason, run.now()))
                await asyncio.sleep(max(0.0, effect.seconds))
                effect = run.answer(None)
    except BaseException:
        run.interrupt()
        finish(run.record())
        raise
    finish(run.record())


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
