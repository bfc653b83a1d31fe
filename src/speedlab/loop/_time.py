"""Time on the hand-made loop: clocks, ``sleep`` and deadlines (``timeout_after``/``timeout_at``).

The kernel never calls ``time.monotonic`` itself: it asks its :class:`Clock`. The real one,
:class:`MonotonicClock`, blocks in ``select``; :class:`VirtualClock` jumps straight to the next
timer whenever no task is ready and no socket has anything to say, so a test that sleeps 100
"seconds" takes no real time, and timeouts can be tested exactly.

Deadlines work like asyncio's ``timeout()`` and curio's ``timeout_after``: when one passes, the
kernel throws :class:`TaskTimeout` (a ``CancelledError``, so clean-up code written for
cancellation runs) into the task at its await point, and the scope that set the deadline turns
it into :class:`~speedlab.TimeoutExpired` on the way out. An outer deadline passes through inner
scopes untouched, so every scope reports only its own.

    async with timeout_after(5.0):
        await sleep(10.0)  # raises TimeoutExpired after 5 seconds
"""

from __future__ import annotations

import math
import selectors
import time
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from speedlab._exceptions import LoopError, TimeoutExpired
from speedlab.loop._traps import (
    trap,
    trap_clock,
    trap_sleep,
    trap_timeout_clear,
    trap_timeout_set,
)

if TYPE_CHECKING:
    from speedlab.loop._task import Task

__all__ = [
    "Clock",
    "Events",
    "MonotonicClock",
    "Select",
    "TaskTimeout",
    "TimeoutScope",
    "VirtualClock",
    "current_time",
    "sleep",
    "sleep_until",
    "timeout_after",
    "timeout_at",
]

#: What the selector reports: the ready sockets' keys and event masks.
Events: TypeAlias = list[tuple[selectors.SelectorKey, int]]

#: The kernel's selector call: wait up to ``timeout`` seconds (None: forever) for readiness.
Select: TypeAlias = Callable[[float | None], Events]


class Clock(Protocol):
    """What the kernel needs from a clock: the time, and a way to wait for it to pass."""

    def now(self) -> float:
        """Return the current time in seconds (any origin; only differences matter)."""
        ...

    def idle(self, select: Select, timeout: float | None) -> Events:
        """Wait until a socket is ready or ``timeout`` seconds have passed; return the events."""
        ...


class MonotonicClock:
    """Real time: ``time.monotonic``, and a real wait in ``select``."""

    def now(self) -> float:
        """Return ``time.monotonic()``."""
        return time.monotonic()

    def idle(self, select: Select, timeout: float | None) -> Events:
        """Block in ``select`` for up to ``timeout`` seconds."""
        return select(timeout)


class VirtualClock:
    """Virtual time for tests: it moves only when the kernel has nothing else to do.

    When no task is ready, the kernel asks the clock to idle until the next timer. This clock
    first polls the sockets (without waiting); if none is ready it jumps to the timer at once.
    Only when there is no timer at all does it really wait for a socket.

    Args:
        start: The time the clock reads at first.

    Example:
        >>> clock = VirtualClock()
        >>> run(sleep, 100.0, clock=clock); clock.now()
        100.0
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)

    def now(self) -> float:
        """Return the virtual time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never back).

        Raises:
            ValueError: ``seconds`` is negative or not a number.
        """
        if not seconds >= 0:
            raise ValueError(f"a clock only moves forward, got {seconds!r}")
        self._now += seconds

    def idle(self, select: Select, timeout: float | None) -> Events:
        """Poll the sockets; if none is ready, jump ``timeout`` ahead (or wait if None)."""
        events = select(0)
        if events:
            return events
        if timeout is None:
            return select(None)
        self._now += timeout
        return events


class TaskTimeout(CancelledError):
    """Thrown into a task whose deadline passed; its scope turns it into ``TimeoutExpired``.

    It is a ``CancelledError`` so that clean-up written for cancellation also runs on a timeout.
    """

    def __init__(self, scope: TimeoutScope) -> None:
        super().__init__(f"deadline {scope.deadline:g} passed")
        self.scope = scope


class TimeoutScope:
    """A deadline for the code inside ``async with``; made by :func:`timeout_after`/``_at``.

    Attributes:
        deadline: The absolute deadline on the kernel's clock (None until entered, or if the
            scope has no deadline).
        expired: True once the deadline has passed while the scope was active.
    """

    __slots__ = ("_absolute", "_entered", "_when", "active", "deadline", "expired", "task")

    def __init__(self, when: float | None, *, absolute: bool) -> None:
        if when is not None and math.isnan(when):
            raise ValueError("a timeout must be a number, got nan")
        self._when = when
        self._absolute = absolute
        self._entered = False
        self.deadline: float | None = None
        self.expired = False
        self.active = False  # the kernel sets and reads these two
        self.task: Task[Any] | None = None

    async def __aenter__(self) -> TimeoutScope:
        if self._entered:
            raise LoopError("a timeout scope can only be entered once")
        self._entered = True
        if self._when is not None:
            self.deadline = await trap_timeout_set(self, self._when, absolute=self._absolute)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._when is None:
            return
        await trap_timeout_clear(self)
        if isinstance(exc, TaskTimeout) and exc.scope is self:
            if self._absolute:
                raise TimeoutExpired(f"deadline {self._when:g} passed") from exc
            raise TimeoutExpired(f"timed out after {self._when:g} s") from exc


def timeout_after(seconds: float | None) -> TimeoutScope:
    """Bound the code inside ``async with`` to ``seconds`` (None: no bound).

    Args:
        seconds: How long the block may take, on the kernel's clock.

    Returns:
        An async context manager; leaving it late raises ``TimeoutExpired``.

    Example::

        async with timeout_after(2.0):
            await event.wait()
    """
    return TimeoutScope(seconds, absolute=False)


def timeout_at(deadline: float | None) -> TimeoutScope:
    """Bound the code inside ``async with`` to finish by ``deadline`` (see :func:`current_time`).

    Args:
        deadline: The absolute time on the kernel's clock (None: no bound).

    Returns:
        An async context manager; leaving it late raises ``TimeoutExpired``.
    """
    return TimeoutScope(deadline, absolute=True)


def sleep(seconds: float) -> Awaitable[None]:
    """Suspend the task for ``seconds``; ``sleep(0)`` lets every other ready task run once.

    A plain function returning the kernel request (await it): a task switch is the loop's
    hottest path, and this way ``await sleep(0)`` costs one generator, not a coroutine too.

    Args:
        seconds: How long, on the kernel's clock (zero or less: just yield).

    Returns:
        The awaitable request.
    """
    if seconds > 0:
        return trap_sleep(seconds, absolute=False)
    if seconds != seconds:
        raise ValueError("a time must be a number, got nan")
    return trap(None)  # trap_yield() inlined: one call less on the hottest path


def sleep_until(deadline: float) -> Awaitable[None]:
    """Suspend the task until the kernel's clock reads ``deadline`` (await the result)."""
    return trap_sleep(deadline, absolute=True)


async def current_time() -> float:
    """Return the kernel clock's time, the one ``timeout_at`` and ``sleep_until`` use."""
    return await trap_clock()
