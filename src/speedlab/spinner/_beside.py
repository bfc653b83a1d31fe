"""Spinners that run beside the work: in a thread, or in a child process.

The lecture's threads and processes programs: the main flow runs the slow function and the
spinner runs beside it, until the main flow sets an ``Event`` (``threading.Event`` or
``multiprocessing.Event``) and joins it. Both are context managers with the same face, so the
model code is the same three lines either way::

    with SpinnerThread(stream=sys.stdout) as spinner:   # or SpinnerProcess(...)
        result = is_prime(n)
    spinner.frame_times                                 # the record, for the statistics

A thread shares our memory, so its frame record is simply there after the join. A child
process has its own: it sends "ready" after its first frame (so the work never starts before
the spinner is on screen, and the start-up is measured apart from the drawing) and its frame
record when it stops, through a one-way pipe. Its clock must then be system-wide (the default
``time.monotonic`` is, on Linux, macOS and Windows) so that its times line up with ours.
"""

from __future__ import annotations

import multiprocessing.connection
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Final, TextIO

from speedlab._exceptions import SpeedlabError, TimeoutExpired
from speedlab.spinner._children import START_METHOD, context, prepare_child
from speedlab.spinner._frames import (
    DEFAULT_FPS,
    LECTURE_FRAMES,
    LECTURE_MESSAGE,
    Clock,
    Spinner,
    Stopper,
    spin_until,
)

__all__ = ["START_TIMEOUT", "STOP_TIMEOUT", "SpinnerProcess", "SpinnerThread"]

# How long a child may take to draw its first frame: a spawned interpreter importing speedlab
# needs ~0.4 s here, more on a loaded machine.
START_TIMEOUT: Final = 30.0

# How long a stopped spinner may take to report and exit: it wakes at once from Event.wait.
STOP_TIMEOUT: Final = 5.0


@dataclass(frozen=True)
class _Options:
    """What a spinner is made of, picklable, to build it on the other side of a process."""

    message: str
    fps: float
    frames: tuple[str, ...]
    width: int | None

    def spinner(self, stream: TextIO | None, clock: Clock) -> Spinner:
        return Spinner(
            self.message,
            fps=self.fps,
            frames=self.frames,
            stream=stream,
            width=self.width,
            clock=clock,
        )


