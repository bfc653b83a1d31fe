"""Tasks: a coroutine the kernel drives, and what other tasks may do with it.

A :class:`Task` is the kernel's unit of scheduling: a coroutine plus the few fields the kernel
needs to resume it (what to send or throw next, what it waits for). Its public side is asyncio's
and curio's: ``join`` it for its result (the child's exception is raised in the joiner),
``cancel`` it (it sees ``CancelledError`` at its await point and may clean up), or ``await``
it directly as in asyncio.

    async def main() -> int:
        task = await spawn(work, 21)
        return await task.join()
"""

from __future__ import annotations

import itertools
from asyncio import CancelledError
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from inspect import CO_ITERABLE_COROUTINE
from types import CoroutineType, GeneratorType
from typing import Any, Generic, TypeVar, cast

from speedlab._exceptions import LoopError
from speedlab.loop._time import timeout_after
from speedlab.loop._traps import (
    CANCEL,
    SPAWN,
    Waiters,
    request_nowait,
    trap_cancel,
    trap_current,
    trap_park,
    trap_spawn,
)

__all__ = [
    "Task",
    "as_coroutine",
    "current_task",
    "describe_tasks",
    "is_coroutine",
    "spawn",
    "spawn_nowait",
]

T = TypeVar("T")

_ids = itertools.count(1)


def is_coroutine(obj: object) -> bool:
    """True for what the kernel can drive: native coroutines and ``@types.coroutine`` generators."""
    if type(obj) is CoroutineType or isinstance(obj, Coroutine):
        return True
    return isinstance(obj, GeneratorType) and bool(obj.gi_code.co_flags & CO_ITERABLE_COROUTINE)


def as_coroutine(
    fn: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T], args: tuple[Any, ...]
) -> Coroutine[Any, Any, T]:
    """Return the coroutine to run for ``fn, *args`` (``fn`` may also be a coroutine object).

    Raises:
        TypeError: ``fn`` is neither an async function nor a coroutine object.
    """
    if not callable(fn):
        if not is_coroutine(fn):
            raise TypeError(f"expected an async def function or a coroutine, got {fn!r}")
        if args:
            fn.close()
            raise TypeError("arguments given with a coroutine object, not a function")
        return fn
    coro = fn(*args)
    if not is_coroutine(coro):
        raise TypeError(f"{fn!r} did not return a coroutine; pass an async def function")
    return cast("Coroutine[Any, Any, T]", coro)


