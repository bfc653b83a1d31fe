"""The catalogue of part 1's demos: one entry per lecture program, run by name or all in order.

Every demo takes the same :class:`DemoSettings` (seed, tick, count, language, notes, where
answers come from, where lines go), so that ``speedlab lesson NAME`` is one line of CLI and a
test can run any demo with ``tick=0`` and a list as its output. Each demo makes its own
``random.Random(seed)``: the output of one does not depend on which demos ran before it, and
the same settings print the same text, byte for byte.

The ``provider`` demo is the one that asks questions. Alone it reads answers from standard input
(or ``answers`` if given); inside :func:`run_all` it always uses scripted answers, derived from
the seed unless given, so that ``all`` runs unattended with no standard input at all.

    >>> lines: list[str] = []
    >>> run_demo("averager", DemoSettings(tick=0, notes=False, echo=lines.append))
    >>> lines[:3]
    ['== averager: a coroutine that keeps a running mean ==', '>>> coro_avg = averager()', \
'>>> next(coro_avg)']
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO, TypedDict

from speedlab._constants import DEFAULT_SEED, DEFAULT_TICK, LESSON_MAX_COUNT, LESSON_MAX_TICK
from speedlab._exceptions import UsageError
from speedlab.lesson._asyncio_demo import show_asyncio_basics
from speedlab.lesson._narrator import DEFAULT_LANGUAGE, N_, Echo, Narrator
from speedlab.lesson.delegation import show_delegation
from speedlab.lesson.generators import show_generators
from speedlab.lesson.primes import is_prime, naive_prime_stream, prime_stream
from speedlab.lesson.provider import (
    ANSWERS_NEEDED,
    Number,
    scripted_answers,
    seeded_answers,
    show_provider,
    stream_asker,
)
from speedlab.lesson.request_runner import show_runner
from speedlab.lesson.running_average import show_averager
from speedlab.lesson.threads_processes import DEFAULT_WORK_TICKS, show_threads_processes

__all__ = [
    "DEFAULT_PRIME_COUNT",
    "DEMOS",
    "MAX_COUNT",
    "MAX_TICK",
    "Demo",
    "DemoSettings",
    "Voice",
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

MAX_TICK = LESSON_MAX_TICK

MAX_COUNT = LESSON_MAX_COUNT


class Voice(TypedDict):
    """How every ``show_*`` function speaks: where lines go, in which language, with notes."""

    echo: Echo
    lang: str
    notes: bool


@dataclass(frozen=True)
class DemoSettings:
    """What every demo may use; each demo reads only the fields it needs.

    Attributes:
        seed: Seeds each demo's own ``random.Random``.
        tick: Seconds per lecture "second" of sleeping (0 runs at full speed).
        count: Steps of the looping demos (primes, delegation, threads); ``None``: the
            lecture's numbers; 0 runs none of the steps, as ``range(0)`` would.
        answers: Scripted answers for the provider; ``None``: read standard input (or, in
            ``all``, draw them from the seed).
        lang: The language of headings and notes (one of ``LANGUAGES``).
        notes: Print the notes that explain each program (``False``: only the programs).
        stdin: Where the provider reads answers (``None``: ``sys.stdin`` at call time).
        echo: Where each line of output goes.
        sleep: The sleeping function (tests inject a fake).
        clock: Measures the asyncio demo's wall times (tests inject a fake).
    """

    seed: int = DEFAULT_SEED
    tick: float = DEFAULT_TICK
    count: int | None = None
    answers: tuple[Number, ...] | None = None
    lang: str = DEFAULT_LANGUAGE
    notes: bool = True
    stdin: TextIO | None = None
    echo: Echo = print
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.perf_counter

    def __post_init__(self) -> None:
        if not (math.isfinite(self.tick) and 0 <= self.tick <= MAX_TICK):
            raise UsageError(
                f"--tick must be between 0 and {MAX_TICK:g} seconds, got {self.tick:g}"
            )
        if self.count is not None and not 0 <= self.count <= MAX_COUNT:
            raise UsageError(f"--count must be between 0 and {MAX_COUNT}, got {self.count}")
        if self.answers is not None and len(self.answers) > ANSWERS_NEEDED:
            raise UsageError(
                f"--answers gives {len(self.answers)} answers, but the provider asks only "
                f"{ANSWERS_NEEDED} questions (x and y for each of its two computers)"
            )
        self.narrator()  # an unknown language is refused here, before any demo runs

    def narrator(self) -> Narrator:
        """The :class:`Narrator` these settings describe."""
        return Narrator(**self.voice())

    def voice(self) -> Voice:
        """The keyword arguments every ``show_*`` function takes for its output."""
        return Voice(echo=self.echo, lang=self.lang, notes=self.notes)

    def steps(self, default: int) -> int:
        """``count`` if given, else the demo's ``default``."""
        return default if self.count is None else self.count


@dataclass(frozen=True)
class Demo:
    """One lecture program: its CLI name, SPEC section, the lecture's names, a title, a runner.

    Attributes:
        name: The name ``speedlab lesson NAME`` takes.
        section: Where SPEC describes it (``"2.3"``); not printed.
        programs: The lecture's own names for what the demo runs, printed as they are.
        title: What it shows, in English, translated when printed.
        run: Runs the demo.
    """

    name: str
    section: str
    programs: str
    title: str
    run: Callable[[DemoSettings], object]

    def header(self, narrator: Narrator | None = None) -> str:
        """The heading printed above the demo's output, in the narrator's language."""
        title = self.title if narrator is None else narrator._(self.title)
        return f"== {self.programs}: {title} =="


