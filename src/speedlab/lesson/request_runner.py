"""The hand-made runner (SPEC §2.6): an event loop in twenty lines, before asyncio.

Each command is a generator that *yields a request* — a type, ``int`` or ``str`` — and is
resumed with an answer of that type. The runner keeps the commands in a round-robin queue,
answers one request per turn (a random digit 1..7 or a random letter of ``ALPHABET``) and
collects each command's ``return`` value in the order the commands finish. Nothing runs in
parallel, yet the commands progress together: that is concurrency, and the runner is the loop.

Then the lecture's trick: decorate the one generator at the bottom (``computer``) with
``@types.coroutine`` and everything above it can be written with ``async def``/``await`` —
and the very same runner drives those native coroutines, because ``await`` is ``yield from``.

The random source is a parameter: the same seed gives the same results, and (since both styles
make the same requests in the same order) the generator and the ``async def`` versions agree.

    >>> runner(repeater(2), repeater(1), rng=random.Random(1))
    ['GGGGG', 'HHBBBBBBB']
"""

from __future__ import annotations

import random
import types
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from typing import Any, TypeAlias, TypeVar

from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator

__all__ = [
    "ALPHABET",
    "INT_HIGH",
    "INT_LOW",
    "Command",
    "Request",
    "answer_request",
    "async_repeater",
    "computer",
    "coro_computer",
    "repeater",
    "runner",
    "show_runner",
]

T = TypeVar("T")

#: What a command yields: the *type* of the value it wants back.
Request: TypeAlias = type[int] | type[str]

#: A command the runner can drive: a generator or a native coroutine, both resumed by ``send``.
Command: TypeAlias = Generator[Request, Any, T] | Coroutine[Any, Any, T]

# The lecture's letters for str requests (repeats on purpose: 'D' and 'T' are twice as likely).
ALPHABET = "ABCDRTYUWETDGH"

# The lecture's range for int requests, both ends included (random.randint(1, 7)).
INT_LOW = 1
INT_HIGH = 7


def _multiply(times: object, text: object) -> str:
    """Check what the runner sent back, then repeat ``text`` ``times`` times."""
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError(f"computer asked for an int, got {times!r}")
    if not isinstance(text, str):
        raise TypeError(f"computer asked for a str, got {text!r}")
    return times * text


def computer() -> Generator[Request, Any, str]:
    """Ask for an ``int``, then a ``str``, and return the string repeated that many times.

    The lecture's one-liner ``return (yield int) * (yield str)``, with the answers checked.
    """
    times = yield int
    text = yield str
    return _multiply(times, text)


def repeater(n: int) -> Generator[Request, Any, str]:
    """Run ``n`` computers one after another through ``yield from`` and join their strings.

    Args:
        n: How many computers.

    Returns:
        A command whose return value is the concatenation of the computers' strings.
    """
    res = ""
    for _ in range(n):
        res += yield from computer()
    return res


@types.coroutine
def coro_computer() -> Generator[Request, Any, str]:
    """The same computer, made awaitable: the one place where ``async`` code meets ``yield``."""
    times = yield int
    text = yield str
    return _multiply(times, text)


async def async_repeater(n: int) -> str:
    """:func:`repeater` written with ``async def`` and ``await`` on :func:`coro_computer`.

    Args:
        n: How many computers to await.

    Returns:
        The concatenation of the computers' strings.
    """
    res = ""
    for _ in range(n):
        res += await coro_computer()
    return res


def answer_request(request: object, rng: random.Random) -> int | str | None:
    """Answer one request: a random int for ``int``, a random letter for ``str``, ``None`` to start.

    Args:
        request: What the command yielded (``None`` means "not started yet").
        rng: The random source.

    Returns:
        The value to send into the command.

    Raises:
        ValueError: The command asked for something the runner cannot give.
    """
    if request is str:
        return rng.choice(ALPHABET)
    if request is int:
        return rng.randint(INT_LOW, INT_HIGH)
    if request is None:
        return None
    raise ValueError(request)


def _turn(name: str, answer: object, outcome: str) -> str:
    """One line of the trace: who ran, what it was sent, and what came of it."""
    sent = "next()" if answer is None else f"send({answer!r})"
    return f"{name}: {sent} -> {outcome}"


