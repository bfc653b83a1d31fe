"""The ``speedlab demo`` subcommand: the lecture's downloader under every model, measured.

It checks ``--out`` before anything starts, prints each model's line as it finishes, then the
table; a model whose searches failed is reported with their reasons (not as "files differ");
Ctrl-C or SIGTERM stop the model running and print what finished (exit 130 or 143).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from speedlab._constants import DEMO_JITTER, DEMO_LATENCY, DEMO_OUT_DIR, LECTURE_SEARCH_SECONDS
from speedlab.cli._options import integer, seconds
from speedlab.cli._signals import interrupt_exit_code

if TYPE_CHECKING:
    from rich.console import RenderableType

    from speedlab.demo import DemoReport, DemoRow

__all__ = ["register", "render_table"]


def render_table(report: DemoReport) -> RenderableType:
    """Return ``speedlab bench``'s table of the demo: a row and a takeaway per model."""
    from speedlab.bench import job_table, to_rich

    return to_rich(job_table(report.bench(), cores=os.cpu_count() or 1))


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the files: one sub-folder per model.")
    ] = DEMO_OUT_DIR,
    latency: Annotated[
        float,
        typer.Option(
            help="fakehub's fixed delay per response, in seconds.",
            metavar="SECONDS",
            parser=seconds(),
        ),
    ] = DEMO_LATENCY,
    jitter: Annotated[
        float,
        typer.Option(
            help="Extra uniform random delay per response, 0 to SECONDS.",
            metavar="SECONDS",
            parser=seconds(),
        ),
    ] = DEMO_JITTER,
    seed: Annotated[
        int, typer.Option(help="fakehub's random source.", metavar="N", parser=integer())
    ] = 0,
) -> int:
    """Run the lecture's GitHub search under every model against a local fakehub, and compare.

    Starts fakehub on 127.0.0.1 (no internet needed) with a latency like GitHub's, searches the
    lecture's eight keywords under every model (each in a fresh process), saves each model's
    files under --out/<model>, checks they are byte-identical, prints the comparison table
    with a takeaway per model, and draws the timeline to --out/timeline.png.
    """
    from rich.console import Console

    from speedlab._text import printable
    from speedlab.demo import run_demo
    from speedlab.jobs._output import check_output_dir
    from speedlab.progress import failure_summary, final_line

    check_output_dir(out, option="--out")
    # In a pipe rich assumes 80 columns and would squeeze the table; a log can be wider.
    console = Console(width=None if sys.stdout.isatty() else 120)
    finished_models: list[str] = []

    def announce(model: str) -> None:
        print(f"running {model} ...", end="", flush=True)

    def finished(row: DemoRow) -> None:
        finished_models.append(row.model)
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
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: the model running was stopped
        done = ", ".join(finished_models) or "none"
        print(" interrupted")
        print(f"speedlab: interrupted; models that finished: {done}", file=sys.stderr)
        return interrupt_exit_code(exc)
    console.print(render_table(report))
    if report.rows:
        first = report.rows[0]
        print(
            f"for scale: the lecture's sequential run against the real GitHub: "
            f"8 searches done in {LECTURE_SEARCH_SECONDS:.2f}s; here {first.model} took "
            f"{first.result.wall_seconds:.2f}s against fakehub"
        )
        from speedlab.bench import save_figure, timeline_figure

        png, svg = save_figure(timeline_figure(report.bench()), out / "timeline")
        print(f"timeline: {png} (and {svg.name})")
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
