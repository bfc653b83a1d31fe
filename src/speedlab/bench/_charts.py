"""The other pictures: speedups per job, the spinner's frame gaps, the heavy list's memory.

* :func:`speedup_figure`: a panel per job, a bar per model, the median speedup over
  sequential with its min-max as an error bar; a line at 1x (sequential) and, for CPU-bound
  work, at the number of cores (the most parallel work can gain).
* :func:`spinner_figure`: a panel per spinner and kind of work; each gap between two frames
  is a bar as wide as the gap and as tall as it, over the time the work ran (shaded). A
  healthy spinner is a row of small squares at the target gap; a frozen one is one tall block.
* :func:`memory_figure`: per way of sharing the list, the memory of every process stacked
  (PSS: shared pages split between their users, so the stack is the real total), and the
  time to start a worker and to send it the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from speedlab._text import plural
from speedlab.bench._harness import JobBench
from speedlab.bench._memory import MB, MemoryBench
from speedlab.bench._spinner import SpinnerBench
from speedlab.bench._summary import summarize

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["memory_figure", "speedup_figure", "spinner_figure"]

_ROLE_COLOURS = {"main": "#1f77b4", "worker": "#ff7f0e", "helper": "#7f7f7f"}


def speedup_figure(jobs: Sequence[JobBench], *, cores: int) -> Figure:
    """Draw the speedups: a panel per job, a horizontal bar per model that ran.

    Returns:
        The Figure; axes ``i`` is ``jobs[i]``, with one bar (Rectangle) per model that has a
        speedup.
    """
    from matplotlib.figure import Figure

    height = sum(0.45 * max(len(j.models), 1) + 1.0 for j in jobs) + 0.8
    figure = Figure(figsize=(9.0, max(height, 3.0)), layout="constrained")
    grid = figure.subplots(max(len(jobs), 1), 1, squeeze=False)
    for axes, job in zip(grid[:, 0], jobs, strict=False):
        rows = [s for s in summarize(job) if s.speedup is not None]
        names = [s.model for s in rows]
        values = [s.speedup or 0.0 for s in rows]
        spread = [
            [v - (s.speedup_low or v) for v, s in zip(values, rows, strict=True)],
            [(s.speedup_high or v) - v for v, s in zip(values, rows, strict=True)],
        ]
        axes.barh(names, values, xerr=spread, color="#4c72b0", capsize=3, height=0.6)
        for y, (value, summary) in enumerate(zip(values, rows, strict=True)):
            # Beyond the error bar's cap, so that the label never sits on it.
            axes.annotate(
                f"{value:.1f}x",
                (max(value, summary.speedup_high or value), y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        axes.invert_yaxis()
        axes.axvline(1.0, color="0.2", linewidth=1, label="1x: as fast as sequential")
        if job.name == "cpu":
            axes.axvline(
                cores, color="#c44e52", linestyle="--", linewidth=1, label=f"{cores}x: one per core"
            )
        axes.set_xlim(0, max([*values, float(cores), 1.0]) * 1.25)
        axes.set_title(job.title, loc="left", fontsize=9)
        axes.legend(loc="upper right", fontsize=7)
        axes.grid(axis="x", color="0.9")
        axes.set_axisbelow(True)
        if not rows:
            axes.text(
                0.5, 0.5, "no sequential run: no speedup", transform=axes.transAxes, ha="center"
            )
    grid[-1, 0].set_xlabel("speedup over sequential (median of the runs; bars: min-max)")
    figure.suptitle("How much faster than one unit at a time", fontsize=11)
    return figure


def _gap_panel(axes: Axes, run: object, shared_max: float) -> None:
    from speedlab.bench._spinner import SpinnerRun

    assert isinstance(run, SpinnerRun)
    axes.axvspan(run.work_started, run.work_ended, color="0.92", label="the work runs")
    starts = (0.0, *run.frame_times)
    axes.bar(
        starts[: len(run.gaps)],
        run.gaps,
        width=run.gaps,
        align="edge",
        color="#55a868",
        edgecolor="white",
        linewidth=0.5,
        label="gap before a frame",
    )
    target = 1.0 / run.target_fps
    axes.axhline(
        target, color="#c44e52", linestyle="--", linewidth=1, label=f"target gap {target:.2f} s"
    )
    axes.set_ylim(0, shared_max * 1.15)
    axes.set_title(
        f"{run.name}, {run.work}: {plural(run.frames, 'frame')}, "
        f"longest gap {run.longest_gap:.2f} s",
        loc="left",
        fontsize=8,
    )
    axes.grid(axis="y", color="0.9")
    axes.set_axisbelow(True)


def spinner_figure(bench: SpinnerBench) -> Figure:
    """Draw every spinner run's gaps: a row per spinner, a column per kind of work.

    Returns:
        The Figure; one axes per run (row-major: spinners, then kinds), each with one bar
        per gap.
    """
    from matplotlib.figure import Figure

    names, kinds = bench.names(), bench.kinds()
    figure = Figure(figsize=(11.0, 1.9 * max(len(names), 1) + 1.2), layout="constrained")
    if not bench.runs:
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.set_title("no spinner run")
        return figure
    grid = figure.subplots(len(names), len(kinds), sharex=True, squeeze=False)
    tallest = max(max(r.gaps, default=0.0) for r in bench.runs)
    by_place = {(r.name, r.kind): r for r in bench.runs}
    for i, name in enumerate(names):
        for j, kind in enumerate(kinds):
            axes = grid[i, j]
            run = by_place.get((name, kind))
            if run is None:
                axes.set_axis_off()
                continue
            _gap_panel(axes, run, tallest)
            if j == 0:
                axes.set_ylabel("gap (s)", fontsize=8)
    for axes in grid[-1, :]:
        axes.set_xlabel("seconds since the spinner started")
    handles, labels = grid[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    figure.suptitle(
        "The spinner's frames: each bar is the wait before a frame (as wide as it is tall)",
        fontsize=11,
    )
    return figure


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def memory_figure(bench: MemoryBench) -> Figure:
    """Draw the heavy list's cost: memory per process (stacked) and start/send times per way.

    Returns:
        The Figure: axes 0 holds one bar segment per process (PSS), axes 1 two bars per way
        (start-up and sending, in milliseconds).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    ways = [r.how for r in bench.rows]
    figure = Figure(figsize=(11.0, 1.0 + 0.6 * max(len(ways), 1) + 1.0), layout="constrained")
    memory, timing = figure.subplots(1, 2, width_ratios=[3, 2])
    for row_index, row in enumerate(bench.rows):
        left = 0.0
        for process in row.processes:
            width = process.pss / MB
            memory.barh(
                row_index,
                width,
                left=left,
                height=0.6,
                color=_ROLE_COLOURS.get(process.role, "#8172b2"),
                edgecolor="white",
                linewidth=0.8,
            )
            left += width
        memory.annotate(
            f"{left:.0f} MB",
            (left, row_index),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    memory.set_yticks(range(len(ways)), ways)
    memory.invert_yaxis()
    memory.set_xlabel("memory after the workers read the list: PSS per process, MB")
    memory.set_title(
        f"{bench.size:,} ints, {bench.workers} workers: what every process holds",
        loc="left",
        fontsize=9,
    )
    memory.legend(
        handles=[Patch(color=c, label=role) for role, c in _ROLE_COLOURS.items()],
        loc="upper right",
        fontsize=8,
    )
    memory.set_xlim(0, max((r.total("pss") / MB for r in bench.rows), default=1.0) * 1.3)
    starts = [r.startup_seconds * 1000 for r in bench.rows]
    sends = [(r.send_seconds or 0.0) * 1000 for r in bench.rows]
    positions = range(len(ways))
    started = timing.barh(
        [p - 0.18 for p in positions], starts, height=0.36, color="#4c72b0", label="start a worker"
    )
    sent = timing.barh(
        [p + 0.18 for p in positions], sends, height=0.36, color="#dd8452", label="send it the list"
    )
    timing.bar_label(started, labels=[_ms(v) for v in starts], padding=3, fontsize=7)
    timing.bar_label(
        sent,
        labels=[
            "shared" if r.how == "threads" else "inherited" if r.send_seconds is None else _ms(v)
            for r, v in zip(bench.rows, sends, strict=True)
        ],
        padding=3,
        fontsize=7,
    )
    timing.set_xlim(0, max([*starts, *sends, 1.0]) * 8)
    timing.set_yticks(list(positions), ways)
    timing.invert_yaxis()
    timing.set_xscale("symlog", linthresh=1.0)
    timing.set_xlabel("milliseconds per worker (log scale above 1 ms)")
    timing.set_title("the price of a process", loc="left", fontsize=9)
    timing.legend(loc="upper right", fontsize=8)
    for axes in (memory, timing):
        axes.grid(axis="x", color="0.9")
        axes.set_axisbelow(True)
    figure.suptitle("A heavy list shared with threads, or sent to processes", fontsize=11)
    return figure
