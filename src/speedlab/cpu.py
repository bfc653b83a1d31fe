"""The CPU-bound comparison: the prime job under every CPU model, side by side, with reasons.

The lecture's question for CPU-bound work ("what happens when the slow function is
is_prime?") answered by measurement: :func:`compare` runs :class:`~speedlab.jobs.primes.PrimeJob`
under each model the registry offers for CPU work, and reports per model its time, its
speed-up against the first (sequential), how many cores it kept busy (CPU seconds per wall
second, workers included), and why, from the registry's ``compute`` line. Whether threads can
gain at all depends on the interpreter, so :func:`interpreter` says whether this Python is a
free-threaded build and whether its GIL is on.

    >>> from speedlab.cpu import compare
    >>> report = compare((97, 91), models=("sequential", "threads"), concurrency=2)
    >>> [row.model for row in report.rows], report.agree
    (['sequential', 'threads'], True)
"""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from speedlab._constants import DEFAULT_CPU_WORKERS
from speedlab._exceptions import CannotShare, ClusterError, UsageError
from speedlab.jobs.base import Job
from speedlab.jobs.primes import DEFAULT_NUMBERS, PrimeJob
from speedlab.models import MODELS, RunResult, StopSignal, models_for, run_model
from speedlab.models._events import EventHandler

