"""Synchronisation between tasks: ``Event``, ``Queue`` and ``gather``, built on park and wake.

None of this is in the kernel. A task that must wait *parks* itself in a wait queue (a deque
owned by the primitive); whoever changes the state *wakes* one or all of the parked tasks, and
a woken task looks at the state again. Nothing is handed over through the wake-up, so a task
that is cancelled after being woken loses nothing; it passes its wake-up on instead, so that
no other waiter is left asleep next to an item it could take.

    async def main() -> list[int]:
        queue: Queue[int] = Queue(maxsize=10)
        ...
        return await gather(producer(queue), consumer(queue))
"""

from __future__ import annotations

from asyncio import CancelledError
from collections import deque
from collections.abc import Coroutine
from typing import Any, Generic, TypeVar

from speedlab.loop._task import Task, is_coroutine, spawn
from speedlab.loop._time import timeout_after
from speedlab.loop._traps import WAKE, Waiters, request_nowait, trap_park, trap_wake

__all__ = ["Event", "Queue", "gather"]

T = TypeVar("T")


class Event:
    """A flag tasks can wait for: ``wait()`` blocks until someone calls ``set()``.

    Example::

        ready = Event()
        await spawn(worker, ready)   # worker does: await ready.wait()
        await ready.set()
    """

    __slots__ = ("_flag", "_waiters")

    def __init__(self) -> None:
        self._flag = False
        self._waiters: Waiters = deque()

    def is_set(self) -> bool:
        """Return True if the event is set."""
        return self._flag

    def clear(self) -> None:
        """Unset the event; later ``wait()`` calls block again."""
        self._flag = False

    async def set(self) -> None:
        """Set the event and wake every waiting task."""
        self._flag = True
        if self._waiters:
            await trap_wake(self._waiters, -1)

    def set_nowait(self) -> None:
        """Set the event from synchronous code on the kernel's thread (a callback, a hook).

        Raises:
            LoopError: Waiters must be woken and no kernel runs on this thread.
        """
        self._flag = True
        if self._waiters:
            request_nowait((WAKE, self._waiters, -1))

    async def wait(self, *, timeout: float | None = None) -> None:
        """Block until the event is set (return at once if it already is).

        Raises:
            TimeoutExpired: Not set within ``timeout`` seconds (None: wait for ever).
        """
        if not self._flag:
            if timeout is None:
                await trap_park(self._waiters, "event")
            else:
                async with timeout_after(timeout):
                    await trap_park(self._waiters, "event")


class Queue(Generic[T]):
    """A first-in first-out queue between tasks, bounded by ``maxsize`` (0: unbounded).

    Args:
        maxsize: How many items it holds before ``put`` blocks (0 or less: no limit).
    """

    __slots__ = ("_getters", "_items", "_putters", "maxsize")

    def __init__(self, maxsize: int = 0) -> None:
        self.maxsize = maxsize
        self._items: deque[T] = deque()
        self._getters: Waiters = deque()
        self._putters: Waiters = deque()

    def qsize(self) -> int:
        """Return how many items are queued."""
        return len(self._items)

    def empty(self) -> bool:
        """Return True if no item is queued."""
        return not self._items

    def full(self) -> bool:
        """Return True if ``put`` would block."""
        return 0 < self.maxsize <= len(self._items)

    async def put(self, item: T, *, timeout: float | None = None) -> None:
        """Append ``item``, waiting while the queue is full.

        Raises:
            TimeoutExpired: Still full after ``timeout`` seconds (None: wait for ever).
        """
        if self.full():
            async with timeout_after(timeout):
                while self.full():
                    await _park_or_pass_on(self._putters, "queue put", lambda: not self.full())
        self._items.append(item)
        if self._getters:
            await trap_wake(self._getters, 1)

    async def get(self, *, timeout: float | None = None) -> T:
        """Remove and return the oldest item, waiting while the queue is empty.

        Raises:
            TimeoutExpired: Still empty after ``timeout`` seconds (None: wait for ever).
        """
        if not self._items:
            async with timeout_after(timeout):
                while not self._items:
                    await _park_or_pass_on(self._getters, "queue get", lambda: bool(self._items))
        item = self._items.popleft()
        if self._putters:
            await trap_wake(self._putters, 1)
        return item


async def _park_or_pass_on(waiters: Waiters, what: str, could_go_on: Any) -> None:
    """Park in ``waiters``; if interrupted while another waiter could go on, wake that one."""
    try:
        await trap_park(waiters, what)
    except BaseException:
        # This task may have been woken and then cancelled before it ran: hand the wake-up on.
        if waiters and could_go_on():
            await trap_wake(waiters, 1)
        raise


async def _report(index: int, coro: Coroutine[Any, Any, T], done: Queue[int]) -> T:
    try:
        return await coro
    finally:
        await done.put(index)  # unbounded: never blocks, so it is safe while cancelled


async def gather(*coros: Coroutine[Any, Any, T], return_exceptions: bool = False) -> list[T]:
    """Run coroutines as concurrent tasks and return their results in the order given.

    Unlike ``asyncio.gather``, nothing is left running behind the caller: when one task fails
    (and ``return_exceptions`` is False), or when the caller is cancelled, the others are
    cancelled and finished before the exception propagates. Errors the others raise while being
    cancelled are attached to it as notes, not dropped.

    Args:
        coros: Coroutine objects, e.g. ``gather(fetch(a), fetch(b))``.
        return_exceptions: Put each task's exception in its place in the result list instead
            of raising the first one.

    Returns:
        The results, in the order of ``coros``.

    Raises:
        TypeError: An argument is not a coroutine (every coroutine given is then closed).
        BaseException: The first failure in time (its own exception object).
    """
    if not all(is_coroutine(coro) for coro in coros):
        for coro in coros:
            if is_coroutine(coro):
                coro.close()  # never started: close it so that it is not "never awaited"
        raise TypeError("gather() takes coroutine objects, e.g. gather(fetch(a), fetch(b))")
    done: Queue[int] = Queue()
    tasks: list[Task[T]] = []
    try:
        for index, coro in enumerate(coros):
            tasks.append(await spawn(_report, index, coro, done, name=_name(coro)))
        results: list[Any] = [None] * len(tasks)
        for _ in tasks:
            index = await done.get()
            error = tasks[index].exception()
            if error is None:
                results[index] = tasks[index].result()
            elif return_exceptions:
                results[index] = error
            else:
                raise error
        return results
    except BaseException as exc:
        for coro in coros[len(tasks) :]:
            coro.close()  # never started: close it so that it is not "never awaited"
        for task in tasks:
            if not task.done():
                await task.cancel(blocking=False)
        for task in tasks:
            await task.wait_done()
            other = task.exception()
            if other is not None and other is not exc and not isinstance(other, CancelledError):
                exc.add_note(f"also failed while gathered: {task.name}: {other!r}")
        raise


def _name(coro: Coroutine[Any, Any, Any]) -> str:
    return str(getattr(coro, "__qualname__", "gathered"))
