"""The timeline picture: one horizontal bar per unit, one panel per model, one time axis.

It shows what the tables can only summarise: the **staircase** of the sequential model (each
unit starts when the previous ends), the **bands** of a pool (as many bars at once as there
are workers, then the next band), the **single wave** of asyncio (every unit starts at once),
and on CPU-bound work the long, overlapping bars of threads that take turns on the GIL. The
bar's colour is the worker that ran it, so a pool's workers can be told apart.

Figures are built with matplotlib's object API (``Figure``, no ``pyplot``: no global state,
safe in any thread) and the Agg canvas, so no display is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab.bench._harness import JobBench
from speedlab.bench._summary import median_run

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FAILED_COLOUR", "MAX_LABELLED_UNITS", "timeline_figure"]

#: Units above this many get no tick label each (the labels would overlap).
MAX_LABELLED_UNITS = 24
#: Bars of failed units are drawn in this colour, hatched.
FAILED_COLOUR = "#d62728"
# Inches: the figure's width, each bar's height at most, a panel's fixed part (title,
# margins), and the tallest figure (many units get thinner bars instead of a taller page).
_WIDTH = 10.0
_BAR = 0.2
_PANEL = 0.75
_MAX_HEIGHT = 16.0


def _colours(count: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    palette = colormaps["tab20" if count > 10 else "tab10"]
    return [palette(i % palette.N) for i in range(max(count, 1))]


def timeline_figure(job: JobBench) -> Figure:
    """Draw ``job``'s timelines: a panel per model that ran (its median run), bars per unit.

    Returns:
        The Figure; axes ``i`` is the ``i``-th model that ran, with one bar (a Rectangle
        patch) per unit that started, and its title beginning with the model's name.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    panels = [(m.model, run) for m in job.models if (run := median_run(m)) is not None]
    units = max((len(r.result.records) for _, r in panels), default=1)
    bar = min(_BAR, max(_MAX_HEIGHT / max(len(panels), 1) - _PANEL, 0.5) / max(units, 1))
    height = len(panels) * (_PANEL + bar * units) + 1.2
    figure = Figure(figsize=(_WIDTH, max(height, 3.0)), layout="constrained")
    if not panels:
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.set_title(f"{job.title}: no model ran")
        return figure
    grid = figure.subplots(
        len(panels),
        1,
        sharex=True,
        squeeze=False,
        height_ratios=[max(len(r.result.records), 1) + 2 for _, r in panels],
    )
    failed_any = False
    for axes, (model, measured) in zip(grid[:, 0], panels, strict=True):
        result = measured.result
        records = [r for r in result.records if r.status != "skipped"]
        workers = list(dict.fromkeys(r.worker for r in records))
        colour = dict(zip(workers, _colours(len(workers)), strict=True))
        for row, record in enumerate(records):
            failed = record.status == "failed"
            failed_any |= failed
            axes.barh(
                row,
                max(record.seconds, 0.0),
                left=record.start,
                height=0.8,
                color=FAILED_COLOUR if failed else colour[record.worker],
                edgecolor="black" if failed else "none",
                hatch="//" if failed else None,
                linewidth=0.6,
            )
        axes.axvline(result.wall_seconds, color="0.3", linestyle="--", linewidth=1)
        axes.set_ylim(len(records) - 0.4, -0.6)  # the first unit on top
        if len(records) <= MAX_LABELLED_UNITS:
            axes.set_yticks(range(len(records)), [r.key for r in records], fontsize=7)
        else:
            axes.set_yticks([])
        axes.set_ylabel(job.noun, fontsize=8)
        axes.grid(axis="x", color="0.9", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.set_title(
            f"{model}: {result.wall_seconds:.2f} s, {len(workers)} "
            f"worker{'s' if len(workers) != 1 else ''} (bar colour = worker)",
            loc="left",
            fontsize=9,
        )
    last = grid[-1, 0]
    last.set_xlabel("seconds since the run started (dashed line: the run's end)")
    last.set_xlim(left=0)
    if failed_any:
        figure.legend(
            handles=[Patch(facecolor=FAILED_COLOUR, hatch="//", edgecolor="black", label="failed")],
            loc="upper right",
        )
    figure.suptitle(
        f"{job.title}\none bar per unit, from its start to its end (median run)", fontsize=11
    )
    return figure
