"""The running-average coroutine (lecture §2.3): a generator that also *receives* values.

It is the step from "generators produce" to "coroutines keep state between entries": the caller
primes it with ``next`` (which runs it to the first ``yield`` and gives 0.0), then each ``send``
resumes it exactly where it stopped. After ``close()`` the coroutine is finished, so a further
``send`` raises ``StopIteration`` at once.

    >>> avg = averager()
    >>> next(avg), avg.send(10), avg.send(15), avg.send(20)
    (0.0, 10.0, 12.5, 15.0)
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable

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
    values: Iterable[float] = (10, 15, 20), *, echo: Callable[[str], None] = print
) -> None:
    """Print the lecture's session with the averager, ending with a send after close.

    Args:
        values: The numbers to send (the lecture's 10, 15, 20 by default).
        echo: Where each line goes (default: ``print``).
    """
    coro_avg = averager()
    echo(f"coro_avg = averager(); next(coro_avg) -> {next(coro_avg)}")
    last = 20.0
    for v in values:
        echo(f"coro_avg.send({v:g}) -> {coro_avg.send(v)}")
        last = v
    coro_avg.close()
    echo("coro_avg.close()")
    try:
        coro_avg.send(last)
    except StopIteration as stop:
        echo(f"coro_avg.send({last:g}) -> StopIteration (value={stop.value!r}): it is closed")
