"""The kernel: a ready queue, a timer heap, a selector, and the one place tasks are resumed.

This is the lecture's round-robin runner grown up. Tasks still yield requests and get answers
(see :mod:`speedlab.loop._traps`); the kernel answers the quick ones at once and parks the task
for the others: in the timer heap (sleep, deadlines), in the selector (a socket), or in a wait
queue that another task will wake (events, queues, joins). Each turn of
:meth:`KernelCore._cycle` waits for I/O or time, makes woken tasks ready, and resumes every task
that was ready, in order.

Other threads get in only through the doorbell: :meth:`KernelCore.call_threadsafe` queues a
callback that runs on the kernel's thread and acts on tasks through ``answer_nowait``.

It is built for speed where it counts: a ``deque`` ready queue, ``sleep(0)`` as a bare
``None`` request (no allocation, no handler call), no ``select`` call while tasks are ready and
no socket is waited on, and stale timers dropped lazily instead of searched for.

:class:`KernelCore` is the mechanism; :class:`speedlab.loop.Kernel` (in ``_run.py``) adds the
policy of a run: the main task, leftovers, unseen errors, Ctrl-C and statistics.
"""

from __future__ import annotations

import heapq
import itertools
import selectors
from asyncio import CancelledError
from collections import deque
from collections.abc import Callable, Coroutine
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any

from speedlab._exceptions import LoopError
from speedlab.loop._doorbell import Doorbell
from speedlab.loop._task import Task, describe_tasks
from speedlab.loop._time import Clock, MonotonicClock, TaskTimeout, TimeoutScope
from speedlab.loop._traps import CANCEL, CLOCK, SPAWN, WAKE, Request

__all__ = ["KernelCore"]

# Returned by a request handler that parked the task: resume nothing now.
_SUSPENDED: Any = object()
# Stale timer entries tolerated before the heap is rebuilt without them.
_STALE_TIMERS_LIMIT = 64
# The requests synchronous code may have answered at once (answer_nowait): none of them blocks.
_NOWAIT = frozenset({SPAWN, CLOCK, WAKE, CANCEL})


class _Watch:
    """A socket the selector watches: who waits to read, who waits to write."""

    __slots__ = ("events", "fd", "fileobj", "reader", "writer")

    def __init__(self, fileobj: Any, fd: int, events: int) -> None:
        self.fileobj = fileobj
        self.fd = fd
        self.events = events
        self.reader: Task[Any] | None = None
        self.writer: Task[Any] | None = None


