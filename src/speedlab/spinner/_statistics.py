"""What a spinner run measured: when each frame came, and what the work did meanwhile.

The record is the raw frame times (seconds from the start of the run), so that a report can
plot every gap; frames, achieved FPS and the longest gap are derived from them, the same way
for every model. That makes the lecture's question, "what happens if the slow function is
``is_prime``?", a number: the inline asyncio spinner's longest gap is the whole computation.

    >>> stats = SpinnerStatistics(
    ...     model="threads", how="...", work="sleep(1 s)", result=1337, target_fps=5.0,
    ...     frame_times=(0.0, 0.2, 0.4, 0.6, 0.8), work_started=0.0, work_ended=1.0,
    ...     stopped=1.0, drawn=False)
    >>> stats.frames, stats.achieved_fps, round(stats.longest_gap, 2)
    (5, 5.0, 0.2)
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["SpinnerStatistics"]


@dataclass(frozen=True)
class SpinnerStatistics:
    """One spinner run: the frames, against the target, and the work's result and timing.

    Every time is in seconds from the start of the run (when the spinner was asked to start),
    by the run's clock.

    Attributes:
        model: ``"asyncio"``, ``"threads"`` or ``"processes"``.
        how: How the work and the spinner ran, in words (e.g. "is_prime inline in the event loop").
        work: What the work was, e.g. ``"is_prime(2000000000000021)"``.
        result: What the work returned (``is_prime``'s answer; the lecture's 1337 for sleep).
        target_fps: The frames per second asked for.
        frame_times: When each frame was drawn (or, when not drawn, would have been).
        work_started: When the work began.
        work_ended: When the work returned.
        stopped: When the spinner stopped and its line was cleared.
        drawn: Whether frames were written (False when the output is not a terminal).
        fixed: True for the asyncio model run the right way (``--fix``).
    """

    model: str
    how: str
    work: str
    result: int
    target_fps: float
    frame_times: tuple[float, ...]
    work_started: float
    work_ended: float
    stopped: float
    drawn: bool
    fixed: bool = False

    @property
    def name(self) -> str:
        """The model, with "fixed" when it is the asyncio program done right."""
        return f"{self.model} (fixed)" if self.fixed else self.model

    @property
    def frames(self) -> int:
        """How many frames were drawn."""
        return len(self.frame_times)

    @property
    def duration(self) -> float:
        """Seconds from the start to the cleared line."""
        return self.stopped

    @property
    def achieved_fps(self) -> float:
        """Frames per second over the whole run (0 for a run of no duration)."""
        return self.frames / self.duration if self.duration > 0 else 0.0

    @property
    def fps_ratio(self) -> float:
        """Achieved FPS as a fraction of the target (1.0: on target)."""
        return self.achieved_fps / self.target_fps

    @property
    def gaps(self) -> tuple[float, ...]:
        """Seconds between successive screen updates: start, every frame, the clearing.

        The first gap is the start-up (a child process must start before it draws), the last
        is the time the last frame stayed on screen: a frozen spinner shows there.
        """
        marks = (0.0, *self.frame_times, self.stopped)
        return tuple(b - a for a, b in itertools.pairwise(marks))

    @property
    def longest_gap(self) -> float:
        """The longest time the line went without a new frame."""
        return max(self.gaps)

    @property
    def startup(self) -> float:
        """Seconds from the start to the first frame (the whole run when none was drawn)."""
        return self.frame_times[0] if self.frame_times else self.stopped

    @property
    def work_seconds(self) -> float:
        """How long the work took."""
        return self.work_ended - self.work_started

    @property
    def frames_during_work(self) -> int:
        """Frames drawn while the work ran (the ones that show the spinner kept going)."""
        first = bisect.bisect_left(self.frame_times, self.work_started)
        after = bisect.bisect_right(self.frame_times, self.work_ended)
        return after - first

    def summary(self) -> str:
        """One line: frames, FPS against the target, the longest gap, the work's result."""
        return (
            f"{self.name}: {self.frames} frame{'' if self.frames == 1 else 's'} "
            f"in {self.duration:.1f} s "
            f"({self.achieved_fps:.1f} fps of {self.target_fps:g}), "
            f"longest gap {self.longest_gap:.2f} s; "
            f"{self.work} = {self.result} in {self.work_seconds:.2f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        """The record and the derived figures, as plain JSON-ready values."""
        record = asdict(self)
        record["frame_times"] = list(self.frame_times)
        record.update(
            name=self.name,
            frames=self.frames,
            duration=self.duration,
            achieved_fps=self.achieved_fps,
            fps_ratio=self.fps_ratio,
            gaps=list(self.gaps),
            longest_gap=self.longest_gap,
            startup=self.startup,
            work_seconds=self.work_seconds,
            frames_during_work=self.frames_during_work,
        )
        return record
