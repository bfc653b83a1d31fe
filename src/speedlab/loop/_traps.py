"""The one door into the kernel: :func:`trap`, and the requests that go through it.

The lecture's runner drove generators that yielded a *type* and got a value back; ``async def``
code reached it through one ``@types.coroutine`` function. This loop works the same way: every
``await`` chain in a task ends in :func:`trap`, the only ``yield`` of the whole package, and the
kernel reads what was yielded as a request. Everything else (sleeping, events, queues, sockets,
HTTP) is ordinary ``async def`` code built on these requests, outside the kernel.

A request is a tuple ``(opcode, argument...)``; ``None`` means "let the others run" (the bare
``yield`` that ``asyncio.sleep(0)`` also uses, so that both loops understand it). Requests
that block (sleep, I/O, park) suspend the task; the others (spawn, wake, cancel, clock) are
answered at once and the task goes on without a switch.

The small typed helpers below only build the request tuple and return :func:`trap`'s
generator: no extra coroutine frame on the hot paths.

Synchronous code on the kernel's thread (a callback from another thread, a plain function a
task calls) cannot await. For the requests that never block, :func:`request_nowait` is the
side door: it hands the request to the kernel running on this thread, which answers in place.
"""

from __future__ import annotations

import threading
import types
from collections import deque
from collections.abc import Awaitable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, TypeAlias

from speedlab._exceptions import LoopError

if TYPE_CHECKING:
    from speedlab.loop._kernel import KernelCore
    from speedlab.loop._task import Task
    from speedlab.loop._time import TimeoutScope

__all__ = [
    "CANCEL",
    "CLOCK",
    "CURRENT",
    "IO",
    "OPCODES",
    "PARK",
    "SLEEP",
    "SPAWN",
    "TIMEOUT_CLEAR",
    "TIMEOUT_SET",
    "WAKE",
    "Request",
    "Waiters",
    "request_nowait",
    "running_kernel",
    "set_running_kernel",
    "trap",
    "trap_cancel",
    "trap_clock",
    "trap_current",
    "trap_io",
    "trap_park",
    "trap_sleep",
    "trap_spawn",
    "trap_timeout_clear",
    "trap_timeout_set",
    "trap_wake",
    "trap_yield",
]

#: What a task yields to the kernel: ``None`` (reschedule me) or ``(opcode, args...)``.
Request: TypeAlias = "tuple[Any, ...] | None"

#: A wait queue of parked tasks: ``(task, token)`` pairs, stale ones skipped when woken.
Waiters: TypeAlias = "deque[tuple[Task[Any], int]]"

# Opcodes index the kernel's handler table, so they are small consecutive integers.
SPAWN = 0  # (SPAWN, coroutine, name) -> Task                      answered at once
CURRENT = 1  # (CURRENT,) -> the calling Task                      answered at once
CLOCK = 2  # (CLOCK,) -> the kernel clock's time                   answered at once
SLEEP = 3  # (SLEEP, seconds_or_deadline, absolute) -> None        blocks
IO = 4  # (IO, fileobj, selectors event) -> None when ready        blocks
PARK = 5  # (PARK, waiters, what) -> None when woken               blocks
WAKE = 6  # (WAKE, waiters, n) -> how many woke (n < 0: all)       answered at once
CANCEL = 7  # (CANCEL, task, exception) -> bool delivered           answered at once
TIMEOUT_SET = 8  # (TIMEOUT_SET, scope, seconds_or_deadline, absolute) -> deadline
TIMEOUT_CLEAR = 9  # (TIMEOUT_CLEAR, scope) -> None                 answered at once

#: Every opcode, in handler-table order.
OPCODES = (SPAWN, CURRENT, CLOCK, SLEEP, IO, PARK, WAKE, CANCEL, TIMEOUT_SET, TIMEOUT_CLEAR)


@types.coroutine
def trap(request: Request) -> Generator[Request, Any, Any]:
    """Yield ``request`` to the kernel and return its answer: the only ``yield`` of the loop.

    Raises:
        BaseException: Whatever the kernel throws in instead of answering: ``CancelledError``
            when the task is cancelled, a timeout, or an error in the request itself.
    """
    return (yield request)


# A single shared request: sleep(0) allocates nothing on its way to the kernel.
_YIELD: Request = None


def trap_yield() -> Awaitable[None]:
    """Let every other ready task run once, then continue."""
    return trap(_YIELD)


def trap_spawn(coro: Coroutine[Any, Any, Any], name: str | None) -> Awaitable[Task[Any]]:
    """Ask the kernel to make ``coro`` a task; it starts on a later turn."""
    return trap((SPAWN, coro, name))


def trap_current() -> Awaitable[Task[Any]]:
    """Ask for the task that is running."""
    return trap((CURRENT,))


def trap_clock() -> Awaitable[float]:
    """Ask for the kernel clock's current time."""
    return trap((CLOCK,))


def trap_sleep(when: float, *, absolute: bool) -> Awaitable[None]:
    """Suspend until ``when`` seconds from now (or until the clock reads ``when``)."""
    return trap((SLEEP, when, absolute))


def trap_io(fileobj: Any, event: int) -> Awaitable[None]:
    """Suspend until ``fileobj`` is ready for ``event`` (``selectors.EVENT_READ``/``_WRITE``)."""
    return trap((IO, fileobj, event))


def trap_park(waiters: Waiters, what: str) -> Awaitable[None]:
    """Suspend in ``waiters`` until another task wakes it; ``what`` names the wait."""
    return trap((PARK, waiters, what))


def trap_wake(waiters: Waiters, n: int) -> Awaitable[int]:
    """Make up to ``n`` tasks parked in ``waiters`` ready (all of them if ``n < 0``)."""
    return trap((WAKE, waiters, n))


def trap_cancel(task: Task[Any], exc: BaseException) -> Awaitable[bool]:
    """Throw ``exc`` into ``task`` at its await point; False if it had already finished."""
    return trap((CANCEL, task, exc))


def trap_timeout_set(scope: TimeoutScope, when: float, *, absolute: bool) -> Awaitable[float]:
    """Arm ``scope``'s deadline for the calling task; return the absolute deadline."""
    return trap((TIMEOUT_SET, scope, when, absolute))


def trap_timeout_clear(scope: TimeoutScope) -> Awaitable[None]:
    """Disarm ``scope``'s deadline."""
    return trap((TIMEOUT_CLEAR, scope))


# The kernel running on each thread: what request_nowait() asks, and run-in-run is refused by.
_running = threading.local()


def running_kernel() -> KernelCore | None:
    """Return the kernel running on this thread, if one is."""
    kernel: KernelCore | None = getattr(_running, "kernel", None)
    return kernel


def set_running_kernel(kernel: KernelCore | None) -> None:
    """Record the kernel that starts (or, with None, stops) running on this thread."""
    _running.kernel = kernel


def request_nowait(request: tuple[Any, ...]) -> Any:
    """Have a request that never blocks (spawn, clock, wake, cancel) answered synchronously.

    Raises:
        LoopError: No kernel runs on this thread, or the request could block.
    """
    kernel = running_kernel()
    if kernel is None:
        raise LoopError("no speedlab.loop kernel runs on this thread")
    return kernel.answer_nowait(request)
