"""One spinner run under a model, measured: the library call behind ``speedlab spin``.

    >>> stats = run_spinner("threads", Work.prime(), draw=False)
    >>> stats.frames_during_work >= 4, stats.result
    (True, True)

Every model runs the same :class:`Work` and the same :class:`Spinner`; they differ only in
where the work runs and how the spinner waits and is stopped, so their statistics compare
like with like. Signals are made to raise at once for the run (:mod:`._signals`), so Ctrl-C
and SIGTERM stop the work and the spinner in every model.
"""

from __future__ import annotations

import math
import os
import sys
import time
import unicodedata
from collections.abc import Sequence
from typing import Final, TextIO

from speedlab._exceptions import SpeedlabError, UsageError
from speedlab.spinner._asyncio import run_asyncio
from speedlab.spinner._beside import SpinnerProcess, SpinnerThread
from speedlab.spinner._frames import (
    DEFAULT_FPS,
    LECTURE_FRAMES,
    LECTURE_MESSAGE,
    MAX_FPS,
    Clock,
    Spinner,
)
from speedlab.spinner._signals import interrupts_raise
from speedlab.spinner._statistics import SpinnerStatistics
from speedlab.spinner._work import MODEL_NAMES, ModelName, Work

__all__ = ["MAX_FPS", "MODEL_NAMES", "ModelName", "describe", "run_spinner"]


#: The models, in the lecture's order.

_BESIDE: Final[dict[str, type[SpinnerThread | SpinnerProcess]]] = {
    "threads": SpinnerThread,
    "processes": SpinnerProcess,
}


def describe(model: ModelName, work: Work, *, fix: bool = False) -> str:
    """Say in words where the work runs and where the spinner runs, under ``model``."""
    if model == "threads":
        return "work in the main thread, spinner in a thread (threading.Event)"
    if model == "processes":
        return "work in the main process, spinner in a child process (multiprocessing.Event)"
    if work.kind == "sleep":
        where = "a blocking sleep in asyncio.to_thread" if fix else "awaits asyncio.sleep"
    else:
        where = (
            "is_prime in a process pool (run_in_executor)"
            if fix
            else "is_prime inline in the event loop"
        )
    return f"{where}, spinner as a task"


def _check(model: str, fps: float, message: str, fix: bool) -> None:
    if model not in MODEL_NAMES:
        raise UsageError(f"unknown model {model!r}; choose one of {', '.join(MODEL_NAMES)}")
    if not (math.isfinite(fps) and 0 < fps <= MAX_FPS):
        raise UsageError(f"--fps must be above 0 and at most {MAX_FPS:g}, got {fps}")
    if any(unicodedata.category(char).startswith("C") for char in message):
        raise UsageError("--message must be printable text on one line (no control characters)")
    if fix and model != "asyncio":
        raise UsageError(
            "--fix applies to the asyncio model only: threads and processes already keep the "
            "work off the spinner's way"
        )


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def _columns(stream: TextIO) -> int | None:
    """The terminal's width, or None when unknown (a new pseudo-terminal says 0 columns)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return None
    return columns if columns > 0 else None


def run_spinner(
    model: ModelName,
    work: Work | None = None,
    *,
    fix: bool = False,
    fps: float = DEFAULT_FPS,
    message: str = LECTURE_MESSAGE,
    frames: Sequence[str] = LECTURE_FRAMES,
    stream: TextIO | None = None,
    draw: bool | None = None,
    clock: Clock = time.monotonic,
) -> SpinnerStatistics:
    """Run ``work`` with a spinner beside it under ``model``; return what the spinner did.

    The spinner's line is cleared on every path. Ctrl-C raises ``KeyboardInterrupt`` and
    SIGTERM :class:`~speedlab.spinner.Terminated` at once, after the work and the spinner have
    stopped and every thread and child process has been joined.

    Args:
        model: ``"asyncio"``, ``"threads"`` or ``"processes"``.
        work: The slow function (default: the lecture's sleep, ``Work.sleep()``).
        fix: asyncio only: run the work off the loop (``to_thread`` or a process pool).
        fps: Frames per second to aim at.
        message: Text after the face (one printable line).
        frames: The faces, drawn in turn.
        stream: Where to draw (default ``sys.stdout``).
        draw: Whether to draw frames (default: only when ``stream`` is a terminal); frames
            are counted either way.
        clock: Time source of every figure; for ``processes``, system-wide and picklable.

    Returns:
        The frame times, the work's result and timing, as :class:`SpinnerStatistics`.

    Raises:
        UsageError: An unknown model, a bad fps or message, or ``fix`` with another model.
        SpeedlabError: The spinner process died without reporting its frames.
        KeyboardInterrupt: Ctrl-C (or :class:`Terminated`: SIGTERM).

    Example:
        >>> run_spinner("asyncio", Work.prime()).summary()   # doctest: +SKIP
        'asyncio: 1 frame in 1.0 s (1.0 fps of 5), longest gap 0.97 s; is_prime(...) = True ...'
    """
    _check(model, fps, message, fix)
    work = Work.sleep() if work is None else work
    out = sys.stdout if stream is None else stream
    drawing = _is_terminal(out) if draw is None else draw
    target = out if drawing else None
    width = _columns(out) if drawing else None
    spinner = Spinner(message, fps=fps, frames=frames, stream=target, width=width, clock=clock)
    with interrupts_raise():
        start = clock()
        if model == "asyncio":
            result, began, ended = run_asyncio(work, spinner=spinner, fixed=fix, clock=clock)
        else:
            with _BESIDE[model](spinner) as beside:
                began = clock()
                result = work.run()
                ended = clock()
            if isinstance(beside, SpinnerProcess) and not beside.reported:
                raise SpeedlabError(
                    f"the spinner process ended without its frame record "
                    f"(exit code {beside.exitcode})"
                )
    assert spinner.cleared_at is not None  # every path above closes the spinner
    return SpinnerStatistics(
        model=model,
        how=describe(model, work, fix=fix),
        work=work.label,
        result=result,
        target_fps=fps,
        frame_times=tuple(t - start for t in spinner.frame_times),
        work_started=began - start,
        work_ended=ended - start,
        stopped=spinner.cleared_at - start,
        drawn=drawing,
        fixed=fix,
    )
