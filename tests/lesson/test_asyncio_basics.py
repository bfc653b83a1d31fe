"""asyncio basics: the programs' output order, and each mistake's real error or warning."""

from __future__ import annotations

import re

from speedlab.lesson.asyncio_basics import (
    mistake_await_outside_async,
    mistake_create_task_of_call,
    mistake_create_task_of_function,
    mistake_not_awaited,
    run_as_tasks,
    run_async_sequential,
    run_sync,
    show_asyncio_basics,
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


def test_tasks_start_only_when_main_gives_the_loop_control() -> None:
    lines: list[str] = []
    run_as_tasks(tick=0.001, echo=lines.append)
    assert lines == ["Running wait", "slept", "Finish", "sleeping for 0.005 seconds", "woke up"]


def test_mistake_not_awaited_returns_the_real_warnings_and_runs_nothing() -> None:
    lines: list[str] = []
    warnings_seen = mistake_not_awaited(tick=0, echo=lines.append)
    assert warnings_seen == [
        "RuntimeWarning: coroutine 'asleeper' was never awaited",
        "RuntimeWarning: coroutine 'aprinter' was never awaited",
    ]
    assert lines == []  # neither coroutine ran


def test_mistake_create_task_of_a_call_is_a_type_error_about_none() -> None:
    lines: list[str] = []
    assert mistake_create_task_of_call(echo=lines.append) == "a coroutine was expected, got None"
    assert lines == ["woke up"]  # print ran before create_task even looked at its argument


def test_mistake_create_task_of_a_function_names_the_function() -> None:
    error = mistake_create_task_of_function()
    assert re.fullmatch(r"a coroutine was expected, got <function asleeper at 0x[0-9a-f]+>", error)


def test_await_in_a_plain_def_does_not_compile() -> None:
    assert mistake_await_outside_async() == "'await' outside async function"


def test_show_asyncio_basics_prints_each_mistake_then_the_fix() -> None:
    lines: list[str] = []
    slept: list[float] = []
    show_asyncio_basics(tick=0, sleep=slept.append, echo=lines.append)
    text = "\n".join(lines)
    assert "  RuntimeWarning: coroutine 'asleeper' was never awaited" in lines
    assert "  TypeError: a coroutine was expected, got None" in lines
    assert re.search(r"  TypeError: a coroutine was expected, got <function asleeper at ", text)
    assert lines[-5:] == ["Running wait", "slept", "Finish", "sleeping for 0 seconds", "woke up"]
    assert slept == []  # tick 0: no sleeping at all
    fixed = lines.index("fixed: async def main(): await sleeper(0); await printer('Woke up')")
    assert lines[fixed + 1 : fixed + 3] == ["sleeping for 0 seconds", "Woke up"]
