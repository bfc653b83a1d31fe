"""A stop request that wakes whoever waits for it, instead of being polled.

A model's control loop blocks on one queue (worker events, finished units); a caller's plain
``threading.Event`` cannot wake it without a polling sleep. :class:`StopSignal` is a
``threading.Event`` that also calls its subscribers when it is set, so each model turns a
stop into the wake-up it already waits for: a message in its queue, ``set()`` on a
``multiprocessing.Event`` its worker processes sleep on, or an event of its loop set with
``call_soon_threadsafe``.

    stop = StopSignal()
    threading.Timer(5, stop.set).start()
    result = run_model("threads", job, stop=stop)   # ends about 5 s in, interrupted
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

__all__ = ["StopSignal"]


class StopSignal(threading.Event):
    """A ``threading.Event`` that calls its subscribers, once, when it is first set.

    Subscribers run on the thread that calls ``set()`` (possibly a signal handler on the main
    thread), so they must be quick and must not block: put a message in a queue, set another
    event, schedule a callback on a loop.
    """

    def __init__(self) -> None:
        super().__init__()
        self._subscribers: dict[int, Callable[[], None]] = {}
        # Re-entrant: set() may run in a signal handler on a thread that holds it already.
        self._guard = threading.RLock()
        self._ids = itertools.count()

    def set(self) -> None:
        """Set the event and call every subscriber (only the first time)."""
        with self._guard:
            if self.is_set():
                return
            super().set()
            subscribers = list(self._subscribers.values())
            self._subscribers.clear()
        for notify in subscribers:
            notify()

    def subscribe(self, notify: Callable[[], None]) -> Callable[[], None]:
        """Call ``notify()`` when the signal is set (at once if it already is).

        Returns:
            A function that cancels the subscription (safe to call more than once).
        """
        with self._guard:
            if not self.is_set():
                token = next(self._ids)
                self._subscribers[token] = notify

                def unsubscribe() -> None:
                    with self._guard:
                        self._subscribers.pop(token, None)

                return unsubscribe
        notify()
        return _nothing


def _nothing() -> None:
    return None
