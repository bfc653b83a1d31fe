"""The one record every model returns, so reports never care which model ran a job.

A benchmark, the timeline plot and the ``speedlab github`` command only ever read a
:class:`RunResult`: per unit a :class:`UnitRecord` (when it started and ended, on which worker,
how many requests, how it ended), plus what the whole run cost (wall and CPU seconds, peak
memory). Everything is frozen and picklable (the processes model ships records between
processes) and turns into plain JSON through ``to_dict()``.

Times are seconds since the run's start. The sequential, threads and asyncio models read
``time.perf_counter``; the processes model reads ``time.monotonic`` in every worker against a
start time taken in the parent, which is sound because the monotonic clock is system-wide on
Linux (``CLOCK_MONOTONIC``), macOS and Windows.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import run_model
    >>> result = run_model("threads", SleepJob(count=3, seconds=0.01), concurrency=3)
    >>> [r.status for r in result.records]
    ['done', 'done', 'done']
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from speedlab._exceptions import SpeedlabError
from speedlab.jobs.effects import UnitStatus

__all__ = [
    "RunInterrupted",
    "RunOutOfMemory",
    "RunResult",
    "UnitRecord",
    "statistics_dict",
    "sum_statistics",
]


@dataclass(frozen=True)
class UnitRecord:
    """How one unit went: when, where, how many tries, and how it ended.

    Attributes:
        key: The unit's key (a keyword for the GitHub job).
        status: ``"done"``, ``"failed"`` or ``"skipped"`` (resumed from an earlier run).
        detail: A short summary ("30 ids, 1 page") or, on failure, the reason.
        start: Seconds from the run's start to the unit's start (0 for skipped units).
        end: Seconds from the run's start to the unit's end (0 for skipped units).
        worker: Who ran it: ``"main"``, ``"thread-3"``, ``"pid 1234"``, ``"task-7"``.
        attempts: Tries, as the job counts them (each retry is one more); when the job says
            nothing, the requests the model sent for the unit.
        waited: Seconds the unit asked to sleep (rate limits, backoff, the slow function).
        data: Extra facts from the job (for the GitHub job: ids, pages, file name).
        stats: The job's own typed counters for the unit (a frozen dataclass of numbers, such
            as the GitHub job's ``SearchStatistics``), or None when the unit ended without
            reporting them (it crashed or was interrupted).
        interrupted: True when the unit was cut short by a stop request or Ctrl-C (its
            status is then ``failed``, but it did not fail on its own).
    """

    key: str
    status: UnitStatus
    detail: str = ""
    start: float = 0.0
    end: float = 0.0
    worker: str = "-"
    attempts: int = 0
    waited: float = 0.0
    data: Mapping[str, Any] = field(default_factory=dict)
    stats: Any = None
    interrupted: bool = False

    @property
    def seconds(self) -> float:
        """How long the unit took, waits included."""
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain JSON-serialisable data, the job's stats flattened in."""
        return {
            "key": self.key,
            "status": self.status,
            "detail": self.detail,
            "start": self.start,
            "end": self.end,
            "seconds": self.seconds,
            "worker": self.worker,
            "attempts": self.attempts,
            **statistics_dict(self.stats),
            "waited": self.waited,
            "data": _plain(self.data),
            "interrupted": self.interrupted,
        }


