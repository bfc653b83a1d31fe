"""Concurrency models: run any job's units one way or another, and measure it the same way.

``sequential``, ``threads``, ``processes`` and ``asyncio`` (module ``aio``) share one signature,
``run(job, *, concurrency=None, on_event=None, stop=None) -> RunResult``; ``run_model(name, job)``
picks one by name.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import run_model
    >>> result = run_model("threads", SleepJob(count=4, seconds=0.01), concurrency=4)
    >>> result.done, result.failures, result.model
    (4, 0, 'threads')
"""

from __future__ import annotations

from speedlab.models.events import (
    EventHandler,
    RunEvent,
    RunStarted,
    UnitFinished,
    UnitStarted,
    UnitWaiting,
)
from speedlab.models.registry import MODEL_NAMES, MODELS, Model, run_model
from speedlab.models.result import RunInterrupted, RunResult, UnitRecord

__all__ = [
    "MODELS",
    "MODEL_NAMES",
    "EventHandler",
    "Model",
    "RunEvent",
    "RunInterrupted",
    "RunResult",
    "RunStarted",
    "UnitFinished",
    "UnitRecord",
    "UnitStarted",
    "UnitWaiting",
    "run_model",
]