def show_primes(settings: DemoSettings) -> None:
    """Print the lecture's prime stream next to the fast one, explained.

    Args:
        settings: ``count`` primes from each stream (default ``DEFAULT_PRIME_COUNT``).
    """
    n, count = settings.narrator(), settings.steps(DEFAULT_PRIME_COUNT)
    n.code(f"list(islice(create_prime_stream(), {count}))")
    naive = list(itertools.islice(naive_prime_stream(), count))
    n.out(str(naive))
    n.note(
        n._(
            "A generator can be infinite: create_prime_stream loops with while True and "
            "yields each prime as soon as it finds one. Nothing is computed ahead of time; "
            "the caller decides how many values to take. The lecture's for loop would go on "
            "until Ctrl-C; here islice takes the first {count}. (In speedlab.lesson the "
            "lecture's function is called naive_prime_stream.)"
        ).format(count=count)
    )
    n.code(f"list(islice(prime_stream(), {count}))")
    fast = list(itertools.islice(prime_stream(), count))
    n.out(str(fast))
    n.code(f"list(islice(prime_stream(start={PRIME_DEMO_START}), {count}))")
    n.out(str(list(itertools.islice(prime_stream(start=PRIME_DEMO_START), count))))
    n.code(f"[is_prime(n) for n in {list(PRIME_DEMO_CHECKS)}]")
    n.out(str([is_prime(number) for number in PRIME_DEMO_CHECKS]))
    n.out(n._("the same sequence from both streams: {same}").format(same=naive == fast))
    n.note(
        n._(
            "The lecture's stream tries every divisor up to the square root of every number. "
            "prime_stream gives the same sequence from a segmented sieve, many times faster, "
            "can start anywhere, and still needs only memory for the primes up to the square "
            "root plus one segment, however far it runs. speedlab primes prints from it."
        )
    )


def _show_generators(settings: DemoSettings) -> None:
    show_generators(**settings.voice())


def _show_averager(settings: DemoSettings) -> None:
    show_averager(**settings.voice())


def _show_delegation(settings: DemoSettings) -> None:
    show_delegation(
        rng=random.Random(settings.seed),
        count=settings.count,
        tick=settings.tick,
        sleep=settings.sleep,
        **settings.voice(),
    )


def _provider_asker(settings: DemoSettings) -> Callable[[str], Number | None]:
    if settings.answers is not None:
        return scripted_answers(settings.answers, echo=settings.echo)
    return stream_asker(settings.stdin, lang=settings.lang)


def _show_provider(settings: DemoSettings) -> None:
    unattended = settings.answers is not None
    show_provider(_provider_asker(settings), unattended=unattended, **settings.voice())


def _show_runner(settings: DemoSettings) -> None:
    show_runner(seed=settings.seed, **settings.voice())


def _show_asyncio_basics(settings: DemoSettings) -> None:
    show_asyncio_basics(
        tick=settings.tick, sleep=settings.sleep, clock=settings.clock, **settings.voice()
    )


def _show_threads_processes(settings: DemoSettings) -> None:
    count = settings.steps(DEFAULT_WORK_TICKS)
    show_threads_processes(
        tick=settings.tick, count=count, sleep=settings.sleep, **settings.voice()
    )


#: Every demo, in the lecture's order.
DEMOS: tuple[Demo, ...] = (
    Demo(
        "generators", "2.1", "gen_fun", N_("a generator function and its object"), _show_generators
    ),
    Demo("primes", "2.2", "create_prime_stream", N_("an infinite stream of primes"), show_primes),
    Demo(
        "averager", "2.3", "averager", N_("a coroutine that keeps a running mean"), _show_averager
    ),
    Demo("delegation", "2.4", "primary, secondary", N_("yield from"), _show_delegation),
    Demo(
        "provider",
        "2.5",
        "value_provider, value_computer",
        N_("questions out by yield, answers in by send"),
        _show_provider,
    ),
    Demo(
        "runner",
        "2.6",
        "runner, computer, repeater",
        N_("asynchrony by hand, then with async def"),
        _show_runner,
    ),
    Demo(
        "asyncio-basics",
        "2.7",
        "sleeper, printer",
        N_("first steps with asyncio, three mistakes and their times"),
        _show_asyncio_basics,
    ),
    Demo(
        "threads-processes",
        "2.8",
        "Process, Thread, Event",
        N_("processes, threads, the GIL, and stopping a thread"),
        _show_threads_processes,
    ),
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
        == gen_fun: a generator function and its object ==
        ...
    """
    chosen = settings or DemoSettings()
    for demo in DEMOS:
        if demo.name == name:
            chosen.echo(demo.header(chosen.narrator()))
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
        >>> settings = DemoSettings(tick=0, seed=1, notes=False, echo=lines.append)
        >>> run_all(settings, names=["provider"])
        >>> lines[-1]
        'StopIteration: 118'
    """
    chosen = settings or DemoSettings()
    if chosen.answers is None:
        answers = tuple(seeded_answers(random.Random(chosen.seed)))
        chosen = replace(chosen, answers=answers)
    for index, name in enumerate(demo_names() if names is None else names):
        if index:
            chosen.echo("")
        run_demo(name, chosen)
