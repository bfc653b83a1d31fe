"""The asyncio demo: the lecture's programs in its order, each mistake, and their wall times.

The lecture times its first program with ``%%time`` (5.01 s) and then shows the async versions
going wrong. Here every program that runs is timed the same way, so the comparison is on
screen: the plain program takes the sleeper's 5 ticks, the un-awaited one takes none because
nothing runs, awaiting in turn takes 5 again, and so do the two tasks together.

A measured time differs a little from run to run, which would make the output differ too. So
it is rounded to whole ticks (``--tick``): the same options print the same text, and the
rounding hides only the overhead of a few milliseconds, not the 5 ticks that matter. Memory
addresses in error messages (``<function sleeper at 0x7f...>``) are shown as ``0x...`` for the
same reason.

    >>> round_to_tick(5.013, 1.0), round_to_tick(1.004, 0.2), round_to_tick(0.3, 0)
    (5.0, 1.0, 0.0)
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from speedlab._constants import DEFAULT_TICK
from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator
from speedlab.lesson.asyncio_basics import (
    LECTURE_SLEEP_TICKS,
    mistake_await_outside_async,
    mistake_create_task_of_call,
    mistake_create_task_of_function,
    mistake_not_awaited,
    run_as_tasks,
    run_async_sequential,
    run_sync,
)

__all__ = ["mask_addresses", "round_to_tick", "show_asyncio_basics"]

# A memory address as CPython prints it (``0x7f3fc94f0720``); short hex numbers are left alone.
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def round_to_tick(seconds: float, tick: float) -> float:
    """Round a measured duration to a whole number of ticks, so that it prints the same each run.

    Args:
        seconds: The measured duration.
        tick: Seconds per tick; 0 (nothing sleeps) gives 0.

    Returns:
        The nearest multiple of ``tick``.
    """
    if tick <= 0:
        return 0.0
    return round(seconds / tick) * tick


def mask_addresses(text: str) -> str:
    """Replace memory addresses (``0x7f3fc94f0720``), which change every run, with ``0x...``.

    Example:
        >>> mask_addresses("got <function sleeper at 0x7f3fc94f0720>")
        'got <function sleeper at 0x...>'
    """
    return _ADDRESS.sub("0x...", text)


class _Stopwatch:
    """Time a program and print its wall time as ``%%time`` does, rounded to the tick."""

    def __init__(self, n: Narrator, tick: float, clock: Callable[[], float]) -> None:
        self.n, self.tick, self.clock = n, tick, clock

    def run(self, program: Callable[[], object]) -> None:
        start = self.clock()
        program()
        elapsed = round_to_tick(self.clock() - start, self.tick)
        self.n.out(f"Wall time: {elapsed:g} s")


def show_asyncio_basics(
    *,
    tick: float = DEFAULT_TICK,
    sleep: Callable[[float], None] = time.sleep,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Print the lecture's asyncio programs, each mistake with its real error, and wall times.

    Args:
        tick: Seconds per tick; the sleeper sleeps 5 ticks.
        sleep: The synchronous sleeping function (injected by tests).
        echo: Where each line goes (default: ``print``).
        lang: The language of the headings and notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the programs and their output).
        clock: Measures the wall times (injected by tests).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    watch = _Stopwatch(n, tick, clock)
    seconds = f"{LECTURE_SLEEP_TICKS * tick:g}"

    n.section(n._("sleeper and printer as plain functions"))
    n.code(f"def main():\n    sleeper({seconds})\n    printer('Woke up')\n\n%time main()")
    watch.run(lambda: run_sync(tick=tick, sleep=sleep, echo=echo))
    n.note(
        n._(
            "The plain program is what the lecture timed with %%time: sleeper blocks the whole "
            "program for 5 ticks, then printer runs."
        )
        + " "
        + (
            n._(
                "Wall times are measured and rounded to whole ticks (one tick is {tick} s "
                "here, --tick), so that the same options print the same text."
            ).format(tick=f"{tick:g}")
            if tick > 0
            else n._("With --tick 0 nothing sleeps, so every wall time is 0 s.")
        )
    )

    n.section(n._("mistake 1: calling the async versions without await"))
    n.code(
        "async def printer(text):\n"
        "    print(text)\n"
        "\n"
        "async def sleeper(duration):\n"
        "    print(f\"sleeping for {duration} second{'s' if duration != 1 else ''}\")\n"
        "    await asyncio.sleep(duration)\n"
        "\n"
        f"def main():\n    sleeper({seconds})\n    printer('Woke up')\n\n%time main()"
    )

    def forget_await() -> None:
        for warning in mistake_not_awaited(tick=tick, echo=echo):
            n.out(warning)

    watch.run(forget_await)
    n.code(f"def main():\n    await sleeper({seconds})")
    n.out(f"SyntaxError: {mistake_await_outside_async()}")
    n.note(
        n._(
            "Calling an async def function runs none of its body, just as calling a "
            "generator function does not: it only makes a coroutine object. main() dropped "
            "both objects unstarted, so nothing was printed and nothing slept, and "
            "Python warned when it destroyed them. The await that would run them is a "
            "SyntaxError outside an async def."
        )
    )

    n.section(n._("fixed: async def main() awaits each coroutine"))
    n.code(
        f"async def main():\n    await sleeper({seconds})\n    await printer('Woke up')\n\n"
        "%time asyncio.run(main())"
    )
    watch.run(lambda: run_async_sequential(tick=tick, echo=echo))
    n.note(
        n._(
            "await runs a coroutine to its end. While asyncio.sleep waits, the event loop "
            "could run something else, but nothing else is there, so main waits the same "
            "5 ticks as the plain program. Awaiting one coroutine after another is still "
            "sequential: time is saved only when several coroutines wait at once, as tasks."
        )
    )

    n.section(n._("mistake 2: asyncio.create_task(print('woke up'))"))
    n.code(
        "async def main():\n"
        "    print('Running wait')\n"
        f"    task_sleep = asyncio.create_task(sleeper({seconds}))\n"
        "    print('slept')\n"
        "    task_print = asyncio.create_task(print('woke up'))\n"
        "    print('Finish')\n"
        "    await task_sleep\n"
        "    await task_print\n"
        "\n"
        "%time asyncio.run(main())"
    )
    watch.run(lambda: n.out(f"TypeError: {mistake_create_task_of_call(tick=tick, echo=echo)}"))
    n.note(
        n._(
            "create_task() wants a coroutine to schedule. print('woke up') is an ordinary "
            "call: it prints at once and returns None, and create_task(None) raises "
            "TypeError, which ends main before Finish. The sleeper task was already "
            "scheduled, so the loop still gave it its first step, which printed its line, "
            "before asyncio.run cancelled it: nothing slept. The lecture's run printed the same "
            "lines in the same order; its traceback came first only because errors are not "
            "buffered. The fix: create_task(printer('woke up'))."
        )
    )

    n.section(n._("mistake 3: asyncio.create_task(sleeper), the function itself"))
    n.code("asyncio.create_task(sleeper)")
    n.out(f"TypeError: {mask_addresses(mistake_create_task_of_function())}")
    n.note(
        n._(
            "The opposite mistake, from the lecture's loading-icon program "
            "(create_task(do_smth_slow)): sleeper is the function; only calling it, "
            "sleeper(5), makes the coroutine that create_task can schedule. The function's "
            "memory address changes from run to run, so it is shown here as 0x..."
        )
    )

    n.section(n._("fixed: sleeper and printer as two tasks"))
    n.code(
        "async def main():\n"
        "    print('Running wait')\n"
        f"    task_sleep = asyncio.create_task(sleeper({seconds}))\n"
        "    print('slept')\n"
        "    task_print = asyncio.create_task(printer('woke up'))\n"
        "    print('Finish')\n"
        "    await task_sleep\n"
        "    await task_print\n"
        "\n"
        "%time asyncio.run(main())"
    )
    watch.run(lambda: run_as_tasks(tick=tick, echo=echo))
    n.note(
        n._(
            "create_task() only schedules a coroutine; it starts when main gives control back "
            "to the event loop, at await task_sleep. Until then main runs on without a pause, "
            "so slept and Finish come before the sleeper's first line. Then it starts, and "
            "while it sleeps the loop runs the printer task: woke up is printed during the "
            "sleep, not after it."
        )
    )
    n.note(
        n._(
            "Compare the wall times: 5 ticks for the plain program, 0 without await (nothing "
            "ran), 5 awaited in turn, 5 for the two tasks. One sleeper gains nothing from "
            "asyncio; the gain comes when many coroutines wait at the same time, as the "
            "GitHub downloader does (speedlab github, speedlab demo)."
        )
    )
