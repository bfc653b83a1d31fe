"""The catalogue of part 1's demos: one entry per lecture program, run by name or all in order.

Every demo takes the same :class:`DemoSettings` (seed, tick, count, where answers come from,
where lines go), so that ``speedlab lesson NAME`` is one line of CLI and a test can run any demo
with ``tick=0`` and a list as its output. Each demo makes its own ``random.Random(seed)``:
the output of one does not depend on which demos ran before it.

The ``provider`` demo is the one that asks questions. Alone it reads answers from standard input
(or ``answers`` if given); inside :func:`run_all` it always uses scripted answers, derived from
the seed unless given, so that ``all`` runs unattended with no standard input at all.

    >>> lines: list[str] = []
    >>> run_demo("averager", DemoSettings(tick=0, echo=lines.append))
    >>> lines[2]
    'coro_avg.send(10) -> 10.0'
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from speedlab._constants import DEFAULT_SEED, DEFAULT_TICK
from speedlab._exceptions import UsageError
from speedlab.lesson.asyncio_basics import show_asyncio_basics
from speedlab.lesson.delegation import show_delegation
from speedlab.lesson.generators import show_generators
from speedlab.lesson.primes import is_prime, naive_prime_stream, prime_stream
from speedlab.lesson.provider import (
    Number,
    scripted_answers,
    seeded_answers,
    show_provider,
    stream_asker,
)
from speedlab.lesson.request_runner import show_runner
from speedlab.lesson.running_average import show_averager
from speedlab.lesson.threads_processes import show_threads_processes

__all__ = [
    "DEFAULT_PRIME_COUNT",
    "DEMOS",
    "Demo",
    "DemoSettings",
    "demo_names",
    "run_all",
    "run_demo",
    "show_primes",
]

# How many primes the primes demo prints from each stream (the lecture prints forever).
DEFAULT_PRIME_COUNT = 20

# Where the primes demo starts its second stream, to show prime_stream(start=n).
PRIME_DEMO_START = 1000

# Numbers the primes demo checks with is_prime: edge cases, a square, and 2**31 - 1.
PRIME_DEMO_CHECKS = (0, 1, 2, 91, 97, 2**31 - 1)


@dataclass(frozen=True)
class DemoSettings:
    """What every demo may use; each demo reads only the fields it needs.

    Attributes:
        seed: Seeds each demo's own ``random.Random``.
        tick: Seconds per lecture "second" of sleeping (0 runs at full speed).
        count: Steps of the looping demos (primes, delegation, threads); ``None``: the default.
        answers: Scripted answers for the provider; ``None``: read standard input (or, in
            ``all``, draw them from the seed).
        stdin: Where the provider reads answers (``None``: ``sys.stdin`` at call time).
        echo: Where each line of output goes.
        sleep: The sleeping function (tests inject a fake).
    """

    seed: int = DEFAULT_SEED
    tick: float = DEFAULT_TICK
    count: int | None = None
    answers: tuple[Number, ...] | None = None
    stdin: TextIO | None = None
    echo: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if not (math.isfinite(self.tick) and self.tick >= 0):
            raise UsageError(f"--tick must be a finite number of seconds >= 0, got {self.tick}")
        if self.count is not None and self.count < 1:
            raise UsageError(f"--count must be at least 1, got {self.count}")


@dataclass(frozen=True)
class Demo:
    """One lecture program: its CLI name, lecture section, a title and how to run it."""

    name: str
    section: str
    title: str
    run: Callable[[DemoSettings], object]

    def header(self) -> str:
        """The line printed above the demo's output."""
        return f"== §{self.section} {self.name}: {self.title} =="


def show_primes(settings: DemoSettings) -> None:
    """Print the lecture's prime stream next to the fast one, and a few primality checks.

    Args:
        settings: ``count`` primes from each stream (default ``DEFAULT_PRIME_COUNT``).
    """
    echo, count = settings.echo, settings.count or DEFAULT_PRIME_COUNT
    naive = list(itertools.islice(naive_prime_stream(), count))
    fast = list(itertools.islice(prime_stream(), count))
    echo(f"naive_prime_stream() (the lecture's): {' '.join(map(str, naive))}")
    echo(f"prime_stream() (the fast one):        {' '.join(map(str, fast))}")
    echo(f"same sequence: {naive == fast}")
    later = list(itertools.islice(prime_stream(start=PRIME_DEMO_START), count))
    echo(f"prime_stream(start={PRIME_DEMO_START}): {' '.join(map(str, later))}")
    echo("is_prime: " + ", ".join(f"{n} -> {is_prime(n)}" for n in PRIME_DEMO_CHECKS))


