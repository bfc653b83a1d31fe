"""Book-keeping shared by every model: measure the run, collect records, build the RunResult.

Each model only decides *how* units run; the :class:`Recorder` sees every event on the
caller's thread, keeps the records, forwards events to the caller's ``on_event``, and at the
end measures wall time, CPU time and peak memory the same way for every model.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable, Sequence

from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models._events import (
    EventHandler,
    RunEvent,
    RunStarted,
    UnitFinished,
    UnitStarted,
    UnitWaiting,
)
from speedlab.models._result import RunResult, UnitRecord

__all__ = ["Recorder", "check_concurrency", "peak_rss_bytes"]


def check_concurrency(model: str, concurrency: int | None, default: int) -> int:
    """Return ``concurrency`` or ``default``, refusing nonsense.

    Raises:
        UsageError: ``concurrency`` is not a positive integer.
    """
    if concurrency is None:
        return default
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise UsageError(
            f"the {model} model needs a concurrency of at least 1, not {concurrency!r}"
        )
    return concurrency


def _own_high_water() -> int | None:
    # Linux keeps ru_maxrss across execve, so a small program started by a large one (pytest,
    # make) reports its parent's peak; VmHWM belongs to this program's own memory map.
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_bytes() -> int:
    """Return the high-water resident memory of this process and its largest waited-for child.

    This process: ``VmHWM`` on Linux, else ``ru_maxrss`` (kilobytes on Linux, bytes on macOS).
    Children: ``ru_maxrss`` of the waited-for children (the processes model's workers).
    """
    scale = 1 if sys.platform == "darwin" else 1024
    own = _own_high_water()
    if own is None:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return max(own, children)


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Recorder:
    """Collect one run's records and events; build its RunResult.

    Args:
        model: The model's name.
        job: The job being run (its ``units()`` and ``skipped()`` are read once, here).
        concurrency: How many units may run at once.
        on_event: The caller's event handler, or None.
        clock: The run's clock; ``time.perf_counter`` unless workers live in other processes.
    """

    def __init__(
        self,
        model: str,
        job: Job,
        concurrency: int,
        on_event: EventHandler | None,
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.model = model
        self.job_name = job.name
        self.concurrency = concurrency
        # Duplicate keys would share one record, so each key runs once.
        self.keys: Sequence[str] = list(dict.fromkeys(job.units()))
        self._skipped = [
            UnitRecord(key=o.key, status="skipped", detail=o.detail, data=dict(o.data))
            for o in job.skipped()
        ]
        self._on_event = on_event
        self._records: dict[str, UnitRecord] = {}
        self._started: set[str] = set()
        self.clock = clock
        self._cpu0 = _cpu_seconds()
        self.t0 = clock()

    def begin(self) -> None:
        """Announce the run and its skipped units."""
        self.emit(
            RunStarted(
                self.model, self.job_name, self.concurrency, len(self.keys), len(self._skipped)
            )
        )
        for record in self._skipped:
            self.emit(UnitFinished(record))

    def emit(self, event: RunEvent, *, notify: bool = True) -> None:
        """Keep a finished unit's record and pass ``event`` on to the caller (if ``notify``).

        Workers in other processes report a unit's start and waits through a pipe and its
        record through its future, which may overtake them: a start or a wait that arrives
        after the unit's record is dropped, and a record that arrives before its start is
        announced by a ``UnitStarted`` made from the record, so the caller always sees
        ``UnitStarted``, ``UnitWaiting``..., ``UnitFinished`` for a unit.
        """
        if isinstance(event, UnitStarted | UnitWaiting):
            if event.key in self._records:
                return
            if isinstance(event, UnitStarted):
                self._started.add(event.key)
        elif isinstance(event, UnitFinished) and event.record.status != "skipped":
            record = event.record
            if record.key in self._records:
                return  # a late duplicate (a worker that died after reporting): keep the first
            self._records[record.key] = record
            if record.key not in self._started:
                self._started.add(record.key)
                if notify and self._on_event is not None:
                    self._on_event(UnitStarted(record.key, record.worker, record.start))
        if notify and self._on_event is not None:
            self._on_event(event)

    def finish(self, record: UnitRecord) -> None:
        """Record a finished unit (a shortcut for ``emit(UnitFinished(record))``)."""
        self.emit(UnitFinished(record))

    def has(self, key: str) -> bool:
        """True once ``key`` has a record."""
        return key in self._records

    @property
    def finished_count(self) -> int:
        """How many units (not counting skipped ones) have a record."""
        return len(self._records)

    def now(self) -> float:
        """Seconds since the run's start."""
        return self.clock() - self.t0

    def result(self, *, interrupted: bool = False) -> RunResult:
        """Measure the run and return its RunResult.

        Units without a record are listed in ``not_run``.
        """
        wall = self.clock() - self.t0
        records = tuple(self._skipped) + tuple(
            self._records[k] for k in self.keys if k in self._records
        )
        not_run = tuple(k for k in self.keys if k not in self._records)
        return RunResult(
            model=self.model,
            job=self.job_name,
            concurrency=self.concurrency,
            records=records,
            wall_seconds=wall,
            cpu_seconds=max(0.0, _cpu_seconds() - self._cpu0),
            peak_rss_bytes=peak_rss_bytes(),
            not_run=not_run,
            interrupted=interrupted or bool(not_run),
        )
