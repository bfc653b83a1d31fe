"""One unit in progress: step its generator, count what it asked for, and make its record.

A unit is a generator that yields effects (:mod:`speedlab.jobs.effects`). :class:`UnitRun` is
the model-independent half of running it: it starts and steps the generator, counts the
requests and the seconds of sleep it asked for, and makes a :class:`UnitRecord` however the
unit ends: it returned an outcome, it crashed (a bug in the job: the unit fails alone, with the
error as its reason), or it was interrupted (a stop request or Ctrl-C closed it at an effect).
The drivers (:mod:`speedlab.models._drivers`) are the other half: they perform the effects.

Interruption only ever happens *at an effect*, never inside job code, so a job's own work
between two effects always runs to the end. A ``MemoryError`` is not the unit's failure: it
escapes, and the model stops the whole run (:class:`~speedlab.models.RunOutOfMemory`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from speedlab.jobs.base import Job
from speedlab.jobs.effects import (
    Await,
    Call,
    Compute,
    Effect,
    EffectReply,
    Send,
    Sleep,
    UnitGenerator,
    UnitOutcome,
)
from speedlab.models._result import UnitRecord

__all__ = ["INTERRUPTED", "OUT_OF_MEMORY", "UnitRun", "describe_error"]

#: The detail of a unit cut short by a stop request or Ctrl-C.
INTERRUPTED = "interrupted before it finished"
#: The detail of the unit that ran out of memory (the model then stops the run).
OUT_OF_MEMORY = "out of memory"

_EFFECTS = (Send, Sleep, Call, Compute, Await)


def describe_error(exc: BaseException) -> str:
    """Return ``"TypeName: message"`` (or just the type's name when there is no message)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class UnitRun:
    """One unit in progress: its generator, its counters, and in the end its record.

    Args:
        job: The job the unit belongs to.
        key: The unit's key.
        shared: The run's shared state, from ``job.new_shared_state``.
        worker: The label of the worker running it ("thread-3").
        clock: The run's clock (``time.perf_counter``, ``time.monotonic``, ``time.time``).
        t0: The clock's value at the run's start.
    """

    __slots__ = (
        "_clock",
        "_end",
        "_gen",
        "_interrupted",
        "_job",
        "_outcome",
        "_shared",
        "_t0",
        "key",
        "requests",
        "start",
        "waited",
        "worker",
    )

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
        except MemoryError:
            raise  # the run's problem, not this unit's: the model stops the run
        except Exception as exc:
            self._fail(f"the job could not start this unit: {describe_error(exc)}")
            return None
        gen = self._gen
        return self._step(gen.__next__)

    def answer(self, reply: EffectReply) -> Effect | None:
        """Send ``reply`` to the generator; return its next effect, or None if it ended."""
        gen = self._gen
        assert gen is not None, "answer() before first()"
        return self._step(gen.send, reply)

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
                reason = f"{reason} ({describe_error(exc)} while closing)"
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
            waited=self.waited,
            data=dict(outcome.data),
            stats=outcome.stats,
            interrupted=self._interrupted,
        )

    def _step(self, advance: Callable[..., Any], *args: Any) -> Effect | None:
        try:
            effect = advance(*args)
        except StopIteration as stop:
            self._end_with(stop.value)
            return None
        except MemoryError:
            raise  # the run's problem, not this unit's: the model stops the run
        except Exception as exc:
            self._fail(f"internal error in the job: {describe_error(exc)}")
            return None
        if isinstance(effect, Send):
            self.requests += 1
        elif isinstance(effect, Sleep):
            self.waited += max(0.0, effect.seconds)
        elif not isinstance(effect, _EFFECTS):
            self.interrupt(
                f"internal error in the job: it yielded {type(effect).__name__}", stopped=False
            )
            return None
        step: Effect = effect
        return step

    def _end_with(self, value: object) -> None:
        if isinstance(value, UnitOutcome):
            self._outcome = value
            self._end = self.now()
        else:
            self._fail(f"internal error in the job: it returned {type(value).__name__}")

    def _fail(self, reason: str) -> None:
        self._outcome = UnitOutcome(self.key, "failed", reason, attempts=self.requests)
        self._end = self.now()
