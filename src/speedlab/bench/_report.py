"""Write a bench's report folder: results.json, the pictures, tables.md and index.html.

Everything is drawn from a :class:`~speedlab.bench.BenchReport` alone (what
:func:`~speedlab.bench.load_report` returns too), so a report can be redrawn from its JSON.

    out/
      results.json          the raw runs, the machine, the command
      io-timeline.png/.svg  one per job (io, cpu, custom)
      speedups.png/.svg     every job's speedups
      spinner-gaps.png/.svg the spinner's frame gaps
      memory.png/.svg       the heavy list under threads, fork, forkserver, spawn
      tables.md             every table in Markdown (the docs quote them)
      index.html            tables and pictures together
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from speedlab._exceptions import UsageError
from speedlab.bench._charts import memory_figure, speedup_figure, spinner_figure
from speedlab.bench._explain import verdict
from speedlab.bench._html import Picture, Section, render_page
from speedlab.bench._results import BenchReport, machine_line
from speedlab.bench._summary import summarize
from speedlab.bench._tables import (
    Table,
    job_table,
    memory_table,
    spinner_table,
    to_html,
    to_markdown,
)
from speedlab.bench._timeline import timeline_figure
from speedlab.jobs._output import save_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PNG_DPI", "ReportFiles", "cores_of", "prepare_out", "save_figure", "write_report"]

#: Resolution of the PNG pictures: sharp on a laptop screen, a few hundred KB each.
PNG_DPI = 110


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote, by kind."""

    results: Path
    index: Path
    markdown: Path
    pictures: tuple[Path, ...]


def prepare_out(out: Path) -> Path:
    """Create the report folder if needed and check it can be written to.

    Raises:
        UsageError: ``out`` exists and is not a folder, or cannot be created or written.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --out {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write into --out {out}")
    return out


def save_figure(figure: Figure, base: Path) -> tuple[Path, Path]:
    """Save ``figure`` as ``base.png`` and ``base.svg`` (the SVG reproducible byte for byte).

    Returns:
        The two paths.
    """
    import matplotlib

    png, svg = base.with_suffix(".png"), base.with_suffix(".svg")
    drawn = io.BytesIO()
    figure.savefig(drawn, format="png", dpi=PNG_DPI, metadata={"Software": None})
    save_atomic(png.parent, png.name, drawn.getvalue())
    drawn = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "speedlab", "svg.fonttype": "path"}):
        figure.savefig(drawn, format="svg", metadata={"Date": None, "Creator": None})
    save_atomic(svg.parent, svg.name, drawn.getvalue())
    return png, svg


def cores_of(environment: Mapping[str, Any]) -> int:
    """The machine's logical cores from a results environment (1 if unknown)."""
    cores = (environment.get("machine") or {}).get("cores_logical")
    return int(cores) if isinstance(cores, int) and cores > 0 else 1


def _picture(
    out: Path, name: str, figure: Figure, alt: str, caption: str
) -> tuple[Picture, list[Path]]:
    png, svg = save_figure(figure, out / name)
    return Picture(png.name, svg.name, alt, caption), [png, svg]


def write_report(report: BenchReport, out: Path) -> ReportFiles:
    """Write results.json, every picture, tables.md and index.html into ``out``.

    Args:
        report: What was measured.
        out: The folder (created if missing).

    Returns:
        The files written.

    Raises:
        UsageError: ``out`` cannot be used.
    """
    prepare_out(out)
    cores = cores_of(report.environment)
    results = out / "results.json"
    report.save(results)
    sections: list[Section] = []
    tables: list[Table] = []
    written: list[Path] = []
    timed = [job for job in report.jobs if any(m.runs for m in job.models)]
    for job in report.jobs:
        table = job_table(job, cores=cores)
        tables.append(table)
        picture, files = _picture(
            out,
            f"{job.name}-timeline",
            timeline_figure(job),
            f"Timeline of {job.title}, one panel per model",
            "One bar per unit from its start to its end, one panel per model, on one time axis: "
            "a staircase is one unit at a time, bands are a pool's workers, a single wave is "
            "every unit at once.",
        )
        written += files
        sections.append(
            Section(
                anchor=job.name,
                heading=job.title,
                verdict=verdict(summarize(job), cores=cores, noun=job.noun),
                tables=(to_html(table, table_id=f"{job.name}-table"),),
                pictures=(picture,),
            )
        )
    if timed:
        picture, files = _picture(
            out,
            "speedups",
            speedup_figure(timed, cores=cores),
            "Speedup of every model over sequential, per job",
            "Median speedup over the sequential model, min-max as error bars.",
        )
        written += files
        sections.append(Section("speedups", "Speedups", pictures=(picture,)))
    extras: list[tuple[str, str, Table, Figure, str, str]] = []
    if report.spinner is not None:
        extras.append(
            (
                "spinner",
                "The spinner: what if the slow function is is_prime?",
                spinner_table(report.spinner),
                spinner_figure(report.spinner),
                "Gaps between the spinner's frames, per spinner and kind of work",
                "Each bar is the wait before a frame, as wide as it is tall; the shaded band is "
                "the slow function running. A frozen spinner is one tall block.",
            )
        )
    if report.memory is not None:
        extras.append(
            (
                "memory",
                "A heavy list: threads or processes?",
                memory_table(report.memory),
                memory_figure(report.memory),
                "Memory of every process and the time to start and feed a worker, per way",
                "Left: PSS of every process (shared pages split between their users), stacked: "
                "the real total. Right: milliseconds to start one worker and to send it the list.",
            )
        )
    for anchor, heading, table, figure, alt, caption in extras:
        tables.append(table)
        name = "spinner-gaps" if anchor == "spinner" else anchor
        picture, files = _picture(out, name, figure, alt, caption)
        written += files
        sections.append(
            Section(
                anchor,
                heading,
                tables=(to_html(table, table_id=f"{anchor}-table"),),
                pictures=(picture,),
            )
        )
    markdown = out / "tables.md"
    machine = machine_line(report.environment)
    text = f"Measured on {machine}.\n\n`{report.command}`\n\n" + "\n".join(
        to_markdown(t) for t in tables
    )
    save_atomic(out, markdown.name, text.encode("utf-8"))
    index = out / "index.html"
    page = render_page(
        title="speedlab bench",
        machine=machine,
        command=report.command,
        sections=sections,
        notes=tuple(report.settings.get("notes", ())),
    )
    save_atomic(out, index.name, page.encode("utf-8"))
    return ReportFiles(results, index, markdown, tuple(written))
