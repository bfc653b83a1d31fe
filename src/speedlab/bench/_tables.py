"""Tables of a bench, built once and drawn three ways: rich (terminal), HTML, Markdown.

A :class:`Table` is plain text cells and a few notes (the takeaways, the conclusions), so
the terminal, ``index.html`` and the docs show the same figures from the same code. Text
is escaped by each renderer: HTML escapes ``<&>"``, Markdown escapes ``|`` and backslashes,
rich is given the cells as plain ``Text`` (no markup is interpreted).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from speedlab.bench._explain import fastest, takeaway
from speedlab.bench._harness import JobBench
from speedlab.bench._memory import MB, MemoryBench
from speedlab.bench._spinner import SpinnerBench
from speedlab.bench._summary import summarize

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "Table",
    "job_table",
    "memory_table",
    "spinner_table",
    "to_html",
    "to_markdown",
    "to_rich",
]


@dataclass(frozen=True)
class Table:
    """A titled grid of text cells; ``right`` names the columns aligned right (numbers).

    Attributes:
        title: One line above the table.
        columns: The column headers.
        rows: One tuple of cells per row, as many as ``columns``.
        right: Headers of the right-aligned columns.
        caption: A line under the table (units, how to read it).
        notes: Lines after the table ("threads: 5.9x: 8 waits overlapped").
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[str] = field(default_factory=frozenset)
    caption: str = ""
    notes: tuple[str, ...] = ()


