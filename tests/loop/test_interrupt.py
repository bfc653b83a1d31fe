"""Ctrl-C: a real SIGINT stops the run promptly, cancels every task, and propagates."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

import pytest

from speedlab.loop import CancelledError, Kernel, sleep, spawn
from speedlab.loop._interrupt import in_task_code

# Real seconds are involved (a thread sends the signal), but only fractions of one: the
# long sleeps below are what the signal must cut short, never waited out.
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.fixture
def sigint_when() -> Iterator[Callable[..., threading.Thread]]:
    """Start a thread that sends SIGINT to this process once ``ready()`` is true."""
    threads: list[threading.Thread] = []

    def start(ready: Callable[[], bool], times: int = 1) -> threading.Thread:
        def interrupt() -> None:
            for _ in range(times):
                deadline = time.monotonic() + 20
                while not ready() and time.monotonic() < deadline:
                    time.sleep(0.005)
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)

        thread = threading.Thread(target=interrupt, name="test-sigint")
        thread.start()
        threads.append(thread)
        return thread

    yield start
    for thread in threads:
        thread.join(30)


def test_sigint_while_blocked_in_select_cancels_every_task_and_raises(
    sigint_when: Callable[..., threading.Thread],
) -> None:
    cancelled: list[str] = []

    async def worker(name: str) -> None:
        try:
            await sleep(60.0)
        except CancelledError:
            await sleep(0.01)  # clean-up may still wait on the loop
            cancelled.append(name)
            raise

    async def main() -> None:
        for name in ("a", "b"):
            await spawn(worker, name)
        await sleep(60.0)

    with Kernel() as kernel:
        sigint_when(lambda: kernel.statistics().selector_waits > 0)
        with pytest.raises(KeyboardInterrupt):
            kernel.run(main)
        stats = kernel.statistics()
    # Had the signal not stopped the run, the sleeps would have ended without a cancellation.
    assert sorted(cancelled) == ["a", "b"]
    assert stats.tasks_alive == 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigint_during_a_computation_raises_inside_that_task(
    sigint_when: Callable[..., threading.Thread],
) -> None:
    computing = threading.Event()
    seen: list[str] = []

    async def busy() -> str:
        computing.set()
        end = time.monotonic() + 20
        try:
            while time.monotonic() < end:  # pure Python: no await, no select
                pass
        except KeyboardInterrupt:
            seen.append("busy task interrupted")
            raise
        return "never interrupted"

    async def bystander() -> None:
        try:
            await sleep(60.0)
        except CancelledError:
            seen.append("bystander cancelled")
            raise

    async def main() -> str:
        await spawn(bystander)
        task = await spawn(busy)
        return await task.join()

    sigint_when(computing.is_set)
    with Kernel() as kernel, pytest.raises(KeyboardInterrupt):
        kernel.run(main)
    assert seen == ["busy task interrupted", "bystander cancelled"]


def test_a_second_sigint_during_clean_up_closes_what_is_left(
    sigint_when: Callable[..., threading.Thread],
) -> None:
    cleaning = threading.Event()
    log: list[str] = []

    async def stubborn() -> None:
        try:
            await sleep(60.0)
        except CancelledError:
            cleaning.set()
            try:
                await sleep(60.0)  # a clean-up that takes far too long
            finally:
                log.append("closed")

    async def main() -> None:
        await spawn(stubborn)
        await sleep(60.0)

    with Kernel() as kernel:
        first = sigint_when(lambda: kernel.statistics().selector_waits > 0)
        second = sigint_when(lambda: cleaning.is_set() and not first.is_alive())
        with pytest.raises(KeyboardInterrupt):
            kernel.run(main)
        second.join(30)
        assert kernel.statistics().tasks_alive == 0

        async def again() -> str:
            await sleep(0.001)
            return "still usable"

        assert kernel.run(again) == "still usable"
    assert log == ["closed"]


def test_a_program_s_own_sigint_handler_is_left_alone() -> None:
    def mine(signum: int, frame: FrameType | None) -> None:
        pass

    async def main() -> object:
        return signal.getsignal(signal.SIGINT)

    previous = signal.signal(signal.SIGINT, mine)
    try:
        with Kernel() as kernel:
            assert kernel.run(main) is mine
    finally:
        signal.signal(signal.SIGINT, previous)


class Terminated(KeyboardInterrupt):
    """What the command's SIGTERM handler raises, so that SIGTERM stops a run like Ctrl-C."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(f"signal {signum}")


@pytest.mark.timeout(30)
def test_a_program_s_sigterm_handler_is_called_at_a_safe_point_and_tasks_clean_up() -> None:
    cancelled: list[str] = []

    async def worker() -> None:
        try:
            await sleep(60.0)
        except CancelledError:
            await sleep(0.01)
            cancelled.append("worker")
            raise

    async def main() -> object:
        assert signal.getsignal(signal.SIGTERM) is not _raise_terminated  # wrapped while running
        await spawn(worker)
        await sleep(60.0)
        return "not stopped"

    def terminate() -> None:
        deadline = time.monotonic() + 20
        while kernel.statistics().selector_waits == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # blocked in select: kernel code, where raising would skip clean-up
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with Kernel() as kernel:
            sender = threading.Thread(target=terminate, name="test-sigterm")
            sender.start()
            try:
                with pytest.raises(Terminated, match="signal 15"):
                    kernel.run(main)
            finally:
                sender.join()
            assert kernel.statistics().tasks_alive == 0
        assert cancelled == ["worker"]
        assert signal.getsignal(signal.SIGTERM) is _raise_terminated  # given back
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_sigterm_s_default_is_left_alone() -> None:
    async def main() -> object:
        return signal.getsignal(signal.SIGTERM)

    with Kernel() as kernel:
        assert kernel.run(main) is signal.getsignal(signal.SIGTERM)


def test_task_frames_and_kernel_frames_are_told_apart() -> None:
    def kernel_function() -> FrameType:
        return sys._getframe()

    kernel_codes = frozenset({kernel_function.__code__})

    async def task() -> bool:
        return in_task_code(sys._getframe(), kernel_codes)

    coro = task()
    with pytest.raises(StopIteration) as stop:
        coro.send(None)
    assert stop.value.value is True
    assert in_task_code(kernel_function(), kernel_codes) is False
    assert in_task_code(None, kernel_codes) is False