@dataclass(frozen=True)
class RunResult:
    """Everything one run of a job under one model produced and cost.

    Attributes:
        model: The model's name ("threads").
        job: The job's name ("github").
        concurrency: How many units could run at once.
        records: One record per unit: the skipped ones first, then the others in the job's order.
        not_run: Keys of units without a record: never started because the run was stopped
            (or lost with a worker process terminated by a second Ctrl-C).
        interrupted: True when the run was stopped (``stop`` event or Ctrl-C) before the end.
        wall_seconds: Elapsed time of the whole run.
        cpu_seconds: User + system CPU time spent during the run by this process and by the
            child processes it waited for (``os.times`` deltas).
        peak_rss_bytes: High-water mark of resident memory, from ``getrusage``'s ``ru_maxrss``:
            the larger of this process's and its largest waited-for child's. It is the peak
            *so far in the process's life*, so compare runs made in fresh processes.
    """

    model: str
    job: str
    concurrency: int
    records: tuple[UnitRecord, ...]
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    not_run: tuple[str, ...] = ()
    interrupted: bool = False

    def statistics(self) -> Any:
        """Return the job's typed counters summed over every unit, or None if none reported.

        Every unit of a job reports the same dataclass (the GitHub job's
        ``SearchStatistics``); the sum is one more instance of it, field by field.
        """
        return sum_statistics(r.stats for r in self.records)

    @property
    def done(self) -> int:
        """Units that ended ``done``."""
        return self._count("done")

    @property
    def failures(self) -> int:
        """Units that failed on their own (not the ones a stop cut short)."""
        return len(self.failed_records)

    @property
    def cut_short(self) -> int:
        """Units a stop request or Ctrl-C ended before they finished."""
        return sum(1 for r in self.records if r.interrupted)

    @property
    def skipped(self) -> int:
        """Units skipped because an earlier run had done them."""
        return self._count("skipped")

    @property
    def failed_records(self) -> tuple[UnitRecord, ...]:
        """The records of the units that failed on their own, in the job's order."""
        return tuple(r for r in self.records if r.status == "failed" and not r.interrupted)

    @property
    def workers(self) -> tuple[str, ...]:
        """The distinct workers that ran at least one unit, in order of first use."""
        return tuple(dict.fromkeys(r.worker for r in self.records if r.status != "skipped"))

    def record(self, key: str) -> UnitRecord:
        """Return the record of ``key``.

        Raises:
            KeyError: No unit had that key.
        """
        for r in self.records:
            if r.key == key:
                return r
        raise KeyError(key)

    def _count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-serialisable data (``json.dumps`` works on it)."""
        return {
            "model": self.model,
            "job": self.job,
            "concurrency": self.concurrency,
            "wall_seconds": self.wall_seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_rss_bytes": self.peak_rss_bytes,
            **statistics_dict(self.statistics()),
            "done": self.done,
            "failures": self.failures,
            "cut_short": self.cut_short,
            "skipped": self.skipped,
            "interrupted": self.interrupted,
            "not_run": list(self.not_run),
            "records": [r.to_dict() for r in self.records],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return ``to_dict()`` as a JSON document."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a run; ``result`` holds what finished before it.

    It subclasses ``KeyboardInterrupt`` so that code which lets Ctrl-C through still does,
    while the command line can still print what was done.
    """

    def __init__(self, result: RunResult) -> None:
        super().__init__(f"{result.model} run of {result.job} interrupted")
        self.result = result


class RunOutOfMemory(SpeedlabError):
    """Memory ran out (in this process or a worker): the run was stopped; ``result`` holds it.

    Every model stops the whole run rather than failing one unit: an allocation that failed
    once will fail again, anywhere. Files written before are whole (writes are atomic). The
    command line prints the message and exits with code 1.
    """

    exit_code = 1

    def __init__(self, result: RunResult, where: str = "") -> None:
        place = f" in {where}" if where else ""
        super().__init__(
            f"out of memory{place}: the {result.model} run of {result.job} stopped with "
            f"{result.done} done and {len(result.not_run)} not run; files already saved "
            "are complete"
        )
        self.result = result


def statistics_dict(stats: object) -> dict[str, Any]:
    """Return a job's typed counters as a plain dict (empty for None)."""
    if stats is None or not dataclasses.is_dataclass(stats) or isinstance(stats, type):
        return {}
    return {f.name: getattr(stats, f.name) for f in dataclasses.fields(stats)}


def sum_statistics(items: Iterable[object]) -> Any:
    """Add up typed counters field by field; None if there are none.

    All items must be instances of one frozen dataclass whose fields are numbers (units of
    one job report the same type); anything else is a bug in the job.

    Raises:
        TypeError: the items are of different types.
    """
    total: Any = None
    stats: Any
    for stats in items:
        if stats is None:
            continue
        if total is None:
            total = stats
            continue
        if type(stats) is not type(total):
            raise TypeError(
                f"a job's units reported {type(total).__name__} and {type(stats).__name__}"
            )
        total = dataclasses.replace(
            total,
            **{
                f.name: getattr(total, f.name) + getattr(stats, f.name)
                for f in dataclasses.fields(total)
            },
        )
    return total


def _plain(value: Any) -> Any:
    """Turn job data into JSON-safe values (tuples to lists, odd objects to strings)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
