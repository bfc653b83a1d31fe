"""Why a model won or lost, in one line, from what its run measured.

No model is named in these rules: they read the measured figures of a
:class:`~speedlab.bench.ModelSummary` (speedup, units in flight, cores busy, processes, and
the CPU other programs took meanwhile), so a model added to the registry is explained like
the others. First the job's nature, from the sequential run: if its CPU was busy for most of
the time it could get, the job **computes**; otherwise it mostly **waits**. Then:

* a speedup with more than one core busy: the work ran **in parallel on several cores**;
* a speedup on a waiting job: many units in flight, their **waits overlapped**;
* no gain, many units in flight, one core busy, one process: they **took turns on the GIL**;
* no gain, one unit in flight at a time: the work **never let another start** (CPU work on
  an event loop);
* slower than sequential with several processes: **start-up and transfers** cost more than
  the overlap saved.

    >>> from speedlab.bench._summary import ModelSummary
    >>> s = ModelSummary("x", "executor", 1, median=1.0, speedup=1.0, in_flight=8.0,
    ...                  cores_busy=1.0, processes=1)
    >>> print(takeaway(s, cores=2, noun="numbers"))   # doctest: +NORMALIZE_WHITESPACE
    no gain (1.0x): 8.0 numbers in flight but 1.0 core busy in one process: they took
    turns on the GIL, which lets one thread run Python at a time
"""

from __future__ import annotations

from collections.abc import Sequence

from speedlab.bench._summary import ModelSummary

__all__ = ["GAIN", "LOSS", "PARALLEL", "WAITING", "computes", "fastest", "takeaway", "verdict"]

#: A speedup at least this large is a gain; below ``LOSS`` it is a loss; between, no change.
GAIN = 1.25
LOSS = 0.8
#: More than this many cores busy on average means the work ran in parallel.
PARALLEL = 1.3
#: A job whose sequential run kept the CPU it could get busy less than this share waits.
WAITING = 0.5
#: Other programs busy on more than this many cores are worth a mention.
NOTICEABLE = 0.5


def fastest(summaries: Sequence[ModelSummary]) -> ModelSummary | None:
    """The model with the lowest median wall time among those that ran without failures."""
    ran = [s for s in summaries if s.median is not None and not s.failures]
    return min(ran, key=lambda s: s.median or 0.0) if ran else None


def _share(summary: ModelSummary, cores: int) -> float:
    """How busy one thread kept the CPU it could get (other programs took the rest)."""
    available = min(1.0, max(cores - summary.others_busy, 0.1))
    return summary.cores_busy / available


def computes(baseline: ModelSummary | None, cores: int) -> bool | None:
    """True if the sequential run mostly computed, False if it mostly waited, None: unknown."""
    if baseline is None or baseline.median is None:
        return None
    return _share(baseline, cores) >= WAITING


def _others(summary: ModelSummary, cores: int) -> str:
    if summary.others_busy < NOTICEABLE:
        return ""
    return f" (other programs kept {summary.others_busy:.1f} of {cores} cores busy meanwhile)"


def _baseline_line(summary: ModelSummary, cores: int, noun: str) -> str:
    share = _share(summary, cores)
    if share < WAITING:
        what = "mostly waiting, so overlapping the waits can help"
    else:
        what = "mostly computing, so only more cores can help"
    return (
        f"the baseline: one of the {noun} at a time; it kept the CPU busy {min(share, 1.0):.0%} "
        f"of the time it could get: {what}{_others(summary, cores)}"
    )


def _gain(summary: ModelSummary, cores: int, noun: str, computing: bool | None) -> str:
    if summary.cores_busy >= PARALLEL:
        return (
            f"computed on {summary.cores_busy:.1f} cores at once ({cores} on this machine, "
            f"{summary.processes} processes)"
        )
    if computing:
        return (
            f"yet only {summary.cores_busy:.1f} core was busy on work that computes: the "
            f"sequential run was slowed by other programs{_others(summary, cores)}"
        )
    return (
        f"{summary.in_flight:.1f} {noun} in flight at once ({summary.workers} workers): "
        "their waits overlapped"
    )


def _no_gain(summary: ModelSummary, cores: int, noun: str) -> str:
    if summary.processes > 1 and summary.in_flight < PARALLEL:
        # Work on several processes, yet little of the run had any in flight: the rest of
        # the time went to starting them (a cluster's scheduler and workers) and to sending.
        return (
            f"only {summary.in_flight:.1f} {noun} in flight on average: starting "
            f"{summary.processes - 1} more processes and sending them the work took about "
            "as long as the parallel work saved"
        )
    if summary.in_flight < PARALLEL:
        return (
            f"one of the {noun} at a time ({summary.in_flight:.1f} in flight): the work never "
            "paused, so nothing else could start (CPU work blocks an event loop)"
        )
    busy = f"{summary.in_flight:.1f} {noun} in flight but {summary.cores_busy:.1f} core busy"
    if summary.processes <= 1 and cores > 1:
        return (
            f"{busy} in one process: they took turns on the GIL, which lets one thread "
            "run Python at a time"
        )
    if cores <= 1:
        return f"{busy}: this machine has one core"
    return f"{busy}: other programs kept {summary.others_busy:.1f} of {cores} cores busy"


def takeaway(
    summary: ModelSummary,
    *,
    cores: int,
    noun: str = "units",
    best: str | None = None,
    baseline: ModelSummary | None = None,
) -> str:
    """Say in one line why ``summary``'s model won or lost.

    Args:
        summary: The model's figures.
        cores: CPU cores of the machine.
        noun: What a unit is called ("searches").
        best: The fastest model's name, if known (it is called the fastest).
        baseline: The sequential model's figures, which tell whether the job computes.

    Returns:
        One line, without the model's name.
    """
    if summary.median is None:
        return f"could not run: {summary.error}"
    if summary.family == "sequential":
        return _baseline_line(summary, cores, noun)
    gained = summary.speedup is None or summary.speedup >= GAIN
    lead = "fastest, " if summary.model == best and gained else ""
    computing = computes(baseline, cores)
    if summary.speedup is None:
        return lead + _gain(summary, cores, noun, computing)
    speed = f"{summary.speedup:.1f}x"
    if summary.speedup >= GAIN:
        line = f"{lead}{speed}: {_gain(summary, cores, noun, computing)}"
    elif summary.speedup >= LOSS:
        line = f"{lead}no gain ({speed}): {_no_gain(summary, cores, noun)}"
    elif summary.processes > 1:
        line = (
            f"slower ({speed}): starting {summary.processes - 1} more processes and sending "
            f"them the work cost more than the overlap saved{_others(summary, cores)}"
        )
    else:
        line = f"slower ({speed}): {_no_gain(summary, cores, noun)}"
    if summary.failures:
        line += f"; {summary.failures} {noun} failed"
    return line


def verdict(summaries: Sequence[ModelSummary], *, cores: int, noun: str = "units") -> str:
    """Say which model was fastest and why, in one line."""
    best = fastest(summaries)
    if best is None:
        return "no model finished without failures"
    base = next((s for s in summaries if s.family == "sequential"), None)
    why = takeaway(best, cores=cores, noun=noun, baseline=base)
    if best.speedup is not None and best.speedup < GAIN:
        return f"no model beat sequential by {GAIN - 1:.0%} or more; closest: {best.model}, {why}"
    return f"fastest: {best.model}, {why}"
