"""Generators that ask their driver for data (lecture §2.5): the provider/computer dialogue.

``value_computer`` *yields a question* and receives the answer through ``send``; the provider
delegates to two computers with ``yield from``, so the driver talks straight to whichever
computer is asking. Questions out, answers in: that is the shape of every request an ``async``
function makes to its event loop, here with a human (or a script) as the loop.

The lecture reads the answers with ``eval(input(...))``; here they are parsed as numbers and
nothing else, and a non-number is refused with a message instead of a traceback.

    >>> quiet = lambda line: None
    >>> run_provider(scripted_answers([1, 2, 3, 4], echo=quiet), echo=quiet)
    116
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Generator, Iterable
from typing import TextIO, TypeAlias

from speedlab._exceptions import UsageError

__all__ = [
    "Number",
    "parse_answers",
    "parse_number",
    "run_provider",
    "scripted_answers",
    "seeded_answers",
    "show_provider",
    "stream_asker",
    "value_computer",
    "value_provider",
]

#: What the computers accept: the lecture's ``eval`` gave ints or floats.
Number: TypeAlias = int | float

#: Answers the provider needs for one full run: x and y for each of its two computers.
ANSWERS_NEEDED = 4


def value_computer(val: int) -> Generator[str, Number, Number]:
    """Ask for ``x`` then ``y`` and return ``x ** 2 + y``.

    Args:
        val: Which computer this is; it appears in the questions so the user knows who asks.

    Returns:
        A generator yielding the two questions and returning ``x ** 2 + y``.
    """
    x = yield f"computer {val}: get val x "
    y = yield f"computer {val}: get val y "
    return x**2 + y


def value_provider(*, echo: Callable[[str], None] = print) -> Generator[str, Number, Number]:
    """Delegate to two computers and return ``res_one + res_two + 100``.

    Args:
        echo: Where the provider reports what each computer gave (default: ``print``).

    Returns:
        A generator that yields the computers' questions and returns the total.
    """
    res_one = yield from value_computer(1)
    echo(f"provider: got {res_one} from computer")
    res_two = yield from value_computer(2)
    echo(f"provider: got {res_two} from computer")
    return res_one + res_two + 100


def parse_number(text: str) -> Number:
    """Read an int or a finite float from ``text`` (what the lecture's ``eval`` was for).

    Args:
        text: One answer, surrounding white space allowed.

    Returns:
        An ``int`` when the text is an integer, else a ``float``.

    Raises:
        UsageError: The text is not a finite number.

    Example:
        >>> parse_number(" 7 "), parse_number("2.5")
        (7, 2.5)
    """
    cleaned = text.strip()
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        raise UsageError(f"not a number: {cleaned!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"not a finite number: {cleaned!r}")
    return value


def parse_answers(text: str) -> tuple[Number, ...]:
    """Read scripted answers: numbers separated by commas or white space.

    Args:
        text: For example ``"3, 4, 5, 6"``.

    Returns:
        The numbers in order.

    Raises:
        UsageError: A part is not a number, or there is none at all.

    Example:
        >>> parse_answers("3, 4 5,6.5")
        (3, 4, 5, 6.5)
    """
    parts = text.replace(",", " ").split()
    if not parts:
        raise UsageError("--answers needs at least one number")
    return tuple(parse_number(part) for part in parts)


def run_provider(
    ask: Callable[[str], Number | None], *, echo: Callable[[str], None] = print
) -> Number | None:
    """Drive :func:`value_provider`: pass each question to ``ask`` and send back its answer.

    Args:
        ask: Called with the question; returns the answer, or ``None`` to stop early.
        echo: Where the provider's own lines and the final result go.

    Returns:
        The provider's return value (the lecture's final ``StopIteration.value``), or ``None``
        if ``ask`` stopped early; the provider is closed either way.

    Example:
        >>> answers = iter([1, 2, 3, 4])
        >>> run_provider(lambda question: next(answers), echo=lambda line: None)
        116
    """
    command = value_provider(echo=echo)
    try:
        req = next(command)
        while True:
            answer = ask(req)
            if answer is None:
                return None
            try:
                req = command.send(answer)
            except StopIteration as stop:
                result: Number = stop.value
                echo(f"provider finished: StopIteration.value = {result}")
                return result
    finally:
        command.close()


def scripted_answers(
    answers: Iterable[Number], *, echo: Callable[[str], None] = print
) -> Callable[[str], Number | None]:
    """Answer questions from a fixed list, echoing each question with its answer.

    Args:
        answers: The answers in order; when they run out, the asker returns ``None``.
        echo: Where ``"<question><answer>"`` is written.

    Returns:
        An ``ask`` function for :func:`run_provider`.
    """
    remaining = iter(answers)

    def ask(question: str) -> Number | None:
        answer = next(remaining, None)
        if answer is not None:
            echo(f"{question}{answer}")
        return answer

    return ask


def seeded_answers(rng: random.Random) -> list[int]:
    """Draw the four answers a full provider run needs, each in 0..9, from ``rng``."""
    return [rng.randint(0, 9) for _ in range(ANSWERS_NEEDED)]


def stream_asker(
    stream: TextIO | None = None,
    *,
    out: TextIO | None = None,
    echo_answers: bool | None = None,
) -> Callable[[str], Number | None]:
    """Ask questions on ``out`` and read answers, one a line, from ``stream``.

    A line that is not a number is refused with a one-line message and the question is asked
    again; the end of the input (Ctrl-D, or a pipe running dry) answers ``None``.

    Args:
        stream: Where answers come from (default: ``sys.stdin`` at call time).
        out: Where questions and messages go (default: ``sys.stdout`` at call time).
        echo_answers: Also print each answer after its question, so that piped input still
            reads like a dialogue (default: when ``stream`` is not a terminal).

    Returns:
        An ``ask`` function for :func:`run_provider`.

    Example:
        >>> import io
        >>> ask = stream_asker(io.StringIO("oops\\n3\\n"), out=io.StringIO())
        >>> ask("x? ")
        3
    """

    def ask(question: str) -> Number | None:
        src = sys.stdin if stream is None else stream
        dst = sys.stdout if out is None else out
        echo = _not_a_terminal(src) if echo_answers is None else echo_answers
        while True:
            dst.write(question)
            dst.flush()
            line = _read_line(src)
            if not line:  # end of input
                dst.write("\n")
                return None
            if echo:
                dst.write(line if line.endswith("\n") else line + "\n")
            try:
                return parse_number(line)
            except UsageError as exc:
                dst.write(f"{exc}; please type a number\n")

    return ask


def _read_line(stream: TextIO | None) -> str:
    """Read one line; no stream at all, or a closed one, reads as the end of input."""
    if stream is None:
        return ""
    try:
        return stream.readline()
    except (ValueError, OSError):
        return ""


def _not_a_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is None or not stream.isatty()
    except ValueError:  # a closed stream
        return True


def show_provider(
    ask: Callable[[str], Number | None], *, echo: Callable[[str], None] = print
) -> Number | None:
    """Run the provider/computer dialogue with ``ask`` answering, and say how it ended.

    Args:
        ask: Answers each question (see :func:`stream_asker` and :func:`scripted_answers`).
        echo: Where the provider's lines go (default: ``print``).

    Returns:
        The provider's result, or ``None`` if the answers ran out first.
    """
    echo("value_provider() asks through two value_computer(); each returns x ** 2 + y,")
    echo("the provider returns res_one + res_two + 100:")
    result = run_provider(ask, echo=echo)
    if result is None:
        echo("no more answers: the provider was closed before it finished")
    return result
