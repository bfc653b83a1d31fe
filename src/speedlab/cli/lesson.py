"""The ``speedlab lesson NAME`` subcommand: run one of the lecture's part 1 programs, or all.

It only turns options into :class:`speedlab.lesson.demos.DemoSettings` and calls the library.
"""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from typing import Annotated

import typer

from speedlab._constants import DEFAULT_SEED, DEFAULT_TICK, LESSON_MAX_COUNT, LESSON_MAX_TICK
from speedlab.cli._options import integer, seconds
from speedlab.lesson._narrator import DEFAULT_LANGUAGE

__all__ = ["Language", "LessonName", "register"]


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


class Language(StrEnum):
    """The languages of the headings and notes: English, or Russian as in the lecture."""

    en = "en"
    ru = "ru"


_DEFAULT_LANGUAGE = Language(DEFAULT_LANGUAGE)

_NAMES = ", ".join(name.value for name in LessonName if name is not LessonName.all)


def _lesson_name(text: str) -> LessonName:
    try:
        return LessonName(text.strip())
    except ValueError:
        # Worded as typer words a choice (--lang), naming every lesson.
        choices = ", ".join(repr(name.value) for name in LessonName)
        raise typer.BadParameter(f"{text!r} is not one of {choices}.") from None


def _read_stdin_leniently() -> None:
    """Let undecodable bytes on stdin reach the provider as U+FFFD, refused like any typo."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")


def lesson(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            parser=_lesson_name,
            help=f"Which program of the lecture to run: {_NAMES}; or all, every one in order.",
        ),
    ],
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            metavar="N",
            parser=integer(),
            help="Seed of the random choices (an integer), so a run can be repeated.",
        ),
    ] = DEFAULT_SEED,
    tick: Annotated[
        float,
        typer.Option(
            "--tick",
            metavar="SECONDS",
            parser=seconds(LESSON_MAX_TICK),
            help="Seconds for each of the lecture's 1 s sleeps, "
            f"0 (no wait) to {LESSON_MAX_TICK:g}.",
        ),
    ] = DEFAULT_TICK,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            "-n",
            metavar="N",
            parser=integer(0, LESSON_MAX_COUNT),
            help="Steps of the looping programs, 0 to "
            f"{LESSON_MAX_COUNT}: primes printed (20), delegation's steps (the lecture's 12, 30 "
            "and 10), ticks of work in threads-processes (3). 0 runs no step, like range(0).",
            show_default=False,
        ),
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="Answers for 'provider' instead of standard input, comma-separated, "
            "e.g. '3, 4, 2**3, 1+1' ('all' draws them from --seed when not given).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Language,
        typer.Option("--lang", help="Language of the headings and notes (ru: the lecture's)."),
    ] = _DEFAULT_LANGUAGE,
    notes: Annotated[
        bool,
        typer.Option(
            "--notes/--no-notes",
            help="Explain each program around its output; --no-notes prints only the "
            "programs and what they print.",
        ),
    ] = True,
) -> None:
    """Run a program of the lecture's part 1 (generators, coroutines, asyncio, threads).

    The same options print the same text, byte for byte (wall times are rounded to the tick).

    Example: speedlab lesson delegation --tick 0.2 --seed 3 --lang ru
    """
    from speedlab.lesson.demos import DemoSettings, run_all, run_demo
    from speedlab.lesson.provider import parse_answers

    lesson_name = LessonName(name)
    settings = DemoSettings(
        seed=seed,
        tick=tick,
        count=count,
        answers=None if answers is None else parse_answers(answers),
        lang=lang.value,
        notes=notes,
    )
    if lesson_name is LessonName.all:
        run_all(settings)
    else:
        if lesson_name is LessonName.provider and answers is None:
            _read_stdin_leniently()
        run_demo(lesson_name.value, settings)


def register(app: typer.Typer) -> None:
    """Add ``lesson`` to ``app``."""
    app.command("lesson")(lesson)