def _show_generators(settings: DemoSettings) -> None:
    show_generators(echo=settings.echo)


def _show_averager(settings: DemoSettings) -> None:
    show_averager(echo=settings.echo)


def _show_delegation(settings: DemoSettings) -> None:
    show_delegation(
        rng=random.Random(settings.seed),
        count=settings.count,
        tick=settings.tick,
        sleep=settings.sleep,
        echo=settings.echo,
    )


def _provider_asker(settings: DemoSettings) -> Callable[[str], Number | None]:
    if settings.answers is not None:
        return scripted_answers(settings.answers, echo=settings.echo)
    return stream_asker(settings.stdin)


def _show_provider(settings: DemoSettings) -> None:
    show_provider(_provider_asker(settings), echo=settings.echo)


def _show_runner(settings: DemoSettings) -> None:
    show_runner(seed=settings.seed, echo=settings.echo)


def _show_asyncio_basics(settings: DemoSettings) -> None:
    show_asyncio_basics(tick=settings.tick, sleep=settings.sleep, echo=settings.echo)


def _show_threads_processes(settings: DemoSettings) -> None:
    show_threads_processes(
        tick=settings.tick, count=settings.count or 3, sleep=settings.sleep, echo=settings.echo
    )


#: Every demo, in the lecture's order.
DEMOS: tuple[Demo, ...] = (
    Demo("generators", "2.1", "the generator protocol", _show_generators),
    Demo("primes", "2.2", "an infinite prime stream", show_primes),
    Demo("averager", "2.3", "a coroutine that keeps a running mean", _show_averager),
    Demo("delegation", "2.4", "yield from", _show_delegation),
    Demo("provider", "2.5", "generators asking their caller through send", _show_provider),
    Demo("runner", "2.6", "a hand-made runner, then async def on top of it", _show_runner),
    Demo("asyncio-basics", "2.7", "asyncio: tasks and three mistakes", _show_asyncio_basics),
    Demo("threads-processes", "2.8", "Process, Thread and Event", _show_threads_processes),
)


def demo_names() -> list[str]:
    """The demos' names in the lecture's order (``all`` is not one of them)."""
    return [demo.name for demo in DEMOS]


def run_demo(name: str, settings: DemoSettings | None = None) -> None:
    """Print one demo's header and output.

    Args:
        name: One of :func:`demo_names`.
        settings: Options (default: ``DemoSettings()``, the lecture's 1 s tick).

    Raises:
        UsageError: ``name`` is not a demo.

    Example:
        >>> run_demo("generators", DemoSettings(tick=0))  # doctest: +ELLIPSIS
        == §2.1 generators: the generator protocol ==
        ...
    """
    chosen = settings or DemoSettings()
    for demo in DEMOS:
        if demo.name == name:
            chosen.echo(demo.header())
            demo.run(chosen)
            return
    raise UsageError(f"no lesson named {name!r}; choose one of {', '.join(demo_names())}, all")


def run_all(settings: DemoSettings | None = None, *, names: Sequence[str] | None = None) -> None:
    """Run every demo (or ``names``) in order, a blank line between them, never reading stdin.

    The provider answers from ``settings.answers`` or, if none, from answers drawn from
    ``random.Random(settings.seed)``; they are echoed after each question.

    Args:
        settings: Options shared by every demo.
        names: A subset of :func:`demo_names` (default: all of them).

    Raises:
        UsageError: One of ``names`` is not a demo.

    Example:
        >>> lines: list[str] = []
        >>> run_all(DemoSettings(tick=0, seed=1, echo=lines.append), names=["provider"])
        >>> lines[-1]
        'provider finished: StopIteration.value = 118'
    """
    chosen = settings or DemoSettings()
    if chosen.answers is None:
        answers = tuple(seeded_answers(random.Random(chosen.seed)))
        chosen = replace(chosen, answers=answers)
    for index, name in enumerate(demo_names() if names is None else names):
        if index:
            chosen.echo("")
        run_demo(name, chosen)
