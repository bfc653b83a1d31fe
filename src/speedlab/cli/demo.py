"""The ``speedlab demo`` subcommand: the lecture's downloader under every model, measured."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speedlab._constants import DEMO_JITTER, DEMO_LATENCY, DEMO_OUT_DIR

if TYPE_CHECKING:
    from rich.table import Table

    from speedlab.demo import DemoReport, DemoRow

__all__ = ["register", "render_table"]


def render_table(report: DemoReport) -> Table:
    """Return the comparison table: one row per model, speed-up against the first (sequential)."""
    from rich.table import Table

    from speedlab.jobs.github import SearchStatistics

    searches = len(report.rows[0].result.records) if report.rows else 0
    table = Table(
        title=f"{searches} GitHub searches per model, fakehub at {report.url}",
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
    for row in report.rows:
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

    from speedlab.demo import run_demo

    # In a pipe rich assumes 80 columns and would squeeze the table; a log can be wider.
    console = Console(width=None if sys.stdout.isatty() else 120)

    def announce(model: str) -> None:
        print(f"running {model} ...", end="", flush=True)

    def finished(row: DemoRow) -> None:
        result = row.result
        print(f" {len(result.records)} searches done in {result.wall_seconds:.2f}s")

    report = run_demo(
        out_dir=out,
        latency=latency,
        jitter=jitter,
        seed=seed,
        on_model=announce,
        on_result=finished,
    )
    console.print(render_table(report))
    if report.identical:
        print(f"every model wrote byte-identical files under {out}/<model>/")
    else:
        print("the models' files differ: " + ", ".join(report.differences), file=sys.stderr)
    print(f"fakehub: {report.hub.summary()}")
    failures = sum(row.result.failures for row in report.rows)
    return 0 if report.identical and failures == 0 else 1


def register(app: typer.Typer) -> None:
    """Add ``demo`` to ``app``."""
    app.command("demo")(demo)
