"""The ``speedlab demo`` subcommand: the lecture's downloader under every model, measured.

It checks ``--out`` before anything starts, prints each model's line as it finishes, then the
table; a model whose searches failed is reported with their reasons (not as "files differ");
Ctrl-C or SIGTERM print the table of the models that finished (exit 130 or 143).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speedlab._constants import DEMO_JITTER, DEMO_LATENCY, DEMO_OUT_DIR
from speedlab.cli._signals import interrupt_exit_code

if TYPE_CHECKING:
    from rich.table import Table

    from speedlab.demo import DemoRow

__all__ = ["register", "render_table"]


def render_table(rows: Sequence[DemoRow], url: str | None = None) -> Table:
    """Return the comparison table: one row per model, speed-up against the first (sequential)."""
    from rich.table import Table

    from speedlab.jobs.github import SearchStatistics

    searches = len(rows[0].result.records) if rows else 0
    table = Table(
        title=f"{searches} GitHub searches per model" + (f", fakehub at {url}" if url else ""),
        caption=(
            "speedup: sequential wall time / this model's; RSS MB: peak resident memory of "
            "this process so far (or of its largest worker process)"
        ),
    )
    for name, justify in (
        ("model", "left"),
        ("wall s", "right"),
        ("speedup", "right"),
        ("requests", "right"),
        ("retries", "right"),
        ("failures", "right"),
        ("workers", "right"),
        ("CPU s", "right"),
        ("RSS MB", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        result = row.result
        stats = result.statistics()
        if not isinstance(stats, SearchStatistics):
            stats = SearchStatistics()
        speedup = "-" if row.speedup is None else f"{row.speedup:.1f}x"
        table.add_row(
            row.model,
            f"{result.wall_seconds:.2f}",
            speedup,
            str(stats.requests),
            str(stats.retries),
            str(result.failures),
            str(len(result.workers)),
            f"{result.cpu_seconds:.2f}",
            f"{result.peak_rss_bytes / 2**20:.0f}",
        )
    return table


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the files: one sub-folder per model.")
    ] = DEMO_OUT_DIR,
    latency: Annotated[
        float, typer.Option(help="fakehub's fixed delay per response, in seconds.", min=0.0)
    ] = DEMO_LATENCY,
    jitter: Annotated[
        float, typer.Option(help="Extra uniform random delay per response, in seconds.", min=0.0)
    ] = DEMO_JITTER,
    seed: Annotated[int, typer.Option(help="fakehub's random source.")] = 0,
) -> int:
    """Run the lecture's GitHub search under every model against a local fakehub, and compare.

    Starts fakehub on 127.0.0.1 (no internet needed) with a latency like GitHub's, searches the
    lecture's eight keywords under sequential, threads, processes and asyncio, saves each model's
    files under --out/<model>, checks they are byte-identical, and prints the comparison table.
    """
    from rich.console import Console

    from speedlab._text import printable
    from speedlab.demo import run_demo
    from speedlab.jobs._output import check_output_dir
    from speedlab.models import RunInterrupted
    from speedlab.progress import failure_summary, final_line

    check_output_dir(out, option="--out")
    # In a pipe rich assumes 80 columns and would squeeze the table; a log can be wider.
    console = Console(width=None if sys.stdout.isatty() else 120)
    rows: list[DemoRow] = []

    def announce(model: str) -> None:
        print(f"running {model} ...", end="", flush=True)

    def finished(row: DemoRow) -> None:
        rows.append(row)
        print(f" {final_line(row.result, noun='search')}")

    try:
        report = run_demo(
            out_dir=out,
            latency=latency,
            jitter=jitter,
            seed=seed,
            on_model=announce,
            on_result=finished,
        )
    except RunInterrupted as stopped:
        print(f" {final_line(stopped.result, noun='search')}")
        if rows:
            console.print(render_table(rows))
        print("speedlab: interrupted; the demo stopped", file=sys.stderr)
        return interrupt_exit_code(stopped)
    console.print(render_table(report.rows, report.url))
    failed = False
    for row in report.rows:
        summary = failure_summary(row.result, noun="search")
        if summary is not None:
            failed = True
            print(f"speedlab: {row.model}: {printable(summary)}", file=sys.stderr)
    if not report.identical:
        print("the models' files differ: " + ", ".join(report.differences), file=sys.stderr)
    elif not failed:
        print(f"every model wrote byte-identical files under {out}/<model>/")
    print(f"fakehub: {report.hub.summary()}")
    return 0 if report.identical and not failed else 1


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command("demo")(demo)
