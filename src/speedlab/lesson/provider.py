"""Generators that ask their driver for data (SPEC §2.5): the provider/computer dialogue.

``value_computer`` *yields a question* and receives the answer through ``send``; the provider
delegates to two computers with ``yield from``, so the driver talks straight to whichever
computer is asking. Questions out, answers in: that is the shape of every request an ``async``
function makes to its event loop, here with a human (or a script) as the loop.

The lecture reads the answers with ``eval(input(req))``. Here they go through a small safe
calculator (:func:`speedlab.lesson.evaluate_answer`): ``7``, ``2.5``, ``2**3``, ``1+1`` and
``0x10`` work as they did with ``eval``; anything else is refused with a one-line reason and
the question is asked again, and no input ends in a traceback.

    >>> quiet = lambda line: None
    >>> run_provider(scripted_answers([1, 2, 3, 4], echo=quiet), echo=quiet)
    116
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Generator, Iterable
from typing import TextIO

from speedlab._exceptions import UsageError
from speedlab.lesson._arithmetic import AnswerError, Number, evaluate_answer
from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator, translations

__all__ = [
    "ANSWERS_NEEDED",
    "MAX_LINE_CHARS",
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

#: Answers the provider needs for one full run: x and y for each of its two computers.
ANSWERS_NEEDED = 4

# Longest line read as one answer; the rest of a longer line is skipped, not read as more
# answers (the calculator refuses anything over a hundred characters anyway).
MAX_LINE_CHARS = 10_000


def value_computer(val: int) -> Generator[str, Number, Number]:  # noqa: ARG001
    """Ask for ``x`` then ``y`` and return ``x ** 2 + y``.

    Args:
        val: Which computer this is; unused, as in the lecture (its questions do not say).

    Returns:
        A generator yielding the lecture's two prompts and returning ``x ** 2 + y``.
    """
    x = yield "computer: get val x "
    y = yield "computer: get val y "
    return x**2 + y


def value_provider(*, echo: Echo = print) -> Generator[str, Number, Number]:
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
    """Read one answer: a number or an arithmetic expression, as the lecture's ``eval`` did.

    Args:
        text: One answer, surrounding white space allowed.

    Returns:
        An ``int`` for integer arithmetic (``2**3``), else a ``float``.

    Raises:
        AnswerError: (a ``UsageError``) the text is not a number the lesson can use.

    Example:
        >>> parse_number(" 7 "), parse_number("2.5"), parse_number("0x10")
        (7, 2.5, 16)
    """
    return evaluate_answer(text)


def parse_answers(text: str) -> tuple[Number, ...]:
    """Read scripted answers: separated by commas, or by white space when there is no comma.

    Args:
        text: For example ``"3, 4, 2**3, 6"`` or ``"3 4 8 6"``.

    Returns:
        The numbers in order.

    Raises:
        UsageError: An answer is not a number (the message says which), or there is none.

    Example:
        >>> parse_answers("3, 4, 1 + 1, 0x10"), parse_answers("3 4 5 6.5")
        ((3, 4, 2, 16), (3, 4, 5, 6.5))
    """
    parts = text.split(",") if "," in text else text.split()
    if not any(part.strip() for part in parts):
        raise UsageError("--answers needs at least one number, e.g. --answers '3, 4, 2**3, 6'")
    answers: list[Number] = []
    for index, part in enumerate(parts, 1):
        try:
            answers.append(evaluate_answer(part))
        except AnswerError as exc:
            raise UsageError(f"--answers, answer {index}: {exc}") from None
    return tuple(answers)


def run_provider(ask: Callable[[str], Number | None], *, echo: Echo = print) -> Number | None:
    """Drive :func:`value_provider`: pass each question to ``ask`` and send back its answer.

    Args:
        ask: Called with the question; returns the answer, or ``None`` to stop early.
        echo: Where the provider's own lines and the final ``StopIteration`` go.

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
                echo(f"StopIteration: {result}")
                return result
    finally:
        command.close()


