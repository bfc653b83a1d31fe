"""A job whose units await a coroutine function: the ``Await`` effect under every model.

Module-level and frozen, so that the processes model can pickle it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import speedlab.loop
from speedlab.jobs.base import SharedMemory
from speedlab.jobs.effects import Await, CallResult, UnitGenerator, UnitOutcome


async def double_later(value: int, seconds: float) -> int:
    """Wait ``seconds`` on asyncio's loop, then return twice ``value``."""
    await asyncio.sleep(seconds)
    return 2 * value


async def double_on_speedlab_loop(value: int, seconds: float) -> int:
    """Wait ``seconds`` on speedlab.loop (the handmade model's loop), then return 2 * ``value``."""
    await speedlab.loop.sleep(seconds)
    return 2 * value


async def refuse(value: int, seconds: float) -> int:
    """Fail the way a user's coroutine might."""
    await asyncio.sleep(seconds)
    raise ValueError(f"no {value}")


async def await_a_future(value: int, seconds: float) -> int:
    """Await an asyncio future made without a loop: only asyncio's loop can resolve it."""
    loop = asyncio.new_event_loop()
    try:
        return int(await loop.create_future())
    finally:
        loop.close()


async def loop_type(value: int, seconds: float) -> str:
    """Name the class of the loop the coroutine runs on (``uvloop.Loop`` under uvloop)."""
    await asyncio.sleep(seconds)
    loop = type(asyncio.get_running_loop())
    return f"{loop.__module__}.{loop.__qualname__}"


async def memory_error_in_a_callback(value: int, seconds: float) -> int:
    """Schedule a loop callback that runs out of memory: only the loop's handler sees it."""

    def exhaust() -> None:
        raise MemoryError

    asyncio.get_running_loop().call_soon(exhaust)
    await asyncio.sleep(seconds)
    return value


class _Interrupted(asyncio.Protocol):
    def data_received(self, data: bytes) -> None:
        raise KeyboardInterrupt  # as Ctrl-C (or SIGTERM) does when it lands in a callback


async def interrupt_in_a_protocol_callback(value: int, seconds: float) -> int:
    """Let a KeyboardInterrupt land in a protocol's ``data_received``, then wait ``seconds``."""
    ours, theirs = socket.socketpair()
    transport, _ = await asyncio.get_running_loop().create_connection(_Interrupted, sock=ours)
    try:
        theirs.send(b"x")
        await asyncio.sleep(seconds)
    finally:
        transport.close()
        theirs.close()
    return value


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
        fns = {
            "double_later": double_later,
            "double_on_speedlab_loop": double_on_speedlab_loop,
            "refuse": refuse,
            "await_a_future": await_a_future,
            "loop_type": loop_type,
            "memory_error_in_a_callback": memory_error_in_a_callback,
            "interrupt_in_a_protocol_callback": interrupt_in_a_protocol_callback,
        }
        fn = fns.get(self.fn, not_a_coroutine)
        reply = yield Await(fn, int(key), self.seconds)
        assert isinstance(reply, CallResult)
        if reply.error is not None:
            return UnitOutcome(key, "failed", f"{type(reply.error).__name__}: {reply.error}")
        return UnitOutcome(key, "done", data={"value": reply.value})