class _Beside:
    """What both spinners share: the options, the context-manager protocol, the record."""

    def __init__(
        self,
        message: str,
        *,
        fps: float,
        frames: Sequence[str],
        stream: TextIO | None,
        width: int | None,
        clock: Clock,
    ) -> None:
        self._options = _Options(message, fps, tuple(frames), width)
        self._options.spinner(None, clock)  # checks fps and frames here, not in the child
        self._stream = stream
        self._clock = clock
        self._frame_times: tuple[float, ...] | None = None
        self._cleared_at: float | None = None
        self._closed = False

    def start(self) -> None:
        raise NotImplementedError  # pragma: no cover

    def close(self) -> None:
        raise NotImplementedError  # pragma: no cover

    @property
    def frame_times(self) -> tuple[float, ...]:
        """When each frame was drawn, by the clock; known once the spinner is closed.

        Raises:
            SpeedlabError: The spinner is still running, or its process ended without a report.
        """
        if self._frame_times is None:
            raise SpeedlabError("the spinner has not reported its frames (still running?)")
        return self._frame_times

    @property
    def cleared_at(self) -> float:
        """When the spinner stopped and cleared its line, by the clock (see ``frame_times``)."""
        if self._cleared_at is None:
            raise SpeedlabError("the spinner has not reported its frames (still running?)")
        return self._cleared_at

    def __enter__(self) -> _Beside:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SpinnerThread(_Beside):
    """A spinner in a thread, stopped by a ``threading.Event``: the lecture's threads program.

    Args:
        message: Text after the face.
        fps: Frames per second to aim at.
        frames: The faces, drawn in turn.
        stream: Where to draw; ``None`` counts frames without drawing.
        width: Terminal columns (see :class:`Spinner`).
        clock: Time source of the record.
    """

    def __init__(
        self,
        message: str = LECTURE_MESSAGE,
        *,
        fps: float = DEFAULT_FPS,
        frames: Sequence[str] = LECTURE_FRAMES,
        stream: TextIO | None = None,
        width: int | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(message, fps=fps, frames=frames, stream=stream, width=width, clock=clock)
        self._spinner = self._options.spinner(stream, clock)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=spin_until, args=(self._spinner, self._stop), name="spinner", daemon=True
        )

    def start(self) -> None:
        """Start drawing in a new thread."""
        self._thread.start()

    def close(self) -> None:
        """Set the stop event and join the thread (its line is then cleared); idempotent."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()
        self._spinner.close()  # a thread that never started never cleared anything: no-op
        self._frame_times = self._spinner.frame_times
        self._cleared_at = self._spinner.cleared_at


def _child_main(
    options: _Options,
    stream: TextIO | None,
    draw: bool,
    clock: Clock,
    stop: Stopper,
    writer: multiprocessing.connection.Connection,
    parent_pid: int,
) -> None:
    """The spinner process: draw until ``stop`` is set, then send the frame record home."""
    prepare_child(parent_pid)
    if draw and stream is None:  # spawned: the parent's stream could not come along
        stream = sys.stdout
    spinner = options.spinner(stream if draw else None, clock)
    try:
        spin_until(spinner, stop, on_first_frame=lambda: writer.send(("ready",)))
    finally:
        writer.send(("done", spinner.frame_times, spinner.cleared_at))
        writer.close()


class SpinnerProcess(_Beside):
    """A spinner in a child process, stopped by a ``multiprocessing.Event``.

    The child draws on the parent's ``stream`` (inherited: the start method is ``fork`` on
    Linux; a spawned child draws on its standard output, the parent's too) and reports its
    frames back when stopped. It never outlives the parent (see :mod:`._children`).

    Args:
        message: Text after the face.
        fps: Frames per second to aim at.
        frames: The faces, drawn in turn.
        stream: Where to draw; ``None`` counts frames without drawing.
        width: Terminal columns (see :class:`Spinner`).
        clock: Time source of the record: system-wide, and picklable where children are
            spawned (a module-level function such as ``time.monotonic``).
        start_timeout: Seconds to wait for the child's first frame.
    """

    def __init__(
        self,
        message: str = LECTURE_MESSAGE,
        *,
        fps: float = DEFAULT_FPS,
        frames: Sequence[str] = LECTURE_FRAMES,
        stream: TextIO | None = None,
        width: int | None = None,
        clock: Clock = time.monotonic,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        super().__init__(message, fps=fps, frames=frames, stream=stream, width=width, clock=clock)
        self._start_timeout = start_timeout
        ctx = context()
        self._stop = ctx.Event()
        self._reader, writer = ctx.Pipe(duplex=False)
        self._writer: multiprocessing.connection.Connection | None = writer
        inherited = stream if START_METHOD == "fork" else None
        self._process = ctx.Process(  # type: ignore[attr-defined]
            target=_child_main,
            args=(
                self._options,
                inherited,
                stream is not None,
                clock,
                self._stop,
                writer,
                os.getpid(),
            ),
            name="spinner",
            daemon=True,
        )
        self.exitcode: int | None = None

    def start(self) -> None:
        """Start the child and wait for its first frame.

        Raises:
            TimeoutExpired: No first frame within ``start_timeout``; the child is stopped.
            SpeedlabError: The child ended before drawing.
        """
        if self._stream is not None:
            self._stream.flush()  # a forked child would write our buffered text a second time
        self._process.start()
        assert self._writer is not None
        self._writer.close()  # only the child writes now: its exit reads as EOF here
        self._writer = None
        if not self._reader.poll(self._start_timeout):
            raise TimeoutExpired(
                f"the spinner process did not start within {self._start_timeout:g} s"
            )
        try:
            self._reader.recv()
        except EOFError:
            raise SpeedlabError("the spinner process ended before drawing") from None

    def close(self) -> None:
        """Set the stop event, collect the child's frame record and join it; idempotent.

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
        if self._process.pid is not None and not multiprocessing.connection.wait(
            [self._process.sentinel], 0
        ):  # the sentinel is readable once the child is dead, whoever reaped it
            self._stop.set()
        try:
            if self._process.pid is not None and self._reader.poll(STOP_TIMEOUT):
                self._take_report()
            self._process.join(STOP_TIMEOUT)
        finally:
            if self._process.is_alive():
                self._process.kill()  # it ignores SIGTERM
            if self._process.pid is not None:
                self._process.join()
                self.exitcode = self._process.exitcode
            self._reader.close()
            if self._writer is not None:
                self._writer.close()

    def _take_report(self) -> None:
        try:
            while True:  # skip a "ready" that start() never read (it was interrupted)
                message = self._reader.recv()
                if message[0] == "done":
                    break
        except EOFError:  # the child died without a report: frame_times will say so
            return
        _, frame_times, cleared_at = message
        self._frame_times, self._cleared_at = tuple(frame_times), float(cleared_at)
