"""Spinners that run beside the work: in a thread, or in a child process.

The lecture's threads and processes programs: the main flow runs the slow function and the
spinner runs beside it, until the main flow sets an ``Event`` (``threading.Event`` or
``multiprocessing.Event``) and joins it. Both are context managers around a
:class:`~speedlab.spinner.Spinner`, so the model code is the same three lines either way::

    spinner = Spinner(stream=sys.stdout)
    with SpinnerThread(spinner):          # or SpinnerProcess(spinner)
        result = is_prime(n)
    spinner.frame_times                   # the record, for the statistics

A thread shares our memory, so the spinner's record is simply there after the join. A child
process draws with its own copy: it sends "ready" after its first frame (so the work never
starts before the spinner is on screen, and the start-up is measured apart from the drawing)
and its record when it stops, through a one-way pipe; the record is then adopted by our
spinner. The clock must then be system-wide (the default ``time.monotonic`` is, on Linux,
macOS and Windows) so that the child's times line up with ours.
"""

from __future__ import annotations

import multiprocessing.connection
import os
import threading
from types import TracebackType
from typing import Final, Self

from speedlab._exceptions import SpeedlabError, TimeoutExpired
from speedlab.spinner._children import context, prepare_child
from speedlab.spinner._frames import Spinner, Stopper, spin_until

__all__ = ["START_TIMEOUT", "STOP_TIMEOUT", "SpinnerProcess", "SpinnerThread"]

# How long a child may take to draw its first frame: a spawned interpreter importing speedlab
# needs ~0.4 s here, more on a loaded machine.
START_TIMEOUT: Final = 30.0

# How long a stopped spinner may take to report and exit: it wakes at once from Event.wait.
STOP_TIMEOUT: Final = 5.0


class _Beside:
    """The context-manager face both share: enter starts the spinner, exit stops it."""

    def start(self) -> None:
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        raise NotImplementedError  # pragma: no cover

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:  # a child that failed to start, or Ctrl-C meanwhile: join it
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SpinnerThread(_Beside):
    """Run ``spinner`` in a thread, stopped by a ``threading.Event``: the lecture's threads way.

    Args:
        spinner: What to draw; its line is cleared and its record complete after :meth:`close`.
    """

    def __init__(self, spinner: Spinner) -> None:
        self.spinner = spinner
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=spin_until, args=(spinner, self._stop), name="spinner", daemon=True
        )

    def start(self) -> None:
        """Start drawing in a new thread."""
        self._thread.start()

    def close(self) -> None:
        """Set the stop event and join the thread (the line is then cleared); idempotent."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()
        self.spinner.close()  # no-op after the thread's own clean-up; needed if it never ran


def _child_main(
    spinner: Spinner,
    stop: Stopper,
    writer: multiprocessing.connection.Connection,
    parent_pid: int,
) -> None:
    """The spinner process: draw until ``stop`` is set, then send the frame record home."""
    prepare_child(parent_pid)
    try:
        spin_until(spinner, stop, on_first_frame=lambda: writer.send(("ready",)))
    finally:
        writer.send(("done", spinner.frame_times, spinner.cleared_at))
        writer.close()


class SpinnerProcess(_Beside):
    """Run ``spinner`` in a child process, stopped by a ``multiprocessing.Event``.

    The child draws on the spinner's stream (inherited: the start method is ``fork`` on Linux;
    a spawned child draws on its standard output, the parent's too) and sends its frame record
    back when stopped, which ``spinner`` then holds. It never outlives the parent (see
    :mod:`speedlab.spinner._children`).

    Args:
        spinner: What to draw; its clock must be system-wide, and picklable where children are
            spawned (a module-level function such as ``time.monotonic``).
    """

    def __init__(self, spinner: Spinner) -> None:
        self.spinner = spinner
        ctx = context()
        self._stop = ctx.Event()
        self._reader, writer = ctx.Pipe(duplex=False)
        self._writer: multiprocessing.connection.Connection | None = writer
        self._process = ctx.Process(  # type: ignore[attr-defined]
            target=_child_main,
            args=(spinner, self._stop, writer, os.getpid()),
            name="spinner",
            daemon=True,
        )
        self._closed = False
        #: Whether the child sent its frame record (False if it was killed, say).
        self.reported = False
        #: The child's exit code, once joined.
        self.exitcode: int | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id, once started."""
        return self._process.pid  # type: ignore[no-any-return]

    def start(self, *, timeout: float = START_TIMEOUT) -> None:
        """Start the child and wait for its first frame.

        Args:
            timeout: Seconds to wait for the first frame.

        Raises:
            TimeoutExpired: No first frame within ``timeout`` (``close()`` stops the child).
            SpeedlabError: The child ended before drawing.
        """
        self.spinner.flush()  # a forked child would write our buffered text a second time
        self._process.start()
        assert self._writer is not None
        self._writer.close()  # only the child writes now: its exit reads as EOF here
        self._writer = None
        if not self._reader.poll(timeout):
            raise TimeoutExpired(f"the spinner process did not start within {timeout:g} s")
        if self._receive() != "ready":
            raise SpeedlabError("the spinner process ended before drawing")

    def close(self) -> None:
        """Set the stop event, take the child's frame record and join it; idempotent.

        A child that does not stop within ``STOP_TIMEOUT`` (or a second Ctrl-C while waiting)
        is killed; it is joined on every path.
        """
        if self._closed:
            return
        self._closed = True
        # A child killed inside stop.wait() stays counted as a sleeper of the Event's Condition,
        # and set() would wait for it to wake, forever: only a live child is signalled.
        # (Children ignore SIGINT and SIGTERM, so only a SIGKILL from outside could still
        # land in between; Ctrl-C would then interrupt set().)
        started = self._process.pid is not None
        if started and not multiprocessing.connection.wait([self._process.sentinel], 0):
            self._stop.set()  # (the sentinel is readable once the child is dead, reaped or not)
        try:
            while started and not self.reported and self._reader.poll(STOP_TIMEOUT):
                if self._receive() == "gone":
                    break
            if started:
                self._process.join(STOP_TIMEOUT)
        finally:
            if self._process.is_alive():
                self._process.kill()  # it ignores SIGTERM
            if started:
                self._process.join()
                self.exitcode = self._process.exitcode
            self._reader.close()
            if self._writer is not None:
                self._writer.close()
            self.spinner.close()  # the child's line is cleared; this only marks ours closed

    def _receive(self) -> str:
        """Read one message from the child: "ready", "done" (its record, adopted) or "gone"."""
        try:
            message = self._reader.recv()
        except EOFError:  # the child died without a word
            return "gone"
        if message[0] == "done":
            _, frame_times, cleared_at = message
            self.spinner.adopt(frame_times, cleared_at)
            self.reported = True
        return str(message[0])
