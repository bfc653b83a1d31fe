"""The spinner itself: which frame to draw when, a record of when each was drawn, the clean-up.

A :class:`Spinner` never sleeps and never decides when to stop: each model's loop calls
:meth:`Spinner.draw`, which draws the next frame and answers how long to wait for the one after,
and the loop waits its own way (``Event.wait`` in a thread or a child process, ``asyncio.sleep``
in a task). So pacing, the frame record and the line clean-up are written once and tested with
an injected clock, and the three models differ only in how they wait and how they are stopped,
which is the lecture's point.

    >>> import io
    >>> out = io.StringIO()
    >>> with Spinner("loading...", stream=out, clock=lambda: 0.0) as spinner:
    ...     spinner.draw()
    0.2
    >>> out.getvalue()
    '\\r(⊙﹏⊙) loading...\\r                 \\r'
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Final, Protocol, TextIO

from rich.cells import cell_len, set_cell_size

__all__ = [
    "DEFAULT_FPS",
    "LECTURE_FRAMES",
    "LECTURE_MESSAGE",
    "MAX_FPS",
    "Clock",
    "Spinner",
    "Stopper",
    "spin_async",
    "spin_until",
]

# The lecture's two faces, drawn in turn.
LECTURE_FRAMES: Final = ("(⊙﹏⊙)", "(Ф﹏Ф)")

# The lecture's message after the face.
LECTURE_MESSAGE: Final = "loading..."

# The lecture's FPS = 5: a frame every 0.2 s, slow enough to read, fast enough to look alive.
DEFAULT_FPS: Final = 5.0

# Above ~60 fps a terminal shows no difference; 100 leaves room to measure a spinner's limits.
MAX_FPS: Final = 100.0

#: A clock: seconds as a float, never going back (``time.monotonic`` by default).
Clock = Callable[[], float]


class Stopper(Protocol):
    """What a blocking spinner loop waits on: ``threading.Event`` or ``multiprocessing.Event``."""

    def wait(self, timeout: float | None = None) -> bool: ...  # pragma: no cover


class Spinner:
    """Draw the lecture's frames on one line at a steady pace, and remember when each was drawn.

    Frames are paced against the clock, not by sleeping a fixed interval after each one, so
    the rate does not drift by the time it takes to draw. A frame that comes late by a whole
    interval or more (the loop was blocked) is not followed by a burst of catch-up frames:
    the pace starts again from the late frame, so the record shows the freeze as one long gap.

    Args:
        message: Text after the face.
        fps: Frames per second to aim at (> 0).
        frames: The faces, drawn in turn.
        stream: Where to draw; ``None`` counts frames without drawing anything (output that is
            not a terminal).
        width: Columns of the terminal: a longer line is cut so that ``\\r`` can still return
            to its start and the clean-up erase all of it. ``None``: never cut.
        clock: The time source of the record and of the pacing.
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
        if not fps > 0:
            raise ValueError(f"fps must be > 0, got {fps}")
        if not frames:
            raise ValueError("a spinner needs at least one frame")
        self.message = message
        self.fps = fps
        self._interval = 1.0 / fps
        self._faces = tuple(frames)
        self._stream = stream
        self._width = width
        self._clock = clock
        self._times: list[float] = []
        self._next_at: float | None = None
        self._drawn_cells = 0
        self.cleared_at: float | None = None

    def __getstate__(self) -> dict[str, object]:
        """Cross to a spawned process: a stream cannot, so such a copy draws on its stdout.

        (A forked child gets the object itself, stream included, without pickling.)
        """
        state = self.__dict__.copy()
        state["_stream"] = None
        state["_to_stdout"] = self._stream is not None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        to_stdout = state.pop("_to_stdout")
        self.__dict__.update(state)
        if to_stdout:
            self._stream = sys.stdout

    def adopt(self, frame_times: Sequence[float], cleared_at: float) -> None:
        """Take the record of a copy that ran elsewhere (a child process) as this one's own.

        Args:
            frame_times: When the copy drew each frame.
            cleared_at: When the copy cleared its line.
        """
        self._times = list(frame_times)
        self.cleared_at = cleared_at

    @property
    def frame_times(self) -> tuple[float, ...]:
        """When each frame was drawn, by the clock (counted even when nothing is drawn)."""
        return tuple(self._times)

    @property
    def closed(self) -> bool:
        """True once the line has been cleared; no frame is drawn after that."""
        return self.cleared_at is not None

    def draw(self) -> float:
        """Draw the next frame now; return the seconds to wait before drawing the next one."""
        if self.closed:
            raise RuntimeError("the spinner was closed")
        now = self._clock()
        face = self._faces[len(self._times) % len(self._faces)]  # in turn, from the first
        line = f"{face} {self.message}"
        if self._stream is not None:
            if self._width is not None and cell_len(line) >= self._width:
                line = set_cell_size(line, max(self._width - 1, 1))
            self._stream.write(f"\r{line}")
            self._stream.flush()
            self._drawn_cells = max(self._drawn_cells, cell_len(line))
        self._times.append(now)
        due = (now if self._next_at is None else self._next_at) + self._interval
        if due <= now:  # late by a whole interval: start the pace again, no catch-up burst
            due = now + self._interval
        self._next_at = due
        return max(0.0, due - self._clock())

    def flush(self) -> None:
        """Flush the stream, if any (before a child process inherits it)."""
        if self._stream is not None:
            self._stream.flush()

    def close(self) -> None:
        """Erase the line and record when; idempotent, so every exit path may call it."""
        if self.closed:
            return
        self.cleared_at = self._clock()
        if self._stream is not None and self._drawn_cells:
            self._stream.write(f"\r{' ' * self._drawn_cells}\r")
            self._stream.flush()

    def __enter__(self) -> Spinner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def spin_until(
    spinner: Spinner, stop: Stopper, *, on_first_frame: Callable[[], object] | None = None
) -> None:
    """Draw frames until ``stop`` is set, then clear the line: the thread's and process's loop.

    The loop blocks in ``stop.wait(delay)``, so setting the event wakes it at once, between
    frames or not (the lecture's way to stop a thread).

    Args:
        spinner: What to draw.
        stop: The event that ends the loop.
        on_first_frame: Called once, right after the first frame (a "started" signal).
    """
    with spinner:
        delay = spinner.draw()
        if on_first_frame is not None:
            on_first_frame()
        while not stop.wait(delay):
            delay = spinner.draw()


async def spin_async(
    spinner: Spinner, *, sleep: Callable[[float], Awaitable[object]] | None = None
) -> None:
    """Draw frames until cancelled, then clear the line: the lecture's ``print_load`` task.

    Unlike the lecture's version, the cancellation is not swallowed: the line is cleared in
    ``finally`` and ``CancelledError`` goes on, so the task ends as cancelled.

    Args:
        spinner: What to draw.
        sleep: How to wait between frames (``asyncio.sleep``; injected by tests).
    """
    if sleep is None:
        import asyncio  # here, not at the top: `speedlab spin --help` must not pay for it

        sleep = asyncio.sleep
    with spinner:
        while True:
            await sleep(spinner.draw())
