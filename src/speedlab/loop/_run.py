"""Running a program on the kernel: ``run(main)``, the leftovers, the errors nobody saw, Ctrl-C.

:class:`KernelCore` only schedules. A *run* adds the policy that makes a program finish
cleanly, like ``asyncio.run`` but stricter:

- the main task's value is returned and its exception raised;
- tasks still running when main returns are cancelled, allowed to clean up (they may await),
  and finished before ``run`` returns, with a warning naming them;
- a task that failed with nobody joining it is logged with its traceback and counted;
- a deadlock (every task waits, nothing can wake one) is a ``LoopError``, not a hang;
- Ctrl-C cancels every task, lets them clean up, then raises ``KeyboardInterrupt``; a second
  Ctrl-C during the clean-up closes what is left.

    >>> from speedlab.loop import run, sleep
    >>> async def main(x: int) -> int:
    ...     await sleep(0)
    ...     return x * 2
    >>> run(main, 21)
    42
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from speedlab._exceptions import LoopError
from speedlab.loop._interrupt import SignalGuard
from speedlab.loop._kernel import KernelCore
from speedlab.loop._task import Task, as_coroutine, describe_tasks
from speedlab.loop._time import Clock
from speedlab.loop._traps import running_kernel, set_running_kernel

__all__ = ["Kernel", "KernelStatistics", "run"]

T = TypeVar("T")

log = logging.getLogger("speedlab.loop")


@dataclass(frozen=True)
class KernelStatistics:
    """What a kernel has done so far (counts since it was created)."""

    tasks_spawned: int  #: tasks created, main tasks included
    tasks_alive: int  #: tasks not finished yet
    switches: int  #: times a task was resumed from the ready queue
    requests: int  #: kernel requests answered or parked (``sleep(0)`` not counted)
    timers: int  #: sleeps and deadlines put on the timer heap
    timers_pending: int  #: entries on the heap now (stale ones included)
    timeouts: int  #: deadlines that passed and were delivered to a task
    selector_waits: int  #: times the kernel blocked (or idled its clock) waiting
    selector_polls: int  #: non-blocking selects, made while tasks were ready
    io_waits: int  #: times a task waited for a socket
    cancellations: int  #: cancel requests that reached a live task
    leftovers_cancelled: int  #: tasks still running when their run's main task ended
    unretrieved_errors: int  #: tasks that failed with nobody looking (each one logged)
    time: float  #: the kernel clock's reading


class Kernel(KernelCore):
    """Run coroutines as tasks on one thread; a context manager with an idempotent ``close``.

    Args:
        clock: Where time comes from (default: real time, :class:`MonotonicClock`).

    Example:
        >>> from speedlab.loop import sleep
        >>> with Kernel() as kernel:
        ...     kernel.run(sleep, 0.01)
        ...     kernel.statistics().tasks_spawned
        1
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self._guard = SignalGuard(self._doorbell.ring, _KERNEL_CODES)
        self._closed = False
        self._leftovers = self._unretrieved = 0

    def run(self, main: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T], *args: Any) -> T:
        """Run ``main(*args)`` as a task until it ends; cancel and finish what it left behind.

        Args:
            main: An ``async def`` function (or a coroutine object, with no ``args``).
            args: Its positional arguments.

        Returns:
            What ``main`` returned.

        Raises:
            BaseException: What ``main`` raised; ``KeyboardInterrupt`` after Ctrl-C (every task
                cancelled and finished first); ``LoopError`` on a deadlock or misuse.
        """
        if self._closed:
            raise LoopError("this kernel is closed")
        if running_kernel() is not None:
            raise LoopError("a kernel is already running in this thread")
        coro = as_coroutine(main, args)
        set_running_kernel(self)
        try:
            with self._guard:
                task: Task[T] = self._new_task(coro, None)
                task._retrieved = True  # whatever main raises, run() raises it
                try:
                    self._cycle_until(task)
                    crash, self._crash = self._crash, None
                    if crash is not None and crash is not task._exception:
                        raise crash  # another task was interrupted as main finished
                except BaseException as exc:
                    # Ctrl-C or main's own error: the caller hears of it, a log line would
                    # only repeat it (on a terminal, under the command's own message).
                    self._stop_all(f"the run is ending with {type(exc).__name__}", logging.DEBUG)
                    raise
                leftovers = [t for t in self._tasks if not t._done]
                if leftovers:
                    self._leftovers += len(leftovers)
                    left = describe_tasks(leftovers)
                    self._stop_all(f"main returned with tasks left: {left}", logging.WARNING)
        finally:
            set_running_kernel(None)
            if not self._tasks:  # every entry left on the heap belongs to a finished task
                self._timers.clear()
                self._stale = 0
            self._report_failures()
        return task.result()

    def statistics(self) -> KernelStatistics:
        """Return the counts so far (callable during a run, from a task, or after)."""
        return KernelStatistics(
            tasks_spawned=self._spawned,
            tasks_alive=len(self._tasks),
            switches=self._switches,
            requests=self._requests,
            timers=self._timers_set,
            timers_pending=len(self._timers),
            timeouts=self._timeouts,
            selector_waits=self._waits,
            selector_polls=self._polls,
            io_waits=self._io_waits,
            cancellations=self._cancellations,
            leftovers_cancelled=self._leftovers,
            unretrieved_errors=self._unretrieved,
            time=self._clock.now(),
        )

    def close(self) -> None:
        """Release the selector (safe to call twice).

        Raises:
            LoopError: Called from inside this kernel's own run.
        """
        if running_kernel() is self:
            raise LoopError("a kernel cannot be closed while it runs")
        if not self._closed:
            self._closed = True
            self._selector.close()
            self._doorbell.close()

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _cycle_until(self, main: Task[Any] | None) -> None:
        """Turn the loop until ``main`` is done (``None``: until no task is left)."""
        tasks = self._tasks
        guard = self._guard
        while not main._done if main is not None else tasks:
            if self._crash is not None:
                crash, self._crash = self._crash, None
                raise crash
            if guard.interrupted:
                guard.interrupted = False
                raise KeyboardInterrupt
            if guard.terminated:
                guard.deliver()  # the program's SIGTERM handler: it raises, or it was enough
            self._cycle()

    def _stop_all(self, reason: str, level: int) -> None:
        """Cancel every live task and run until all have finished; force-close on trouble."""
        alive = [t for t in self._tasks if not t._done]
        if not alive:
            return
        log.log(level, "speedlab.loop: cancelling %d task(s): %s", len(alive), reason)
        for task in alive:
            self._cancel(task, CancelledError(reason))
        try:
            self._cycle_until(None)
        except BaseException:
            for task in list(self._tasks):  # a second Ctrl-C or a deadlock in clean-up
                self._force_close(task)
            self._ready.clear()  # only finished tasks are left in it
            raise

    def _force_close(self, task: Task[Any]) -> None:
        if task._io is not None:
            self._io_release(task)
        try:
            task._coro.close()
        except BaseException as exc:  # it awaited in its clean-up: nothing more can be done
            log.error("speedlab.loop: %r did not close cleanly: %r", task, exc)
        self._finish(task, None, CancelledError("closed by the kernel"))

    def _report_failures(self) -> None:
        for task in self._failed:
            if not task._retrieved:
                self._unretrieved += 1
                error = task._exception
                log.error(
                    "speedlab.loop: nobody joined %r",
                    task,
                    exc_info=(type(error), error, error.__traceback__) if error else None,
                )
        self._failed.clear()


# The code objects of the kernel's own methods: a SIGINT there must wait for a safe point.
_KERNEL_CODES = frozenset(
    f.__code__
    for cls in (KernelCore, Kernel)
    for f in vars(cls).values()
    if callable(f) and hasattr(f, "__code__")
)


def run(
    main: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T],
    *args: Any,
    clock: Clock | None = None,
) -> T:
    """Run ``main(*args)`` on a fresh :class:`Kernel` and return its result.

    Args:
        main: An ``async def`` function (or a coroutine object, with no ``args``).
        args: Its positional arguments.
        clock: The kernel's clock (default real time; :class:`VirtualClock` for tests).

    Returns:
        What ``main`` returned.

    Raises:
        BaseException: What ``main`` raised (see :meth:`Kernel.run`).
    """
    with Kernel(clock=clock) as kernel:
        return kernel.run(main, *args)
