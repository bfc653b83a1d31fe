"""Hold Ctrl-C and SIGTERM while a short call runs on the event loop's thread, then deliver them.

A quick ``Call`` (a result file's save) runs on the loop (see ``QuickCalls``), and so in the
main thread, where Python raises ``KeyboardInterrupt`` from its signal handlers. Raised there,
between ``os.open`` and ``os.replace``, it would cut a save of work already done. In a worker
thread, where the async models ran every ``Call`` before, no signal can land.
:func:`call_with_signals_held` gives the loop's thread the same guarantee: during the call,
SIGINT and SIGTERM are only noted; after it, the handlers that were there are put back and
each signal that came is raised again, so it has exactly the effect it would have had
(``KeyboardInterrupt``, asyncio's cancellation, the default action).

Masking the signals instead (``pthread_sigmask``) is not enough: the kernel then hands them to
another thread (a resolver's), and Python still runs the handler in the main thread, mid-save.

    call_with_signals_held(lambda: output.save(name, data))   # whole, or not started
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal.signal less its enum conversions
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

__all__ = ["HELD_SIGNALS", "call_with_signals_held"]

T = TypeVar("T")

#: The signals a short call on the loop finishes before feeling: Ctrl-C and ``kill``.
HELD_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)

_HELD_NUMBERS = tuple(int(signum) for signum in HELD_SIGNALS)
_Handler = Callable[[int, FrameType | None], Any] | int | None


def call_with_signals_held(fn: Callable[[], T]) -> T:
    """Return ``fn()``; SIGINT and SIGTERM that come meanwhile take effect once it has returned.

    During the call the two signals are only noted; after it, the handlers that were there are
    put back and each signal noted is raised again, so it has its usual effect then. Outside
    the main thread ``fn`` just runs (Python runs signal handlers in the main thread only, so
    code elsewhere is never interrupted by one). A signal whose handler was not set from
    Python (``getsignal`` gives None) is left alone.
    """
    if threading.current_thread() is not threading.main_thread():
        return fn()
    arrived: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        arrived.append(signum)

    previous: list[tuple[int, _Handler]] = []
    try:
        for signum in _HELD_NUMBERS:
            if _signal.getsignal(signum) is not None:
                previous.append((signum, _signal.signal(signum, note)))
        return fn()
    finally:
        _put_back(previous)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)  # now with its own handler: its usual effect


def _put_back(previous: list[tuple[int, _Handler]]) -> None:
    """Put every handler back, even if one fires (and raises) as soon as it is back."""
    if not previous:
        return
    (signum, handler), rest = previous[0], previous[1:]
    try:
        _signal.signal(signum, handler)
    finally:
        _put_back(rest)
