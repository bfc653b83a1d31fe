"""The ``speedlab lesson NAME`` subcommand: run one of the lecture's part 1 programs, or all.

It only turns options into :class:`speedlab.lesson.demos.DemoSettings` and calls the library.
"""

from __future__ import annotations

import io
import re
import sys
from enum import StrEnum
from typing import Annotated

import typer

from speedlab._constants import DEFAULT_SEED, DEFAULT_TICK, LESSON_MAX_COUNT
from speedlab._exceptions import UsageError
from speedlab.lesson._narrator import DEFAULT_LANGUAGE

__all__ = ["Language", "LessonName", "register", "seconds", "whole_number"]


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

# Digits with an optional sign; a hundred digits are more than any count or seed needs, and
# the bound keeps int() far from its 4,300-digit conversion limit.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,100}")


def whole_number(text: str, option: str) -> int:
    """Read an option's whole number: digits with an optional sign, nothing else.

    ``5.0`` and ``1e3`` are refused alike (not silently truncated or rounded), so that every
    number a lesson counts with means exactly what was typed.

    Raises:
        UsageError: naming the option and the text.
    """
    cleaned = text.strip()
    if not _WHOLE_NUMBER.fullmatch(cleaned):
        raise UsageError(f"{option} must be a whole number, got {text!r}")
    return int(cleaned)


def seconds(text: str, option: str) -> float:
    """Read an option's number of seconds (a decimal number; its range is checked later).

    Raises:
        UsageError: naming the option and the text.
    """
    try:
        return float(text.strip())
    except ValueError:
        raise UsageError(f"{option} must be a number of seconds, got {text!r}") from None


def _read_stdin_leniently() -> None:
    """Let undecodable bytes on stdin reach the provider as U+FFFD, refused like any typo."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")


def lesson(
    name: Annotated[
        LessonName,
        typer.Argument(help="Which program of the lecture to run; 'all' runs every one in order."),
    ],
    seed: Annotated[
        str,
        typer.Option(
            "--seed",
            metavar="N",
            help="Seed of the random choices (a whole number), so a run can be repeated.",
        ),
    ] = str(DEFAULT_SEED),
    tick: Annotated[
        str,
        typer.Option(
            "--tick",
            metavar="SECONDS",
            help="Seconds for each of the lecture's 1 s sleeps (0: no wait).",
        ),
    ] = f"{DEFAULT_TICK:g}",
    count: Annotated[
        str | None,
        typer.Option(
            "--count",
            "-n",
            metavar="N",
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

    settings = DemoSettings(
        seed=whole_number(seed, "--seed"),
        tick=seconds(tick, "--tick"),
        count=None if count is None else whole_number(count, "--count"),
        answers=None if answers is None else parse_answers(answers),
        lang=lang.value,
        notes=notes,
    )
    if name is LessonName.all:
        run_all(settings)
    else:
        if name is LessonName.provider and answers is None:
            _read_stdin_leniently()
        run_demo(name.value, settings)


def register(app: typer.Typer) -> None:
    """Add ``lesson`` to ``app``."""
    app.command("lesson")(lesson)
