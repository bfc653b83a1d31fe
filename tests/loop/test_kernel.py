"""The kernel core: turn order, bare yields, bad requests, socket waits, stale timers."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Generator
from typing import Any

from speedlab._exceptions import LoopError
from speedlab.loop import (
    Kernel,
    sleep,
    spawn,
)


def test_tasks_take_turns_in_the_order_they_became_ready(vrun: Any) -> None:
    trace: list[str] = []

    async def worker(name: str, turns: int) -> None:
        for turn in range(turns):
            trace.append(f"{name}{turn}")
            await sleep(0)

    async def main() -> None:
        tasks = [await spawn(worker, name, 3) for name in "abc"]
        for task in tasks:
            await task.join()

    vrun(main)
    assert trace == ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"]


def test_asyncio_sleep_zero_is_understood_as_a_plain_yield(vrun: Any) -> None:
    trace: list[str] = []

    async def worker(name: str) -> None:
        for turn in range(2):
            trace.append(f"{name}{turn}")
            await asyncio.sleep(0)  # a bare yield of None: the kernel reschedules the task

    async def main() -> None:
        a, b = await spawn(worker, "a"), await spawn(worker, "b")
        await a.join()
        await b.join()

    vrun(main)
    assert trace == ["a0", "b0", "a1", "b1"]


@types.coroutine
def _bad_request() -> Generator[Any, Any, Any]:
    return (yield ("not an opcode",))


def test_a_malformed_request_is_raised_at_the_await_not_in_the_kernel(vrun: Any) -> None:
    async def main() -> str:
        try:
            await _bad_request()
        except LoopError as exc:
            return str(exc)
        return "not raised"

    assert "not a request this kernel understands" in vrun(main)


def test_another_task_waiting_on_the_same_socket_direction_is_refused(vrun: Any) -> None:
    import socket

    from speedlab.loop import wait_readable

    async def main() -> str:
        a, b = socket.socketpair()
        with a, b:
            first = await spawn(wait_readable, a)
            await sleep(0)
            try:
                await wait_readable(a)
            except LoopError as exc:
                result = str(exc)
            await first.cancel()
        return result

    assert "already waits" in vrun(main)


def test_stale_timers_are_dropped_so_the_heap_stays_small(kernel: Kernel) -> None:
    async def main() -> None:
        for _ in range(1000):
            task = await spawn(sleep, 1000.0)
            await sleep(0)
            await task.cancel()

    kernel.run(main)
    stats = kernel.statistics()
    assert stats.timers == 1000
    assert stats.timers_pending < 200
    assert stats.time == 0.0