def runner(
    *commands: Command[T],
    rng: random.Random | None = None,
    trace: Callable[[str], None] | None = None,
) -> list[T]:
    """Drive ``commands`` round-robin, answering their requests, until every one has returned.

    Each turn takes the command at the front of the queue, answers its last request (starting
    it with ``send(None)``, which for a generator is ``next``) and puts it back at the end; a
    command that returns leaves the queue, is closed and its value appended to the results.

    Args:
        commands: Generators or native coroutines that yield ``int`` or ``str``.
        rng: The random source (default: a fresh, unseeded ``random.Random``).
        trace: Called with one line per turn, to watch the schedule:
            ``"repeater#1: send(5) -> str"`` (command ``#1`` was sent 5 and now asks for a
            ``str``), ``"computer#0: send('H') -> return 'HH'"`` (it finished).

    Returns:
        The commands' return values in the order they finished.

    Raises:
        ValueError: A command yielded something other than ``int`` or ``str``.

    Every command is closed before this returns or raises, so none is left suspended.

    Example:
        >>> runner(repeater(3), rng=random.Random(7))
        ['CCCTTTTB']
    """
    rnd = random.Random() if rng is None else rng
    queue: deque[tuple[str, Command[T], object]] = deque(
        (f"{getattr(command, '__name__', 'command')}#{index}", command, None)
        for index, command in reversed(list(enumerate(commands)))
    )
    results: list[T] = []
    try:
        while queue:
            name, command, request = queue.pop()
            answer = answer_request(request, rnd)
            try:
                request = command.send(answer)
            except StopIteration as stop:
                results.append(stop.value)
                command.close()
                if trace is not None:
                    trace(_turn(name, answer, f"return {stop.value!r}"))
            else:
                queue.appendleft((name, command, request))
                if trace is not None:
                    trace(_turn(name, answer, getattr(request, "__name__", repr(request))))
    finally:
        for command in commands:
            command.close()
    return results


def show_runner(
    *,
    seed: int,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
) -> None:
    """Print the lecture's runner sessions, generator style then ``async def`` style, explained.

    Each run gets a fresh ``random.Random(seed)``, so the two styles can be compared.

    Args:
        seed: The seed of every run's random source.
        echo: Where each line goes (default: ``print``).
        lang: The language of the headings and notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the programs and their output).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    n.section(n._("the runner's trace: the lecture's commented-out prints, one line per turn"))
    n.code("runner(computer(), repeater(2))")
    n.out(repr(runner(computer(), repeater(2), rng=random.Random(seed), trace=n.out)))
    n.note(
        n._(
            "Each line is one turn of the runner's loop (computer#0 is the first command "
            "given to runner, repeater#1 the second): it takes the command at the front "
            "of the queue, answers the request that command made last time by send() (int "
            "gets a random number from 1 to 7, str a random letter; next() starts a new command) "
            "and puts it back at the end of the queue with its new request. The commands "
            "take turns, each one stopped exactly where it asked, like the two primaries. "
            "A send() that raises StopIteration means the command has finished: its return "
            "value joins the results and it leaves the queue."
        )
    )

    n.section(n._("the lecture's runs"))
    n.code("runner(repeater(3))")
    n.out(repr(runner(repeater(3), rng=random.Random(seed))))
    n.code("print(runner(repeater(10), repeater(2), repeater(6)))")
    plain = runner(repeater(10), repeater(2), repeater(6), rng=random.Random(seed))
    n.out(str(plain))
    n.note(
        n._(
            "The results come in the order the commands finish, not the order they were "
            "given: each round of the queue answers one request of every command still "
            "running, and repeater(2) needs 5 turns, repeater(6) 13 and repeater(10) 21. So "
            "repeater(2)'s string comes first and repeater(10)'s last. The code runs in an "
            "order nobody wrote down, and yet one the program controls: the same --seed "
            "gives the same letters."
        )
    )

    n.section(n._("the same runner, now driving async def"))
    n.code(
        "@types.coroutine\n"
        "def computer():\n"
        "    return (yield int) * (yield str)\n"
        "\n"
        "async def repeater(n):\n"
        "    res = ''\n"
        "    for i in range(n):\n"
        "        res += await computer()\n"
        "    return res\n"
        "\n"
        "print(runner(repeater(10), repeater(2), repeater(6)))"
    )
    native = runner(
        async_repeater(10), async_repeater(2), async_repeater(6), rng=random.Random(seed)
    )
    n.out(str(native))
    n.out(n._("the same results as the generator version: {same}").format(same=native == plain))
    n.note(
        n._(
            "Only computer() still yields, marked @types.coroutine; repeater became an async "
            "def that awaits it. The runner did not change a letter: a native coroutine is "
            "driven by send() like a generator, and await passes the requests through just "
            "as yield from did. Same seed, same requests, same answers, same results. This "
            "is what asyncio is made of: an event loop that answers the requests of "
            "coroutines, only there the requests are I/O and timers instead of types."
        )
    )
