"""The ``speedlab spin`` subcommand: the lecture's spinner under one model, and its statistics.

It checks the options, calls :func:`speedlab.spinner.run_spinner` and prints the one-line
summary (or ``--json``), plus a hint when the spinner froze. Frames are drawn only on a
terminal; piped, the run is the same and only the summary is printed. Ctrl-C exits with 130
and SIGTERM with 143, after the work and the spinner have stopped and the line is cleared.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from speedlab.cli._options import integer, number, seconds
from speedlab.spinner import (
    DEFAULT_FPS,
    DEFAULT_PRIME,
    DEFAULT_SLEEP_SECONDS,
    LECTURE_MESSAGE,
    MAX_FPS,
    MAX_NUMBER,
    MAX_SECONDS,
    MODEL_NAMES,
    WORK_KINDS,
)

if TYPE_CHECKING:
    from speedlab.spinner import SpinnerStatistics

__all__ = ["register"]

# The model used without --model: the lecture writes the asyncio spinner first.
DEFAULT_MODEL = "asyncio"

ModelChoice = StrEnum("ModelChoice", {name: name for name in MODEL_NAMES})  # type: ignore[misc]
WorkChoice = StrEnum("WorkChoice", {name: name for name in WORK_KINDS})  # type: ignore[misc]

_HELP = """Run the lecture's loading spinner while a slow function runs, and measure its frames.

`--model asyncio` makes the spinner a task beside the work; `threads` runs it in a thread and `processes` in a child process, stopped by an Event, while the work runs in the main flow.

`--work sleep` is the lecture's slow function (it sleeps --seconds and returns 1337); `--work prime` is its closing question: is_prime(--number) by trial division, CPU-bound (the default number takes about a second). Under asyncio the prime runs inline in the event loop, so the spinner freezes; `--fix` runs it in a process pool (and the sleep in asyncio.to_thread) and keeps it turning.

At the end the line is cleared and one summary line is printed: frames drawn, achieved FPS against --fps, the longest gap between frames, and the work's result and duration (`--json` for all of it, with every frame time). Frames are drawn only when stdout is a terminal.

Example: `speedlab spin --model threads --work prime`
"""  # noqa: E501


def _hint(stats: SpinnerStatistics) -> str | None:
    """Point at the freeze, when there was one worth a word."""
    frozen = stats.frames_during_work <= 1 and stats.work_seconds >= 2 / stats.target_fps
    if not frozen:
        return None
    if stats.model == "asyncio" and not stats.fixed:
        return (
            f"the spinner froze for {stats.longest_gap:.2f} s: {stats.work} ran inline and "
            "blocked the event loop; --fix runs it in a process pool"
        )
    return f"the spinner froze for {stats.longest_gap:.2f} s"


def spin_command(
    model: Annotated[
        ModelChoice, typer.Option("--model", "-m", help="Where the spinner runs beside the work.")
    ] = DEFAULT_MODEL,  # type: ignore[assignment]
    work: Annotated[
        WorkChoice,
        typer.Option("--work", "-w", help="The slow function: the lecture's sleep, or is_prime."),
    ] = "sleep",  # type: ignore[assignment]
    seconds: Annotated[
        float,
        typer.Option(
            "--seconds",
            "-s",
            help="How long --work sleep sleeps.",
            metavar="SECONDS",
            parser=seconds(MAX_SECONDS),
        ),
    ] = DEFAULT_SLEEP_SECONDS,
    number: Annotated[
        int,
        typer.Option(
            "--number",
            "-n",
            help="The number --work prime tests (a large prime).",
            metavar="N",
            parser=integer(0, MAX_NUMBER),
        ),
    ] = DEFAULT_PRIME,
    fps: Annotated[
        float,
        typer.Option(
            "--fps",
            help=f"Frames per second to aim at (at most {MAX_FPS:g}).",
            metavar="FPS",
            parser=number(above=0, maximum=MAX_FPS),
        ),
    ] = DEFAULT_FPS,
    message: Annotated[
        str, typer.Option("--message", help="Text after the face.", metavar="TEXT")
    ] = LECTURE_MESSAGE,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="asyncio only: run the work off the loop (to_thread or a process pool)."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the statistics as JSON, with every frame time.")
    ] = False,
) -> None:
    from speedlab.spinner import Terminated, Work, run_spinner

    job = Work.of(str(work), seconds=seconds, number=number)
    try:
        stats = run_spinner(str(model), job, fix=fix, fps=fps, message=message)  # type: ignore[arg-type]
    except Terminated:
        print("speedlab: terminated", file=sys.stderr)
        raise typer.Exit(143) from None
    except KeyboardInterrupt:  # typer would turn it into a silent exit 130
        print("speedlab: interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
    if as_json:
        print(json.dumps(stats.as_dict(), indent=2))
        return
    print(stats.summary())
    hint = _hint(stats)
    if hint is not None:
        print(hint)


def register(app: typer.Typer) -> None:
    """Add ``speedlab spin`` to ``app``.

    Example:
        speedlab spin --model asyncio --work prime           # freezes: 1 frame
        speedlab spin --model asyncio --work prime --fix     # keeps turning
    """
    app.command("spin", help=_HELP)(spin_command)
