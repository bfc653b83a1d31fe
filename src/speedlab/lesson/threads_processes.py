"""Threads and processes, the basics (SPEC §2.8): start, join, and stopping a thread politely.

``Process(target=f, args=('bob',))`` and ``Thread(target=f, args=('bob',))`` have the same
interface, but a process is another interpreter with its own memory: what its ``f`` prints or
returns does not reach the parent unless it is sent through a pipe, while a thread shares the
parent's objects. And a thread cannot be killed from outside; it must be *asked* to stop, which
is what ``threading.Event`` is for: the worker waits on the event (with a timeout as its beat),
so it wakes the moment the event is set instead of polling a flag.

    >>> hello_in_thread("bob").text
    'hello bob'
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Final

from speedlab._constants import DEFAULT_TICK
from speedlab._exceptions import SpeedlabError, TimeoutExpired
from speedlab.lesson._narrator import DEFAULT_LANGUAGE, Echo, Narrator

__all__ = [
    "DEFAULT_JOIN_TIMEOUT",
    "DEFAULT_WORK_TICKS",
    "Greeting",
    "StopReport",
    "hello",
    "hello_in_process",
    "hello_in_thread",
    "run_stoppable_worker",
    "show_threads_processes",
]

# How long a join may take before the demo gives up: starting a spawned interpreter takes ~0.1 s.
DEFAULT_JOIN_TIMEOUT = 30.0

# "spawn" starts a fresh interpreter on every OS (the lecture's `if __name__ == '__main__'` guard
# exists because of it) and is safe in a process that already runs threads, unlike "fork".
PROCESS_START_METHOD: Final = "spawn"

# The worker's shortest beat: with --tick 0 it would otherwise spin on stop.wait(0).
MIN_BEAT = 0.001

# Ticks the main thread works while the worker beats, in the Event demo.
DEFAULT_WORK_TICKS = 3


def hello(name: str) -> str:
    """Return ``"hello <name>"``, the line the lecture's ``f`` prints.

    Args:
        name: Who to greet.
    """
    return f"hello {name}"


@dataclass(frozen=True)
class Greeting:
    """What a child said, and who it was: its process id and thread name."""

    text: str
    pid: int
    thread: str


def _greet_into_pipe(name: str, conn: Connection) -> None:
    """The child process's ``f``: print like the lecture, and send the line home too."""
    text = hello(name)
    print(text, flush=True)
    conn.send((text, os.getpid(), threading.current_thread().name))
    conn.close()


def hello_in_process(name: str, *, timeout: float = DEFAULT_JOIN_TIMEOUT) -> Greeting:
    """Run ``f(name)`` in a child process with ``Process(target=..., args=...)``, start and join.

    The child prints ``hello <name>`` on its own standard output (shared with the parent's
    terminal, invisible to an in-process capture) and sends the same line back through a pipe.

    Args:
        name: Who to greet.
        timeout: Seconds to wait for the child.

    Returns:
        The child's line, its pid (not ours) and its thread's name.

    Raises:
        TimeoutExpired: The child did not answer within ``timeout``; it is terminated.
        SpeedlabError: The child ended without answering (it failed to start or crashed).

    Example:
        >>> greeting = hello_in_process("bob")
        >>> greeting.text, greeting.pid != os.getpid()
        ('hello bob', True)
    """
    ctx = multiprocessing.get_context(PROCESS_START_METHOD)
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_greet_into_pipe, args=(name, sender))
    if sys.stdout is not None:  # our earlier lines first: the child writes to the same stdout
        sys.stdout.flush()
    try:
        process.start()
        sender.close()  # only the child writes now; its exit then reads as EOF here
        if not receiver.poll(timeout):
            raise TimeoutExpired(f"the child process did not answer within {timeout:g} s")
        try:
            text, pid, thread = receiver.recv()
        except EOFError:  # the child closed the pipe without a word: it failed
            process.join(timeout)
            raise SpeedlabError(
                f"the child process exited with code {process.exitcode} without answering"
            ) from None
        process.join(timeout)
        return Greeting(text, pid, thread)
    finally:
        receiver.close()
        sender.close()
        if process.is_alive():
            process.terminate()
        if process.pid is not None:
            process.join()
            process.close()


def _silent(_line: str) -> None:
    """Print nothing: the default ``echo`` of a greeting that is only returned."""


def hello_in_thread(
    name: str, *, timeout: float = DEFAULT_JOIN_TIMEOUT, echo: Echo | None = None
) -> Greeting:
    """Run ``f(name)`` in a ``Thread(target=..., args=...)``, start and join.

    The thread prints its line (through ``echo``, if given) and also writes it straight into a
    list of ours: threads share memory.

    Args:
        name: Who to greet.
        timeout: Seconds to wait for the thread.
        echo: Where the thread prints ``hello <name>`` (default: nowhere).

    Returns:
        The thread's line, its pid (ours) and its thread's name.

    Raises:
        TimeoutExpired: The thread did not finish within ``timeout``.
    """
    said: list[Greeting] = []
    echo = _silent if echo is None else echo

    def f(who: str) -> None:
        greeting = Greeting(hello(who), os.getpid(), threading.current_thread().name)
        echo(greeting.text)  # the lecture's f prints, here from the thread itself
        said.append(greeting)

    thread = threading.Thread(target=f, args=(name,), name="greeter")
    thread.start()
    thread.join(timeout)
    if thread.is_alive() or not said:
        raise TimeoutExpired(f"the thread did not finish within {timeout:g} s")
    return said[0]


@dataclass(frozen=True)
class StopReport:
    """How a stoppable worker ended: its beats, and whether it was still alive after join."""

    beats: int
    alive_after_join: bool


