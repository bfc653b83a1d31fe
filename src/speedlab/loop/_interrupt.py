"""Ctrl-C and SIGTERM for the kernel: raise in task code, never in the kernel's own.

Python's default SIGINT handler raises ``KeyboardInterrupt`` wherever the main thread happens to
be. Inside a task that is what we want: the task stops at once (even in a long computation) and
the kernel cancels the others. Inside the kernel's bookkeeping (between popping a task and
resuming it, half-way through a selector update) it would leave the queues inconsistent, and in
``select`` it would skip the orderly shutdown. So while a kernel runs, :class:`SigintGuard`
replaces the handler with one that looks at the interrupted frame: in task code it raises as
usual; in kernel code (``select`` included) it only sets a flag and rings the kernel's doorbell
(:mod:`speedlab.loop._doorbell`), so that a blocked ``select`` returns and the kernel raises
``KeyboardInterrupt`` itself at a safe point, then cancels every task and lets them clean up.

The guard is used only on the main thread and only when SIGINT still has Python's default
handler; a program that installed its own keeps it. SIGTERM's default ends the process at once;
a program that gave it a Python handler (the command raises ``KeyboardInterrupt`` from it, so
that SIGTERM stops a run like Ctrl-C) has that handler called the same way: at once in task
code, at the kernel's next safe point otherwise.
"""

from __future__ import annotations

import inspect
import signal
import threading
from collections.abc import Callable
from types import CodeType, FrameType, TracebackType
from typing import Any

__all__ = ["SignalGuard"]

# A frame of a coroutine (async def or @types.coroutine generator) belongs to a task.
_TASK_FLAGS = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE


def in_task_code(frame: FrameType | None, kernel_codes: frozenset[CodeType]) -> bool:
    """Return True if ``frame`` runs inside a task rather than in the kernel's bookkeeping.

    Walking out from the interrupted frame, the first coroutine frame means a task was running;
    the first kernel frame (before any coroutine) means the kernel itself was.
    """
    while frame is not None:
        code = frame.f_code
        if code.co_flags & _TASK_FLAGS:
            return True
        if code in kernel_codes:
            return False
        frame = frame.f_back
    return False


class SignalGuard:
    """Install the kernel-aware SIGINT (and SIGTERM) handlers for a ``with`` block.

    Args:
        wake: Wakes the kernel from ``select`` (its doorbell's ``ring``); safe in a handler.
        kernel_codes: Code objects of the kernel's methods.
    """

    def __init__(self, wake: Callable[[], None], kernel_codes: frozenset[CodeType]) -> None:
        self._wake = wake
        self._codes = kernel_codes
        self._previous: Any = None
        self._installed = False
        self._term: Callable[[int, FrameType | None], Any] | None = None  # the program's
        #: Set by a SIGINT that arrived in kernel code; the kernel raises and clears it.
        self.interrupted = False
        #: A SIGTERM that arrived in kernel code: the kernel calls :meth:`deliver` for it.
        self.terminated = False

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is not threading.main_thread():
            return self
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        term = signal.getsignal(signal.SIGTERM)
        if callable(term):  # a Python handler (SIG_DFL and SIG_IGN are plain numbers)
            self._term = term
            signal.signal(signal.SIGTERM, self._handle_term)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._installed:
            self._installed = False
            signal.signal(signal.SIGINT, self._previous)
        term, self._term = self._term, None
        if term is not None:
            signal.signal(signal.SIGTERM, term)
        if self.interrupted:  # Ctrl-C arrived after the kernel's last look: do not lose it
            self.interrupted = False
            if exc is None:
                raise KeyboardInterrupt
        if self.terminated and exc is None and term is not None:
            self.terminated = False
            term(signal.SIGTERM, None)

    def _handle(self, _signum: int, frame: FrameType | None) -> None:
        if in_task_code(frame, self._codes):
            raise KeyboardInterrupt
        self.interrupted = True
        self._wake()

    def _handle_term(self, signum: int, frame: FrameType | None) -> None:
        if in_task_code(frame, self._codes) and self._term is not None:
            self._term(signum, frame)
            return
        self.terminated = True
        self._wake()

    def deliver(self) -> None:
        """Call the program's SIGTERM handler now, at the kernel's safe point (it may raise)."""
        self.terminated = False
        if self._term is not None:
            self._term(signal.SIGTERM, None)
