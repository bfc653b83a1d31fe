"""One ``speedlab bench`` invocation: which benches to run, at which sizes, into one report.

``io`` and ``cpu`` are the lecture's two jobs under every model; ``spinner`` its loading
spinner beside a sleep and beside ``is_prime``; ``memory`` its heavy-list question; ``all``
is the four of them; ``custom`` is the user's own function. ``--quick`` picks sizes that end
``all`` in about a minute on a 2-core machine; the defaults take a few minutes and give
steadier figures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speedlab._exceptions import UsageError
from speedlab.bench._custom import bench_custom
from speedlab.bench._harness import BenchProgress, JobBench, Workload, bench_workload
from speedlab.bench._memory import available_ways, bench_memory
from speedlab.bench._results import BenchReport, describe_machine
from speedlab.bench._spinner import bench_spinner, spinner_variants
from speedlab.bench._workloads import FULL_PRIMES, QUICK_PRIMES, CpuWorkload, IoWorkload
from speedlab.models import MODELS, StopSignal, models_for
from speedlab.models._registry import WORKLOADS

__all__ = [
    "DEFAULT_REPEAT",
    "WHATS",
    "BenchOptions",
    "planned_runs",
    "run_bench",
]

#: What ``speedlab bench`` can run.
WHATS = ("io", "cpu", "spinner", "memory", "all", "custom")
#: Runs per model without ``--repeat`` (``--quick``: one).
DEFAULT_REPEAT = 3

# Sizes: (quick, full). The I/O job's latency is GitHub's order of magnitude, scaled down.
_KEYWORDS = (8, 32)
_LATENCY = (0.1, 0.3)
_JITTER = (0.05, 0.3)
_LIST_SIZE = (500_000, 2_000_000)
_LIST_WORKERS = (2, 4)


@dataclass(frozen=True)
class BenchOptions:
    """What to run and how big; every field has the CLI option of the same name.

    Raises:
        UsageError: An unknown ``what``, ``custom`` without ``fn`` and ``inputs``, or
            ``fn``/``inputs`` with anything else.
    """

    what: str
    models: tuple[str, ...] = ()
    repeat: int | None = None
    quick: bool = False
    size: int | None = None
    workers: int | None = None
    fn: str | None = None
    inputs: Path | None = None
    concurrency: int | None = None

    def __post_init__(self) -> None:
        if self.what not in WHATS:
            raise UsageError(f"unknown bench {self.what!r}; choose from {', '.join(WHATS)}")
        if self.what == "custom" and (self.fn is None or self.inputs is None):
            raise UsageError(
                "speedlab bench custom needs --fn package.module:function and --inputs FILE"
            )
        if self.what != "custom" and (self.fn is not None or self.inputs is not None):
            raise UsageError("--fn and --inputs go with speedlab bench custom")
        if self.repeat is not None and self.repeat < 1:
            raise UsageError(f"--repeat must be at least 1, not {self.repeat}")

    def models_for(self, workload: str) -> tuple[str, ...]:
        """The models to run ``workload`` under: those asked for, else those the registry
        offers for it (``io``: the ones that overlap waits; ``cpu``: those that compute;
        ``custom``: every model, since a user's function may do either)."""
        if self.models:
            return self.models
        if workload in WORKLOADS:
            return models_for(workload)
        return tuple(MODELS)

    def runs(self) -> set[str]:
        """The benches this invocation runs."""
        return {"io", "cpu", "spinner", "memory"} if self.what == "all" else {self.what}

    @property
    def repeats(self) -> int:
        """Runs per model: ``--repeat``, else 1 with ``--quick`` and 3 without."""
        if self.repeat is not None:
            return self.repeat
        return 1 if self.quick else DEFAULT_REPEAT

    def pick(self, sizes: tuple[Any, Any]) -> Any:
        """The quick or the full one of a (quick, full) pair."""
        return sizes[0] if self.quick else sizes[1]


def planned_runs(options: BenchOptions) -> int:
    """How many measured runs ``options`` asks for (a progress bar's total)."""
    chosen = options.runs()
    total = sum(
        len(options.models_for(w)) * options.repeats for w in ("io", "cpu", "custom") if w in chosen
    )
    if "spinner" in chosen:
        total += 2 * len(spinner_variants())
    if "memory" in chosen:
        total += len(available_ways())
    return total


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def run_bench(
    options: BenchOptions,
    *,
    command: str,
    progress: BenchProgress | None = None,
    stop: StopSignal | None = None,
) -> BenchReport:
    """Run what ``options`` asks for and return the report (nothing is written here).

    Args:
        options: What to run.
        command: The command line, kept in the report so that it can be run again.
        progress: Told about each measured run.
        stop: When set, the run in progress ends early and no other starts.

    Raises:
        UsageError: Bad options, or ``spinner`` asked for in a build without the spinner.
        FunctionFailed: ``custom``: the user's function raised.
    """
    chosen = options.runs()
    environment = describe_machine()
    load_before = _load()
    settings: dict[str, Any] = {
        "what": options.what,
        "quick": options.quick,
        "repeat": options.repeats,
        "models": list(options.models),  # empty: each job's models from the registry
        "concurrency": options.concurrency,
    }
    notes: list[str] = []
    jobs: list[JobBench] = []
    workloads: list[Workload] = []
    if "io" in chosen:
        workloads.append(
            IoWorkload(
                keywords=options.pick(_KEYWORDS),
                latency=options.pick(_LATENCY),
                jitter=options.pick(_JITTER),
            )
        )
    if "cpu" in chosen:
        workloads.append(CpuWorkload(options.pick((QUICK_PRIMES, FULL_PRIMES))))
    for workload in workloads:
        jobs.append(
            bench_workload(
                workload,
                options.models_for(workload.name),
                repeat=options.repeats,
                concurrency=options.concurrency,
                progress=progress,
                stop=stop,
            )
        )
    if "custom" in chosen and options.fn is not None and options.inputs is not None:
        jobs.append(
            bench_custom(
                options.fn,
                options.inputs,
                options.models_for("custom"),
                repeat=options.repeats,
                concurrency=options.concurrency,
                progress=progress,
                stop=stop,
            )
        )
    spinner = None
    if "spinner" in chosen:
        spinner = bench_spinner(quick=options.quick, progress=progress, stop=stop)
    memory = None
    if "memory" in chosen:
        memory = bench_memory(
            size=options.size or options.pick(_LIST_SIZE),
            workers=options.workers or options.pick(_LIST_WORKERS),
            progress=progress,
            stop=stop,
        )
    load_after = _load()
    cores = os.cpu_count() or 1
    settings["load_average"] = [load_before, load_after]
    busiest = max((x for x in (load_before, load_after) if x is not None), default=0.0)
    if busiest > cores:
        notes.append(
            f"the machine was busy (load average {busiest:.1f} on {cores} cores): other programs "
            "took CPU time, so timings are noisy; run again on a quieter machine"
        )
    settings["notes"] = notes
    return BenchReport(environment, command, settings, tuple(jobs), spinner, memory)
