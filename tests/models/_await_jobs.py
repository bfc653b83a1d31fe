"""A job whose units await a coroutine function: the ``Await`` effect under every model.

Module-level and frozen, so that the processes model can pickle it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import Await, CallResult, UnitGenerator, UnitOutcome


async def double_later(value: int, seconds: float) -> int:
    """Wait ``seconds`` on asyncio's loop, then return twice ``value``."""
    await asyncio.sleep(seconds)
    return 2 * value


async def refuse(value: int, seconds: float) -> int:
    """Fail the way a user's coroutine might."""
    await asyncio.sleep(seconds)
    raise ValueError(f"no {value}")


def not_a_coroutine(value: int, seconds: float) -> int:
    """A plain function given where a coroutine function belongs."""
    return value


@dataclass(frozen=True)
class AwaitJob:
    """One unit per value: ``await fn(value, seconds)``; the reply's value or error is kept."""

    values: tuple[int, ...]
    seconds: float = 0.0
    fn: str = "double_later"

    @property
    def name(self) -> str:
        return "await"

    def units(self) -> Sequence[str]:
        return [str(v) for v in self.values]

    def skipped(self) -> Sequence[UnitOutcome]:
        return []

    def new_shared_state(self, memory: SharedMemory) -> object:
        return None

    def unit(self, key: str, shared: object) -> UnitGenerator:
        fn = {"double_later": double_later, "refuse": refuse}.get(self.fn, not_a_coroutine)
        reply = yield Await(fn, int(key), self.seconds)
        assert isinstance(reply, CallResult)
        if reply.error is not None:
            return UnitOutcome(key, "failed", f"{type(reply.error).__name__}: {reply.error}")
        return UnitOutcome(key, "done", data={"value": reply.value})
