"""Delegation with ``yield from`` (SPEC §2.4): one generator lending its caller to another.

``yield from secondary()`` passes every value of the sub-generator straight through to whoever
drives the primary, and hands back the sub-generator's ``return`` value. The lecture shows it
three ways, all here: an endless primary around a counting secondary; two primaries advanced
one step a tick by a random choice, which is already *scheduling*; and a secondary whose
``return`` arrives through ``res = yield from ...``. The random source and the tick are
parameters so that a run can be repeated exactly and tests need not sleep.

    >>> core = endless_primary()
    >>> [next(core) for _ in range(12)][-3:]
    ['SEC 9', 'Prim', 'SEC 0']
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

from speedlab._constants import DEFAULT_TICK
from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator

__all__ = [
    "DEFAULT_THRESHOLD",
    "LECTURE_STEPS",
    "InterleavedStep",
    "collecting_primary",
    "counting_secondary",
    "endless_primary",
    "interleave",
    "paired_primary",
    "paired_secondary",
    "returning_secondary",
    "show_delegation",
    "tick_steps",
]

# The lecture advances the first primary when random() > 0.8, so the second one runs 80 % of ticks.
DEFAULT_THRESHOLD = 0.8

# Steps of the lecture's three loops: n = 12, n = 30 and n = 10.
LECTURE_STEPS = (12, 30, 10)


def counting_secondary(count: int = 10) -> Generator[str, None, None]:
    """Yield ``"SEC 0"`` ... ``"SEC {count-1}"``: the lecture's first secondary.

    Args:
        count: How many values to yield.
    """
    for i in range(count):
        yield f"SEC {i}"


def endless_primary(name: str = "Prim") -> Generator[str, None, None]:
    """Delegate to :func:`counting_secondary`, then yield ``name``; again, forever.

    Args:
        name: Yielded after each full secondary.
    """
    while True:
        yield from counting_secondary()
        yield name


def paired_secondary(src_name: str) -> Generator[str, None, None]:
    """Yield ``"SEC 1 from <src_name>"`` and ``"SEC 2 from <src_name>"``.

    Args:
        src_name: The primary this secondary works for.
    """
    yield f"SEC 1 from {src_name}"
    yield f"SEC 2 from {src_name}"


def paired_primary(name: str = "prim", rounds: int = 1000) -> Generator[str, None, None]:
    """Run ``rounds`` rounds of :func:`paired_secondary` followed by ``"<name>-<round>"``.

    Args:
        name: Passed to the secondaries and used in the round's own value.
        rounds: How many rounds (the lecture's 1000); then the generator ends.
    """
    for i in range(rounds):
        yield from paired_secondary(name)
        yield f"{name}-{i}"


def returning_secondary(src_name: str, i: int) -> Generator[str, None, str]:
    """Yield two ``"SEC n from <src_name> #<i>"`` lines, then return ``src_name * i``.

    Args:
        src_name: The primary this secondary works for.
        i: The round; the return value repeats ``src_name`` this many times.

    Returns:
        A generator whose ``StopIteration.value`` is ``src_name * i``.
    """
    yield f"SEC 1 from {src_name} #{i}"
    yield f"SEC 2 from {src_name} #{i}"
    return src_name * i


def collecting_primary(
    name: str = "prim", rounds: int = 1000, *, report: Callable[[str], None] = print
) -> Generator[str, None, list[str]]:
    """Receive each secondary's ``return`` through ``res = yield from ...`` and report it.

    Args:
        name: Passed to every :func:`returning_secondary`.
        rounds: How many secondaries to run.
        report: Called with ``"secondary-<i>: <res>"`` as each secondary returns (the lecture
            prints it from inside the generator, between two of the driver's lines).

    Returns:
        A generator whose own ``return`` value is the list of every secondary's result.
    """
    results: list[str] = []
    for i in range(rounds):
        res = yield from returning_secondary(name, i)
        report(f"secondary-{i}: {res}")
        results.append(res)
    return results


def _pause(tick: float, sleep: Callable[[float], None]) -> None:
    if tick > 0:
        sleep(tick)


def tick_steps(
    core: Generator[str, None, object],
    steps: int,
    *,
    tick: float = DEFAULT_TICK,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[tuple[int, str]]:
    """Advance ``core`` one value a tick, as the lecture's ``for i in range(n)`` loops do.

    Args:
        core: The generator to drive.
        steps: At most this many values; fewer if ``core`` ends first.
        tick: Seconds to sleep before each step (the lecture's 1 s).
        sleep: The sleeping function (injected by tests).

    Returns:
        An iterator of ``(step index, value)``; consume it lazily so that whatever ``core``
        prints while producing a value appears before that value's line.
    """
    for i in range(steps):
        _pause(tick, sleep)
        try:
            value = next(core)
        except StopIteration:
            return
        yield i, value


@dataclass(frozen=True)
class InterleavedStep:
    """One tick of :func:`interleave`: which primary ran (0 or 1) and what it yielded."""

    index: int
    core: int
    value: str


def interleave(
    core_one: Generator[str, None, object],
    core_two: Generator[str, None, object],
    steps: int,
    *,
    rng: random.Random,
    threshold: float = DEFAULT_THRESHOLD,
    tick: float = DEFAULT_TICK,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[InterleavedStep]:
    """Advance one of two generators each tick: ``core_one`` when ``rng.random() > threshold``.

    This is the lecture's loop: one tick, one ``yield`` of whichever primary the coin chose,
    while the other stays suspended exactly where it was.

    Args:
        core_one: Chosen when the draw is above ``threshold``.
        core_two: Chosen otherwise.
        steps: At most this many ticks; fewer if the chosen generator is exhausted.
        rng: The random source; one ``rng.random()`` draw per tick.
        threshold: Between 0 and 1.
        tick: Seconds to sleep before each step.
        sleep: The sleeping function (injected by tests).

    Returns:
        An iterator of :class:`InterleavedStep`.

    Raises:
        ValueError: ``threshold`` is outside [0, 1].

    Example:
        >>> one, two = paired_primary("first prim"), paired_primary("second prim")
        >>> steps = interleave(one, two, 3, rng=random.Random(1), tick=0)
        >>> [s.value for s in steps][0]
        'SEC 1 from second prim'
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    return _interleave(core_one, core_two, steps, rng, threshold, tick, sleep)


def _interleave(
    core_one: Generator[str, None, object],
    core_two: Generator[str, None, object],
    steps: int,
    rng: random.Random,
    threshold: float,
    tick: float,
    sleep: Callable[[float], None],
) -> Iterator[InterleavedStep]:
    cores = (core_one, core_two)
    for i in range(steps):
        _pause(tick, sleep)
        which = 0 if rng.random() > threshold else 1
        try:
            value = next(cores[which])
        except StopIteration:
            return
        yield InterleavedStep(i, which, value)


def show_delegation(
    *,
    rng: random.Random,
    count: int | None = None,
    tick: float = DEFAULT_TICK,
    sleep: Callable[[float], None] = time.sleep,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
) -> None:
    """Print the lecture's three ``yield from`` programs, explained.

    Args:
        rng: The random source for the two interleaved primaries.
        count: Steps of each program (default: the lecture's 12, 30 and 10; 0 runs none).
        tick: Seconds per step (the lecture sleeps 1 s).
        sleep: The sleeping function (injected by tests).
        echo: Where each line goes (default: ``print``).
        lang: The language of the headings and notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the programs and their output).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    steps = [LECTURE_STEPS[i] if count is None else count for i in range(3)]
    n.section(n._("primary() delegates to secondary()"))
    n.code(
        "core = primary()\n"
        f"for i in range({steps[0]}):\n"
        f"    sleep({tick:g})\n"
        "    print(f'{i} {next(core)}')"
    )
    for i, value in tick_steps(endless_primary(), steps[0], tick=tick, sleep=sleep):
        n.out(f"{i} {value}")
    n.note(
        n._(
            "yield from secondary() runs the secondary to its end and passes each of its "
            "values straight out to whoever calls next(core); only then does primary go on "
            "to its own yield name. The caller cannot tell which of the two produced a value. "
            "The lecture sleeps a second before each step so that you can watch; --tick sets "
            "that pause."
        )
    )

    n.section(n._("two primaries, one step at a time, chosen at random"))
    n.code(
        "core_one = primary('first prim')\n"
        "core_two = primary('second prim')\n"
        f"for i in range({steps[1]}):\n"
        f"    sleep({tick:g})\n"
        f"    if random() > {DEFAULT_THRESHOLD}:\n"
        "        res = next(core_one)\n"
        "    else:\n"
        "        res = next(core_two)\n"
        "    print(f'{i}| {res}')"
    )
    core_one, core_two = paired_primary("first prim"), paired_primary("second prim")
    for step in interleave(core_one, core_two, steps[1], rng=rng, tick=tick, sleep=sleep):
        n.out(f"{step.index}| {step.value}")
    core_one.close()
    core_two.close()
    n.note(
        n._(
            "Watch the counter on the left: it is global, while each primary keeps its own "
            "place. One step of the loop is one yield of the primary the coin chose; the "
            "other one stays frozen where it was, in the middle of its secondary if need "
            "be, and goes on from there when its turn comes. The loop decides who runs "
            "next: that is already a scheduler, two tasks making progress in turns in one "
            "thread. (The first primary runs when random() > 0.8, so about one step in five; "
            "--seed repeats a run.)"
        )
    )

    n.section(n._("res = yield from secondary(): the secondary's return value"))
    n.code(
        "core = primary()\n"
        f"for i in range({steps[2]}):\n"
        f"    sleep({tick:g})\n"
        "    print(f'{i} | {next(core)}')"
    )
    core = collecting_primary(report=n.out)
    for i, value in tick_steps(core, steps[2], tick=tick, sleep=sleep):
        n.out(f"{i} | {value}")
    core.close()
    n.note(
        n._(
            "res = yield from secondary(name, i) receives the value the secondary returns: "
            "yield from catches the StopIteration that carries it, as the try/except did "
            "by hand for gen_fun. secondary-0 is empty because 'prim' * 0 == ''. The "
            "secondary-i lines are printed by primary itself, inside the loop's next(): "
            "after the secondary's second value, the next step resumes primary, which "
            "prints the result and starts a new secondary before it yields again."
        )
    )
