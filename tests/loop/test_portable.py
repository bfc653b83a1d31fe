"""The same ``async def`` code runs under ``speedlab.loop.run`` and ``asyncio.run``.

Written only with portable awaits (other coroutines, async generators, async context
managers, and a ``pause(0)`` passed in, as the engine's async driver passes its primitives),
the functions below give the same answer on both loops; each loop's ``sleep(0)`` even works on
the other, since both are a bare ``yield`` of None to the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType

import pytest

import speedlab.loop

Pause = Callable[[float], Awaitable[None]]


async def squares(n: int, pause: Pause) -> AsyncIterator[int]:
    for i in range(n):
        await pause(0)
        yield i * i


class Tracked:
    """An async context manager that logs its way in and out, pausing on each."""

    def __init__(self, log: list[str], pause: Pause) -> None:
        self.log, self.pause = log, pause

    async def __aenter__(self) -> Tracked:
        await self.pause(0)
        self.log.append("enter")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.pause(0)
        self.log.append(f"exit {exc_type.__name__ if exc_type else 'cleanly'}")


async def checked(value: int, pause: Pause) -> int:
    await pause(0)
    if value > 10:
        raise ValueError(f"{value} is too big")
    return value


async def pipeline(n: int, pause: Pause) -> tuple[int, list[str]]:
    """Sum the small squares; log what happened, errors included."""
    log: list[str] = []
    total = 0
    async with Tracked(log, pause):
        async for square in squares(n, pause):
            try:
                total += await checked(square, pause)
            except ValueError as exc:
                log.append(str(exc))
    try:
        async with Tracked(log, pause):
            await checked(99, pause)
    except ValueError:
        log.append("raised through the context manager")
    return total, log


EXPECTED = (
    0 + 1 + 4 + 9,
    [
        "enter",
        "16 is too big",
        "25 is too big",
        "exit cleanly",
        "enter",
        "exit ValueError",
        "raised through the context manager",
    ],
)


@pytest.mark.parametrize("pause", [speedlab.loop.sleep, asyncio.sleep], ids=["ours", "asyncio"])
def test_the_same_code_gives_the_same_answer_on_both_loops(pause: Pause) -> None:
    on_ours = speedlab.loop.run(pipeline, 6, pause)
    on_asyncio = asyncio.run(pipeline(6, pause))
    assert on_ours == on_asyncio == EXPECTED


def test_cancelled_error_is_one_class_for_both_loops() -> None:
    assert speedlab.loop.CancelledError is asyncio.CancelledError
