"""Ctrl-C and SIGTERM that stop the work at once, in every model, and let clean-up run.

Python's default SIGINT handler raises ``KeyboardInterrupt`` in the main thread wherever it
is, which stops a ``time.sleep`` or an ``is_prime`` loop on the spot and runs every ``finally``.
Two things spoil that for the spinner:

* ``asyncio.run`` (3.11+) replaces the handler by one that *cancels the main task*: a loop
  blocked inside an inline ``is_prime`` cannot notice the cancellation until the computation
  ends, so Ctrl-C would wait for it. A handler of our own that raises keeps asyncio from
  installing its own, and the exception leaves the loop at once; ``asyncio.run`` then cancels
  the remaining tasks (the spinner clears its line) and closes.
* SIGTERM's default kills the process without running any clean-up: the line stays on screen.
  Here it raises :class:`Terminated` instead, a ``KeyboardInterrupt`` so that asyncio and
  every ``except Exception`` treat it the same way, and the CLI exits with 143.

Only Python's default handlers are replaced, only in the main thread and only for the run;
a program that set handlers of its own keeps them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from speedlab._exceptions import Terminated

__all__ = ["Terminated", "interrupts_raise"]


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _raise_terminated(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def interrupts_raise() -> Iterator[None]:
    """Within the block, SIGINT raises ``KeyboardInterrupt`` and SIGTERM :class:`Terminated`.

    Does nothing outside the main thread (signals are only handled there) and leaves handlers
    that are not Python's defaults alone. The previous handlers are restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced: dict[int, object] = {}
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        replaced[signal.SIGINT] = signal.signal(signal.SIGINT, _raise_interrupt)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        replaced[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
