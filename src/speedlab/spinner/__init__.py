"""The lecture's loading spinner in asyncio, threads and processes, with frame statistics.

While a slow function runs, a face turns on one line: "(⊙﹏⊙) loading...", "(Ф﹏Ф) loading...",
five times a second. The lecture writes it three ways (a task cancelled when the work ends; a
thread and a process stopped by an ``Event``) and asks what happens when the slow function is
``is_prime``. :func:`run_spinner` runs any of them and measures the answer:

    >>> from speedlab.spinner import Work, run_spinner
    >>> stats = run_spinner("asyncio", Work.prime())          # frozen: 1 frame, gap ~1 s
    >>> stats = run_spinner("asyncio", Work.prime(), fix=True)  # process pool: keeps turning
    >>> print(stats.summary())                                 # doctest: +SKIP

The pieces, one concept a module: :class:`Spinner` (frames, pacing, the record, the
clean-up), :class:`SpinnerThread` and :class:`SpinnerProcess` (a spinner beside the work),
the asyncio model (:func:`run_asyncio`), :class:`Work` (sleep or ``is_prime``), and
:class:`SpinnerStatistics` (frames, FPS, gaps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from speedlab._lazy import lazy_exports

if TYPE_CHECKING:
    from speedlab.spinner._asyncio import (
        run_asyncio,
    )
    from speedlab.spinner._beside import (
        START_TIMEOUT,
        STOP_TIMEOUT,
        SpinnerProcess,
        SpinnerThread,
    )
    from speedlab.spinner._children import (
        START_METHOD,
    )
    from speedlab.spinner._frames import (
        DEFAULT_FPS,
        LECTURE_FRAMES,
        LECTURE_MESSAGE,
        MAX_FPS,
        Clock,
        Spinner,
        Stopper,
        spin_async,
        spin_until,
    )
    from speedlab.spinner._run import (
        MODEL_NAMES,
        ModelName,
        describe,
        run_spinner,
    )
    from speedlab.spinner._signals import (
        Terminated,
        interrupts_raise,
    )
    from speedlab.spinner._statistics import (
        SpinnerStatistics,
    )
    from speedlab.spinner._work import (
        DEFAULT_PRIME,
        DEFAULT_SLEEP_SECONDS,
        LECTURE_RESULT,
        MAX_NUMBER,
        MAX_SECONDS,
        WORK_KINDS,
        Work,
        WorkKind,
    )

# Each public name and the module that defines it, imported on first use (``speedlab --help``
# must not pay for what only a command's run needs).
_EXPORTS = {
    "run_asyncio": "speedlab.spinner._asyncio",
    "START_TIMEOUT": "speedlab.spinner._beside",
    "STOP_TIMEOUT": "speedlab.spinner._beside",
    "SpinnerProcess": "speedlab.spinner._beside",
    "SpinnerThread": "speedlab.spinner._beside",
    "START_METHOD": "speedlab.spinner._children",
    "DEFAULT_FPS": "speedlab.spinner._frames",
    "LECTURE_FRAMES": "speedlab.spinner._frames",
    "LECTURE_MESSAGE": "speedlab.spinner._frames",
    "Clock": "speedlab.spinner._frames",
    "Spinner": "speedlab.spinner._frames",
    "Stopper": "speedlab.spinner._frames",
    "spin_async": "speedlab.spinner._frames",
    "spin_until": "speedlab.spinner._frames",
    "MAX_FPS": "speedlab.spinner._frames",
    "MODEL_NAMES": "speedlab.spinner._work",
    "ModelName": "speedlab.spinner._work",
    "describe": "speedlab.spinner._run",
    "run_spinner": "speedlab.spinner._run",
    "Terminated": "speedlab.spinner._signals",
    "interrupts_raise": "speedlab.spinner._signals",
    "SpinnerStatistics": "speedlab.spinner._statistics",
    "DEFAULT_PRIME": "speedlab.spinner._work",
    "DEFAULT_SLEEP_SECONDS": "speedlab.spinner._work",
    "LECTURE_RESULT": "speedlab.spinner._work",
    "MAX_NUMBER": "speedlab.spinner._work",
    "MAX_SECONDS": "speedlab.spinner._work",
    "WORK_KINDS": "speedlab.spinner._work",
    "Work": "speedlab.spinner._work",
    "WorkKind": "speedlab.spinner._work",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "DEFAULT_FPS",
    "DEFAULT_PRIME",
    "DEFAULT_SLEEP_SECONDS",
    "LECTURE_FRAMES",
    "LECTURE_MESSAGE",
    "LECTURE_RESULT",
    "MAX_FPS",
    "MAX_NUMBER",
    "MAX_SECONDS",
    "MODEL_NAMES",
    "START_METHOD",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "WORK_KINDS",
    "Clock",
    "ModelName",
    "Spinner",
    "SpinnerProcess",
    "SpinnerStatistics",
    "SpinnerThread",
    "Stopper",
    "Terminated",
    "Work",
    "WorkKind",
    "describe",
    "interrupts_raise",
    "run_asyncio",
    "run_spinner",
    "spin_async",
    "spin_until",
]