def scripted_answers(
    answers: Iterable[Number], *, echo: Echo = print
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
    lang: str = DEFAULT_LANGUAGE,
) -> Callable[[str], Number | None]:
    """Ask questions on ``out`` and read answers, one a line, from ``stream``.

    An answer the calculator refuses gets a one-line reason and the question again; the end
    of the input (Ctrl-D, or a pipe running dry) answers ``None``. Nothing the stream holds,
    text or not, raises.

    Args:
        stream: Where answers come from (default: ``sys.stdin`` at call time).
        out: Where questions and messages go (default: ``sys.stdout`` at call time).
        echo_answers: Also print each answer after its question, so that piped input still
            reads like a dialogue (default: when ``stream`` is not a terminal).
        lang: The language of the messages (one of ``LANGUAGES``).

    Returns:
        An ``ask`` function for :func:`run_provider`.

    Example:
        >>> import io
        >>> ask = stream_asker(io.StringIO("oops\\n2**3\\n"), out=io.StringIO())
        >>> ask("x? ")
        8
    """
    gettext = translations(lang).gettext

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
                dst.write(_printable(line.rstrip("\n")) + "\n")
            try:
                return evaluate_answer(line)
            except AnswerError as exc:
                reason = exc.message(gettext)
                reason = reason[:1].upper() + reason[1:]
                dst.write(
                    gettext("{error}. Please type a number, e.g. 7, 2.5 or 2**3.").format(
                        error=reason
                    )
                    + "\n"
                )

    return ask


def _read_line(stream: TextIO | None) -> str:
    """Read one line, at most ``MAX_LINE_CHARS`` of it kept; no or a closed stream is the end."""
    if stream is None:
        return ""
    try:
        line = stream.readline(MAX_LINE_CHARS)
        if len(line) == MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := stream.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass  # skip the rest of an overlong line
            line += "…\n"
    except (ValueError, OSError):  # closed, or undecodable bytes (the CLI reads with replace)
        return ""
    return line


def _printable(text: str) -> str:
    """``text`` with control characters escaped, so that echoing input cannot drive a terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _not_a_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is None or not stream.isatty()
    except ValueError:  # a closed stream
        return True


def show_provider(
    ask: Callable[[str], Number | None],
    *,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
    unattended: bool = False,
) -> Number | None:
    """Run the provider/computer dialogue with ``ask`` answering, explained around it.

    Args:
        ask: Answers each question (see :func:`stream_asker` and :func:`scripted_answers`).
        echo: Where each line goes (default: ``print``).
        lang: The language of the headings and notes.
        notes: Print the notes.
        unattended: The answers are scripted, not typed (the note says so instead of how to
            type them).

    Returns:
        The provider's result, or ``None`` if the answers ran out first.
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    n.code(
        "command = value_provider()\n"
        "req = next(command)\n"
        "for i in range(4):\n"
        "    data = evaluate_answer(input(req))\n"
        "    req = command.send(data)"
    )
    if unattended:
        n.note(
            n._(
                "The answers are given in advance here (--answers, or drawn from --seed). "
                "evaluate_answer stands in for the lecture's eval: it computes arithmetic "
                "such as 2**3 and refuses anything else."
            )
        )
    else:
        n.note(
            n._(
                "Type each answer and press Enter. evaluate_answer stands in for the "
                "lecture's eval: arithmetic works as it did, 7, 2.5, 2**3, 1+1, 0x10, but "
                "nothing else does; anything that is not arithmetic, or is too large, is "
                "refused and the question asked again. Ctrl-D stops early."
            )
        )
    result = run_provider(ask, echo=echo)
    if result is None:
        n.out(n._("(no more answers: the provider was closed before it finished)"))
    n.note(
        n._(
            "Every question comes from a value_computer, yet the loop only ever talks to "
            "value_provider: yield from connects the caller straight to the sub-generator, "
            "in both directions, so send(data) lands in the computer waiting at its "
            "x = yield. When a computer returns x ** 2 + y, yield from hands that value "
            "to the provider (res_one), which prints it and starts the second computer."
        )
    )
    n.note(
        n._(
            "The fourth send() reaches a generator with no yield left: the provider returns "
            "res_one + res_two + 100, and that value arrives as StopIteration, which the "
            "lecture's loop leaves uncaught. Questions go out, answers come in: the runner "
            "of the next program answers the same way, without a human."
        )
    )
    return result
