"""What a model tells its caller while a job runs, for progress bars and logs.

Every model calls ``on_event`` with these records, always from the thread that called
``run()`` (worker threads and processes hand their events to it through a queue), so a
progress display never needs a lock. The order for one unit is always
``UnitStarted``, any number of ``UnitWaiting``, then ``UnitFinished``; a run begins with one
``RunStarted`` followed by a ``UnitFinished`` for each skipped unit. (A model whose workers
report late, such as processes, may drop a unit's ``UnitWaiting`` that arrives after its end;
the order above still holds.)

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import run_model
    >>> seen = []
    >>> _ = run_model("sequential", SleepJob(count=1, seconds=0), on_event=seen.append)
    >>> [type(e).__name__ for e in seen]
    ['RunStarted', 'UnitStarted', 'UnitWaiting', 'UnitFinished']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from speedlab.models._result import UnitRecord

__all__ = [
    "EventHandler",
    "RunEvent",
    "RunStarted",
    "UnitFinished",
    "UnitStarted",
    "UnitWaiting",
]


@dataclass(frozen=True)
class RunStarted:
    """The run begins: ``total`` units to run, after ``skipped`` already done earlier."""

    model: str
    job: str
    concurrency: int
    total: int
    skipped: int


@dataclass(frozen=True)
class UnitStarted:
    """A worker took unit ``key``, ``at`` seconds after the run's start."""

    key: str
    worker: str
    at: float


@dataclass(frozen=True)
class UnitWaiting:
    """Unit ``key`` sleeps ``seconds`` because of ``reason`` ("rate limited, resuming in 41 s")."""

    key: str
    worker: str
    seconds: float
    reason: str
    at: float


@dataclass(frozen=True)
class UnitFinished:
    """Unit ``record.key`` ended (done, failed or skipped)."""

    record: UnitRecord


RunEvent: TypeAlias = RunStarted | UnitStarted | UnitWaiting | UnitFinished
EventHandler: TypeAlias = Callable[[RunEvent], None]
