"""SIGTERM ends a command the way Ctrl-C does: one place turns it into an interruption.

``kill PID``, ``timeout``, a service manager or a container runtime stop a program with
SIGTERM, whose default action ends the process on the spot: no summary, no cleanup, worker
processes left behind. While a command runs, :func:`terminate_as_interrupt` makes SIGTERM raise
:class:`~speedlab._exceptions.Terminated` on the main thread, a ``KeyboardInterrupt`` (the same
class the spinner raises), so every model's Ctrl-C path
(stop the workers, join them, keep the saved files, hand back the partial result) serves both,
and the command only picks the exit code: 130 for Ctrl-C, 143 for SIGTERM (128 + the signal's
number, as shells report them).

    with terminate_as_interrupt():
        try:
            run()
        except KeyboardInterrupt as exc:
            return interrupt_exit_code(exc)     # 130, or 143 after SIGTERM
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from speedlab._exceptions import Terminated

__all__ = [
    "CommandInterrupted",
    "PassInterrupts",
    "Terminated",
    "interrupt_exit_code",
    "terminate_as_interrupt",
]

#: Exit codes: 128 + the signal's number.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class CommandInterrupted(BaseException):
    """A command ended by Ctrl-C or SIGTERM that it did not handle itself (its ``__cause__``).

    typer turns such a ``KeyboardInterrupt`` into a bare exit code 130, losing both the
    message and SIGTERM's 143; carried in this class, it reaches ``main`` whole.
    """


class PassInterrupts:
    """A click command mixin: an interrupt leaves ``invoke`` as :class:`CommandInterrupted`."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except KeyboardInterrupt as exc:
            raise CommandInterrupted from exc


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    del frame
    raise Terminated(f"terminated by signal {signum}")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` on the main thread.

    Outside the main thread (where Python cannot install handlers) it does nothing; the
    previous handler comes back on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupt_exit_code(exc: BaseException) -> int:
    """Return 143 if ``exc`` came from SIGTERM (itself or anywhere in its chain), else 130."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Terminated):
            return EXIT_TERMINATED
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return EXIT_INTERRUPTED
