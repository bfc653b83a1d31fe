"""Event, Queue and gather: wake-ups, bounds, lost wake-ups, failures and cancellation."""

from __future__ import annotations

from typing import Any

import pytest

from speedlab._exceptions import TimeoutExpired
from speedlab.loop import (
    CancelledError,
    Event,
    Queue,
    current_time,
    gather,
    sleep,
    spawn,
)


def test_event_wakes_every_waiter_and_returns_at_once_when_set(vrun: Any) -> None:
    woke: list[str] = []

    async def waiter(name: str, event: Event) -> None:
        await event.wait()
        woke.append(f"{name}@{await current_time():g}")

    async def main() -> bool:
        event = Event()
        tasks = [await spawn(waiter, name, event) for name in "abc"]
        await sleep(2.0)
        assert woke == []
        await event.set()
        for task in tasks:
            await task.join()
        await event.wait()  # already set: no wait
        event.clear()
        return event.is_set()

    assert vrun(main) is False
    assert woke == ["a@2", "b@2", "c@2"]


def test_queue_is_first_in_first_out_and_a_bounded_put_waits(vrun: Any) -> None:
    async def producer(queue: Queue[int], log: list[str]) -> None:
        for item in range(4):
            await queue.put(item)
            log.append(f"put {item} at {await current_time():g}")

    async def main() -> tuple[list[int], list[str]]:
        queue: Queue[int] = Queue(maxsize=2)
        log: list[str] = []
        task = await spawn(producer, queue, log)
        await sleep(5.0)  # the producer fills the queue and then waits
        assert queue.full()
        assert queue.qsize() == 2
        got = [await queue.get() for _ in range(4)]
        await task.join()
        assert queue.empty()
        return got, log

    got, log = vrun(main)
    assert got == [0, 1, 2, 3]
    assert log == ["put 0 at 0", "put 1 at 0", "put 2 at 5", "put 3 at 5"]


def test_a_woken_getter_that_is_cancelled_passes_its_wake_up_on(vrun: Any) -> None:
    async def getter(queue: Queue[str], got: list[str]) -> None:
        got.append(await queue.get())

    async def main() -> list[str]:
        queue: Queue[str] = Queue()
        got: list[str] = []
        first = await spawn(getter, queue, got)
        second = await spawn(getter, queue, got)
        await sleep(0)  # both are parked, first in line
        await queue.put("item")  # wakes the first getter...
        await first.cancel(blocking=False)  # ...which is cancelled before it runs
        await sleep(1.0)
        assert second.done(), "the second getter was left asleep next to an item"
        return got

    assert vrun(main) == ["item"]


def test_gather_returns_results_in_the_order_given(vrun: Any) -> None:
    async def after(seconds: float, value: str) -> str:
        await sleep(seconds)
        return value

    async def main() -> tuple[list[str], float]:
        results = await gather(after(3.0, "slow"), after(1.0, "fast"), after(2.0, "middle"))
        return results, await current_time()

    assert vrun(main) == (["slow", "fast", "middle"], 3.0)


def test_gather_raises_the_first_failure_and_cancels_the_rest(vrun: Any) -> None:
    cancelled: list[str] = []

    async def slow(name: str) -> None:
        try:
            await sleep(100.0)
        except CancelledError:
            cancelled.append(name)
            raise

    async def fail() -> None:
        await sleep(1.0)
        raise ValueError("first")

    async def main() -> float:
        with pytest.raises(ValueError, match="first"):
            await gather(slow("a"), fail(), slow("b"))
        return await current_time()

    assert vrun(main) == 1.0  # at once, not after the slow ones
    assert sorted(cancelled) == ["a", "b"]


def test_gather_notes_other_failures_during_cancellation(vrun: Any) -> None:
    async def messy() -> None:
        try:
            await sleep(100.0)
        finally:
            raise OSError("clean-up broke")

    async def fail() -> None:
        await sleep(1.0)
        raise ValueError("first")

    async def main() -> list[str]:
        try:
            await gather(messy(), fail())
        except ValueError as exc:
            return list(getattr(exc, "__notes__", []))
        return []

    notes = vrun(main)
    assert len(notes) == 1
    assert "clean-up broke" in notes[0]


def test_gather_with_return_exceptions_keeps_every_outcome(vrun: Any) -> None:
    async def ok() -> int:
        await sleep(1.0)
        return 1

    async def bad() -> int:
        raise KeyError("k")

    async def main() -> list[Any]:
        return await gather(ok(), bad(), return_exceptions=True)

    first, second = vrun(main)
    assert first == 1
    assert isinstance(second, KeyError)


def test_cancelling_gather_cancels_its_children(vrun: Any) -> None:
    cancelled: list[int] = []

    async def child(i: int) -> None:
        try:
            await sleep(100.0)
        except CancelledError:
            cancelled.append(i)
            raise

    async def gatherer() -> None:
        await gather(child(1), child(2))

    async def main() -> bool:
        task = await spawn(gatherer)
        await sleep(1.0)
        await task.cancel()
        return task.cancelled()

    assert vrun(main) is True
    assert sorted(cancelled) == [1, 2]


def test_gather_refuses_a_non_coroutine_and_closes_the_others(vrun: Any) -> None:
    async def never() -> None:
        await sleep(0)

    coro = never()

    async def main() -> None:
        await gather(42, coro)  # type: ignore[arg-type]

    with pytest.raises(TypeError, match="coroutine objects"):
        vrun(main)
    assert coro.cr_frame is None  # closed, so no "never awaited" warning


def test_waits_take_a_timeout(vrun: Any) -> None:
    async def main() -> list[str]:
        outcomes = []
        queue: Queue[int] = Queue(maxsize=1)
        await queue.put(1, timeout=1.0)  # room: no wait, no error
        for name, wait in [
            ("event", Event().wait(timeout=1.0)),
            ("put", queue.put(2, timeout=1.0)),
            ("get", Queue[int]().get(timeout=1.0)),
            ("join", (await spawn(sleep, 10.0)).join(timeout=1.0)),
        ]:
            try:
                await wait
            except TimeoutExpired:
                outcomes.append(f"{name} at {await current_time():g}")
        return outcomes

    assert vrun(main) == ["event at 1", "put at 2", "get at 3", "join at 4"]
