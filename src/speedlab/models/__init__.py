"""Concurrency models: run any job's units one way or another, and measure it the same way.

Every model has one signature, ``run(job, *, concurrency=None, on_event=None, stop=None) ->
RunResult`` (the asyncio model also takes ``loop="uvloop"``, see ``ModelSpec.loops``);
``run_model(name, job)`` picks one by name from the registry, ``MODELS``, and
``models_for("io")`` / ``models_for("cpu")`` say which are offered for which kind of job. Two
families share the work: executor models (threads, processes, dask) over a
``concurrent.futures.Executor``, and async models (asyncio, handmade, asyncio-processes) over
an event loop's primitives; both drive a unit's generator with one of two drivers.

    >>> from speedlab.jobs.sleep import SleepJob
    >>> from speedlab.models import run_model
    >>> result = run_model("threads", SleepJob(count=4, seconds=0.01), concurrency=4)
    >>> result.done, result.failures, result.model
    (4, 0, 'threads')
"""

from __future__ import annotations

from speedlab.models._events import (
    EventHandler,
    RunEvent,
    RunStarted,
    UnitFinished,
    UnitStarted,
    UnitWaiting,
)
from speedlab.models._registry import (
    DEFAULT_LOOP,
    MODEL_NAMES,
    MODELS,
    WORKLOADS,
    Model,
    ModelSpec,
    Workload,
    models_for,
    run_model,
)
from speedlab.models._result import RunInterrupted, RunOutOfMemory, RunResult, UnitRecord
from speedlab.models._stop import StopSignal

__all__ = [
    "DEFAULT_LOOP",
    "MODELS",
    "MODEL_NAMES",
    "WORKLOADS",
    "EventHandler",
    "Model",
    "ModelSpec",
    "RunEvent",
    "RunInterrupted",
    "RunOutOfMemory",
    "RunResult",
    "RunStarted",
    "StopSignal",
    "UnitFinished",
    "UnitRecord",
    "UnitStarted",
    "UnitWaiting",
    "Workload",
    "models_for",
    "run_model",
]