__all__ = ["CpuComparison", "CpuRow", "Interpreter", "compare", "interpreter", "run_cpu_model"]


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs the comparison, as far as threads are concerned.

    Attributes:
        implementation: ``"CPython"``, ``"PyPy"``...
        version: ``"3.11.7"``.
        free_threaded_build: Built with ``--disable-gil`` (``Py_GIL_DISABLED``; 3.13+).
        gil_enabled: The GIL is on now (``sys._is_gil_enabled()``; always True before 3.13,
            and True on a free-threaded build that re-enabled it, e.g. ``PYTHON_GIL=1``).
        cores: Cores this process may use.
    """

    implementation: str
    version: str
    free_threaded_build: bool
    gil_enabled: bool
    cores: int

    def describe(self) -> str:
        """One line: ``CPython 3.11.7, GIL on (not a free-threaded build), 2 cores``."""
        build = "a free-threaded build" if self.free_threaded_build else "not a free-threaded build"
        gil = "GIL on" if self.gil_enabled else "GIL off"
        return f"{self.implementation} {self.version}, {gil} ({build}), {self.cores} cores"


def interpreter() -> Interpreter:
    """Describe this interpreter: its build, its GIL, its cores."""
    is_gil_enabled: Callable[[], bool] | None = getattr(sys, "_is_gil_enabled", None)
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return Interpreter(
        implementation=platform.python_implementation(),
        version=platform.python_version(),
        free_threaded_build=bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        gil_enabled=True if is_gil_enabled is None else bool(is_gil_enabled()),
        cores=cores,
    )


def run_cpu_model(
    name: str,
    job: Job,
    *,
    concurrency: int | None = None,
    scheduler: str | None = None,
    on_event: EventHandler | None = None,
    stop: StopSignal | None = None,
) -> RunResult:
    """Run ``job`` under model ``name``; ``scheduler`` sends the dask model to that cluster.

    Raises:
        UsageError: Unknown model, bad ``concurrency``, or ``scheduler`` for another model.
        CannotShare: The job needs shared state the model cannot lend.
        ClusterError: dask could not reach ``scheduler`` or start its local cluster.
        RunInterrupted: Ctrl-C.
    """
    if scheduler is None:
        return run_model(name, job, concurrency=concurrency, on_event=on_event, stop=stop)
    if name != "dask":
        raise UsageError(f"a scheduler address only applies to the dask model, not {name}")
    from speedlab.models import dask

    return dask.run(job, concurrency=concurrency, on_event=on_event, stop=stop, scheduler=scheduler)


def _reason(model: str, python: Interpreter) -> str:
    if model == "threads" and not python.gil_enabled:
        return "inline on each thread, and this Python runs without its GIL: in parallel"
    return MODELS[model].compute


@dataclass(frozen=True)
class CpuRow:
    """One model's line of the comparison.

    Attributes:
        model: The model's name.
        reason: Where it computes and what that costs (from the registry).
        result: Its RunResult (None if it could not run).
        speedup: The baseline's wall time over this one's (None without both).
        cores_busy: CPU seconds per wall second, its workers included.
        error: Why it could not run (dask not installed, no scheduler), or None.
    """

    model: str
    reason: str
    result: RunResult | None = None
    speedup: float | None = None
    cores_busy: float | None = None
    error: str | None = None

    @property
    def answers(self) -> tuple[tuple[int, bool], ...]:
        """``(number, is prime)`` per number, in the job's order (empty if it failed)."""
        if self.result is None:
            return ()
        return tuple(
            (int(str(r.data["number"])), bool(r.data["prime"]))
            for r in self.result.records
            if r.status == "done"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the row as plain JSON-serialisable data."""
        result = self.result
        return {
            "model": self.model,
            "reason": self.reason,
            "error": self.error,
            "workers": None if result is None else result.concurrency,
            "wall_seconds": None if result is None else result.wall_seconds,
            "cpu_seconds": None if result is None else result.cpu_seconds,
            "speedup": self.speedup,
            "cores_busy": self.cores_busy,
            "failures": None if result is None else result.failures,
        }


@dataclass(frozen=True)
class CpuComparison:
    """Every row of one comparison, the numbers and the interpreter."""

    numbers: tuple[int, ...]
    interpreter: Interpreter
    rows: tuple[CpuRow, ...]

    @property
    def agree(self) -> bool:
        """True when every model that ran gave every answer, the same as the first."""
        ran = [row.answers for row in self.rows if row.result is not None]
        return all(answers == ran[0] and len(answers) == len(self.numbers) for answers in ran)

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain JSON-serialisable data."""
        return {
            "numbers": list(self.numbers),
            "interpreter": vars(self.interpreter),
            "agree": self.agree,
            "rows": [row.to_dict() for row in self.rows],
        }


def compare(
    numbers: Sequence[int] = DEFAULT_NUMBERS,
    *,
    models: Sequence[str] | None = None,
    concurrency: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[CpuRow], None] | None = None,
    stop: StopSignal | None = None,
) -> CpuComparison:
    """Run the prime job on ``numbers`` under each model, one after another.

    Args:
        numbers: The numbers to test (default: about a second of work each).
        models: Which models, in order; the first is the speed-up baseline. Default: every
            model offered for CPU work, sequential first.
        concurrency: Workers of every concurrent model (default: one per core).
        scheduler: A dask scheduler's address for the dask row (default: a local cluster).
        on_row: Called with each row as soon as it is known (to print as it goes).
        stop: Set it to stop the current run; the comparison then ends there.

    Returns:
        The CpuComparison; a model that cannot run has a row with its ``error``.

    Raises:
        UsageError: An unknown model or a bad ``concurrency``.
        RunInterrupted: Ctrl-C (the rows so far were passed to ``on_row``).
    """
    names = tuple(models_for("cpu") if models is None else models)
    for name in names:
        if name not in MODELS:
            raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    workers = DEFAULT_CPU_WORKERS if concurrency is None else concurrency
    job = PrimeJob(numbers=tuple(numbers))
    python = interpreter()
    rows: list[CpuRow] = []
    baseline: float | None = None
    for name in names:
        if stop is not None and stop.is_set():
            break
        try:
            result = run_cpu_model(
                name,
                job,
                concurrency=1 if name == "sequential" else workers,
                scheduler=scheduler if name == "dask" else None,
                stop=stop,
            )
        except (ClusterError, CannotShare) as exc:
            row = CpuRow(name, _reason(name, python), error=str(exc))
        else:
            if baseline is None:
                baseline = result.wall_seconds
            wall = result.wall_seconds
            row = CpuRow(
                name,
                _reason(name, python),
                result,
                speedup=baseline / wall if wall > 0 else None,
                cores_busy=result.cpu_seconds / wall if wall > 0 else None,
            )
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return CpuComparison(tuple(job.numbers), python, tuple(rows))
