"""First steps with asyncio (SPEC §2.7): the lecture's programs, its three mistakes, their times.

The programs: ``sleeper``/``printer`` run one after the other (plain functions, then
``async def`` awaited in turn), then as tasks, which only start when ``main`` gives the loop
control. The mistakes are run for real and their real error or warning is captured and
returned, so that the demo shows what Python actually says and the tests can check it:

1. calling a coroutine function without ``await``: nothing runs, and when the coroutine object
   is dropped Python warns ``RuntimeWarning: coroutine 'sleeper' was never awaited``;
2. ``asyncio.create_task(print(...))``: ``print`` runs at once and returns ``None``, so
   ``TypeError: a coroutine was expected, got None``;
3. ``asyncio.create_task(fn)`` without calling ``fn``:
   ``TypeError: a coroutine was expected, got <function sleeper at 0x...>``.

Plus the lecture's ``await`` inside a plain ``def``, which does not even compile.
Durations are the lecture's 5 s multiplied by ``tick``, so ``tick=0`` runs everything at once.
The demo itself is :func:`speedlab.lesson.show_asyncio_basics`.

    >>> mistake_await_outside_async()
    "'await' outside async function"
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from speedlab._constants import DEFAULT_TICK
from speedlab.lesson._narrator import Echo

__all__ = [
    "LECTURE_SLEEP_TICKS",
    "aprinter",
    "asleeper",
    "mistake_await_outside_async",
    "mistake_create_task_of_call",
    "mistake_create_task_of_function",
    "mistake_not_awaited",
    "printer",
    "run_as_tasks",
    "run_async_sequential",
    "run_sync",
    "sleeper",
]

# The lecture's sleeper sleeps 5 s; every duration here is this many ticks.
LECTURE_SLEEP_TICKS = 5


def printer(text: str, *, echo: Echo = print) -> None:
    """Print ``text``: the lecture's synchronous printer.

    Args:
        text: The line.
        echo: Where it goes.
    """
    echo(text)


def sleeper(duration: float, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Block for ``duration`` seconds: the lecture's synchronous sleeper.

    Args:
        duration: Seconds; 0 does not sleep at all.
        sleep: The sleeping function (injected by tests).
    """
    if duration > 0:
        sleep(duration)


async def aprinter(text: str, *, echo: Echo = print) -> None:
    """Print ``text``; ``async`` only so that it can be awaited and made a task.

    Args:
        text: The line.
        echo: Where it goes.
    """
    echo(text)


async def asleeper(duration: float, *, echo: Echo = print) -> None:
    """Say how long it will sleep, then give the loop control for ``duration`` seconds.

    Args:
        duration: Seconds.
        echo: Where the announcement goes.
    """
    unit = "second" if duration == 1 else "seconds"
    echo(f"sleeping for {duration:g} {unit}")
    await asyncio.sleep(duration)


# In the lecture the async versions take over the names sleeper and printer; Python prints a
# coroutine's name in its warnings and a function's in its repr, so they carry those names.
asleeper.__name__ = asleeper.__qualname__ = "sleeper"
aprinter.__name__ = aprinter.__qualname__ = "printer"


def run_sync(
    *, tick: float = DEFAULT_TICK, sleep: Callable[[float], None] = time.sleep, echo: Echo = print
) -> None:
    """Run the plain-function ``main``: sleep 5 ticks, then print ``Woke up``.

    Args:
        tick: Seconds per tick.
        sleep: The sleeping function (injected by tests).
        echo: Where each line goes.
    """
    sleeper(LECTURE_SLEEP_TICKS * tick, sleep=sleep)
    printer("Woke up", echo=echo)


async def _sequential_main(tick: float, echo: Echo) -> None:
    await asleeper(LECTURE_SLEEP_TICKS * tick, echo=echo)
    await aprinter("Woke up", echo=echo)


def run_async_sequential(*, tick: float = DEFAULT_TICK, echo: Echo = print) -> None:
    """Run ``async def main(): await sleeper(5); await printer('Woke up')`` with ``asyncio.run``.

    Args:
        tick: Seconds per tick.
        echo: Where each line goes.
    """
    asyncio.run(_sequential_main(tick, echo))


