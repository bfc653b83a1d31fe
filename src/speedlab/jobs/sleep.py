"""The lecture's "slow function" as a job: units that only wait, so any model can overlap them.

``do_smth_slow()`` in the lecture sleeps and returns 1337. Here each unit asks its model to
sleep (it never sleeps itself: the model waits with ``time.sleep``, an ``Event``, or
``asyncio.sleep``), so the job measures pure concurrency with no network at all: ``count``
units of ``seconds`` take ``count * seconds`` sequentially and about ``seconds`` with enough
workers.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import run_model
    >>> result = run_model("asyncio", SleepJob(count=10, seconds=0.1), concurrency=10)
    >>> result.done
    10
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from speedlab._exceptions import UsageError
from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import Sleep, UnitGenerator, UnitOutcome

__all__ = ["SLOW_RESULT", "SleepJob"]

#: What the lecture's slow function returns.
SLOW_RESULT = 1337


@dataclass(frozen=True)
class SleepJob:
    """``count`` units, each sleeping ``seconds`` in ``steps`` equal naps.

    Args:
        count: How many units ("sleep-0" ... "sleep-{count-1}").
        seconds: How long each unit sleeps in total.
        steps: Naps per unit (more naps: more effects, more chances to be stopped).
        done: Keys to leave out, as if an earlier run had done them (they come back from
            ``skipped()``).
        name: The job's name in reports.

    Raises:
        UsageError: A negative count or duration, or fewer than one step.
    """

    count: int = 8
    seconds: float = 1.0
    steps: int = 1
    done: Collection[str] = field(default_factory=frozenset)
    name: str = "sleep"

    def __post_init__(self) -> None:
        if self.count < 0:
            raise UsageError(f"a sleep job needs a count >= 0, not {self.count}")
        if self.seconds < 0:
            raise UsageError(f"a sleep job needs seconds >= 0, not {self.seconds}")
        if self.steps < 1:
            raise UsageError(f"a sleep job needs at least one step, not {self.steps}")
        object.__setattr__(self, "done", frozenset(self.done))

    def _all_keys(self) -> list[str]:
        return [f"sleep-{i}" for i in range(self.count)]

    def units(self) -> Sequence[str]:
        """The keys still to run, in order."""
        return [k for k in self._all_keys() if k not in self.done]

    def skipped(self) -> Sequence[UnitOutcome]:
        """The keys given as ``done``, as skipped outcomes."""
        return [
            UnitOutcome(k, "skipped", "done in an earlier run")
            for k in self._all_keys()
            if k in self.done
        ]

    def new_shared_state(self, memory: SharedMemory) -> object:
        """Nothing is shared: sleeping needs no coordination."""
        del memory
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        """Sleep ``seconds`` in ``steps`` naps, then return the slow function's result."""
        del shared
        nap = self.seconds / self.steps
        for step in range(self.steps):
            yield Sleep(nap, f"slow function, nap {step + 1} of {self.steps}")
        return UnitOutcome(
            key,
            "done",
            f"slept {self.seconds:g} s",
            data={"result": SLOW_RESULT},
        )
