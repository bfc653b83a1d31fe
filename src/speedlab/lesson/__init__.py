"""Lecture part 1, runnable and tested: generators, coroutines, delegation and the runner.

Each module is one program of the lecture (SPEC §2) as a library, plus a ``show_*`` function that
prints what the lecture shows; :mod:`speedlab.lesson.demos` runs them by name for
``speedlab lesson NAME``.

    >>> from speedlab.lesson import averager
    >>> avg = averager()
    >>> next(avg), avg.send(10), avg.send(15)
    (0.0, 10.0, 12.5)
"""

from __future__ import annotations

from speedlab.lesson.asyncio_basics import (
    LECTURE_SLEEP_TICKS,
    aprinter,
    asleeper,
    mistake_await_outside_async,
    mistake_create_task_of_call,
    mistake_create_task_of_function,
    mistake_not_awaited,
    printer,
    run_as_tasks,
    run_async_sequential,
    run_sync,
    show_asyncio_basics,
    sleeper,
)
from speedlab.lesson.delegation import (
    DEFAULT_THRESHOLD,
    InterleavedStep,
    collecting_primary,
    counting_secondary,
    endless_primary,
    interleave,
    paired_primary,
    paired_secondary,
    returning_secondary,
    show_delegation,
    tick_steps,
)
from speedlab.lesson.demos import (
    DEFAULT_PRIME_COUNT,
    DEMOS,
    Demo,
    DemoSettings,
    demo_names,
    run_all,
    run_demo,
    show_primes,
)
from speedlab.lesson.generators import (
    drain,
    gen_fun,
    gen_fun_with_return,
    show_generators,
)
from speedlab.lesson.primes import (
    is_prime,
    naive_prime_stream,
    prime_stream,
)
from speedlab.lesson.provider import (
    Number,
    parse_answers,
    parse_number,
    run_provider,
    scripted_answers,
    seeded_answers,
    show_provider,
    stream_asker,
    value_computer,
    value_provider,
)
from speedlab.lesson.request_runner import (
    ALPHABET,
    INT_HIGH,
    INT_LOW,
    Command,
    Request,
    answer_request,
    async_repeater,
    computer,
    coro_computer,
    repeater,
    runner,
    show_runner,
)
from speedlab.lesson.running_average import (
    averager,
    running_means,
    show_averager,
)
from speedlab.lesson.threads_processes import (
    DEFAULT_JOIN_TIMEOUT,
    Greeting,
    StopReport,
    hello,
    hello_in_process,
    hello_in_thread,
    run_stoppable_worker,
    show_threads_processes,
)

__all__ = [
    "ALPHABET",
    "DEFAULT_JOIN_TIMEOUT",
    "DEFAULT_PRIME_COUNT",
    "DEFAULT_THRESHOLD",
    "DEMOS",
    "INT_HIGH",
    "INT_LOW",
    "LECTURE_SLEEP_TICKS",
    "Command",
    "Demo",
    "DemoSettings",
    "Greeting",
    "InterleavedStep",
    "Number",
    "Request",
    "StopReport",
    "answer_request",
    "aprinter",
    "asleeper",
    "async_repeater",
    "averager",
    "collecting_primary",
    "computer",
    "coro_computer",
    "counting_secondary",
    "demo_names",
    "drain",
    "endless_primary",
    "gen_fun",
    "gen_fun_with_return",
    "hello",
    "hello_in_process",
    "hello_in_thread",
    "interleave",
    "is_prime",
    "mistake_await_outside_async",
    "mistake_create_task_of_call",
    "mistake_create_task_of_function",
    "mistake_not_awaited",
    "naive_prime_stream",
    "paired_primary",
    "paired_secondary",
    "parse_answers",
    "parse_number",
    "prime_stream",
    "printer",
    "repeater",
    "returning_secondary",
    "run_all",
    "run_as_tasks",
    "run_async_sequential",
    "run_demo",
    "run_provider",
    "run_stoppable_worker",
    "run_sync",
    "runner",
    "running_means",
    "scripted_answers",
    "seeded_answers",
    "show_asyncio_basics",
    "show_averager",
    "show_delegation",
    "show_generators",
    "show_primes",
    "show_provider",
    "show_runner",
    "show_threads_processes",
    "sleeper",
    "stream_asker",
    "tick_steps",
    "value_computer",
    "value_provider",
]