def run_stoppable_worker(
    work: Callable[[], object],
    *,
    tick: float = DEFAULT_TICK,
    timeout: float = DEFAULT_JOIN_TIMEOUT,
    echo: Callable[[str], None] = print,
) -> StopReport:
    """Start a worker thread that beats every ``tick`` until an ``Event`` stops it, run ``work``.

    The worker blocks in ``stop.wait(tick)``; setting the event wakes it at once, wherever it
    is in its beat. The event is set and the thread joined whatever ``work`` does, errors
    included.

    Args:
        work: Runs in the calling thread while the worker beats.
        tick: The worker's beat in seconds (at least ``MIN_BEAT``).
        timeout: Seconds to wait for the worker to start and to stop.
        echo: Where each line goes.

    Returns:
        The number of beats and whether the thread was alive after the join (never, unless the
        join timed out).

    Raises:
        TimeoutExpired: The worker did not start or stop within ``timeout``.
    """
    stop = threading.Event()
    started = threading.Event()
    beats = 0

    def worker() -> None:
        nonlocal beats
        echo("worker: started, waiting on the stop event between beats")
        started.set()
        while not stop.wait(max(tick, MIN_BEAT)):
            beats += 1
        echo("worker: stop event is set, leaving")

    thread = threading.Thread(target=worker, name="stoppable-worker")
    thread.start()
    try:
        if not started.wait(timeout):
            raise TimeoutExpired(f"the worker did not start within {timeout:g} s")
        work()
    finally:
        echo("main: stop.set()")
        stop.set()
        thread.join(timeout)
    alive = thread.is_alive()
    if alive:
        raise TimeoutExpired(f"the worker did not stop within {timeout:g} s")
    echo(f"main: worker joined, alive: {alive}")
    return StopReport(beats, alive)


def show_threads_processes(
    *,
    name: str = "bob",
    tick: float = DEFAULT_TICK,
    count: int = DEFAULT_WORK_TICKS,
    sleep: Callable[[float], None] = time.sleep,
    echo: Echo = print,
    lang: str = DEFAULT_LANGUAGE,
    notes: bool = True,
) -> None:
    """Print the lecture's Process and Thread examples and a thread stopped by an Event.

    The child process prints ``hello <name>`` on its own standard output, which it shares with
    ours (so ``echo`` does not see that line); the thread prints through ``echo``.

    Args:
        name: Who the children greet (the lecture's ``'bob'``).
        tick: Seconds per tick; the main thread works ``count`` ticks while the worker beats.
        count: How many ticks the main thread works before stopping the worker (0: none).
        sleep: The sleeping function of the main thread's work (injected by tests).
        echo: Where each line goes (default: ``print``).
        lang: The language of the headings and notes (one of ``LANGUAGES``).
        notes: Print the notes (``False``: only the programs and their output).
    """
    n = Narrator(echo=echo, lang=lang, notes=notes)
    n.section(n._("a Process"))
    n.code(
        f"def f(name):\n    print('hello', name)\n\n"
        f"p = Process(target=f, args=({name!r},))\np.start()\np.join()"
    )
    greeting = hello_in_process(name)
    n.code("p.pid != os.getpid()")
    n.out(repr(greeting.pid != os.getpid()))
    n.note(
        n._(
            "f ran in a child process: another Python interpreter, with its own memory and "
            "its own process id. It printed {greeting} on the standard output it shares "
            "with us; anything else it wants to give back must be sent as bytes, through a "
            "pipe or a queue. start() launches the child, join() waits until it has finished."
        ).format(greeting=greeting.text)
    )

    n.section(n._("a Thread"))
    n.code(f"p = Thread(target=f, args=({name!r},))\np.start()\np.join()")
    hello_in_thread(name, echo=n.out)
    n.note(
        n._(
            "The same interface, a different thing: the thread runs f inside our process, "
            "same process id, same memory, so it could simply have appended to one of our "
            "lists. But in CPython only the thread that holds the GIL (the Global "
            "Interpreter Lock) runs Python code. The interpreter hands the lock over every "
            "few milliseconds, and releases it during disk and network I/O and time.sleep(); "
            "C libraries such as numpy can release it too. So threads speed up waiting, not "
            "computing; processes, one GIL each, compute in parallel on several cores."
        )
    )

    n.section(n._("stopping a thread with threading.Event"))
    working = f"main: working for {count} {'tick' if count == 1 else 'ticks'}"
    n.code(
        "def worker(stop):\n"
        "    print('worker: started, waiting on the stop event between beats')\n"
        f"    while not stop.wait({tick:g}):\n"
        "        pass  # one beat of work\n"
        "    print('worker: stop event is set, leaving')\n"
        "\n"
        "stop = threading.Event()\n"
        "t = Thread(target=worker, args=(stop,))\n"
        "t.start()\n"
        f"print({working!r}); sleep({count * tick:g})\n"
        "print('main: stop.set()'); stop.set()\n"
        "t.join(); print('main: worker joined, alive:', t.is_alive())"
    )

    def work() -> None:
        n.out(working)
        if tick > 0 and count > 0:
            sleep(count * tick)

    run_stoppable_worker(work, tick=tick, echo=n.out)
    n.note(
        n._(
            "A thread cannot be killed from outside; it has to be asked to stop. The worker "
            "waits on the event with stop.wait(tick) instead of sleeping, so stop.set() "
            "wakes it at once, and join() then waits until it has left. threading.Thread is "
            "much like asyncio.Task: both run some work beside yours, and you join or await "
            "them. Event.set() plays the part of Task.cancel(), with one difference: a task "
            "is interrupted at its next await, while a thread stops only when its own code "
            "looks at the event."
        )
    )
