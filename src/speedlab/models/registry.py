"""Find a model by name: the one table the CLI, the benchmark and the demo share.

>>> from speedlab.jobs.sleep import SleepJob
>>> from speedlab.models import MODELS, run_model
>>> sorted(MODELS)
['asyncio', 'processes', 'sequential', 'threads']
>>> run_model("asyncio", SleepJob(count=2, seconds=0)).done
2
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from speedlab._exceptions import UsageError
from speedlab.jobs.base import Job
from speedlab.models import aio, processes, sequential, threads
from speedlab.models.events import EventHandler
from speedlab.models.result import RunResult

__all__ = ["MODELS", "MODEL_NAMES", "Model", "run_model"]


class Model(Protocol):
    """What every model's ``run`` looks like."""

    def __call__(
        self,
        job: Job,
        *,
        concurrency: int | None = None,
        on_event: EventHandler | None = None,
        stop: threading.Event | None = None,
    ) -> RunResult:
        """Run every unit of ``job`` and return the RunResult."""
        ...


#: The models that exist, by name, in the order a report shows them.
MODELS: Mapping[str, Model] = MappingProxyType(
    {
        sequential.NAME: sequential.run,
        threads.NAME: threads.run,
        processes.NAME: processes.run,
        aio.NAME: aio.run,
    }
)

#: Every name the command line accepts, including models still to be built.
MODEL_NAMES: tuple[str, ...] = (*MODELS, "handmade")

_NOT_BUILT = {"handmade": "the handmade model is not built yet"}


def run_model(
    name: str,
    job: Job,
    *,
    concurrency: int | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Run ``job`` under the model called ``name``.

    Args:
        name: One of ``MODEL_NAMES``.
        job: The job to run.
        concurrency: How many units at once (None: the model's default).
        on_event: Called on this thread with every RunEvent.
        stop: Set it to stop the run early (the result is then ``interrupted``).

    Returns:
        The run's RunResult.

    Raises:
        UsageError: Unknown or not yet built model, or a bad ``concurrency``.
        RunInterrupted: Ctrl-C stopped the run (it carries the partial result).
    """
    if name in _NOT_BUILT:
        raise UsageError(_NOT_BUILT[name])
    model = MODELS.get(name)
    if model is None:
        raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}")
    return model(job, concurrency=concurrency, on_event=on_event, stop=stop)