class KernelCore:
    """Tasks, their queues and the resume loop: everything but the policy of a run.

    Args:
        clock: Where time comes from (default: real time, :class:`MonotonicClock`).
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock: Clock = clock if clock is not None else MonotonicClock()
        self._ready: deque[Task[Any]] = deque()
        self._timers: list[tuple[float, int, Any, int | None]] = []
        self._seq = itertools.count()
        self._selector = selectors.DefaultSelector()
        self._tasks: set[Task[Any]] = set()
        self._failed: list[Task[Any]] = []  # tasks that raised: someone must see the error
        self._watches: dict[int, _Watch] = {}  # by file descriptor, as the selector has them
        self._io_count = 0  # tasks waiting in the selector (the doorbell not counted)
        self._current: Task[Any] | None = None  # the task being resumed, while it runs
        self._doorbell = Doorbell()  # in the selector with data=None: no task waits on it
        self._selector.register(self._doorbell.socket, EVENT_READ, None)
        self._crash: BaseException | None = None  # KeyboardInterrupt/SystemExit from a task
        self._spawned = self._switches = self._requests = self._timers_set = 0
        self._timeouts = self._waits = self._polls = self._io_waits = 0
        self._cancellations = self._stale = 0
        self._handlers: tuple[Callable[[Task[Any], Any], Any], ...] = (
            self._on_spawn,
            self._on_current,
            self._on_clock,
            self._on_sleep,
            self._on_io,
            self._on_park,
            self._on_wake,
            self._on_cancel,
            self._on_timeout_set,
            self._on_timeout_clear,
        )

    def call_threadsafe(self, fn: Callable[..., object], *args: Any) -> None:
        """Run ``fn(*args)`` on the kernel's thread at its next turn; callable from any thread.

        It runs between two turns, not in a task: it must not block; it acts on tasks with
        ``Event.set_nowait``, ``Task.cancel_nowait``, ``spawn_nowait``. Its errors are logged.

        Raises:
            LoopError: The kernel is closed.
        """
        self._doorbell.call_threadsafe(fn, *args)

    def answer_nowait(self, request: tuple[Any, ...]) -> Any:
        """Answer a request that never blocks (spawn, clock, wake, cancel) for synchronous code.

        Synchronous code on the kernel's thread (a callback, a plain function a task calls)
        cannot await the trap; these requests park nobody, so they are answered in place.

        Raises:
            LoopError: A request that blocks (it must be awaited).
            BaseException: What the request raises (``CancelledError`` when the running task
                cancels itself).
        """
        if request[0] not in _NOWAIT:
            raise LoopError(f"request {request[0]!r} may block: only a task can await it")
        return self._handlers[request[0]](self._current, request)

    # ---------------------------------------------------------------- the loop

    def _cycle(self) -> None:
        """One turn: wait for I/O or time, fire due timers, resume every task that is ready."""
        if self._doorbell.inbox:  # callbacks from other threads first: they may wake tasks
            self._doorbell.run_callbacks()
        ready = self._ready
        timers = self._timers
        clock = self._clock
        if ready:
            if self._io_count:
                self._polls += 1
                self._dispatch_io(self._selector.select(0))
        else:
            if timers:
                timeout: float | None = max(0.0, timers[0][0] - clock.now())
            elif self._io_count:
                timeout = None
            else:
                raise LoopError(
                    f"deadlock: no task can ever wake up: {describe_tasks(self._tasks)}"
                )
            self._waits += 1
            self._dispatch_io(clock.idle(self._selector.select, timeout))
        if timers and timers[0][0] <= (now := clock.now()):
            self._fire_timers(now)

        # THE ONE PLACE TASKS ARE RESUMED. Invariant: a task is resumed only after it was taken
        # off the ready queue, it is in the ready queue at most once, and at any moment it is in
        # exactly one of: the ready queue, running here, parked (timer heap, selector or a wait
        # queue, with ``_wait`` set), or done. Nothing sent through the queue carries a value:
        # a task resumes with None or with the exception in ``_throw`` (cancel, timeout), so a
        # cancel that lands while the task is ready never loses a value it was owed.
        popleft, append, handlers = ready.popleft, ready.append, self._handlers
        count = len(ready)
        self._switches += count
        for _ in range(count):
            task = self._current = popleft()
            try:
                if task._throw is None:
                    request: Request = task._coro.send(None)
                else:
                    exc, task._throw = task._throw, None
                    request = task._coro.throw(exc)
                while request is not None:  # answer requests until one parks the task
                    self._requests += 1
                    try:
                        handler = handlers[request[0]]
                    except (TypeError, IndexError, KeyError):
                        handler = self._on_unknown
                    try:
                        answer = handler(task, request)
                    except BaseException as error:  # a bad request: raise it at the await
                        request = task._coro.throw(error)
                        continue
                    if answer is _SUSPENDED:
                        break
                    request = task._coro.send(answer)
                else:
                    append(task)  # sleep(0): to the back of the queue
            except StopIteration as stop:
                self._finish(task, stop.value, None)
            except BaseException as error:
                self._finish(task, None, error)
        self._current = None

    def _fire_timers(self, now: float) -> None:
        timers = self._timers
        while timers and timers[0][0] <= now:
            _, _, target, token = heapq.heappop(timers)
            if token is None:
                self._expire(target)
            elif target._token == token:
                target._wait = None
                target._token += 1
                self._ready.append(target)

    def _dispatch_io(self, events: list[tuple[selectors.SelectorKey, int]]) -> None:
        for key, mask in events:
            watch = key.data
            if watch is None:  # the doorbell: callbacks from other threads, or Ctrl-C
                self._doorbell.drain()
                self._doorbell.run_callbacks()
                continue
            reader, writer = watch.reader, watch.writer
            if reader is not None and mask & selectors.EVENT_READ:
                self._wake(reader, None)
            if writer is not None and mask & selectors.EVENT_WRITE:
                self._wake(writer, None)
            unwanted = mask & ~((EVENT_READ if reader else 0) | (EVENT_WRITE if writer else 0))
            if unwanted:  # ready for nobody: stop watching that direction
                self._unwatch(watch, unwanted)

    # ---------------------------------------------------------------- task life

    def _new_task(self, coro: Coroutine[Any, Any, Any], name: str | None) -> Task[Any]:
        task: Task[Any] = Task(coro, name)
        self._tasks.add(task)
        self._spawned += 1
        self._ready.append(task)
        return task

    def _wake(self, task: Task[Any], exc: BaseException | None) -> None:
        """Make a parked task ready, undoing its parking; ``exc`` is thrown in when it runs."""
        if task._io is not None:
            self._io_release(task)
        elif task._wait == "sleep":
            self._stale += 1
        task._wait = None
        task._token += 1  # its timer or wait-queue entry is now stale
        task._throw = exc
        self._ready.append(task)

    def _finish(self, task: Task[Any], value: Any, error: BaseException | None) -> None:
        task._done = True
        task._result = value
        task._exception = error
        self._tasks.discard(task)
        joiners = task._joiners
        while joiners:  # None or empty: nobody is waiting
            waiter, token = joiners.popleft()
            if waiter._token == token:
                self._wake(waiter, None)
        if isinstance(error, Exception):
            self._failed.append(task)  # reported at the end of the run if nobody looked
        elif error is not None and not isinstance(error, CancelledError):
            self._crash = error  # KeyboardInterrupt or SystemExit in a task: the run stops

    def _cancel(self, task: Task[Any], exc: BaseException) -> bool:
        if task._done:
            return False
        self._cancellations += 1
        if task._wait is not None:
            self._wake(task, exc)
        elif task._throw is None or isinstance(task._throw, TaskTimeout):
            task._throw = exc  # ready: it sees the cancellation when it next runs
        return True

    def _expire(self, scope: TimeoutScope) -> None:
        task = scope.task
        if not scope.active or task is None or task._done:
            return
        scope.active = False
        scope.expired = True
        self._timeouts += 1
        if task._wait is not None:
            self._wake(task, TaskTimeout(scope))
        elif task._throw is None:
            task._throw = TaskTimeout(scope)

    def _push_timer(self, deadline: float, target: Any, token: int | None) -> None:
        if deadline != deadline:
            raise ValueError("a time must be a number, got nan")
        heapq.heappush(self._timers, (deadline, next(self._seq), target, token))
        self._timers_set += 1
        if self._stale > _STALE_TIMERS_LIMIT and 2 * self._stale > len(self._timers):
            self._timers = [e for e in self._timers if _live(e)]
            heapq.heapify(self._timers)
            self._stale = 0

    def _io_release(self, task: Task[Any]) -> None:
        """Forget the task's socket wait; the selector keeps watching until it fires for nobody.

        A socket is usually waited on again soon (the next read on a connection), so leaving
        it registered saves two ``epoll_ctl`` calls per wait. A closed socket drops out of
        epoll by itself; its stale entry is replaced when the descriptor number is reused.
        """
        watch: _Watch = task._io
        if task._wait == "read":
            watch.reader = None
        else:
            watch.writer = None
        task._io = None
        self._io_count -= 1

    def _unwatch(self, watch: _Watch, events: int) -> None:
        watch.events &= ~events
        if watch.events:
            self._selector.modify(watch.fd, watch.events, watch)
        else:
            del self._watches[watch.fd]
            self._selector.unregister(watch.fd)

    # ---------------------------------------------------------------- request handlers
    # Each takes (calling task, request tuple) and returns the answer, or _SUSPENDED after
    # parking the task. An exception raised here is thrown into the task at its await.

    def _on_unknown(self, _task: Task[Any], request: Any) -> Any:
        raise LoopError(
            f"not a request this kernel understands: {request!r} "
            "(an asyncio future or another loop's awaitable?)"
        )

    def _on_spawn(self, _task: Task[Any], request: tuple[int, Any, str | None]) -> Task[Any]:
        return self._new_task(request[1], request[2])

    def _on_current(self, task: Task[Any], _request: tuple[int]) -> Task[Any]:
        return task

    def _on_clock(self, _task: Task[Any], _request: tuple[int]) -> float:
        return self._clock.now()

    def _on_sleep(self, task: Task[Any], request: tuple[int, float, bool]) -> Any:
        _, when, absolute = request
        self._push_timer(when if absolute else self._clock.now() + when, task, task._token)
        task._wait = "sleep"
        return _SUSPENDED

    def _on_io(self, task: Task[Any], request: tuple[int, Any, int]) -> Any:
        _, fileobj, event = request
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        if fd < 0:
            raise ValueError(f"cannot wait on a closed socket: {fileobj!r}")
        watch = self._watches.get(fd)
        if watch is not None and watch.fileobj is not fileobj:  # a closed socket's number
            self._unwatch(watch, watch.events)
            watch = None
        if watch is None:
            watch = self._watches[fd] = _Watch(fileobj, fd, event)
            self._selector.register(fd, event, watch)
        elif not watch.events & event:
            watch.events |= event
            self._selector.modify(fd, watch.events, watch)
        if event == EVENT_READ:
            if watch.reader is not None:
                raise LoopError(f"another task already waits to read {fileobj!r}")
            watch.reader, task._wait = task, "read"
        else:
            if watch.writer is not None:
                raise LoopError(f"another task already waits to write {fileobj!r}")
            watch.writer, task._wait = task, "write"
        task._io = watch
        self._io_count += 1
        self._io_waits += 1
        return _SUSPENDED

    def _on_park(self, task: Task[Any], request: tuple[int, Any, str]) -> Any:
        _, waiters, what = request
        waiters.append((task, task._token))
        task._wait = what
        return _SUSPENDED

    def _on_wake(self, _task: Task[Any], request: tuple[int, Any, int]) -> int:
        _, waiters, n = request
        woken = 0
        while waiters and woken != n:
            waiter, token = waiters.popleft()
            if waiter._token == token:  # still parked right there
                self._wake(waiter, None)
                woken += 1
        return woken

    def _on_cancel(self, task: Task[Any], request: tuple[int, Task[Any], BaseException]) -> bool:
        _, target, exc = request
        if target is task:
            self._cancellations += 1
            raise exc  # cancelling yourself: the exception is raised right at the await
        return self._cancel(target, exc)

    def _on_timeout_set(self, task: Task[Any], request: tuple[int, Any, float, bool]) -> float:
        _, scope, when, absolute = request
        deadline: float = when if absolute else self._clock.now() + when
        scope.task = task
        scope.active = True
        self._push_timer(deadline, scope, None)
        return deadline

    def _on_timeout_clear(self, _task: Task[Any], request: tuple[int, Any]) -> None:
        scope = request[1]
        if scope.active:
            scope.active = False
            self._stale += 1


def _live(entry: tuple[float, int, Any, int | None]) -> bool:
    _, _, target, token = entry
    return bool(target.active) if token is None else bool(target._token == token)
