"""The pictures: the panels and bars a reader looks for, found in the figure objects."""

from __future__ import annotations

from pathlib import Path

from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from speedlab.bench import (
    memory_figure,
    save_figure,
    speedup_figure,
    spinner_figure,
    timeline_figure,
)
from tests.bench import _fixtures


def bars(axes) -> list[Rectangle]:  # type: ignore[no-untyped-def]
    """The bars drawn by bar()/barh() (not the shaded spans)."""
    return [p for c in axes.containers if isinstance(c, BarContainer) for p in c.patches]


def test_the_timeline_has_a_panel_per_model_that_ran_and_a_bar_per_unit() -> None:
    figure = timeline_figure(_fixtures.io_job())
    axes = figure.axes
    assert [a.get_title(loc="left").split(":")[0] for a in axes] == [
        "sequential",
        "threads",
        "asyncio",
    ]
    assert [len(bars(a)) for a in axes] == [4, 4, 4]
    staircase = sorted((b.get_x(), b.get_width()) for b in bars(axes[0]))
    assert staircase == [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (3.0, 1.0)]
    wave = {b.get_x() for b in bars(axes[2])}
    assert wave == {0.0}
    assert {b.get_x() for b in bars(axes[1])} == {0.0, 1.0}  # two bands of two
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[2])
    assert "seconds since the run started" in axes[-1].get_xlabel()
    labels = [t.get_text() for t in axes[0].get_yticklabels()]
    assert labels == ["search", "torch", "<b>ML</b>", "deep"]
    assert "failed" in [t.get_text() for t in figure.legends[0].get_texts()]  # threads' unit 3


def test_bars_take_the_worker_s_colour() -> None:
    figure = timeline_figure(_fixtures.io_job())
    colours = {b.get_facecolor() for b in bars(figure.axes[2])}
    assert len(colours) == 4  # four asyncio tasks, four colours


def test_the_speedup_chart_has_a_panel_per_job_and_a_bar_per_model() -> None:
    figure = speedup_figure([_fixtures.io_job(), _fixtures.cpu_job()], cores=2)
    io, cpu = figure.axes
    assert [len(bars(io)), len(bars(cpu))] == [3, 3]  # dask has no speedup
    assert sorted(round(b.get_width(), 3) for b in bars(cpu)) == [1.0, 1.0, 2.0]
    assert [t.get_text() for t in cpu.get_yticklabels()] == ["sequential", "threads", "processes"]
    assert "2x: one per core" in [t.get_text() for t in cpu.get_legend().get_texts()]
    assert "speedup over sequential" in cpu.get_xlabel()


def steady_title(figure: Figure) -> str:
    return str(figure.axes[0].get_title(loc="left"))


def test_the_spinner_chart_has_a_panel_per_run_and_a_bar_per_gap() -> None:
    bench = _fixtures.spinner()
    figure = spinner_figure(bench)
    assert len(figure.axes) == len(bench.runs) == 6
    frozen = figure.axes[1]  # asyncio, is_prime: the second column of the first row
    assert frozen.get_title(loc="left").startswith("asyncio, is_prime(97): 1 frame,")
    assert "5 frames," in steady_title(figure)
    assert [round(b.get_height(), 2) for b in bars(frozen)] == [0.0, 1.0]
    steady = figure.axes[0]
    assert len(bars(steady)) == 6
    assert steady.get_ylabel() == "gap (s)"


def test_the_memory_chart_stacks_every_process_and_times_each_way() -> None:
    figure = memory_figure(_fixtures.memory())
    memory, timing = figure.axes
    assert len(bars(memory)) == 1 + 3 + 4  # one segment per process
    assert [t.get_text() for t in memory.get_yticklabels()] == ["threads", "fork", "spawn"]
    assert len(bars(timing)) == 6  # start and send, per way
    assert "milliseconds" in timing.get_xlabel()


def test_pictures_are_written_as_png_and_svg(tmp_path: Path) -> None:
    png, svg = save_figure(timeline_figure(_fixtures.cpu_job()), tmp_path / "cpu")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert text.startswith("<?xml")
    assert "<svg" in text
    again = save_figure(timeline_figure(_fixtures.cpu_job()), tmp_path / "again")[1]
    assert again.read_text() == text  # reproducible: no date, a fixed hash salt