async def _tasks_main(tick: float, echo: Echo) -> None:
    echo("Running wait")
    task_sleep = asyncio.create_task(asleeper(LECTURE_SLEEP_TICKS * tick, echo=echo))
    echo("slept")
    task_print = asyncio.create_task(aprinter("woke up", echo=echo))
    echo("Finish")
    await task_sleep
    await task_print


def run_as_tasks(*, tick: float = DEFAULT_TICK, echo: Echo = print) -> None:
    """Run the lecture's fixed task version: both tasks start only when ``main`` awaits.

    So the output is ``Running wait``, ``slept``, ``Finish`` and only then the tasks' lines.

    Args:
        tick: Seconds per tick.
        echo: Where each line goes.
    """
    asyncio.run(_tasks_main(tick, echo))


def _main_forgetting_await(tick: float, echo: Echo) -> None:
    """The lecture's ``def main(): sleeper(5); printer('Woke up')`` with the async versions."""
    asleeper(LECTURE_SLEEP_TICKS * tick, echo=echo)  # type: ignore[unused-coroutine]  # the mistake
    aprinter("Woke up", echo=echo)  # type: ignore[unused-coroutine]  # the mistake


def mistake_not_awaited(*, tick: float = DEFAULT_TICK, echo: Echo = print) -> list[str]:
    """Call the coroutine functions without ``await``, and return the warnings Python gives.

    Nothing is printed or slept: calling an ``async def`` only creates a coroutine object, and
    dropping it unstarted makes Python warn. The warnings are recorded here and never escape.

    Args:
        tick: Seconds per tick (nothing sleeps, but the call is the lecture's).
        echo: Where the coroutines would have printed.

    Returns:
        The text of each warning, e.g. ``"RuntimeWarning: coroutine 'sleeper' was never
        awaited"``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _main_forgetting_await(tick, echo)
        if sys.implementation.name != "cpython":
            gc.collect()  # without reference counting, the objects die (and warn) here
    return [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if issubclass(w.category, RuntimeWarning) and "was never awaited" in str(w.message)
    ]


# Typed as Any on purpose: the mistakes below pass what create_task does not accept.
_create_task: Any = asyncio.create_task


async def _main_task_of_call(tick: float, echo: Echo) -> None:
    """The lecture's async_intro_intro_1.py, mistake included."""
    echo("Running wait")
    task_sleep = asyncio.create_task(asleeper(LECTURE_SLEEP_TICKS * tick, echo=echo))
    echo("slept")
    # The mistake: print(...) runs now, and create_task gets its None.
    task_print = _create_task(echo("woke up"))  # type: ignore[func-returns-value]
    echo("Finish")
    await task_sleep
    await task_print


def mistake_create_task_of_call(*, tick: float = DEFAULT_TICK, echo: Echo = print) -> str:
    """Run the lecture's script with ``asyncio.create_task(print('woke up'))``; return the error.

    As in the lecture, ``woke up`` is printed (by ``print``, before ``create_task`` looks at
    its ``None``), ``main`` fails, and the sleeper task, already scheduled, gets its first
    step (``sleeping for ...``) before ``asyncio.run`` cancels it: nothing waits.

    Args:
        tick: Seconds per tick (the sleeper is cancelled before any of them passes).
        echo: Plays ``print``.

    Returns:
        ``"a coroutine was expected, got None"``.
    """
    try:
        asyncio.run(_main_task_of_call(tick, echo))
    except TypeError as exc:
        return str(exc)
    return "no error"


async def _main_task_of_function() -> str:
    try:
        _create_task(asleeper)  # the function itself, not a coroutine made by calling it
    except TypeError as exc:
        return str(exc)
    return "no error"


def mistake_create_task_of_function() -> str:
    """Run ``asyncio.create_task(sleeper)`` (the async one) and return the error it raises.

    Returns:
        ``"a coroutine was expected, got <function sleeper at 0x...>"``.
    """
    return asyncio.run(_main_task_of_function())


_AWAIT_IN_DEF = "def main():\n    await sleeper(5)\n    await printer('Woke up')\n"


def mistake_await_outside_async() -> str:
    """Compile the lecture's ``await`` inside a plain ``def`` and return the error.

    Returns:
        ``"'await' outside async function"``.
    """
    try:
        compile(_AWAIT_IN_DEF, "<lecture>", "exec")
    except SyntaxError as exc:
        return str(exc.msg)
    return "no error"
