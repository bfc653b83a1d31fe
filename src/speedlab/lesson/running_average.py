"""The running-average coroutine (SPEC §2.3): a generator that also *receives* values.

It is the step from "generators produce" to "coroutines keep state between entries": the caller
primes it with ``next`` (which runs it to the first ``yield`` and gives 0.0), then each ``send``
resumes it exactly where it stopped. After ``close()`` the coroutine is finished, so a further
``send`` raises ``StopIteration`` at once.

    >>> avg = averager()
    >>> next(avg), avg.send(10), avg.send(15), avg.send(20)
    (0.0, 10.0, 12.5, 15.0)
"""

from __future__ import annotations

from collections.abc import Generator, Iterable

from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator

__all__ = ["averager", "running_means", "show_averager"]


def averager() -> Generator[float, float, None]:
    """Yield the mean of every number sent so far (0.0 before the first one).

    Returns:
        A coroutine to prime with ``next`` and then feed with ``send(number)``.
    """
    total = 0.0
    count = 0
    avg = 0.0
    while True:
        curr = yield avg
        total += curr
        count += 1
        avg = total / count


def running_means(values: Iterable[float]) -> list[float]:
    """Feed ``values`` to a fresh :func:`averager` and collect every mean, the priming 0.0 first.

    Args:
        values: The numbers to send, in order.

    Returns:
        ``[0.0, mean of first, mean of first two, ...]``; the coroutine is closed afterwards.

    Example:
        >>> running_means([10, 15, 20])
        [0.0, 10.0, 12.5, 15.0]
    """
    coro = averager()
    try:
        means = [next(coro)]
        means.extend(coro.send(v) for v in values)
        return means
    finally:
        coro.close()


def show_averager(
    values: Iterable[float] = (10, 15, 20),
    *,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
) -> None:
    """Print the lecture's session with the averager, ending with a send after close.

    Args:
        values: The numbers to send (the lecture's 10, 15, 20 by default).
        echo: Where each line goes (default: ``print``).
        lang: The language of the notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the session itself).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    n.code("coro_avg = averager()\nnext(coro_avg)")
    coro_avg = averager()
    n.out(repr(next(coro_avg)))
    n.note(
        n._(
            "next() primes the coroutine: it runs the body up to the first yield, which "
            "hands out avg, still 0.0. Only a coroutine paused at a yield can receive a "
            "value: send(10) to a fresh one would fail with TypeError."
        )
    )
    last = 20.0
    for v in values:
        n.code(f"coro_avg.send({v:g})")
        n.out(repr(coro_avg.send(v)))
        last = v
    n.note(
        n._(
            "send(x) resumes the coroutine exactly where it stopped: curr = yield avg "
            "receives x, the loop updates total and count, and the next yield hands out "
            "the new mean. The state lives in the paused function, much like the variables "
            "of a closure. A coroutine is a generator that also takes data in."
        )
    )
    n.code("coro_avg.close()")
    coro_avg.close()
    n.code(f"coro_avg.send({last:g})")
    try:
        coro_avg.send(last)
    except StopIteration:
        n.out("StopIteration")
    n.note(
        n._(
            "close() raises GeneratorExit inside the coroutine, at the yield where it is "
            "paused. Why an exception? So that the coroutine can clean up: a finally "
            "clause or a with block around that yield still runs. averager does not catch "
            "it, the exception ends the body, and close() swallows it. From then on the "
            "coroutine is finished, and every send() raises StopIteration at once."
        )
    )
