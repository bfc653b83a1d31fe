"""A run: results, errors, statistics, leftovers, unseen failures, deadlocks, misuse."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from speedlab._exceptions import LoopError
from speedlab.loop import (
    CancelledError,
    Event,
    Kernel,
    VirtualClock,
    run,
    sleep,
    spawn,
)


async def double(x: int) -> int:
    await sleep(0)
    return 2 * x


def test_run_returns_what_main_returns_and_passes_its_arguments() -> None:
    assert run(double, 21) == 42
    assert run(double(5)) == 10


def test_run_rejects_a_coroutine_object_with_arguments_and_closes_it() -> None:
    coro = double(1)
    with pytest.raises(TypeError, match="arguments given"):
        run(coro, 2)
    assert coro.cr_frame is None  # closed: no "never awaited" warning


def test_run_rejects_a_function_that_is_not_async() -> None:
    with pytest.raises(TypeError, match="did not return a coroutine"):
        run(len, [1])  # type: ignore[arg-type]


def test_run_raises_what_main_raises() -> None:
    async def fail() -> None:
        await sleep(0)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        run(fail)


def test_statistics_count_tasks_switches_timers_and_waits(kernel: Kernel) -> None:
    async def main() -> None:
        tasks = [await spawn(sleep, float(i)) for i in range(1, 4)]
        for task in tasks:
            await task.join()

    kernel.run(main)
    stats = kernel.statistics()
    assert stats.tasks_spawned == 4
    assert stats.tasks_alive == 0
    assert stats.timers == 3
    assert stats.time == 3.0  # virtual: three timers, the last at 3 s
    assert stats.selector_waits == 3  # one idle wait per distinct deadline
    assert stats.switches >= 7  # main at least 4 times, each sleeper twice
    assert stats.requests >= 3 + 3 + 3  # spawns, sleeps, joins
    assert stats.leftovers_cancelled == stats.unretrieved_errors == 0
    with pytest.raises(AttributeError):
        stats.switches = 0  # type: ignore[misc]


def test_a_kernel_can_run_twice_and_counts_across_runs(kernel: Kernel, clock: VirtualClock) -> None:
    assert kernel.run(double, 1) == 2
    assert kernel.run(double, 2) == 4
    assert kernel.statistics().tasks_spawned == 2


def test_close_is_idempotent_and_a_closed_kernel_refuses_to_run() -> None:
    kernel = Kernel()
    kernel.close()
    kernel.close()
    with pytest.raises(LoopError, match="closed"):
        kernel.run(double, 1)


def test_run_inside_run_is_refused() -> None:
    async def nested() -> None:
        run(double, 1)

    with pytest.raises(LoopError, match="already running"):
        run(nested)


def test_leftover_tasks_are_cancelled_cleaned_up_and_reported(
    kernel: Kernel, caplog: pytest.LogCaptureFixture
) -> None:
    cleaned: list[str] = []

    async def forever(name: str) -> None:
        try:
            await Event().wait()
        except CancelledError:
            await sleep(1.0)  # clean-up may wait too
            cleaned.append(name)
            raise

    async def main() -> str:
        await spawn(forever, "x", name="x")
        await spawn(forever, "y", name="y")
        await sleep(0)
        return "main done"

    with caplog.at_level(logging.WARNING, logger="speedlab.loop"):
        assert kernel.run(main) == "main done"
    assert sorted(cleaned) == ["x", "y"]
    assert kernel.statistics().leftovers_cancelled == 2
    assert kernel.statistics().tasks_alive == 0
    assert "main returned with tasks left" in caplog.text
    assert "'x'" in caplog.text


def test_a_failure_nobody_joins_is_logged_and_counted(
    kernel: Kernel, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise ValueError("nobody looked")

    async def main() -> None:
        await spawn(broken, name="broken")
        await sleep(1.0)

    with caplog.at_level(logging.ERROR, logger="speedlab.loop"):
        kernel.run(main)
    assert kernel.statistics().unretrieved_errors == 1
    assert "'broken'" in caplog.text
    assert "nobody looked" in caplog.text


def test_a_joined_failure_is_not_reported_again(
    kernel: Kernel, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise ValueError("seen")

    async def main() -> None:
        task = await spawn(broken)
        with pytest.raises(ValueError, match="seen"):
            await task.join()

    with caplog.at_level(logging.ERROR, logger="speedlab.loop"):
        kernel.run(main)
    assert kernel.statistics().unretrieved_errors == 0
    assert caplog.text == ""


def test_a_deadlock_is_an_error_not_a_hang_and_tasks_still_clean_up(vrun: Any) -> None:
    cleaned: list[bool] = []

    async def main() -> None:
        try:
            await Event().wait()  # nothing can ever set it
        finally:
            cleaned.append(True)

    with pytest.raises(LoopError, match="deadlock"):
        vrun(main)
    assert cleaned == [True]


def test_keyboard_interrupt_inside_a_task_cancels_the_others_and_propagates(vrun: Any) -> None:
    cleaned: list[str] = []

    async def bystander() -> None:
        try:
            await sleep(100.0)
        except CancelledError:
            cleaned.append("bystander")
            raise

    async def interrupted() -> None:
        await sleep(1.0)
        raise KeyboardInterrupt

    async def main() -> None:
        await spawn(bystander)
        task = await spawn(interrupted)
        await task.join()

    with pytest.raises(KeyboardInterrupt):
        vrun(main)
    assert cleaned == ["bystander"]


def test_a_kernel_cannot_be_closed_from_inside_its_run(kernel: Kernel) -> None:
    async def main() -> str:
        try:
            kernel.close()
        except LoopError as exc:
            return str(exc)
        return "closed"

    assert kernel.run(main) == "a kernel cannot be closed while it runs"
    assert kernel.run(double, 4) == 8
