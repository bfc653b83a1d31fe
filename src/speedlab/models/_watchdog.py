"""Deadlines for blocking requests: one timer thread per process breaks the ones that overrun.

``requests`` bounds each socket operation, not the response: a server that sends its headers
or its body one byte a second keeps a read alive forever, every read well within the socket
timeout. Nothing in the blocking call can look at a clock, so another thread must end it: an
:class:`Alarm` is armed around each request and, if the request is still running at its
deadline, the :class:`Watchdog` calls the alarm's callback (the transport's ``abort()``, which
shuts the socket down).

The watchdog is built to cost nothing per request: arming an alarm writes a deadline into it,
disarming clears it, and neither takes a lock nor wakes a thread, except the first arming of an
alarm, which queues it once. The thread sleeps on a ``Condition`` until the earliest queued
deadline; when it wakes for an alarm that has been disarmed meanwhile it forgets it, and for
one re-armed later it queues it again for the new deadline. So it wakes about once per
timeout period per busy transport, not once per request, and never polls.

There is one watchdog per process (:data:`WATCHDOG`); its thread starts with the first armed
alarm and is joined when the last alarm is closed (every transport closes its alarm), so no
thread outlives the transports that needed it. A forked child starts with a fresh, idle one.

    alarm = WATCHDOG.alarm(transport.abort)
    alarm.arm(10.0)
    try:
        ...blocking request...
    finally:
        alarm.disarm()
    alarm.fired          # True if the request was broken off at its deadline
    alarm.close()        # when the transport closes
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["WATCHDOG", "Alarm", "Watchdog", "WatchdogStatistics"]


class Alarm:
    """One transport's deadline: armed around each request, fired by the watchdog's thread.

    Use it from one thread at a time (the transport's); ``fired`` tells that thread, after the
    request, whether the watchdog broke it off.
    """

    __slots__ = ("_callback", "_closed", "_deadline", "_key", "_owner", "_queued", "fired")

    def __init__(self, owner: Watchdog, callback: Callable[[], None]) -> None:
        self._owner = owner
        self._callback = callback
        self._deadline: float | None = None
        self._queued = False
        self._key = 0.0  # the deadline it was queued for (valid while queued)
        self._closed = False
        self.fired = False

    def arm(self, seconds: float) -> None:
        """Fire ``seconds`` from now unless disarmed first."""
        deadline = time.monotonic() + seconds
        self.fired = False
        # Write the deadline before looking at the queue: the watchdog's thread marks an alarm
        # unqueued before it reads its deadline, so one of the two always sees the other.
        self._deadline = deadline
        if not self._queued or deadline < self._key:
            self._owner._queue(self)

    def disarm(self) -> None:
        """Cancel the deadline (the request ended); it costs one attribute write."""
        self._deadline = None

    def close(self) -> None:
        """Stop using the watchdog (idempotent); the last close joins its thread."""
        if not self._closed:
            self._closed = True
            self._deadline = None
            self._owner._release()

    def _fire(self) -> None:
        self.fired = True
        # A callback that fails (a socket already closed) must not end the watchdog.
        with contextlib.suppress(Exception):
            self._callback()


@dataclass(frozen=True)
class WatchdogStatistics:
    """What the watchdog did: alarms open now, wake-ups and alarms fired since it started."""

    alarms: int
    running: bool
    wakeups: int
    fired: int


class Watchdog:
    """A heap of deadlines and one thread that sleeps until the earliest; see the module."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._users = 0
        self._thread: threading.Thread | None = None
        self._running: object | None = None  # the running thread's token
        self._wakeups = 0
        self._fired = 0

    def alarm(self, callback: Callable[[], None]) -> Alarm:
        """Return a new alarm that calls ``callback`` (from the watchdog's thread) when it fires.

        Close it when done with it; the thread runs while any alarm is open and armed.
        """
        with self._cond:
            self._users += 1
        return Alarm(self, callback)

    def statistics(self) -> WatchdogStatistics:
        """Return a snapshot of the watchdog."""
        with self._cond:
            return WatchdogStatistics(
                alarms=self._users,
                running=self._thread is not None,
                wakeups=self._wakeups,
                fired=self._fired,
            )

    def _queue(self, alarm: Alarm) -> None:
        with self._cond:
            deadline = alarm._deadline
            if deadline is None or alarm._closed:
                return
            if alarm._queued and alarm._key <= deadline:
                return
            alarm._queued = True
            alarm._key = deadline
            heapq.heappush(self._heap, (deadline, next(self._order), alarm))
            if self._thread is None:
                token = self._running = object()
                self._thread = threading.Thread(
                    target=self._run, args=(token,), name="speedlab-watchdog", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is alarm:
                self._cond.notify()

    def _release(self) -> None:
        with self._cond:
            self._users -= 1
            if self._users > 0 or self._thread is None:
                return
            thread, self._thread = self._thread, None
            self._running = None
            self._heap.clear()
            self._cond.notify()
        if thread is not threading.current_thread():
            thread.join()

    def _due(self) -> tuple[list[Alarm], float | None]:
        """With the lock held: pop the alarms due now, and say how long to sleep after."""
        now = time.monotonic()
        heap = self._heap
        due: list[Alarm] = []
        while heap and heap[0][0] <= now:
            _, _, alarm = heapq.heappop(heap)
            alarm._queued = False
            deadline = alarm._deadline  # read after unqueueing: see Alarm.arm
            if deadline is None or alarm._closed:
                continue  # disarmed since: forget it until it is armed again
            if deadline > now:  # re-armed for later: wait for that
                alarm._queued = True
                alarm._key = deadline
                heapq.heappush(heap, (deadline, next(self._order), alarm))
                continue
            alarm._deadline = None
            due.append(alarm)
        return due, (heap[0][0] - now if heap else None)

    def _run(self, token: object) -> None:
        while True:
            with self._cond:
                if self._running is not token:
                    return
                due, sleep = self._due()
                if not due:
                    self._cond.wait(sleep)
                    self._wakeups += 1
                    continue
                self._fired += len(due)
            for alarm in due:  # outside the lock: a callback may take the transport's locks
                alarm._fire()


#: The process's watchdog.
WATCHDOG = Watchdog()

if hasattr(os, "register_at_fork"):
    # A forked child has no watchdog thread: start it afresh, idle, when the child needs one.
    os.register_at_fork(after_in_child=WATCHDOG._reset)
