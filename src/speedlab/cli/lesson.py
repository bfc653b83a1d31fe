"""The ``speedlab lesson NAME`` subcommand: run one of the lecture's part 1 programs, or all.

It only turns options into :class:`speedlab.lesson.demos.DemoSettings` and calls the library.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from speedlab._constants import DEFAULT_SEED, DEFAULT_TICK
from speedlab.lesson.demos import DemoSettings, run_all, run_demo
from speedlab.lesson.provider import parse_answers

__all__ = ["LessonName", "register"]


class LessonName(StrEnum):
    """The demos by name, in the lecture's order, and ``all``."""

    generators = "generators"
    primes = "primes"
    averager = "averager"
    delegation = "delegation"
    provider = "provider"
    runner = "runner"
    asyncio_basics = "asyncio-basics"
    threads_processes = "threads-processes"
    all = "all"


def lesson(
    name: Annotated[
        LessonName,
        typer.Argument(help="Which program of the lecture to run; 'all' runs every one in order."),
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the random choices, so a run can be repeated.")
    ] = DEFAULT_SEED,
    tick: Annotated[
        float,
        typer.Option("--tick", help="Seconds for each of the lecture's 1 s sleeps (0: no wait)."),
    ] = DEFAULT_TICK,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            "-n",
            help="Steps of the looping demos (primes: 20, delegation: 12/12/10, threads: 3).",
        ),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="Answers for 'provider' instead of standard input, e.g. '3,4,5,6' "
            "('all' draws them from --seed when not given).",
        ),
    ] = None,
) -> None:
    """Run a program of the lecture's part 1 (generators, coroutines, asyncio, threads).

    Example: speedlab lesson delegation --tick 0.2 --seed 3
    """
    settings = DemoSettings(
        seed=seed,
        tick=tick,
        count=count,
        answers=None if answers is None else parse_answers(answers),
    )
    if name is LessonName.all:
        run_all(settings)
    else:
        run_demo(name.value, settings)


def register(app: typer.Typer) -> None:
    """Add ``lesson`` to ``app``."""
    app.command("lesson")(lesson)