class Task(Generic[T]):
    """One coroutine run by the kernel; joinable, cancellable, awaitable.

    Created by :func:`spawn` (or by ``run`` for the main coroutine), never directly.

    Attributes:
        id: A number unique in this process, in order of creation.
    """

    # The kernel reads and writes the underscore fields; nothing else may.
    __slots__ = (
        "_coro",
        "_done",
        "_exception",
        "_io",
        "_joiners",
        "_name",
        "_result",
        "_retrieved",
        "_throw",
        "_token",
        "_wait",
        "id",
    )

    def __init__(self, coro: Coroutine[Any, Any, T], name: str | None = None) -> None:
        self.id = next(_ids)
        self._name = name  # the coroutine's name is looked up only when asked for
        self._coro = coro
        self._throw: BaseException | None = None  # thrown in instead of sending on next resume
        self._wait: str | None = None  # what the task is blocked on; None while runnable
        self._token = 0  # bumped at every wake-up: a timer or park entry with an old one is stale
        self._io: Any = None  # the kernel's record of the socket it waits for, if any
        self._joiners: Waiters | None = None  # made by the first joiner: most tasks have none
        self._done = False
        self._result: T | None = None
        self._exception: BaseException | None = None
        self._retrieved = False  # someone has seen the exception (join, result, gather)

    def __repr__(self) -> str:
        if self._done:
            state = "cancelled" if self.cancelled() else "failed" if self._exception else "done"
        else:
            state = f"waiting on {self._wait}" if self._wait else "ready"
        return f"<Task #{self.id} {self.name!r} {state}>"

    @property
    def name(self) -> str:
        """The name given to ``spawn``, or the coroutine's qualified name."""
        return self._name or str(getattr(self._coro, "__qualname__", "task"))

    def done(self) -> bool:
        """Return True once the coroutine has returned or raised."""
        return self._done

    def cancelled(self) -> bool:
        """Return True if the task ended with ``CancelledError``."""
        return self._done and isinstance(self._exception, CancelledError)

    def result(self) -> T:
        """Return the coroutine's value, or raise what it raised.

        Raises:
            LoopError: The task has not finished yet.
            BaseException: The task's own exception (``CancelledError`` if it was cancelled).
        """
        if not self._done:
            raise LoopError(f"{self!r} has not finished")
        if self._exception is not None:
            self._retrieved = True
            raise self._exception
        return self._result  # type: ignore[return-value]

    def exception(self) -> BaseException | None:
        """Return the exception the task ended with (None if it returned); marks it seen.

        Raises:
            LoopError: The task has not finished yet.
        """
        if not self._done:
            raise LoopError(f"{self!r} has not finished")
        self._retrieved = True
        return self._exception

    async def wait_done(self) -> None:
        """Block until the task has finished, whatever the outcome; raise nothing of its own.

        Raises:
            LoopError: A task waited for itself.
        """
        if not self._done and await trap_current() is self:
            raise LoopError(f"{self!r} cannot wait for itself")
        while not self._done:
            if self._joiners is None:
                self._joiners = deque()
            await trap_park(self._joiners, "join")

    async def join(self, *, timeout: float | None = None) -> T:
        """Wait for the task to finish and return its value.

        Args:
            timeout: Seconds to wait (None: for ever); the task goes on running either way.

        Returns:
            The coroutine's return value.

        Raises:
            TimeoutExpired: The task did not finish within ``timeout``.
            BaseException: The child's exception, as it raised it; ``CancelledError`` if the
                child was cancelled (as in asyncio).
        """
        if not self._done:
            if timeout is None:
                await self.wait_done()
            else:
                async with timeout_after(timeout):
                    await self.wait_done()
        return self.result()

    async def cancel(self, *, blocking: bool = True) -> bool:
        """Cancel the task: it sees ``CancelledError`` at its current (or next) await.

        Args:
            blocking: Also wait until the task has finished its clean-up.

        Returns:
            True if the cancellation reached a task that was still running.

        Raises:
            BaseException: With ``blocking``, an error other than ``CancelledError`` that the
                task raised while cleaning up (it is not swallowed).
        """
        delivered = await trap_cancel(self, CancelledError(f"{self.name} cancelled"))
        if blocking:
            await self.wait_done()
            error = self._exception
            self._retrieved = True
            if error is not None and not isinstance(error, CancelledError):
                raise error
        return delivered

    def cancel_nowait(self) -> bool:
        """Cancel the task from synchronous code on the kernel's thread, without waiting.

        For callbacks and plain functions, which cannot await :meth:`cancel`: the task sees
        ``CancelledError`` at its current (or next) await; ``join`` or ``wait_done`` it to know
        when its clean-up is over.

        Returns:
            True if the cancellation reached a task that was still running.

        Raises:
            LoopError: No kernel runs on this thread.
            CancelledError: The running task cancelled itself (raised right here).
        """
        delivered: bool = request_nowait((CANCEL, self, CancelledError(f"{self.name} cancelled")))
        return delivered

    def __await__(self) -> Generator[Any, Any, T]:
        return self.join().__await__()


def spawn(
    fn: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T], *args: Any, name: str | None = None
) -> Awaitable[Task[T]]:
    """Start ``fn(*args)`` as a new task; it runs when the caller next waits.

    A plain function returning the kernel request (await it), so that spawning costs no
    coroutine frame of its own.

    Args:
        fn: An ``async def`` function (or a coroutine object, with no ``args``).
        args: Its positional arguments.
        name: A name for ``repr`` and the kernel's log (default: the function's name).

    Returns:
        The new task.

    Example::

        task = await spawn(sleep, 1.0)
        await task.join()
    """
    return trap_spawn(as_coroutine(fn, args), name)


def spawn_nowait(
    fn: Callable[..., Awaitable[T]] | Coroutine[Any, Any, T], *args: Any, name: str | None = None
) -> Task[T]:
    """Start ``fn(*args)`` as a new task from synchronous code on the kernel's thread.

    The same as ``await spawn(...)``, for callbacks and plain functions, which cannot await.

    Returns:
        The new task (it runs when the kernel next turns).

    Raises:
        LoopError: No kernel runs on this thread.
        TypeError: ``fn`` is not an async function or a coroutine.
    """
    coro = as_coroutine(fn, args)
    try:
        task: Task[T] = request_nowait((SPAWN, coro, name))
    except BaseException:
        coro.close()  # never started: no "never awaited" warning on top of the error
        raise
    return task


async def current_task() -> Task[Any]:
    """Return the task that is running this code."""
    return await trap_current()


def describe_tasks(tasks: Iterable[Task[Any]], shown: int = 5) -> str:
    """Name a few tasks for a log line: the first ``shown`` by id, then how many more."""
    ordered = sorted(tasks, key=lambda t: t.id)
    more = f" and {len(ordered) - shown} more" if len(ordered) > shown else ""
    return ", ".join(repr(t) for t in ordered[:shown]) + more
