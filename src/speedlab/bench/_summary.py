"""From runs to the figures a table shows: median, spread, speedup, and what the run did.

Each model's runs come down to one :class:`ModelSummary`: the median wall time and its
min-max, the speedup over the sequential model (median over median; the range pairs the
extremes), the ratio to the best model, throughput, CPU time, and the memory of the model's
own processes. Two measured figures say *why* a model was fast or slow, without knowing
which model it is:

* ``in_flight``: the units' busy time summed over the wall time, so how many units were in
  progress at once on average (8 for 8 overlapping waits, 1 for one at a time);
* ``cores_busy``: CPU seconds over wall seconds, so how many cores worked at once on average
  (1.0 for one thread computing; 1.9 for two processes on two cores; 0.05 for waiting).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from speedlab.bench._harness import JobBench, Measured, ModelRuns

__all__ = ["MIN_LOAD_WALL", "ModelSummary", "baseline", "median_run", "summarize"]

#: Runs shorter than this (seconds) say nothing about other programs' CPU: the kernel counts
#: CPU time in 10 ms ticks, too coarse for a tenth of a second.
MIN_LOAD_WALL = 0.5


@dataclass(frozen=True)
class ModelSummary:
    """One model's runs of one job, reduced to what a table and a takeaway need.

    Attributes:
        model: The model's name.
        family: Its family (``"sequential"`` marks the baseline).
        runs: How many runs were measured.
        error: Why it could not run the job (then every figure is None or 0).
        median, low, high: Wall seconds: the median run, the fastest, the slowest.
        speedup: Baseline median over this median (None without a baseline).
        speedup_low, speedup_high: The speedup's range (baseline median over high and low).
        vs_best: This median over the best model's median (1.0 for the best).
        per_second: Units done per second, at the median.
        cpu_seconds: CPU seconds of the median run (workers' included).
        memory_bytes: Median over the runs of the peak memory of the model's processes.
        processes: The most processes the model's runs had alive at once.
        workers: Distinct workers that ran a unit in the median run.
        in_flight: Units in progress at once, on average, in the median run.
        cores_busy: Cores working at once, on average, in the median run.
        others_busy: Cores other programs kept busy meanwhile, on average (0 if unknown).
        failures: The most units that failed in one run.
    """

    model: str
    family: str
    runs: int
    error: str | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None
    speedup: float | None = None
    speedup_low: float | None = None
    speedup_high: float | None = None
    vs_best: float | None = None
    per_second: float | None = None
    cpu_seconds: float | None = None
    memory_bytes: int | None = None
    processes: int = 0
    workers: int = 0
    in_flight: float = 0.0
    cores_busy: float = 0.0
    others_busy: float = 0.0
    failures: int = 0


def median_run(runs: ModelRuns) -> Measured | None:
    """The run whose wall time is the median (the lower one of an even count), or None."""
    if not runs.runs:
        return None
    ordered = sorted(runs.runs, key=lambda m: m.result.wall_seconds)
    return ordered[(len(ordered) - 1) // 2]


def baseline(job: JobBench) -> ModelRuns | None:
    """The sequential model's runs (the family, not a name), if it ran."""
    return next((m for m in job.models if m.family == "sequential" and m.runs), None)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom <= 0:
        return None
    return top / bottom


def _one(runs: ModelRuns, base: float | None) -> ModelSummary:
    middle = median_run(runs)
    if middle is None:
        return ModelSummary(runs.model, runs.family, 0, runs.error or "no run finished")
    result = middle.result
    failed = [r for r in result.records if r.status == "failed"]
    if failed and not any(r.status == "done" for r in result.records):
        # Nothing was done: a time, a speed-up or a ranking would only measure the failing.
        reason = f"every unit failed: {failed[0].detail or 'no reason given'}"
        return ModelSummary(runs.model, runs.family, 0, reason, failures=len(failed))
    walls = [m.result.wall_seconds for m in runs.runs]
    median = float(statistics.median(walls))
    wall = result.wall_seconds
    busy = sum(r.seconds for r in result.records if r.status != "skipped")
    done = sum(1 for r in result.records if r.status == "done")
    others = 0.0
    if middle.machine_cpu_seconds is not None and wall >= MIN_LOAD_WALL:
        others = max(0.0, (middle.machine_cpu_seconds - result.cpu_seconds) / wall)
    return ModelSummary(
        model=runs.model,
        family=runs.family,
        runs=len(runs.runs),
        error=runs.error,
        median=median,
        low=min(walls),
        high=max(walls),
        speedup=_ratio(base, median),
        speedup_low=_ratio(base, max(walls)),
        speedup_high=_ratio(base, min(walls)),
        per_second=_ratio(float(done), median),
        cpu_seconds=result.cpu_seconds,
        memory_bytes=int(statistics.median(m.memory.peak_rss_bytes for m in runs.runs)),
        processes=max(m.memory.peak_processes for m in runs.runs),
        workers=len(result.workers),
        in_flight=busy / wall if wall > 0 else 0.0,
        cores_busy=result.cpu_seconds / wall if wall > 0 else 0.0,
        others_busy=others,
        failures=max(m.result.failures for m in runs.runs),
    )


def summarize(job: JobBench) -> tuple[ModelSummary, ...]:
    """One summary per model of ``job``, in the job's order, with ratios filled in."""
    base_runs = baseline(job)
    base: float | None = None
    if base_runs is not None:
        base = float(statistics.median(m.result.wall_seconds for m in base_runs.runs))
    summaries = [_one(m, base) for m in job.models]
    medians: Sequence[float] = [s.median for s in summaries if s.median is not None]
    best = min(medians) if medians else None
    return tuple(
        s if s.median is None else replace(s, vs_best=_ratio(s.median, best)) for s in summaries
    )
