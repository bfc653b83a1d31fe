"""The ``speedlab bench`` subcommand: every lecture question measured, as tables, pictures, a page.

It turns options into :class:`~speedlab.bench.BenchOptions`, shows each measured run on a
progress bar (plain lines in a pipe, nothing with ``--quiet``), prints the tables, and writes
the report folder. Everything heavy (matplotlib, psutil, the models) is imported when the
command runs, so ``speedlab --help`` stays instant.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated

import typer

from speedlab._exceptions import UsageError
from speedlab._text import plural
from speedlab.cli._options import integer
from speedlab.models import MODEL_NAMES

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from speedlab.bench import BenchOptions

__all__ = ["DEFAULT_BENCH_OUT", "register"]

#: Where the report goes without ``--out``.
DEFAULT_BENCH_OUT = Path("speedlab-report")
# Most threads or processes the memory job may start (each one copies or shares the list).
_MAX_WORKERS = 64


class _Shown:
    """A BenchProgress: a rich bar on a terminal, one line per run in a pipe, or nothing."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self._quiet = quiet
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if quiet or not sys.stdout.isatty():
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]bench"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[now]}", markup=False),
        )
        self._bar.start()
        self._task = self._bar.add_task("bench", total=total, now="")

    def started(self, label: str) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, now=label)

    def finished(self, label: str, outcome: str) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, now=f"{label}: {outcome}")
        elif not self._quiet:
            print(f"{label}: {outcome}", flush=True)

    def close(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            from speedlab.progress import stop_progress

            stop_progress(bar)

    def __enter__(self) -> _Shown:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Let SIGTERM stop the bench like Ctrl-C: the run in progress is stopped and reaped."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set on the main thread
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _command(options: BenchOptions, out: Path) -> str:
    """The command line that runs ``options`` again (for the report and the docs)."""
    words = ["speedlab", "bench", options.what]
    if options.quick:
        words.append("--quick")
    if options.models:
        words += ["--models", ",".join(options.models)]
    for flag, value in (
        ("--repeat", options.repeat),
        ("--size", options.size),
        ("--workers", options.workers),
        ("--concurrency", options.concurrency),
        ("--fn", options.fn),
        ("--inputs", options.inputs),
    ):
        if value is not None:
            words += [flag, str(value)]
    words += ["--out", str(out)]
    return shlex.join(words)


def bench(
    what: Annotated[
        str | None,
        typer.Argument(
            metavar="WHAT",
            help="io (GitHub searches against fakehub), cpu (is_prime), spinner (frame gaps), "
            "memory (a heavy list with threads vs processes), all (those four), or custom "
            "(your --fn over --inputs; the default when --fn is given).",
            show_default=False,
        ),
    ] = None,
    models: Annotated[
        str | None,
        typer.Option(
            "--models",
            metavar="LIST",
            help="Comma-separated models to compare (default: those offered for each job; "
            f"any of {', '.join(MODEL_NAMES)}).",
            show_default=False,
        ),
    ] = None,
    repeat: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            parser=integer(1),
            help="Runs per model; the table shows the median (default: 3; 1 with --quick).",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            help="Folder for results.json, the PNG/SVG pictures, tables.md and index.html."
        ),
    ] = DEFAULT_BENCH_OUT,
    quick: Annotated[
        bool, typer.Option("--quick", help="Small sizes: 'all' ends in about a minute on 2 cores.")
    ] = False,
    size: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            parser=integer(1),
            help="memory: items in the heavy list (default: 2,000,000; 500,000 with --quick).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            parser=integer(1, _MAX_WORKERS),
            help=f"memory: threads or processes, 1 to {_MAX_WORKERS} (default: 4; 2 with --quick).",
        ),
    ] = None,
    fn: Annotated[
        str | None,
        typer.Option(
            "--fn", metavar="MODULE:FUNCTION", help="custom: your function, def or async def."
        ),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option(
            "--inputs",
            metavar="FILE",
            help="custom: a JSON list, or one input per line (JSON values, else text).",
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            parser=integer(1),
            help="Workers for every concurrent model (default: each model's own).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress, only the tables.")] = False,
) -> int:
    """Measure the lecture's questions on this machine: tables, pictures and a report page.

    Runs jobs x models with repeats, each run in a fresh process (so memory is the model's
    own), prints a table per job with the median, the spread, the speedup over sequential and
    why each model won or lost, and writes --out/index.html with every table and picture.
    """
    from rich.console import Console

    from speedlab.bench import (
        BenchOptions,
        choose_models,
        planned_runs,
        run_bench,
        to_rich,
        write_report,
    )
    from speedlab.bench._report import prepare_out
    from speedlab.bench._results import machine_line

    if what is None and fn is None:
        raise UsageError("say what to measure: io, cpu, spinner, memory, all or custom")
    options = BenchOptions(
        what=what or "custom",
        models=choose_models(models),
        repeat=repeat,
        quick=quick,
        size=size,
        workers=workers,
        fn=fn,
        inputs=inputs,
        concurrency=concurrency,
    )
    prepare_out(out)
    command = _command(options, out)
    with _terminate_as_interrupt(), _Shown(planned_runs(options), quiet=quiet) as shown:
        report = run_bench(options, command=command, progress=shown)
    files = write_report(report, out)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    from speedlab.bench._explain import verdict
    from speedlab.bench._report import cores_of
    from speedlab.bench._summary import summarize
    from speedlab.bench._tables import job_table, memory_table, spinner_table

    cores = cores_of(report.environment)
    for job in report.jobs:
        console.print(to_rich(job_table(job, cores=cores)))
        console.print(verdict(summarize(job), cores=cores, noun=job.noun), markup=False)
    if report.spinner is not None:
        console.print(to_rich(spinner_table(report.spinner)))
    if report.memory is not None:
        console.print(to_rich(memory_table(report.memory)))
    for note in report.settings.get("notes", ()):
        console.print(f"note: {note}", markup=False)
    console.print(f"measured on {machine_line(report.environment)}", markup=False)
    console.print(
        f"report: {files.index} ({plural(len(files.pictures) // 2, 'picture')}, PNG and SVG; "
        f"raw results in {files.results.name})",
        markup=False,
    )
    return 0


def register(app: typer.Typer) -> None:
    """Add ``bench`` to ``app``."""
    app.command("bench")(bench)
