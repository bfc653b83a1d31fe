"""asyncio basics: the programs' output order, and each mistake's real error or warning."""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest

from speedlab.lesson.asyncio_basics import (
    asleeper,
    mistake_await_outside_async,
    mistake_create_task_of_call,
    mistake_create_task_of_function,
    mistake_not_awaited,
    run_as_tasks,
    run_async_sequential,
    run_sync,
)


def test_run_sync_sleeps_five_ticks_then_prints() -> None:
    lines: list[str] = []
    slept: list[float] = []
    run_sync(tick=0.5, sleep=slept.append, echo=lines.append)
    assert slept == [2.5]
    assert lines == ["Woke up"]


def test_async_sequential_awaits_in_order() -> None:
    lines: list[str] = []
    run_async_sequential(tick=0, echo=lines.append)
    assert lines == ["sleeping for 0 seconds", "Woke up"]


@pytest.mark.parametrize(
    ("duration", "line"),
    [(1, "sleeping for 1 second"), (1.0, "sleeping for 1 second"), (5, "sleeping for 5 seconds")],
)
def test_the_sleeper_says_second_for_one(duration: float, line: str) -> None:
    lines: list[str] = []

    async def first_step_only() -> None:  # the announcement, without the real sleep
        task = asyncio.create_task(asleeper(duration, echo=lines.append))
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(first_step_only())
    assert lines == [line]


def test_tasks_start_only_when_main_gives_the_loop_control() -> None:
    lines: list[str] = []
    run_as_tasks(tick=0.001, echo=lines.append)
    assert lines == ["Running wait", "slept", "Finish", "sleeping for 0.005 seconds", "woke up"]


def test_the_async_versions_carry_the_lecture_names() -> None:
    assert asleeper.__name__ == asleeper.__qualname__ == "sleeper"


def test_mistake_not_awaited_returns_the_real_warnings_and_runs_nothing() -> None:
    lines: list[str] = []
    warnings_seen = mistake_not_awaited(tick=0, echo=lines.append)
    assert warnings_seen == [
        "RuntimeWarning: coroutine 'sleeper' was never awaited",
        "RuntimeWarning: coroutine 'printer' was never awaited",
    ]
    assert lines == []  # neither coroutine ran


def test_mistake_create_task_of_a_call_is_the_lecture_script() -> None:
    lines: list[str] = []
    error = mistake_create_task_of_call(tick=3600, echo=lines.append)
    assert error == "a coroutine was expected, got None"
    # print ran before create_task looked at its argument; main never reached 'Finish'; the
    # sleeper task got its first step before asyncio.run cancelled it (an hour: no wait).
    assert lines == ["Running wait", "slept", "woke up", "sleeping for 18000 seconds"]


def test_mistake_create_task_of_a_function_names_the_function() -> None:
    error = mistake_create_task_of_function()
    assert re.fullmatch(r"a coroutine was expected, got <function sleeper at 0x[0-9a-f]+>", error)


def test_await_in_a_plain_def_does_not_compile() -> None:
    assert mistake_await_outside_async() == "'await' outside async function"