def _num(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def job_table(job: JobBench, *, cores: int) -> Table:
    """The table of one job: a row per model, a takeaway per model in the notes.

    Args:
        job: The job's runs.
        cores: The machine's cores (for the takeaways).
    """
    summaries = summarize(job)
    repeated = any(s.runs > 1 for s in summaries)
    best = fastest(summaries)
    base = next((s for s in summaries if s.family == "sequential"), None)
    rows = []
    notes = []
    for s in summaries:
        why = takeaway(
            s, cores=cores, noun=job.noun, best=best.model if best else None, baseline=base
        )
        notes.append(f"{s.model}: {why}")
        if s.median is None:
            rows.append((s.model, *("-" for _ in range(9 if repeated else 7))))
            continue
        spread = "-" if s.runs < 2 else f"{s.low:.2f}-{s.high:.2f}"
        rows.append(
            (
                s.model,
                *((str(s.runs),) if repeated else ()),
                f"{s.median:.2f}",
                *((spread,) if repeated else ()),
                _num(s.speedup, 1, "x"),
                _num(s.vs_best, 2, "x"),
                _num(s.per_second, 1),
                _num(s.cpu_seconds),
                _num((s.memory_bytes or 0) / MB, 0),
                str(s.processes),
            )
        )
    numbers: tuple[str, ...] = ("speedup", "vs best", "per s", "CPU s", "MB", "procs")
    numbers = ("runs", "median s", "min-max s", *numbers) if repeated else ("wall s", *numbers)
    timing = (
        "median/min-max: wall seconds over the runs; speedup: sequential's median / this one's; "
        "vs best: this median / the best one's"
        if repeated
        else "wall s: seconds of the run; speedup: sequential's / this one's; vs best: this "
        "one's / the best one's"
    )
    return Table(
        title=job.title,
        columns=("model", *numbers),
        rows=tuple(rows),
        right=frozenset(numbers),
        caption=(
            f"{timing}; per s: {job.noun} per second; CPU s: user+system seconds of the run, "
            "workers included; MB: peak resident memory of the model's own processes (summed "
            "over them, sampled every 50 ms); procs: processes at once"
        ),
        notes=tuple(notes),
    )


def spinner_table(bench: SpinnerBench) -> Table:
    """The spinner's table: a row per run, the longest gap between frames above all."""
    rows = tuple(
        (
            r.name,
            r.work,
            str(r.frames),
            str(r.frames_during_work),
            f"{r.achieved_fps:.1f} of {r.target_fps:g}",
            f"{r.longest_gap:.2f}",
            r.how,
        )
        for r in bench.runs
    )
    numbers = ("frames", "during work", "FPS", "longest gap s")
    return Table(
        title="The lecture's spinner beside a slow function: frames and the longest gap",
        columns=("spinner", "work", *numbers, "how it runs"),
        rows=rows,
        right=frozenset(numbers),
        caption=(
            "during work: frames drawn while the slow function ran; longest gap: the longest "
            "time the line went without a new frame (the target is 1/FPS)"
        ),
        notes=bench.errors,
    )


def memory_table(bench: MemoryBench) -> Table:
    """The heavy-list table: a row per way, its conclusion in the notes."""
    rows = []
    for r in bench.rows:
        send = "-" if r.send_seconds is None else f"{r.send_seconds * 1000:.0f}"
        rows.append(
            (
                r.how,
                str(len(r.processes)),
                f"{r.startup_seconds * 1000:.1f}",
                send,
                f"{r.per_worker('uss_before') / MB:.1f}",
                f"{r.per_worker('uss') / MB:.1f}",
                f"{r.total('rss') / MB:.0f}",
                f"{r.total('uss') / MB:.0f}",
                f"{r.total('pss') / MB:.0f}",
            )
        )
    numbers = (
        "processes",
        "start ms",
        "send ms",
        "own MB before",
        "own MB after",
        "RSS MB",
        "USS MB",
        "PSS MB",
    )
    list_mb = bench.rows[0].list_bytes / MB if bench.rows else 0.0
    return Table(
        title=(
            f"A list of {bench.size:,} ints ({list_mb:.0f} MB) read by {bench.workers} threads "
            "or processes"
        ),
        columns=("way", *numbers),
        rows=tuple(rows),
        right=frozenset(numbers),
        caption=(
            "start/send: median per worker; own MB (USS of a worker; of the process for threads) "
            "before and after it read the list; RSS/USS/PSS: summed over every process (main, "
            "workers, helpers); PSS splits shared pages between their users, so its sum is the "
            "real total"
        ),
        notes=tuple(f"{r.how}: {r.conclusion()}" for r in bench.rows) + bench.errors,
    )


def to_rich(table: Table) -> RenderableType:
    """Return the table (and its notes) as one rich renderable; no markup is interpreted."""
    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    grid = RichTable(title=Text(table.title), caption=Text(table.caption))
    for name in table.columns:
        grid.add_column(Text(name), justify="right" if name in table.right else "left")
    for row in table.rows:
        grid.add_row(*(Text(cell) for cell in row))
    return Group(grid, *(Text(f"  {note}") for note in table.notes))


def to_html(table: Table, *, table_id: str = "") -> str:
    """Return the table as an HTML fragment (a ``<table>`` and a list of notes), escaped."""
    esc = html.escape
    ident = f' id="{esc(table_id)}"' if table_id else ""
    lines = [f"<table{ident}>", f"<caption>{esc(table.title)}</caption>", "<thead><tr>"]
    lines.extend(f"<th>{esc(c)}</th>" for c in table.columns)
    lines.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = (
            f'<td class="{"num" if name in table.right else "txt"}">{esc(cell)}</td>'
            for name, cell in zip(table.columns, row, strict=True)
        )
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    if table.caption:
        lines.append(f'<p class="caption">{esc(table.caption)}</p>')
    if table.notes:
        lines.append('<ul class="notes">')
        lines.extend(f"<li>{esc(note)}</li>" for note in table.notes)
        lines.append("</ul>")
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(table: Table) -> str:
    """Return the table as GitHub Markdown: a bold title, the grid, the caption and notes."""
    head = "| " + " | ".join(_md(c) for c in table.columns) + " |"
    rule = "| " + " | ".join("---:" if c in table.right else "---" for c in table.columns) + " |"
    body = ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in table.rows]
    parts = [f"**{_md(table.title)}**", "", head, rule, *body]
    if table.caption:
        parts += ["", f"<sub>{_md(table.caption)}</sub>"]
    if table.notes:
        parts += ["", *(f"- {_md(note)}" for note in table.notes)]
    return "\n".join(parts) + "\n"
