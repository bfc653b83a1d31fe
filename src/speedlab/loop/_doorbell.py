"""The kernel's doorbell: how another thread (or a signal handler) wakes a kernel in ``select``.

A kernel blocked in ``select`` hears only its sockets. Everything that happens elsewhere, a
stop request set by another thread, a Ctrl-C that arrived in the kernel's own bookkeeping,
must therefore reach it as a byte on a socket: the doorbell is a socket pair whose reading end
sits in the kernel's selector (with no waiting task), and :meth:`Doorbell.call_threadsafe`
queues a callback and rings. The kernel runs the queued callbacks on its own thread at its
next turn, where they may use the loop's synchronous ``*_nowait`` operations
(``Event.set_nowait``, ``Task.cancel_nowait``, ``spawn_nowait``).

    kernel.call_threadsafe(stopped.set_nowait)   # from any thread, without polling

Only the ring crosses threads: a ``deque`` append and a ``send`` are each atomic, so no lock.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections import deque
from collections.abc import Callable
from typing import Any

from speedlab._exceptions import LoopError

__all__ = ["Doorbell"]

log = logging.getLogger("speedlab.loop")

# Bytes read from the doorbell at a time when it is drained (each ring is one byte).
_DRAIN_SIZE = 4096


class Doorbell:
    """A socket pair and a queue of callbacks: the one way into a kernel from outside it.

    Owns the sockets: ``close()`` (idempotent) closes them; later calls are refused.
    """

    __slots__ = ("_closed", "_reader", "_writer", "inbox")

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._closed = False
        #: Callbacks waiting for the kernel's thread, oldest first.
        self.inbox: deque[tuple[Callable[..., object], tuple[Any, ...]]] = deque()

    @property
    def socket(self) -> socket.socket:
        """The reading end, for the kernel's selector."""
        return self._reader

    def ring(self) -> None:
        """Wake the kernel if it waits in ``select`` (safe in a signal handler, any thread)."""
        # A full buffer already wakes select; a closed socket means nobody is left to wake.
        with contextlib.suppress(OSError):
            self._writer.send(b"\0")

    def call_threadsafe(self, fn: Callable[..., object], *args: Any) -> None:
        """Queue ``fn(*args)`` for the kernel's thread and wake the kernel (from any thread).

        Raises:
            LoopError: The kernel is closed: nothing would ever run the callback.
        """
        if self._closed:
            raise LoopError("the kernel is closed: it takes no more callbacks")
        self.inbox.append((fn, args))
        self.ring()

    def drain(self) -> None:
        """Empty the socket (the callbacks are run by :meth:`run_callbacks`)."""
        with contextlib.suppress(OSError):  # BlockingIOError: empty
            while self._reader.recv(_DRAIN_SIZE):
                pass

    def run_callbacks(self) -> None:
        """Run the queued callbacks, in order, here (the kernel's thread, between two turns).

        One that raises an ``Exception`` is logged and the others still run, as asyncio does
        with its callbacks; ``KeyboardInterrupt`` and ``SystemExit`` propagate (to the kernel,
        which stops the run), the callbacks after it staying queued.
        """
        inbox = self.inbox
        while inbox:
            fn, args = inbox.popleft()
            try:
                fn(*args)
            except Exception:
                log.exception("speedlab.loop: callback %r failed", fn)

    def close(self) -> None:
        """Close both sockets and drop the callbacks nobody will run (safe to call twice)."""
        self._closed = True
        self.inbox.clear()
        self._reader.close()
        self._writer.close()
