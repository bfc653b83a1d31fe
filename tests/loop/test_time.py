"""Time in virtual seconds: clocks, timer order, and deadlines at every kind of await."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from speedlab._exceptions import LoopError, TimeoutExpired
from speedlab.loop import (
    CancelledError,
    Event,
    Kernel,
    Queue,
    TaskTimeout,
    VirtualClock,
    current_time,
    run,
    sleep,
    sleep_until,
    spawn,
    timeout_after,
    timeout_at,
    wait_readable,
)


def test_a_hundred_virtual_seconds_take_no_real_time(clock: VirtualClock, vrun: Any) -> None:
    async def main() -> float:
        await sleep(100.0)
        return await current_time()

    started = time.process_time()
    assert vrun(main) == 100.0
    assert clock.now() == 100.0
    assert time.process_time() - started < 50.0  # CPU time, not wall time: nothing slept


def test_timers_fire_in_deadline_order_and_ties_in_arrival_order(vrun: Any) -> None:
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await sleep(seconds)
        woke.append((name, await current_time()))

    async def main() -> None:
        tasks = [
            await spawn(sleeper, name, seconds)
            for name, seconds in [("c", 3.0), ("a", 1.0), ("b1", 2.0), ("b2", 2.0), ("z", 0.5)]
        ]
        for task in tasks:
            await task.join()

    vrun(main)
    assert woke == [("z", 0.5), ("a", 1.0), ("b1", 2.0), ("b2", 2.0), ("c", 3.0)]


def test_sleep_until_and_the_clock_start(clock: VirtualClock) -> None:
    clock.advance(10.0)

    async def main() -> float:
        await sleep_until(12.5)
        return await current_time()

    assert run(main, clock=clock) == 12.5


def test_the_clock_only_moves_forward() -> None:
    clock = VirtualClock()
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1.0)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(float("nan"))


def test_a_nan_sleep_is_an_error_at_the_await(vrun: Any) -> None:
    async def main() -> None:
        await sleep(float("nan"))

    with pytest.raises(ValueError, match="nan"):
        vrun(main)


def test_the_real_clock_really_waits() -> None:
    async def main() -> float:
        start = await current_time()
        await sleep(0.02)
        return await current_time() - start

    assert run(main) >= 0.02


async def _waits_on_sleep() -> None:
    await sleep(50.0)


async def _waits_on_event() -> None:
    await Event().wait()


async def _waits_on_queue_get() -> None:
    await Queue[int]().get()


async def _waits_on_queue_put() -> None:
    queue: Queue[int] = Queue(maxsize=1)
    await queue.put(1)
    await queue.put(2)


async def _waits_on_join() -> None:
    task = await spawn(sleep, 50.0)
    try:
        await task.join()
    finally:
        await task.cancel()


async def _waits_on_socket() -> None:
    a, b = socket.socketpair()
    with a, b:
        await wait_readable(a)  # nothing is ever written to b


AWAITS: dict[str, Callable[[], Awaitable[None]]] = {
    "sleep": _waits_on_sleep,
    "event wait": _waits_on_event,
    "queue get": _waits_on_queue_get,
    "queue put": _waits_on_queue_put,
    "join": _waits_on_join,
    "socket readiness": _waits_on_socket,
}


@pytest.mark.parametrize("kind", AWAITS)
def test_a_deadline_interrupts_every_kind_of_await_at_the_exact_time(
    kind: str, kernel: Kernel
) -> None:
    seen: list[str] = []

    async def main() -> float:
        try:
            async with timeout_after(2.5):
                try:
                    await AWAITS[kind]()
                except CancelledError as exc:  # a TaskTimeout is a cancellation inside
                    seen.append(type(exc).__name__)
                    raise
        except TimeoutExpired:
            return await current_time()
        return -1.0

    assert kernel.run(main) == 2.5
    assert seen == ["TaskTimeout"]
    assert kernel.statistics().timeouts == 1
    assert kernel.statistics().io_waits == (1 if kind == "socket readiness" else 0)


def test_no_timeout_when_the_work_finishes_in_time(vrun: Any) -> None:
    async def main() -> tuple[bool, float]:
        async with timeout_after(5.0) as scope:
            await sleep(4.0)
        await sleep(10.0)  # the disarmed deadline must not fire later
        return scope.expired, await current_time()

    assert vrun(main) == (False, 14.0)


def test_timeout_at_uses_the_kernel_clock(vrun: Any) -> None:
    async def main() -> str:
        try:
            async with timeout_at(await current_time() + 3.0) as scope:
                await sleep(10.0)
        except TimeoutExpired as exc:
            assert scope.deadline == 3.0
            return str(exc)
        return "no timeout"

    assert vrun(main) == "deadline 3 passed"


def test_the_inner_deadline_reports_itself_when_it_is_first(vrun: Any) -> None:
    async def main() -> list[str]:
        log = []
        async with timeout_after(10.0) as outer:
            try:
                async with timeout_after(1.0):
                    await sleep(5.0)
            except TimeoutExpired:
                log.append(f"inner at {await current_time():g}")
            await sleep(1.0)
        log.append(f"outer expired: {outer.expired}")
        return log

    assert vrun(main) == ["inner at 1", "outer expired: False"]


def test_an_outer_deadline_passes_through_inner_scopes(vrun: Any) -> None:
    async def main() -> list[str]:
        log = []
        try:
            async with timeout_after(2.0):
                try:
                    async with timeout_after(30.0):
                        await sleep(5.0)
                except TimeoutExpired:
                    log.append("inner claimed it")
                finally:
                    log.append("inner left")
        except TimeoutExpired:
            log.append(f"outer at {await current_time():g}")
        return log

    assert vrun(main) == ["inner left", "outer at 2"]


def test_clean_up_may_await_after_a_timeout(vrun: Any) -> None:
    async def main() -> list[str]:
        log = []
        try:
            async with timeout_after(1.0):
                try:
                    await sleep(5.0)
                finally:
                    await sleep(2.0)  # clean-up that waits is not cut short
                    log.append(f"cleaned at {await current_time():g}")
        except TimeoutExpired:
            log.append("timed out")
        return log

    assert vrun(main) == ["cleaned at 3", "timed out"]


def test_a_swallowed_timeout_lets_the_block_go_on(vrun: Any) -> None:
    async def main() -> tuple[bool, float]:
        async with timeout_after(1.0) as scope:
            with contextlib.suppress(TaskTimeout):
                await sleep(5.0)
            await sleep(1.0)  # edge-triggered: the deadline fires once
        return scope.expired, await current_time()

    assert vrun(main) == (True, 2.0)


class OvershootingClock(VirtualClock):
    """Idles ten seconds at a time, however soon the next timer is (a busy machine)."""

    def idle(self, select: Any, timeout: float | None) -> Any:
        self.advance(max(timeout or 0.0, 10.0))
        return []


def test_a_deadline_that_passes_while_the_task_is_ready_is_not_lost() -> None:
    # Both timers are due in the same turn: the sleep makes the task ready first, then the
    # deadline finds it ready (not parked) and must still be delivered when it runs.
    async def main() -> str:
        try:
            async with timeout_after(5.0):
                await sleep(1.0)
                return "the deadline was lost"
        except TimeoutExpired:
            return f"timed out at {await current_time():g}"

    with Kernel(clock=OvershootingClock()) as kernel:
        assert kernel.run(main) == "timed out at 10"
        assert kernel.statistics().timeouts == 1


def test_timeout_after_none_is_no_bound_and_a_scope_is_entered_once(vrun: Any) -> None:
    async def main() -> str:
        async with timeout_after(None) as scope:
            await sleep(1000.0)
        assert scope.deadline is None
        with pytest.raises(LoopError, match="once"):
            async with scope:
                pass
        return "ok"

    assert vrun(main) == "ok"


def test_a_nan_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="nan"):
        timeout_after(float("nan"))
