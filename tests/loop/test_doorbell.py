"""The kernel's doorbell: other threads wake a kernel blocked in select, without polling."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from speedlab._exceptions import LoopError, TimeoutExpired
from speedlab.loop import Event, Kernel, current_task, sleep, spawn, spawn_nowait
from speedlab.loop._doorbell import Doorbell


def _later(fn: Any, when: threading.Event) -> threading.Thread:
    """Call ``fn()`` from another thread once ``when`` is set."""

    def call() -> None:
        when.wait(20)
        fn()

    thread = threading.Thread(target=call, name="test-doorbell")
    thread.start()
    return thread


@pytest.mark.timeout(30)
def test_another_thread_wakes_a_kernel_blocked_in_select() -> None:
    # The only timer is 20 s away: without the doorbell, the wait would end in TimeoutExpired.
    blocked = threading.Event()
    seen: list[int] = []

    async def main(kernel: Kernel) -> str:
        event = Event()

        def from_the_kernel_thread() -> None:
            seen.append(threading.get_ident())
            event.set_nowait()

        thread = _later(lambda: kernel.call_threadsafe(from_the_kernel_thread), blocked)
        blocked.set()  # the thread rings while the kernel blocks in select below
        try:
            await event.wait(timeout=20.0)
        finally:
            thread.join()
        return "woken"

    with Kernel() as kernel:
        assert kernel.run(main, kernel) == "woken"
        waits = kernel.statistics().selector_waits
    assert seen == [threading.get_ident()]  # the callback ran on the kernel's thread
    assert waits <= 3  # it blocked and was woken, it did not spin


@pytest.mark.timeout(30)
def test_callbacks_are_not_starved_by_tasks_that_are_always_ready() -> None:
    arrived = threading.Event()
    flag: list[str] = []

    async def main(kernel: Kernel) -> int:
        thread = _later(lambda: kernel.call_threadsafe(flag.append, "rang"), arrived)
        arrived.set()
        turns = 0
        deadline = time.monotonic() + 20
        while not flag and time.monotonic() < deadline:
            await sleep(0)  # always ready: the kernel never blocks in select
            turns += 1
        thread.join()
        return turns

    with Kernel() as kernel:
        kernel.run(main, kernel)
    assert flag == ["rang"]


def test_callbacks_run_in_order_and_an_error_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    order: list[int] = []

    def broken() -> None:
        raise ValueError("callback broke")

    async def main(kernel: Kernel) -> list[int]:
        kernel.call_threadsafe(order.append, 1)
        kernel.call_threadsafe(broken)
        kernel.call_threadsafe(order.append, 2)
        await sleep(0)
        return order

    with Kernel() as kernel:
        assert kernel.run(main, kernel) == [1, 2]
    assert "callback broke" in caplog.text
    assert caplog.records[0].levelno == logging.ERROR


def test_a_callback_can_spawn_and_cancel_tasks(vrun: Any, kernel: Kernel) -> None:
    async def forever() -> None:
        await Event().wait()

    async def main() -> tuple[bool, bool]:
        spawned: list[Any] = []
        kernel.call_threadsafe(lambda: spawned.append(spawn_nowait(forever, name="forever")))
        await sleep(0)
        (task,) = spawned
        kernel.call_threadsafe(task.cancel_nowait)
        await task.wait_done()
        return task.cancelled(), task.name == "forever"

    assert vrun(main) == (True, True)


def test_a_closed_kernel_refuses_callbacks() -> None:
    kernel = Kernel()
    kernel.close()
    with pytest.raises(LoopError, match="closed"):
        kernel.call_threadsafe(print)


def test_a_doorbell_rings_once_per_call_and_drains_them_all() -> None:
    bell = Doorbell()
    try:
        for _ in range(3):
            bell.ring()
        assert bell.socket.recv(16) == b"\0\0\0"
        bell.ring()
        bell.drain()
        bell.socket.setblocking(False)
        with pytest.raises(BlockingIOError):
            bell.socket.recv(1)
    finally:
        bell.close()
        bell.close()
    bell.ring()  # closed: nobody to wake, and no error


def test_nowait_operations_need_a_running_kernel() -> None:
    async def sleeper() -> None:
        await sleep(0)

    nobody = r"no speedlab\.loop kernel runs on this thread"
    with pytest.raises(LoopError, match=nobody):
        spawn_nowait(sleeper)
    event = Event()
    event._waiters.append((None, 0))  # type: ignore[arg-type]  # someone to wake
    with pytest.raises(LoopError, match=nobody):
        event.set_nowait()


def test_answer_nowait_refuses_a_request_that_blocks(vrun: Any, kernel: Kernel) -> None:
    async def main() -> None:
        kernel.answer_nowait((3, 1.0, False))  # SLEEP

    with pytest.raises(LoopError, match="may block: only a task can await it"):
        vrun(main)


def test_spawn_nowait_from_a_plain_function_in_a_task(vrun: Any) -> None:
    async def child(x: int) -> int:
        await sleep(1.0)
        return x * 2

    def start(x: int) -> Any:  # a synchronous hook, called by a task
        return spawn_nowait(child, x, name="child")

    async def main() -> int:
        task = start(21)
        return int(await task.join())

    assert vrun(main) == 42


def test_cancel_nowait_of_the_running_task_raises_at_once(vrun: Any) -> None:
    async def main() -> str:
        me = await current_task()
        try:
            me.cancel_nowait()
        except BaseException as exc:
            return type(exc).__name__
        return "not cancelled"

    assert vrun(main) == "CancelledError"


def test_cancel_nowait_reaches_a_parked_task_which_cleans_up(vrun: Any) -> None:
    cleaned: list[str] = []

    async def worker() -> None:
        try:
            await sleep(100.0)
        finally:
            await sleep(1.0)  # clean-up may still await
            cleaned.append("done")

    async def main() -> tuple[bool, bool]:
        task = await spawn(worker)
        await sleep(0)
        delivered = task.cancel_nowait()
        await task.wait_done()
        return delivered, task.cancelled()

    assert vrun(main) == (True, True)
    assert cleaned == ["done"]


def test_set_nowait_wakes_every_waiter(vrun: Any) -> None:
    async def main() -> list[str]:
        event = Event()
        woken: list[str] = []

        async def waiter(name: str) -> None:
            await event.wait()
            woken.append(name)

        tasks = [await spawn(waiter, name) for name in "ab"]
        await sleep(0)
        event.set_nowait()
        for task in tasks:
            await task.join()
        return woken

    assert vrun(main) == ["a", "b"]


def test_an_event_wait_timeout_still_works_when_nothing_rings(vrun: Any) -> None:
    async def main() -> str:
        try:
            await Event().wait(timeout=5.0)
        except TimeoutExpired:
            return "timed out"
        return "woken"

    assert vrun(main) == "timed out"
